"""EL211-EL213: virtualenvs that a Dockerfile creates, moves between stages, or forgets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint.artifacts import has_dockerfiles
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

if TYPE_CHECKING:
    from envlint.dockerstage import StageView

MSG_RELOCATED = (
    "`COPY --from={stage}` puts the venv created at `{made}` (line {line}) at `{placed}`: "
    "`bin/activate` and every console script's shebang still point at `{made}`"
)
HELP_RELOCATED = (
    "Copy it to the path where it was created (`COPY --from={stage} {made} {made}`) or "
    'create it where it will run. Console scripts such as `gunicorn` fail with "bad '
    'interpreter" while `{placed}/bin/python -m gunicorn` still works, which hides the '
    "problem; `uv venv --relocatable` makes a venv that can move."
)
MSG_INTERPRETER = (
    "`COPY --from={stage}` brings the venv `{venv}` made with {made} (line {line}) into a "
    "stage whose image runs {runs}: they differ in {what}"
)
HELP_INTERPRETER = (
    "The venv's `bin/python` links to the interpreter that made it, its packages sit under "
    "`lib/python{minor}/site-packages` and its compiled wheels target that interpreter and "
    "libc. Build both stages on the same Python (same X.Y, implementation and libc), or "
    "copy the interpreter along as uv's standalone example does."
)
MSG_UNUSED = (
    "`{pip}` installs into the system Python, not into the venv `{venv}` created at line "
    "{line}: nothing in the stage uses that venv, so it stays empty"
)
HELP_UNUSED = (
    'Put the venv first on PATH before installing (`ENV PATH="{venv}/bin:$PATH"`) or run '
    "`{venv}/bin/pip install …`; if the system install is deliberate, drop the venv."
)


# `uv sync` and `poetry install` fill the venv they create: it does not stay empty.
FILLED_BY_CREATOR = frozenset({"uv sync", "poetry"})


def _dockerfiles(project: Project) -> Iterator[tuple[str, list[StageView], frozenset[str]]]:
    """Each Dockerfile once per distinct set of named contexts its builds declare."""
    from envlint.dockerctx import builds
    from envlint.dockerinfo import build_views

    seen: set[tuple[str, frozenset[str]]] = set()
    for build in builds(project):
        key = (build.dockerfile, build.named_contexts)
        if key not in seen:
            seen.add(key)
            yield build.dockerfile, build_views(project, build), build.named_contexts


@rule(code="EL211", name="venv-relocated", severity=Severity.ERROR)
def venv_relocated(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a `COPY --from=<stage>` that puts a virtualenv the source stage created (or a
    stage it is built from created) at a different path than where it was created, either
    directly (`COPY --from=builder /opt/venv /venv`) or inside a copied parent directory
    (`COPY --from=builder /app /srv` moves `/app/.venv` to `/srv/.venv`).

    ## Why is this bad?
    A venv records the absolute path where it was made: `bin/activate` sets `VIRTUAL_ENV`
    to it and every console script's shebang names `<path>/bin/python`. Moved, `gunicorn`
    and friends fail with "no such file or directory" or "bad interpreter", while
    `<new path>/bin/python -m gunicorn` still works, which makes the error surprising.
    Remember that COPY copies a directory's contents: `COPY --from=b /opt/venv /opt/`
    puts `bin/` straight into `/opt`.

    ## Example
    ```dockerfile
    FROM python:3.12 AS builder
    RUN python -m venv /app/.venv && /app/.venv/bin/pip install gunicorn
    FROM python:3.12-slim
    COPY --from=builder /app/.venv /venv
    CMD ["/venv/bin/gunicorn", "app:app"]
    ```
    Use instead:
    ```dockerfile
    COPY --from=builder /app/.venv /app/.venv
    CMD ["/app/.venv/bin/gunicorn", "app:app"]
    ```

    ## How to fix
    Copy the venv to the same path in the final stage, or create it at the path where it
    will run. uv can create a movable venv with `uv venv --relocatable`.

    ## Configuration
    None. Silent for `uv venv --relocatable`, `UV_VENV_RELOCATABLE` and uv's preview
    `relocatable-envs-default`, for `pip --prefix`/`--target`/`--user` trees (not venvs),
    for `--from` an image or a named context, and when a path is unknown.

    ## Derived from
    The comparison's "Portability": a virtualenv is bound to the path where it was made.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockerflow import placements

    for path, views, named in _dockerfiles(project):
        for placed in placements(views, named):
            made = placed.origin.made
            if placed.path in (made.path, placed.was) or made.relocatable:
                continue  # in place, or already moved (reported where that copy is)
            stage = placed.step.instruction.flag("from") or ""
            yield Hit(
                path,
                placed.step.instruction.start_line,
                MSG_RELOCATED.format(
                    stage=stage, made=made.path, line=made.line, placed=placed.path
                ),
                HELP_RELOCATED.format(stage=stage, made=made.path, placed=placed.path),
            )


@rule(code="EL212", name="venv-copied-across-interpreters", severity=Severity.ERROR)
def venv_copied_across_interpreters(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a virtualenv that one stage creates and a `COPY --from` brings into a stage
    whose Python differs from the one that made it: another minor version, another
    implementation (CPython, PyPy, free-threaded `t`) or another libc (glibc, musl). The
    creating Python is the one the command names (`uv venv --python 3.11`,
    `virtualenv -p python3.11`, `python3.11 -m venv`, `UV_PYTHON`), else the stage's
    base-image Python; the receiving one is the target stage's base-image Python.

    ## Why is this bad?
    The venv's `bin/python` is a link to the interpreter that made it, its packages live
    under `lib/pythonX.Y/site-packages`, and compiled wheels target that interpreter's ABI
    and libc. In an image with another Python the link dangles or the imports fail.

    ## Example
    ```dockerfile
    FROM python:3.12 AS builder
    RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt
    FROM python:3.11-slim
    COPY --from=builder /opt/venv /opt/venv
    ```
    Use instead:
    ```dockerfile
    FROM python:3.12-slim
    COPY --from=builder /opt/venv /opt/venv
    ```

    ## How to fix
    Build both stages on the same Python (`python:3.12` and `python:3.12-slim`, not
    `python:3.12-alpine`), or copy the interpreter along with the venv as in uv's
    standalone example (`COPY --from=builder /python /python`).

    ## Configuration
    None. Silent when either Python is unknown (`python:3`, `debian:bookworm-slim`, a
    `python3 -m venv` on an unknown image, a uv venv made where uv may download the Python
    a copied `.python-version` asks for) and when the target stage copies an interpreter
    from elsewhere.

    ## Derived from
    The comparison's "Portability": a virtualenv is bound to the interpreter and platform
    where it was made.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockerflow import placements
    from envlint.dockerpython import copies_interpreter, creating, differences, of_image

    for path, views, named in _dockerfiles(project):
        for placed in placements(views, named):
            made_with = creating(placed.origin)
            runs = of_image(placed.target.python)
            if made_with is None or runs is None:
                continue
            what = differences(made_with, runs)
            if not what or copies_interpreter(placed.target, placed.origin):
                continue
            minor = "{}.{}".format(*made_with.minor) if made_with.minor else "X.Y"
            yield Hit(
                path,
                placed.step.instruction.start_line,
                MSG_INTERPRETER.format(
                    stage=placed.step.instruction.flag("from") or "",
                    venv=placed.path,
                    made=made_with.describe(),
                    line=placed.origin.made.line,
                    runs=runs.describe(),
                    what=" and ".join(what),
                ),
                HELP_INTERPRETER.format(minor=minor),
            )


@rule(code="EL213", name="venv-created-but-unused", severity=Severity.WARNING)
def venv_created_but_unused(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a RUN that runs a bare `pip`/`pip3`/`python -m pip` install (no `--python`,
    `--target`, `--prefix`, `--user` or `--root`) after the same stage created a venv that
    nothing uses: no `P/bin/…` call, no ENV naming it (`VIRTUAL_ENV`, `PATH`), no
    activation, no `COPY --from` of it by a later stage. The finding is at the install.

    ## Why is this bad?
    Creating a venv does not activate it, and activation in one RUN dies with that RUN.
    The bare `pip` is the system interpreter's: the packages land in the system
    site-packages and the venv stays empty, so whatever later runs from it lacks them.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN python -m venv /opt/venv
    RUN pip install -r requirements.txt
    ```
    Use instead:
    ```dockerfile
    FROM python:3.12-slim
    RUN python -m venv /opt/venv
    ENV PATH="/opt/venv/bin:$PATH"
    RUN pip install -r requirements.txt
    ```

    ## How to fix
    Put the venv's `bin` first on `PATH` with ENV before installing, or call its pip by
    path; if the system install is what you want, delete the venv's creation.

    ## Configuration
    None. Silent for a venv that `uv sync` or `poetry install` created (they fill it),
    a venv used by path (a tool venv such as `/opt/poetry/bin/poetry`
    beside a deliberate system install), `PIP_PYTHON`, a SHELL or `BASH_ENV` that sources
    the venv's `bin/activate`, and `uv pip install` (which finds `.venv` by itself).

    ## Derived from
    The comparison's "Isolation": a venv isolates only what is installed into it.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockerinfo import venvs_made
    from envlint.dockeruse import bare_installs, used
    from envlint.parsers.shell_options import basename

    for path, views, named in _dockerfiles(project):
        for view in views:
            for made in venvs_made(view):
                if made.path == "/" or made.tool in FILLED_BY_CREATOR:
                    continue
                installs = list(bare_installs(view, made))
                if not installs or used(views, view, made, named):
                    continue
                for step, pip in installs:
                    program = basename(pip.executable)
                    if pip.interpreter:
                        program = f"{basename(pip.interpreter)} -m pip"
                    yield Hit(
                        path,
                        step.instruction.start_line,
                        MSG_UNUSED.format(pip=f"{program} install", venv=made.path, line=made.line),
                        HELP_UNUSED.format(venv=made.path),
                    )
