"""EL202, EL206-EL209: what a Dockerfile's RUN instructions and final stage leave behind."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from envlint.artifacts import has_dockerfiles
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

MSG_ACTIVATION = (
    "this RUN ends with `{text}`: the activation lives in the RUN's shell and ends with it, "
    "so later instructions never see it"
)
MSG_ACTIVATION_DASH = (
    "this RUN ends with `{text}`, but `source` does not exist in dash, the /bin/sh of "
    "Debian-based `{image}`: the RUN fails with `source: not found` (and in bash the "
    "activation would still end with the RUN's shell)"
)
HELP_ACTIVATION_VENV = (
    "Put the venv first on PATH for every later instruction with `ENV VIRTUAL_ENV={venv} "
    'PATH="{venv}/bin:$PATH"`, or call `{venv}/bin/python` by path.'
)
HELP_ACTIVATION_CONDA = (
    "Run commands in the environment with `conda run -n <env> …` (or `micromamba run`), or "
    'put its `bin` directory on PATH with `ENV PATH="/opt/conda/envs/<env>/bin:$PATH"`.'
)
MSG_UNPINNED = (
    "`{installer} install` of `{requirement}` fixes no version: each build may install a "
    "different release"
)
HELP_UNPINNED = (
    "Pin it (`{name}==X.Y.Z`), or install from a locked file: `-r requirements.txt` "
    "compiled by pip-compile or `uv pip compile`, or `-c constraints.txt`."
)
MSG_CACHE = (
    "`{command}` runs in a stage of the final image without a cache opt-out: its download "
    "cache ({cache}) stays in the image layer"
)
HELP_CACHE_PIP = (
    "Add `--no-cache-dir`, set `ENV PIP_NO_CACHE_DIR=1`, or keep the cache out of the layer "
    "with `RUN --mount=type=cache,target=/root/.cache/pip`."
)
HELP_CACHE_UV = (
    "Add `--no-cache` (or `ENV UV_NO_CACHE=1`), or keep the cache out of the layer with "
    "`RUN --mount=type=cache,target=/root/.cache/uv`."
)
MSG_LAYER_ORDER = (
    "`{install}` runs after `{copy}` on line {line} copied the whole build context: every "
    "source edit re-installs all dependencies"
)
HELP_LAYER_ORDER = (
    "Copy only {manifests} first and install from it, then copy the rest; or bind-mount it "
    "for the install (`RUN --mount=type=bind,source={first},target={first} …`)."
)
MSG_ROOT_IMAGE = (
    "the final image runs as root: no `USER` in stage {stage} or the stages it is built "
    "from, and `{image}` runs as root"
)
MSG_ROOT_USER = (
    "the final image runs as root: the last `USER` of stage {stage} and the stages it is "
    "built from is `{user}`"
)
HELP_ROOT = (
    "Create an unprivileged user and switch to it before the command runs: "
    "`RUN useradd --create-home app` and `USER app`."
)

_MAX_TEXT = 60


@rule(code="EL202", name="venv-activation-does-not-persist", severity=Severity.ERROR)
def venv_activation_does_not_persist(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a RUN whose shell executes, as its last command, `.`/`source …/bin/activate`
    or `conda`/`mamba`/`micromamba activate`.

    ## Why is this bad?
    Each RUN starts a new shell, and activation only changes that shell's variables: the
    next RUN, CMD and ENTRYPOINT run without it, so `pip install` lands in the system
    Python and `python` is not the venv's. With the default `/bin/sh`, which is dash on
    Debian-based images, `source` does not even exist and the RUN fails.

    ## Example
    ```
    RUN python -m venv /opt/venv && . /opt/venv/bin/activate
    RUN pip install -r requirements.txt
    ```
    Use instead:
    ```
    RUN python -m venv /opt/venv
    ENV VIRTUAL_ENV=/opt/venv PATH="/opt/venv/bin:$PATH"
    RUN pip install -r requirements.txt
    ```

    ## How to fix
    Put the venv's `bin` first on `PATH` with `ENV`, call `/opt/venv/bin/python` by path,
    or use the activation in the same RUN (`. /opt/venv/bin/activate && pip install …`).

    ## Configuration
    Not reported: an activation followed by other commands in the same RUN, text inside
    quotes or `echo`, RUNs with a `powershell`/`cmd` SHELL, and stages whose `ENV PATH`
    already holds that venv's `bin` (the activation is redundant there, not wrong).

    ## Derived from
    The comparison's "Purpose and Functionality": a virtualenv is activated per shell
    session, while an image carries its environment in declared `ENV`.
    """
    if not has_dockerfiles(project):
        return
    from envlint import dockerrun

    for path, view, step, _ in dockerrun.runs(project):
        dead = dockerrun.dead_activation(view, step)
        if dead is None:
            continue
        text = _short(dead.text)
        help_ = HELP_ACTIVATION_CONDA
        if dead.activation.kind == "venv":
            help_ = HELP_ACTIVATION_VENV.format(venv=dead.venv or "/opt/venv")
        message = (
            MSG_ACTIVATION_DASH.format(text=text, image=view.image)
            if dead.dash
            else MSG_ACTIVATION.format(text=text)
        )
        yield Hit(path, step.instruction.start_line, message, help_)


@rule(code="EL206", name="pip-install-unpinned", severity=Severity.WARNING)
def pip_install_unpinned(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports each requirement named on a `pip install`, `pip3 install`, `python -m pip
    install` or `uv pip install` command line of a RUN whose version nothing fixes: no
    `==`/`===`, no `name @ url`, no `-c` constraints file or `PIP_CONSTRAINT`, and no
    `--no-index` with `--find-links`.

    ## Why is this bad?
    The image then holds whatever release was newest on the day of the build. Two builds
    of one commit differ, a cached layer hides the drift until the cache is dropped, and a
    new major release breaks the build far from any change.

    ## Example
    ```
    RUN pip install flask gunicorn
    ```
    Use instead:
    ```
    RUN pip install flask==3.1.2 gunicorn==23.0.0
    ```

    ## How to fix
    Pin each requirement, or install from a locked requirements file (`pip-compile`,
    `uv pip compile`) or with `-c constraints.txt`.

    ## Configuration
    Not reported: paths, URLs, archives and wheels, `-e`, `-r`/`-c` files, values that may
    belong to an option, requirements holding `$VAR`, a command whose `$VAR` may carry
    options (`pip install $PIP_ARGS flask`), an absolute upload cutoff (pip's
    `--uploaded-prior-to`, uv's `--exclude-newer` date), and installer tooling (pip,
    setuptools, wheel, uv, pip-tools, pipenv, pipx, poetry, poetry-plugin-export, pdm,
    virtualenv, hatch).

    ## Derived from
    The comparison's "Use Cases": an environment is reproducible only when its inputs are
    declared exactly, and an image is built again from them on every cache miss.
    """
    if not has_dockerfiles(project):
        return
    from envlint import dockerrun

    for path, _, step, known in dockerrun.runs(project):
        for pip, req in dockerrun.unpinned_requirements(step, known):
            installer = "uv pip" if pip.installer == "uv" else "pip"
            message = MSG_UNPINNED.format(installer=installer, requirement=req.raw)
            help_ = HELP_UNPINNED.format(name=req.name)
            yield Hit(path, step.instruction.start_line, message, help_)


@rule(code="EL207", name="pip-cache-in-image", severity=Severity.INFO)
def pip_cache_in_image(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a RUN in the final stage or a stage it is built from that runs `pip`,
    `uv pip` or `uv sync` without keeping the download cache out of the layer: no
    `--no-cache-dir` (uv: `--no-cache`), no `PIP_NO_CACHE_DIR`/`UV_NO_CACHE`, no
    `--mount=type=cache`, and no `pip cache purge`/`uv cache clean`/`rm -rf ~/.cache…`
    later in the same RUN.

    ## Why is this bad?
    pip and uv keep every downloaded and built wheel under `~/.cache`. In an image that
    copy is dead weight, often hundreds of megabytes, shipped with every pull; a later
    `RUN rm` cannot shrink the layer that wrote it.

    ## Example
    ```
    FROM python:3.12-slim
    RUN pip install -r requirements.txt
    ```
    Use instead:
    ```
    FROM python:3.12-slim
    RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    ```

    ## How to fix
    Add `--no-cache-dir` (uv: `--no-cache`), set `ENV PIP_NO_CACHE_DIR=1` (any value
    disables pip's cache), or use a BuildKit cache mount, which also speeds up rebuilds.

    ## Configuration
    Stages the final image is not built from (builder stages) are not reported. The final
    stage is compose's `build.target` when set, else the last stage. Also not reported:
    `pip install --no-index` (nothing is downloaded), a removal of the install's own
    `--cache-dir`/`PIP_CACHE_DIR`, and pip configuration envlint cannot read (`pip config
    set …no-cache-dir`, a copied, mounted or written `pip.conf`, `PIP_CONFIG_FILE`).

    ## Derived from
    The comparison's "Resource Consumption and Performance": an image is lightweight only
    when it holds what the application needs and nothing the build left behind.
    """
    if not has_dockerfiles(project):
        return
    from envlint import dockercache, dockerlayout, dockerrun

    seen: set[tuple[str, int]] = set()
    for path, final in dockerlayout.final_stages(project):
        for view in final.chain:
            for step, known in dockerrun.stage_runs(view):
                key = (path, step.instruction.start_line)
                if key in seen:
                    continue
                seen.add(key)  # a RUN in several builds' chains is reported once
                found = dockercache.cached_install(step, known, view)
                if found is None:
                    continue
                uv = found.tool == "uv"
                cache = "~/.cache/uv" if uv else "~/.cache/pip"
                message = MSG_CACHE.format(command=found.label, cache=cache)
                yield Hit(path, key[1], message, HELP_CACHE_UV if uv else HELP_CACHE_PIP)


@rule(code="EL208", name="dependency-layer-order", severity=Severity.WARNING)
def dependency_layer_order(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports the first dependency install from a manifest in a stage (`pip install -r`,
    `uv pip install -r`, `uv pip sync`, `pip-sync`, `pip install --group`, `poetry
    install`, `uv sync`, `pipenv install`, `pdm install`) when a COPY/ADD of the whole
    build context (`.`, `./`, `/`) comes before it and the manifest was not copied or
    bind-mounted on its own before that COPY. Reported at the install, naming the COPY.

    ## Why is this bad?
    Docker reuses a layer only while everything before it is unchanged. After `COPY . .`,
    any edit to any file invalidates the install layer, so every build downloads and
    installs all dependencies again.

    ## Example
    ```
    COPY . /app
    RUN pip install -r /app/requirements.txt
    ```
    Use instead:
    ```
    COPY requirements.txt /app/
    RUN pip install -r /app/requirements.txt
    COPY . /app
    ```

    ## How to fix
    Copy the manifest (and lock file) first, install, then copy the sources; with uv or
    Poetry, install the dependencies with `--no-install-project`/`--no-root` first and the
    project after `COPY . .`.

    ## Configuration
    The FROM chain counts as one sequence: an install in a parent stage before the whole
    copy keeps the child stage silent.

    ## Derived from
    The comparison's "Use Cases" (CI/CD workflows): an image build is fast only while its
    dependency layers come from the cache.
    """
    if not has_dockerfiles(project):
        return
    from envlint import dockerlayout
    from envlint.dockerctx import dockerfile_paths
    from envlint.dockerinfo import views

    for path in dockerfile_paths(project):
        for view in views(project, path):
            late = dockerlayout.late_install(view)
            if late is None:
                continue
            copy = late.copy.instruction
            message = MSG_LAYER_ORDER.format(
                install=_short(late.text),
                copy=_short(f"{copy.keyword} {copy.args}"),
                line=copy.start_line,
            )
            names = [posixpath.basename(m) for m in late.manifests]
            help_ = HELP_LAYER_ORDER.format(
                manifests=" / ".join(f"`{n}`" for n in names), first=names[0]
            )
            yield Hit(path, late.install.instruction.start_line, message, help_)


@rule(code="EL209", name="runs-as-root", severity=Severity.INFO)
def runs_as_root(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a final stage that runs as root: the last `USER` of its FROM chain is `root`,
    `0`, `root:*` or `0:*`, or no stage of the chain sets `USER` and the chain starts
    from an image known to run as root (docker-library `python`, `pypy`, `debian`,
    `ubuntu`, `alpine`).

    ## Why is this bad?
    A container shares the host's kernel. A process that runs as root inside it can write
    everywhere in the image and in mounted volumes, and any escape from the container
    starts as root on the host.

    ## Example
    ```
    FROM python:3.12-slim
    COPY . /app
    CMD ["python", "/app/main.py"]
    ```
    Use instead:
    ```
    FROM python:3.12-slim
    RUN useradd --create-home app
    COPY . /app
    USER app
    CMD ["python", "/app/main.py"]
    ```

    ## How to fix
    Create an unprivileged user and add `USER <name>` after the steps that need root.

    ## Configuration
    Bases whose user envlint does not know (micromamba, distroless `:nonroot`, jupyter
    images, Windows variants, any other image) are not reported. The final stage is compose's
    `build.target` when set, else the last stage.

    ## Derived from
    The comparison's "Purpose and Functionality": a container isolates the process space
    of an application, which only limits the damage when the process is not root.
    """
    if not has_dockerfiles(project):
        return
    from envlint import dockerlayout

    seen: set[tuple[str, int]] = set()
    for path, final in dockerlayout.final_stages(project):
        root = dockerlayout.root_user(final)
        if root is None or (path, root.line) in seen:
            continue
        seen.add((path, root.line))
        stage = f"`{final.stage.name}`" if final.stage.name else f"#{final.index}"
        if root.user is None:
            message = MSG_ROOT_IMAGE.format(stage=stage, image=root.image)
        else:
            message = MSG_ROOT_USER.format(user=root.user, stage=stage)
        yield Hit(path, root.line, message, HELP_ROOT)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
