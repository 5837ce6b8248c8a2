"""EL202, EL206-EL209: what RUN instructions and the final stage leave behind.

Catches first, then catches-not, per rule, as hadolint's tests read.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from envlint.model import Finding
from envlint.rules.docker_run import (
    MSG_ACTIVATION,
    MSG_ACTIVATION_DASH,
    MSG_CACHE,
    MSG_LAYER_ORDER,
    MSG_ROOT_IMAGE,
    MSG_ROOT_USER,
    MSG_UNPINNED,
)
from harness import as_lines

Check = Callable[..., None]
Lint = Callable[..., list[Finding]]


def dockerfile(*lines: str, **extra: str) -> dict[str, str]:
    """A repository holding one Dockerfile (and `extra` files: `compose_yaml=…`)."""
    files = {"Dockerfile": "\n".join(lines) + "\n"}
    files.update({name.replace("_", ".", 1): text for name, text in extra.items()})
    return files


PY = "FROM python:3.12-slim"

# uv's Docker guide ("Intermediate layers"), written from
# docs.astral.sh/uv/guides/integration/docker
UV_GUIDE = (
    "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim",
    "WORKDIR /app",
    "ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy",
    "RUN --mount=type=cache,target=/root/.cache/uv \\",
    "    --mount=type=bind,source=uv.lock,target=uv.lock \\",
    "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\",
    "    uv sync --locked --no-install-project --no-dev",
    "COPY . /app",
    "RUN --mount=type=cache,target=/root/.cache/uv \\",
    "    uv sync --locked --no-dev",
    'ENV PATH="/app/.venv/bin:$PATH"',
    "ENTRYPOINT []",
    'CMD ["fastapi", "run", "--host", "0.0.0.0", "src/app"]',
)
# uv's guide, multi-stage: the builder above, a slim final image without uv.
UV_GUIDE_MULTISTAGE = (
    "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder",
    "ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=0",
    "WORKDIR /app",
    "RUN --mount=type=cache,target=/root/.cache/uv \\",
    "    --mount=type=bind,source=uv.lock,target=uv.lock \\",
    "    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \\",
    "    uv sync --locked --no-install-project --no-dev",
    "COPY . /app",
    "RUN --mount=type=cache,target=/root/.cache/uv uv sync --locked --no-dev",
    "FROM python:3.12-slim-bookworm",
    "RUN groupadd --system --gid 999 app && useradd --system --gid 999 --uid 999 app",
    "COPY --from=builder --chown=app:app /app /app",
    'ENV PATH="/app/.venv/bin:$PATH"',
    "USER app",
    "WORKDIR /app",
    'CMD ["fastapi", "run", "src/app"]',
)
# uv's guide without a cache mount: `COPY` of the manifests, then the project.
UV_GUIDE_COPY = (
    "FROM python:3.12-slim",
    "COPY --from=ghcr.io/astral-sh/uv:0.8.15 /uv /uvx /bin/",
    "WORKDIR /app",
    "COPY pyproject.toml uv.lock ./",
    "RUN uv sync --locked --no-install-project",
    "COPY . .",
    "RUN uv sync --locked",
)
# Poetry's FAQ, "Poetry busts my Docker cache…", written from python-poetry.org/docs/faq
POETRY_FAQ = (
    "FROM python",
    "COPY pyproject.toml poetry.lock .",
    "RUN pip install poetry && poetry install --only main --no-root --no-directory",
    "COPY src/ ./src",
    "RUN poetry install --only main",
)
POETRY_WHOLE_COPY = (
    "FROM python:3.12",
    "WORKDIR /app",
    "COPY pyproject.toml poetry.lock ./",
    "RUN pip install poetry==2.1.3 && poetry install --no-root",
    "COPY . .",
    "RUN poetry install --only-root",
)
GUIDES = [
    pytest.param(UV_GUIDE, id="uv guide: intermediate layers"),
    pytest.param(UV_GUIDE_MULTISTAGE, id="uv guide: multi-stage"),
    pytest.param(UV_GUIDE_COPY, id="uv guide: COPY manifests first"),
    pytest.param(POETRY_FAQ, id="poetry FAQ"),
    pytest.param(POETRY_WHOLE_COPY, id="poetry: --no-root, COPY . ., --only-root"),
]


@pytest.mark.parametrize("code", ["EL202", "EL206", "EL208"])
@pytest.mark.parametrize("lines", GUIDES)
def test_official_guides_are_quiet(assert_quiet: Check, code: str, lines: tuple[str]) -> None:
    assert_quiet(code, dockerfile(*lines))


# --- EL202 venv-activation-does-not-persist ----------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param((PY, "RUN python -m venv /v && . /v/bin/activate"), id="dot, last"),
        pytest.param((PY, "RUN source /v/bin/activate"), id="source in dash"),
        pytest.param(("FROM alpine:3.20", "RUN . /v/bin/activate"), id="alpine"),
        pytest.param((PY, "RUN pip install x; . /v/bin/activate"), id="after a semicolon"),
        pytest.param((PY, "RUN if true; then . /v/bin/activate; fi"), id="inside if"),
        pytest.param((PY, "RUN (. /v/bin/activate)"), id="in a subshell"),
        pytest.param((PY, "RUN conda activate myenv"), id="conda activate"),
        pytest.param((PY, "RUN micromamba activate"), id="micromamba base"),
        pytest.param((PY, "RUN source activate myenv"), id="conda legacy"),
        pytest.param((PY, "RUN <<EOF", "set -e", ". /v/bin/activate", "EOF"), id="heredoc"),
        pytest.param((PY, 'RUN ["bash", "-c", "source /v/bin/activate"]'), id="exec bash -c"),
        pytest.param(
            (PY, 'SHELL ["/bin/bash", "-c"]', "RUN source /v/bin/activate"), id="bash SHELL"
        ),
        pytest.param(
            (PY, "ENV PATH=/other/bin:$PATH", "RUN . /v/bin/activate"), id="other dir on PATH"
        ),
        pytest.param(
            (PY, "WORKDIR /app", "RUN . .venv/bin/activate", "ENV PATH=/srv/.venv/bin:$PATH"),
            id="relative venv resolved against WORKDIR",
        ),
    ],
)
def test_el202_catches(assert_finds: Check, lines: tuple[str, ...]) -> None:
    line = next(i for i, text in enumerate(lines, 1) if text.startswith("RUN"))
    assert_finds("EL202", dockerfile(*lines), [f"EL202 Dockerfile:{line}"])


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param((PY, "RUN . /v/bin/activate && pip install -r r.txt"), id="used after"),
        pytest.param((PY, "RUN . /v/bin/activate && deactivate"), id="deactivated"),
        pytest.param((PY, "RUN conda activate x && conda deactivate"), id="conda deactivate"),
        pytest.param((PY, 'RUN echo ". /v/bin/activate" >> ~/.bashrc'), id="echoed"),
        pytest.param((PY, "RUN bash -c 'source /v/bin/activate'"), id="quoted"),
        pytest.param((PY, "RUN # . /v/bin/activate"), id="comment"),
        pytest.param(
            (PY, "ENV PATH=/v/bin:$PATH", "RUN . /v/bin/activate"), id="venv on PATH before"
        ),
        pytest.param(
            (PY, "RUN . /v/bin/activate", 'ENV VIRTUAL_ENV=/v PATH="$VIRTUAL_ENV/bin:$PATH"'),
            id="venv on PATH later in the stage",
        ),
        pytest.param(
            (PY + " AS base", "ENV PATH=/v/bin:$PATH", "FROM base", "RUN . /v/bin/activate"),
            id="PATH set in the parent stage",
        ),
        pytest.param(
            (PY, "WORKDIR /app", "ENV PATH=/app/.venv/bin:$PATH", "RUN . .venv/bin/activate"),
            id="relative venv on PATH",
        ),
        pytest.param(
            (PY, "ENV PATH=/opt/conda/envs/ml/bin:$PATH", "RUN conda activate ml"),
            id="conda env on PATH",
        ),
        pytest.param(
            (PY, "ENV PATH=/x/bin:$PATH", "ARG V", "RUN . $V/bin/activate"),
            id="unknown venv, PATH changed",
        ),
        pytest.param(
            (PY, 'SHELL ["powershell", "-Command"]', "RUN . /v/bin/activate"), id="powershell"
        ),
        pytest.param((PY, 'RUN ["source", "/v/bin/activate"]'), id="exec form, no shell"),
    ],
)
def test_el202_catches_not(assert_quiet: Check, lines: tuple[str, ...]) -> None:
    assert_quiet("EL202", dockerfile(*lines))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param(
            (PY, "RUN source /v/bin/activate"),
            MSG_ACTIVATION_DASH.format(text="source /v/bin/activate", image="python:3.12-slim"),
            id="dash",
        ),
        pytest.param(
            ("FROM python:3.12-alpine", "RUN source /v/bin/activate"),
            MSG_ACTIVATION.format(text="source /v/bin/activate"),
            id="busybox sh has source",
        ),
        pytest.param(
            ("FROM debian:bookworm", 'SHELL ["/bin/bash", "-c"]', "RUN source /v/bin/activate"),
            MSG_ACTIVATION.format(text="source /v/bin/activate"),
            id="bash SHELL",
        ),
        pytest.param(
            ("FROM ubuntu:24.04", "RUN . /v/bin/activate"),
            MSG_ACTIVATION.format(text=". /v/bin/activate"),
            id="dot exists in dash",
        ),
    ],
)
def test_el202_message(lint_files: Lint, lines: tuple[str, ...], message: str) -> None:
    (finding,) = lint_files(dockerfile(*lines), select="EL202")
    assert finding.message == message


# --- EL206 pip-install-unpinned --------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "count"),
    [
        pytest.param("pip install flask", 1, id="bare name"),
        pytest.param("pip3 install 'flask>=3' requests~=2.32", 2, id="ranges, one per req"),
        pytest.param("python3.12 -m pip install --user flask[async]", 1, id="python -m pip"),
        pytest.param("uv pip install --system flask", 1, id="uv pip"),
        pytest.param("pip install -r r.txt flask", 1, id="-r does not pin a named req"),
        pytest.param("pip install --no-index flask", 1, id="--no-index alone"),
        pytest.param("pip install --find-links /w flask", 1, id="--find-links alone"),
        pytest.param("pip install 'flask; python_version>\"3.8\"'", 1, id="marker"),
        pytest.param("pip install flask==3.1 gunicorn", 1, id="one of two pinned"),
        pytest.param("pip install poetry-core", 1, id="poetry-core is not tooling"),
        pytest.param("cd /app && sudo pip install flask", 1, id="through sudo"),
    ],
)
def test_el206_catches(assert_finds: Check, run: str, count: int) -> None:
    assert_finds("EL206", dockerfile(PY, f"RUN {run}"), ["EL206 Dockerfile:2"] * count)


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("RUN pip install flask==3.1.2",), id="=="),
        pytest.param(("RUN pip install 'flask===3.1.2'",), id="==="),
        pytest.param(("RUN pip install 'flask>=3,==3.1.2'",), id="== among others"),
        pytest.param(("RUN pip install flask==$FLASK_VERSION",), id="== $VAR"),
        pytest.param(("RUN pip install ${PKG}",), id="$VAR name"),
        pytest.param(("RUN pip install 'app @ https://x.test/app-1.0.tar.gz'",), id="name @ url"),
        pytest.param(("RUN pip install -c c.txt flask",), id="-c file"),
        pytest.param(("RUN pip install --constraint=c.txt flask",), id="--constraint"),
        pytest.param(("ENV PIP_CONSTRAINT=/c.txt", "RUN pip install flask"), id="ENV"),
        pytest.param(("ARG PIP_CONSTRAINT", "RUN pip install flask"), id="ARG, no default"),
        pytest.param(("RUN PIP_CONSTRAINT=/c.txt pip install flask",), id="inline"),
        pytest.param(("RUN export PIP_CONSTRAINT=/c && pip install flask",), id="export"),
        pytest.param(("RUN export PIP_CONSTRAINT=$X && pip install flask",), id="export $X"),
        pytest.param(("RUN uv pip install -c c.txt flask",), id="uv -c"),
        pytest.param(("ENV UV_CONSTRAINT=/c.txt", "RUN uv pip install flask"), id="uv ENV"),
        pytest.param(("RUN uv pip install --override o.txt flask",), id="uv override"),
        pytest.param(("RUN pip install --no-index --find-links /w flask",), id="local links"),
        pytest.param(("RUN pip install --no-index -f/w flask",), id="local links -f"),
        pytest.param(
            ("ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/w", "RUN pip install flask"), id="links ENV"
        ),
        pytest.param(("RUN pip install . ./pkg /src/lib",), id="paths"),
        pytest.param(("RUN pip install app-1.0-py3-none-any.whl dist/x.tar.gz",), id="archives"),
        pytest.param(("RUN pip install https://x.test/a.zip git+https://x.test/r",), id="urls"),
        pytest.param(("RUN pip install -e . -e /src/lib",), id="editables"),
        pytest.param(("RUN pip install -r requirements.txt",), id="-r file"),
        pytest.param(("RUN pip install -i https://x.test/simple -r r.txt",), id="-i value"),
        pytest.param(("RUN pip install -t /t --prefix /p --root /r -r r.txt",), id="dir values"),
        pytest.param(("RUN pip install --progress-bar off -r r.txt",), id="--progress-bar"),
        pytest.param(
            ("RUN pip install --platform manylinux2014_x86_64 --only-binary=:all: -r r.txt",),
            id="--platform",
        ),
        pytest.param(("RUN pip install -C editable_mode=compat -r r.txt",), id="-C value"),
        pytest.param(("RUN pip install --group dev",), id="--group value"),
        pytest.param(("RUN pip install --some-new-option value -r r.txt",), id="unknown option"),
        pytest.param(("RUN pip install -U pip setuptools wheel",), id="tooling"),
        pytest.param(("RUN pip install Pip_Tools POETRY poetry.plugin.export",), id="PEP 503"),
        pytest.param(("RUN pip install uv pipenv pipx pdm virtualenv hatch",), id="more tooling"),
        pytest.param(("RUN pip download flask && pip wheel flask",), id="not an install"),
        pytest.param(("RUN uv pip sync requirements.txt",), id="uv pip sync"),
        pytest.param(("RUN echo pip install flask",), id="echoed"),
    ],
)
def test_el206_catches_not(assert_quiet: Check, lines: tuple[str, ...]) -> None:
    assert_quiet("EL206", dockerfile(PY, *lines))


def test_el206_message(lint_files: Lint) -> None:
    found = lint_files(dockerfile(PY, "RUN uv pip install 'flask>=3' x==1"), select="EL206")
    assert [f.message for f in found] == [
        MSG_UNPINNED.format(installer="uv pip", requirement="flask>=3")
    ]


# --- EL207 pip-cache-in-image ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        pytest.param((PY, "RUN pip install -r r.txt"), 2, id="pip"),
        pytest.param((PY, "RUN python -m pip install -r r.txt"), 2, id="python -m pip"),
        pytest.param((PY, "RUN uv pip install --system -r r.txt"), 2, id="uv pip"),
        pytest.param((PY, "RUN uv sync --locked"), 2, id="uv sync"),
        pytest.param((PY, "ENV UV_NO_CACHE=0", "RUN uv sync"), 3, id="UV_NO_CACHE=0"),
        pytest.param((PY, "RUN rm -rf ~/.cache && pip install x"), 2, id="rm before"),
        pytest.param((PY, "RUN uv cache clean && uv sync"), 2, id="clean before"),
        pytest.param((PY, "RUN pip install x && uv cache clean"), 2, id="uv clean, pip cache"),
        pytest.param(
            (PY, "RUN --mount=type=bind,target=/src pip install /src"), 2, id="bind mount only"
        ),
        pytest.param(
            ("FROM python:3.12 AS base", "RUN pip install -r r.txt", "FROM base", "CMD x"),
            2,
            id="parent of the final stage",
        ),
    ],
)
def test_el207_catches(assert_finds: Check, lines: tuple[str, ...], line: int) -> None:
    assert_finds("EL207", dockerfile(*lines), [f"EL207 Dockerfile:{line}"])


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("RUN pip install --no-cache-dir -r r.txt",), id="--no-cache-dir"),
        pytest.param(("RUN pip --no-cache-dir install -r r.txt",), id="before the subcommand"),
        pytest.param(("RUN pip install -r r.txt --no-cache",), id="optparse abbreviation"),
        pytest.param(("ENV PIP_NO_CACHE_DIR=1", "RUN pip install x"), id="ENV 1"),
        pytest.param(("ENV PIP_NO_CACHE_DIR=false", "RUN pip install x"), id="ENV false"),
        pytest.param(("ENV PIP_NO_CACHE_DIR=0", "RUN pip install x"), id="ENV 0"),
        pytest.param(("ARG PIP_NO_CACHE_DIR=off", "RUN pip install x"), id="ARG"),
        pytest.param(("ARG PIP_NO_CACHE_DIR", "RUN pip install x"), id="ARG without default"),
        pytest.param(("RUN PIP_NO_CACHE_DIR=1 pip install x",), id="inline"),
        pytest.param(("RUN env PIP_NO_CACHE_DIR=1 pip install x",), id="env wrapper"),
        pytest.param(("RUN export PIP_NO_CACHE_DIR=1; pip install x",), id="export"),
        pytest.param(
            ("RUN --mount=type=cache,target=/root/.cache/pip pip install x",), id="cache mount"
        ),
        pytest.param(("RUN --mount=type=cache,target=/x uv sync",), id="any cache mount"),
        pytest.param(("RUN pip install x && pip cache purge",), id="pip cache purge"),
        pytest.param(("RUN pip install x && rm -rf /root/.cache/pip",), id="rm /root/.cache"),
        pytest.param(("RUN pip install x; rm -rf ~/.cache",), id="rm ~/.cache"),
        pytest.param(("RUN pip install x && rm -rf $HOME/.cache/pip",), id="rm $HOME/.cache"),
        pytest.param(("RUN uv pip install --system --no-cache x",), id="uv --no-cache"),
        pytest.param(("RUN uv --no-cache-dir pip install --system x",), id="uv alias, global"),
        pytest.param(("RUN uv sync -n",), id="uv -n"),
        pytest.param(("ENV UV_NO_CACHE=1", "RUN uv sync"), id="UV_NO_CACHE"),
        pytest.param(("RUN uv sync && uv cache clean",), id="uv cache clean"),
        pytest.param(("RUN uv sync && rm -rf /root/.cache/uv",), id="rm uv cache"),
        pytest.param(("RUN poetry install",), id="not pip or uv"),
    ],
)
def test_el207_catches_not(assert_quiet: Check, lines: tuple[str, ...]) -> None:
    assert_quiet("EL207", dockerfile(PY, *lines))


def test_el207_builder_stage_is_quiet(assert_finds: Check) -> None:
    files = dockerfile(
        "FROM python:3.12 AS builder",
        "RUN pip install -r r.txt",
        "FROM python:3.12-slim",
        "COPY --from=builder /usr/local /usr/local",
        "RUN pip install gunicorn==23.0.0",
    )
    assert_finds("EL207", files, ["EL207 Dockerfile:5"])


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        pytest.param("builder", ["EL207 Dockerfile:2"], id="target builder"),
        pytest.param("$TARGET", [], id="target unknown"),
    ],
)
def test_el207_compose_target(assert_finds: Check, target: str, expected: list[str]) -> None:
    compose = f"services:\n  app:\n    build:\n      context: .\n      target: {target}\n"
    files = dockerfile(
        "FROM python:3.12 AS builder",
        "RUN pip install -r r.txt",
        "FROM python:3.12-slim",
        "RUN pip install --no-cache-dir x==1",
        compose_yaml=compose,
    )
    assert_finds("EL207", files, expected)


def test_el207_message(lint_files: Lint) -> None:
    (finding,) = lint_files(dockerfile(PY, "RUN uv pip sync r.txt"), select="EL207")
    assert finding.message == MSG_CACHE.format(command="uv pip sync", cache="~/.cache/uv")


# --- EL208 dependency-layer-order ------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("COPY . .", "RUN pip install -r requirements.txt"), id="pip -r"),
        pytest.param(("ADD . /app", "RUN pip install -r /app/requirements.txt"), id="ADD"),
        pytest.param(("COPY ./ /app/", "RUN uv pip install -r requirements.txt"), id="./"),
        pytest.param(("COPY ./. /app/", "RUN uv pip sync requirements.txt"), id="./."),
        pytest.param(("COPY / /app/", "RUN pip-sync"), id="/ and pip-sync"),
        pytest.param(("COPY . .", "RUN pip install --group dev"), id="--group"),
        pytest.param(("COPY . .", "RUN uv sync --locked"), id="uv sync"),
        pytest.param(("COPY . .", "RUN pip install poetry && poetry install"), id="poetry"),
        pytest.param(("COPY . .", "RUN pipenv install --system --deploy"), id="pipenv"),
        pytest.param(("COPY . .", "RUN pdm install --prod"), id="pdm"),
        pytest.param(
            ("COPY app.py .", "COPY . .", "RUN pip install -r requirements.txt"),
            id="a narrower COPY of something else",
        ),
        pytest.param(
            ("COPY . .", "RUN --mount=type=bind,source=r.txt,target=r.txt pip install -r r.txt"),
            id="bind mount after the whole COPY",
        ),
    ],
)
def test_el208_catches(assert_finds: Check, lines: tuple[str, ...]) -> None:
    install = 2 + len(lines)
    assert_finds("EL208", dockerfile(PY, "WORKDIR /app", *lines), [f"EL208 Dockerfile:{install}"])


def test_el208_whole_copy_in_parent_stage(assert_finds: Check) -> None:
    files = dockerfile(
        "FROM python:3.12 AS src", "COPY . /app", "FROM src", "RUN pip install -r /app/r.txt"
    )
    assert_finds("EL208", files, ["EL208 Dockerfile:4"])


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(
            ("COPY requirements.txt .", "RUN pip install -r requirements.txt", "COPY . ."),
            id="manifest first",
        ),
        pytest.param(
            ("COPY requirements*.txt ./", "RUN pip install -r requirements.txt", "COPY . ."),
            id="wildcard",
        ),
        pytest.param(
            ("COPY requirements/ req/", "RUN pip install -r req/prod.txt", "COPY . ."),
            id="directory of manifests",
        ),
        pytest.param(
            ("COPY requirements.txt .", "COPY . .", "RUN pip install -r requirements.txt"),
            id="manifest copied before the whole COPY",
        ),
        pytest.param(
            ("COPY ${REQS} .", "COPY . .", "RUN pip install -r requirements.txt"),
            id="unknown narrower COPY",
        ),
        pytest.param(
            (
                "RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt "
                "pip install -r /tmp/r.txt",
                "COPY . .",
            ),
            id="bind-mounted",
        ),
        pytest.param(("COPY . .", "RUN pip install ."), id="installing the project"),
        pytest.param(("COPY . .", "RUN pip install -e ."), id="editable project"),
        pytest.param(("COPY . .", "RUN pipenv install flask"), id="pipenv adding a package"),
        pytest.param(("COPY . .", "RUN pip install flask==3.1.2"), id="named requirement"),
        pytest.param(("COPY --from=builder /app .", "RUN uv sync"), id="COPY --from"),
        pytest.param(("COPY src/ ./src", "RUN uv sync"), id="narrower COPY only"),
    ],
)
def test_el208_catches_not(assert_quiet: Check, lines: tuple[str, ...]) -> None:
    assert_quiet("EL208", dockerfile(PY, "WORKDIR /app", *lines))


def test_el208_install_in_parent_stage_first(assert_quiet: Check) -> None:
    files = dockerfile(
        "FROM python:3.12 AS deps",
        "COPY requirements.txt .",
        "RUN pip install -r requirements.txt",
        "FROM deps",
        "COPY . .",
        "RUN pip install -r requirements.txt",
    )
    assert_quiet("EL208", files)


def test_el208_message(lint_files: Lint) -> None:
    files = dockerfile(PY, "COPY . /app", "RUN pip install -r /app/requirements.txt")
    (finding,) = lint_files(files, select="EL208")
    assert finding.message == MSG_LAYER_ORDER.format(
        install="pip install -r /app/requirements.txt", copy="COPY . /app", line=2
    )
    assert "source=requirements.txt,target=requirements.txt" in finding.help


# --- EL209 runs-as-root ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        pytest.param(("FROM python:3.12-slim", "CMD x"), 1, id="python, no USER"),
        pytest.param(("FROM pypy:3.10", "CMD x"), 1, id="pypy"),
        pytest.param(("FROM docker.io/library/debian:12",), 1, id="debian, full name"),
        pytest.param(("ARG BASE=ubuntu:24.04", "FROM $BASE"), 2, id="ARG-resolved ubuntu"),
        pytest.param(("FROM alpine:3.20", "USER app", "USER root"), 3, id="USER root last"),
        pytest.param(("FROM scratch", "USER 0"), 2, id="USER 0"),
        pytest.param(("FROM python:3.12", "USER root:root"), 2, id="root:group"),
        pytest.param(("FROM python:3.12", "USER 0:1000"), 2, id="0:group"),
        pytest.param(
            ("FROM python:3.12 AS base", "USER root", "FROM base"), 2, id="inherited root"
        ),
        pytest.param(
            ("FROM python:3.12 AS b", "USER app", "FROM python:3.12-slim", "COPY --from=b / /"),
            3,
            id="USER of another stage does not count",
        ),
    ],
)
def test_el209_catches(assert_finds: Check, lines: tuple[str, ...], line: int) -> None:
    assert_finds("EL209", dockerfile(*lines), [f"EL209 Dockerfile:{line}"])


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("FROM python:3.12-slim", "USER app"), id="USER app"),
        pytest.param(("FROM python:3.12", "USER 1000:0"), id="uid 1000, group root"),
        pytest.param(("FROM python:3.12 AS base", "USER app", "FROM base"), id="inherited USER"),
        pytest.param(("FROM python:3.12", "ARG U", "USER $U"), id="unknown USER"),
        pytest.param(("FROM mambaorg/micromamba:1.5",), id="micromamba"),
        pytest.param(("FROM gcr.io/distroless/python3-debian12:nonroot",), id="distroless"),
        pytest.param(("FROM jupyter/base-notebook:2024-01-01",), id="jupyter"),
        pytest.param(("FROM ghcr.io/example/python:3.12",), id="not docker-library"),
        pytest.param(("ARG BASE", "FROM $BASE"), id="unresolved image"),
        pytest.param(
            ("FROM python:3.12 AS build", "FROM gcr.io/distroless/python3:nonroot"),
            id="root builder, unknown final",
        ),
    ],
)
def test_el209_catches_not(assert_quiet: Check, lines: tuple[str, ...]) -> None:
    assert_quiet("EL209", dockerfile(*lines))


def test_el209_compose_target_and_dedup(lint_files: Lint) -> None:
    compose = (
        "services:\n"
        "  dev:\n    build:\n      context: .\n      target: dev\n"
        "  dev2:\n    build:\n      context: .\n      target: dev\n      args: {A: 1}\n"
        "  prod:\n    build: .\n"
    )
    files = dockerfile(
        "FROM python:3.12 AS dev", "FROM python:3.12-slim", "USER app", compose_yaml=compose
    )
    found = lint_files(files, select="EL209")
    assert as_lines(found) == ["EL209 Dockerfile:1"]
    assert found[0].message == MSG_ROOT_IMAGE.format(stage="`dev`", image="python:3.12")


def test_el209_user_message(lint_files: Lint) -> None:
    (finding,) = lint_files(dockerfile("FROM alpine:3.20", "USER root"), select="EL209")
    assert finding.message == MSG_ROOT_USER.format(stage="#0", user="root")
