"""EL2xx: what a Dockerfile takes from its build context, and the base images it names."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint import dockerctx
from envlint.artifacts import has_dockerfiles
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule
from envlint.rules.venv import build_artifacts_committed

if TYPE_CHECKING:
    from envlint.dockercopy import Context

MSG_VENV_IN_CONTEXT = "`{keyword} {source}` copies {kind} `{venv}/` from the build context{why}"
WHY_NO_IGNORE = " (the context `{context}` has no .dockerignore)"
WHY_NOT_EXCLUDED = ": `{ignore}` does not exclude it"
HELP_VENV_IN_CONTEXT = (
    "Add the line `{pattern}` to `{ignore}`: a host venv holds links to one machine's "
    "interpreter and wheels built for its platform; create the image's environment in a RUN."
)
MSG_HOST_VENV = "`{keyword} {source}` copies the host {kind} `{venv}/` into the image"
HELP_HOST_VENV = (
    "Install the dependencies in the image instead (`RUN python -m venv /opt/venv && "
    "/opt/venv/bin/pip install -r requirements.txt`), or copy a venv built in an earlier stage "
    "with `COPY --from=<stage>`; add `{pattern}` to `{ignore}`."
)
MSG_SOURCE_MISSING = "`{keyword}` source `{source}` does not exist in the build context `{context}`"
HELP_SOURCE_MISSING = (
    "COPY/ADD sources are relative to the build context (`{context}`), not to the Dockerfile: "
    "fix the path, or add the file to the repository."
)
MSG_SOURCE_EXCLUDED = (
    "`{keyword}` source `{source}` is excluded from the build context by `{ignore}` "
    'line {line} (`{pattern}`): the build fails with "not found"'
)
HELP_SOURCE_EXCLUDED = "Add the line `!{path}` to `{ignore}` after line {line}, or drop the COPY."
MSG_NO_TAG = "`FROM {written}`{resolved} has no tag: a build takes whatever `{name}:latest` is then"
MSG_LATEST = "`FROM {written}`{resolved} uses the moving tag `latest`"
RESOLVED = " (resolves to `{image}`)"
HELP_UNPINNED = (
    "Name a version tag (`{name}:<version>`), and for a reproducible build a digest too "
    "(`{name}:<version>@sha256:<digest>`)."
)
MSG_NO_IGNORE = (
    "`{keyword} {source}` copies the whole build context `{context}`, which has no "
    ".dockerignore{holds}"
)
HOLDS = ": it holds {items}"
ROOT_CONTEXT = ": the context is the repository root"
MISSPELT = "; `{name}` is not read: Docker reads only a file named exactly `.dockerignore`"
HELP_NO_IGNORE = "Create `{ignore}` holding {lines}, one pattern per line."
HELP_RENAME = "Rename `{misspelt}` to `{ignore}`, and make sure it holds {lines}."
MISPLACED = (
    "; `{name}` is not read: Docker reads `.dockerignore` at the context root, or "
    "`<Dockerfile>.dockerignore` beside `{dockerfile}`"
)
HELP_MOVE = "Move `{misplaced}` to `{ignore}` (or to `{own}`), and make sure it holds {lines}."


@rule(code="EL201", name="venv-in-build-context", severity=Severity.ERROR)
def venv_in_build_context(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a COPY/ADD whose source takes a virtual environment from the build context: the
    source is the context root (`.`, `./`, `/`), a directory holding the environment, or a
    wildcard matching it or a parent, and the context's ignore file does not exclude it.
    Environments count whether git tracks, leaves or ignores them: Docker does not read
    `.gitignore`. One finding per instruction and environment.

    ## Why is this bad?
    The host venv lands in the image. Its `bin/python` links to an interpreter of the
    developer's machine, its scripts' shebangs name the host path, and its compiled wheels
    target the host's OS and libc: at best dead weight, at worst it shadows the image's own
    environment (`COPY . /app` over an `/app/.venv` built earlier) with one that cannot run.

    ## Example
    ```
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    ```
    with a `.venv/` in the repository and no `.dockerignore`.
    Use instead: a `.dockerignore` holding `.venv`.

    ## How to fix
    Add the environment's path (relative to the context) to the `.dockerignore` Docker
    reads for this build, and create the image's environment with a RUN.

    ## Configuration
    Builds with an unknown context are skipped, as are `COPY --from`, sources holding a
    variable, and instructions with `--exclude`.

    ## Derived from
    The comparison's "Purpose and Functionality": an image packages declared inputs; a
    virtualenv isolates packages for one machine and does not travel.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockercopy import contexts, covers, sources, venv_kind, venvs_in

    for ctx in contexts(project):
        venvs = [(p, rel) for p, rel in venvs_in(project, ctx) if not ctx.excluded(rel, True)]
        if not venvs:
            continue
        seen: set[tuple[int, str]] = set()
        for source in sources(ctx.parsed):
            instr = source.instruction
            for path, rel in venvs:
                if (instr.start_line, path) in seen or not covers(source, rel):
                    continue
                seen.add((instr.start_line, path))
                why = (
                    WHY_NOT_EXCLUDED.format(ignore=ctx.ignore_path)
                    if ctx.ignore_path
                    else WHY_NO_IGNORE.format(context=ctx.name)
                )
                yield Hit(
                    ctx.build.dockerfile,
                    instr.start_line,
                    MSG_VENV_IN_CONTEXT.format(
                        keyword=instr.keyword,
                        source=source.text,
                        kind=venv_kind(project, path),
                        venv=path,
                        why=why,
                    ),
                    HELP_VENV_IN_CONTEXT.format(pattern=rel, ignore=ctx.ignore_target),
                )


@rule(code="EL203", name="host-venv-copied", severity=Severity.ERROR)
def host_venv_copied(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a COPY/ADD whose source names a virtual environment directory of the build
    context itself (`COPY .venv /app/.venv`), recognised by EL101's markers on disk whether
    git tracks, leaves or ignores it.

    ## Why is this bad?
    A virtualenv cannot be moved to another machine, path or platform: `bin/python` links
    to the host's interpreter, console scripts' shebangs hold the host path, and compiled
    wheels were built for the host's OS, CPU and libc. In the image, `python` is a dangling
    link and every entry point fails with "bad interpreter".

    ## Example
    ```
    COPY .venv /app/.venv
    ENV PATH=/app/.venv/bin:$PATH
    ```
    Use instead:
    ```
    COPY requirements.txt .
    RUN python -m venv /app/.venv && /app/.venv/bin/pip install -r requirements.txt
    ```

    ## How to fix
    Build the environment inside the image (or in a builder stage and `COPY --from` it to
    the same path), and exclude the host venv in `.dockerignore`.

    ## Configuration
    `COPY --from=…` is never reported; nor is `COPY . …` (EL201's business), a lone
    `pyvenv.cfg`, or a dotenv file named `.env`. Builds with an unknown context are skipped.

    ## Derived from
    The comparison's "Purpose and Functionality": a virtualenv isolates packages on one
    machine; it is not a portable package the way an image is.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockercopy import clean, contexts, venv_kind, venvs_in

    for ctx in contexts(project):
        venvs = {rel: project.files.venvs[path] for path, rel in venvs_in(project, ctx)}
        if not venvs:
            continue
        for instr, text in dockerctx.literal_sources(ctx.parsed):
            rel = clean(text)
            # An environment the ignore file leaves out cannot be copied: EL204 reports that.
            if rel not in venvs or ctx.excluded(rel, True):
                continue
            yield Hit(
                ctx.build.dockerfile,
                instr.start_line,
                MSG_HOST_VENV.format(
                    keyword=instr.keyword,
                    source=text,
                    kind=venv_kind(project, venvs[rel].path),
                    venv=venvs[rel].path,
                ),
                HELP_HOST_VENV.format(pattern=rel, ignore=ctx.ignore_target),
            )


@rule(code="EL204", name="copy-source-missing", severity=Severity.ERROR)
def copy_source_missing(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a literal COPY/ADD source (no wildcard, variable, URL or heredoc, not
    `--from`) that matches nothing in the build context: the path does not exist there, or
    the context's ignore file excludes it (`COPY requirements.txt .` with `*.txt` in
    `.dockerignore`). The message names the ignore file and the line that excludes it.

    ## Why is this bad?
    The build fails with "failed to compute cache key: … not found". Sources are relative
    to the context, not to the Dockerfile, and the context is what is left after
    `.dockerignore`, so a file that is plainly in the repository can still be missing.

    ## Example
    `.dockerignore`:
    ```
    *.txt
    ```
    `Dockerfile`:
    ```
    COPY requirements.txt .
    ```
    Use instead: add `!requirements.txt` after the `*.txt` line.

    ## How to fix
    Correct the path relative to the context, or re-include the file in `.dockerignore`
    with a `!` line placed after the pattern that excludes it.

    ## Configuration
    A wildcard that matches nothing is allowed (BuildKit accepts `COPY poetry.lock* ./`),
    and so is a missing path that git ignores (a build artifact such as a wheel in `dist/`,
    made before `docker build`). Builds with an unknown context are skipped.

    ## Derived from
    The comparison's "Purpose and Functionality": an image is built from declared inputs,
    and the context is where those inputs come from.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockercopy import clean, contexts, git_ignores

    for ctx in contexts(project):
        for instr, text in dockerctx.literal_sources(ctx.parsed):
            rel = clean(text)
            if not rel:
                continue
            path = ctx.build.repo_path(rel)
            on_disk = project.exists(path)
            # A path that may be a directory is excluded only when nothing below comes back.
            maybe_dir = not on_disk or project.is_dir(path) or text.endswith("/")
            if ctx.ignore is not None and ctx.ignore.excludes(rel, maybe_dir):
                line = ctx.ignore.matching_line(rel) or 0
                pattern = next((p.pattern for p in ctx.ignore.patterns if p.line == line), "")
                yield Hit(
                    ctx.build.dockerfile,
                    instr.start_line,
                    MSG_SOURCE_EXCLUDED.format(
                        keyword=instr.keyword,
                        source=text,
                        ignore=ctx.ignore_path,
                        line=line,
                        pattern=pattern,
                    ),
                    HELP_SOURCE_EXCLUDED.format(path=rel, ignore=ctx.ignore_path, line=line),
                )
            elif not on_disk and not git_ignores(project, path):
                yield Hit(
                    ctx.build.dockerfile,
                    instr.start_line,
                    MSG_SOURCE_MISSING.format(keyword=instr.keyword, source=text, context=ctx.name),
                    HELP_SOURCE_MISSING.format(context=ctx.name),
                )


@rule(code="EL205", name="base-image-not-pinned", severity=Severity.WARNING)
def base_image_not_pinned(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a `FROM` image with neither tag nor digest (`FROM python`), or with the tag
    `latest` and no digest, after substituting `ARG` defaults. The tag is read by the
    reference grammar: in `localhost:5000/app` the `:` belongs to the registry, so that
    image has no tag.

    ## Why is this bad?
    `latest` moves. The same Dockerfile builds on a new Python minor, a new Debian release
    or a different libc next month, and every venv, wheel and `pythonX.Y` path in the image
    changes with it, without a line of the repository changing.

    ## Example
    ```
    FROM python
    ```
    Use instead:
    ```
    FROM python:3.12-slim-bookworm
    ```

    ## How to fix
    Name a version tag, and pin the digest too where builds must be reproducible
    (`python:3.12-slim@sha256:…`; Renovate and Dependabot keep digests current).

    ## Configuration
    Not reported: `scratch`, a stage name or index, a compose named context
    (`additional_contexts`), a tag other than `latest`, any digest, and an image that
    depends on a build argument without a default.

    ## Derived from
    The comparison's "Purpose and Functionality": containers promise "a consistent way" to
    deploy, which holds only when the base image is a fixed input.
    """
    if not has_dockerfiles(project):
        return
    from envlint.parsers.baseimage import parse_image_ref

    named: dict[str, set[str]] = {}
    for build in dockerctx.builds(project):
        named.setdefault(build.dockerfile, set()).update(build.named_contexts)
    for path in dockerctx.dockerfile_paths(project):
        parsed = dockerctx.dockerfile(project, path)
        if parsed is None:
            continue
        for stage in parsed.stages:
            image = stage.image
            if image is None or parsed.base_stage(image, before=stage.index) is not None:
                continue  # an unresolved variable, or an earlier stage
            ref = parse_image_ref(image)
            if ref is None or ref.is_scratch or ref.digest is not None:
                continue
            if {image.lower(), ref.familiar_name, ref.name} & named.get(path, set()):
                continue  # a named context replaces the image
            if ref.tag not in (None, "latest"):
                continue
            resolved = "" if stage.base == image else RESOLVED.format(image=image)
            message = MSG_NO_TAG if ref.tag is None else MSG_LATEST
            yield Hit(
                path,
                stage.line,
                message.format(written=stage.base, resolved=resolved, name=ref.familiar_name),
                HELP_UNPINNED.format(name=ref.familiar_name),
            )


def _unread_ignore_file(project: Project, ctx: Context, lines: str) -> tuple[str, str] | None:
    """A misspelt ignore file at the context root, or a `.dockerignore` beside a Dockerfile
    outside the context root: (message suffix, help)."""
    from envlint.dockercopy import misspelt_files

    target = ctx.ignore_target
    candidates = misspelt_files(project)
    for path in candidates:
        if "/" not in (ctx.build.in_context(path) or "/"):
            return MISSPELT.format(name=path), HELP_RENAME.format(
                misspelt=path, ignore=target, lines=lines
            )
    directory, _, name = ctx.build.dockerfile.rpartition("/")
    beside = posixpath.join(directory, ".dockerignore")
    if directory != ctx.build.context and project.exists(beside) and not project.is_dir(beside):
        own = posixpath.join(directory, f"{name}.dockerignore")
        return (
            MISPLACED.format(name=beside, dockerfile=ctx.build.dockerfile),
            HELP_MOVE.format(misplaced=beside, ignore=target, own=own, lines=lines),
        )
    return None


@rule(code="EL210", name="no-dockerignore", severity=Severity.WARNING)
def no_dockerignore(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a COPY/ADD of the whole build context (`.`, `./`, `./.` or `/`) when the
    context has no `.dockerignore` and is the repository root or holds something that must
    not ship: a `.git`, a virtual environment, tracked build artifacts (EL103) or a `.env`
    file. A misspelt ignore file in the context (`.Dockerignore`, `dockerignore`,
    `.dockerignore.txt`, `.dockerfile`), or a `.dockerignore` beside a Dockerfile that is
    not at the context root, is named: Docker never reads it.

    ## Why is this bad?
    Without an ignore file every byte of the context is sent to the builder and copied
    into the image: the git history, host virtualenvs that break the image's own
    environment, bytecode of another interpreter, and the secrets in `.env`, readable by
    anyone who pulls the image. Every change to any of them also invalidates the layer cache.

    ## Example
    A repository with `.git/`, `.venv/` and `.env`, and a Dockerfile with `COPY . /app`.
    Use instead: a `.dockerignore` at the root of the build context:
    ```
    .git
    .venv
    .env
    **/__pycache__
    ```

    ## How to fix
    Create `.dockerignore` at the root of the build context (or rename or move the file
    Docker does not read) with the lines the message suggests.

    ## Configuration
    Not reported: a context with an ignore file (`.dockerignore`,
    `<Dockerfile>.dockerignore`, or Podman's `.containerignore`); a subdirectory context
    holding only tracked sources; an unknown context; a whole-context COPY with `--exclude`.

    ## Derived from
    The comparison's "Resource Consumption and Performance": an image is small and fast
    only if it holds what the application needs and nothing of the machine that built it.
    """
    if not has_dockerfiles(project):
        return
    from envlint.dockercopy import contexts, must_not_ship, sources

    for ctx in contexts(project):
        if ctx.ignore_path is not None:
            continue
        whole = next((s for s in sources(ctx.parsed) if not s.path and not s.glob), None)
        if whole is None:
            continue
        artifacts = project.memo(
            "docker_context.artifacts", lambda: [h.path for h in build_artifacts_committed(project)]
        )
        shipped = must_not_ship(project, ctx, artifacts)
        if ctx.build.context and not shipped:
            continue  # a subdirectory context of tracked sources only
        holds = HOLDS.format(items=", ".join(d for d, _ in shipped)) if shipped else ROOT_CONTEXT
        lines = ", ".join(f"`{p}`" for p in dict.fromkeys(p for _, p in shipped) or [".git"])
        unread = _unread_ignore_file(project, ctx, lines)
        if unread is not None:
            holds += unread[0]
            fix = unread[1]
        else:
            fix = HELP_NO_IGNORE.format(ignore=ctx.ignore_target, lines=lines)
        instr = whole.instruction
        yield Hit(
            ctx.build.dockerfile,
            instr.start_line,
            MSG_NO_IGNORE.format(
                keyword=instr.keyword, source=whole.text, context=ctx.name, holds=holds
            ),
            fix,
        )
