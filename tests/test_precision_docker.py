"""EL201-EL213 on real-world Dockerfile idioms, each expectation argued from BuildKit's
source, the Dockerfile reference, or pip's and uv's documentation (see the comments).

Each row is (code, files, expected findings); an empty list means the rule must stay quiet.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from envlint.model import Finding

Check = Callable[..., None]

PY = "FROM python:3.12-slim"
USER = "USER app"
IGNORE = {".dockerignore": ".git\n.venv\n"}
VENV = {".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": "", "app.py": ""}
UV_IMAGE = "FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim"
UV_311 = {"pyproject.toml": "[project]\nname = 'a'\n", "uv.lock": "", ".python-version": "3.11\n"}
PROJECT = {"pyproject.toml": "[project]\nname = 'a'\n", "uv.lock": "", "poetry.lock": ""}


def df(*lines: str, **files: str) -> dict[str, str]:
    """A repository with one Dockerfile and other files (names with `.`/`/` via `**{…}`)."""
    return {"Dockerfile": "\n".join(lines) + "\n", **files}


def run(*lines: str, **files: str) -> dict[str, str]:
    """A final stage on a docker-library Python that runs as a user."""
    return df(PY, *lines, USER, **files)


def _p(code: str, files: dict[str, str], expected: list[str], id: str, **case: object) -> object:
    return pytest.param((code, files, expected, case), id=f"{code} {id}")


CASES = [
    # --- EL202: the last command a RUN's shell executes is an activation ---------------
    # exec-form SHELL with `-o pipefail -c` is still bash (RULES.md "RUN shell").
    _p("EL202", run('SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
                    "RUN python -m venv /v && . /v/bin/activate"),
       ["EL202 Dockerfile:3"], "pipefail SHELL, activation last"),
    _p("EL202", run('SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
                    "RUN python -m venv /v && source /v/bin/activate && pip install -r r.txt"),
       [], "pipefail SHELL, activation used"),
    _p("EL202", run("RUN set -eux; python -m venv /v; . /v/bin/activate"),
       ["EL202 Dockerfile:2"], "set -eux; activation last"),
    # BuildKit runs a lone heredoc as the script itself.
    _p("EL202", run("RUN <<EOF\nset -e\npython -m venv /v\n. /v/bin/activate\nEOF"),
       ["EL202 Dockerfile:2"], "heredoc set -e, activation last"),
    _p("EL202", run("ENV VIRTUAL_ENV=/opt/venv", 'ENV PATH="$VIRTUAL_ENV/bin:$PATH"',
                    "RUN python -m venv $VIRTUAL_ENV && . $VIRTUAL_ENV/bin/activate"),
       [], "ENV VIRTUAL_ENV then PATH: activation redundant"),
    # Dockerfile reference, ENV: a value sees the environment from *before* the
    # instruction, so `$VIRTUAL_ENV` here is not /opt/venv; PATH is unknown: silent.
    _p("EL202", run('ENV VIRTUAL_ENV=/opt/venv PATH="$VIRTUAL_ENV/bin:$PATH"',
                    "RUN python -m venv /opt/venv && . /opt/venv/bin/activate"),
       [], "ENV same-line reference, PATH unknown"),
    _p("EL202", run('RUN echo "source /opt/venv/bin/activate" >> ~/.bashrc'),
       [], "activation echoed into bashrc"),
    _p("EL202", df("FROM continuumio/miniconda3:24.1.2-0",
                   'RUN eval "$(conda shell.bash hook)" && conda activate app'),
       ["EL202 Dockerfile:2"], "conda shell hook then activate"),
    # python:*-alpine's /bin/sh is busybox ash, which has `source`: the plain message.
    _p("EL202", df("FROM python:3.12-alpine", "RUN source /v/bin/activate", USER),
       ["EL202 Dockerfile:2"], "alpine source"),
    # --- EL205: base image not pinned -------------------------------------------------
    _p("EL205", df("ARG PY=3.12", "FROM python:${PY}-slim"), [], "global ARG default tag"),
    _p("EL205", df("ARG TAG=latest", "FROM python:${TAG}"), ["EL205 Dockerfile:2"],
       "global ARG default latest"),
    # An ARG after FROM is not in scope for FROM: unresolved, silent.
    _p("EL205", df("FROM python:${TAG}", "ARG TAG=latest"), [], "ARG after FROM"),
    _p("EL205", df("FROM --platform=$BUILDPLATFORM python:3.12-slim AS build"), [],
       "BUILDPLATFORM pinned"),
    _p("EL205", df("FROM --platform=$BUILDPLATFORM python AS build"),
       ["EL205 Dockerfile:1"], "BUILDPLATFORM untagged"),
    # dockerfile2llb addState: FROM finds only stages defined earlier.
    _p("EL205", df("FROM base", "FROM python:3.12 AS base"), ["EL205 Dockerfile:1"],
       "stage name defined later is an image"),
    _p("EL205", df("FROM localhost:5000/app:1.2"), [], "registry port and tag"),
    _p("EL205", df('ARG VARIANT="3.10-bullseye"',
                   "FROM mcr.microsoft.com/vscode/devcontainers/python:0-${VARIANT}"),
       [], "devcontainer variant ARG"),
    # --- EL206: unpinned named requirements -------------------------------------------
    _p("EL206", run("RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt"),
       [], "-r with -c"),
    _p("EL206", run("RUN pip install --no-cache-dir --require-hashes -r requirements.txt"),
       [], "--require-hashes"),
    _p("EL206", run("RUN python -m pip install --no-cache-dir --upgrade pip==24.0"),
       [], "upgrade pip pinned"),
    _p("EL206", run("RUN python -m pip install --no-cache-dir -U pip setuptools wheel"),
       [], "tooling upgrade"),
    _p("EL206", run('RUN pip install --no-cache-dir "django>=4,<5"'),
       ["EL206 Dockerfile:2"], "quoted range"),
    _p("EL206", run("RUN pip install --no-cache-dir poetry==1.8.3 && poetry config "
                    "virtualenvs.create false && poetry install --no-root"),
       [], "poetry chain"),
    _p("EL206", run('RUN pip install --no-cache-dir "uvicorn[standard]==0.30.1" psycopg[binary]'),
       ["EL206 Dockerfile:2"], "extras"),
    _p("EL206", run("RUN pip install --no-cache-dir --only-binary :all: --retries 10 "
                    "--timeout 60 --root-user-action ignore numpy==1.26.4"),
       [], "option values"),
    _p("EL206", run("RUN pip install --no-cache-dir -r requirements.txt \\\n"
                    "    && pip install --no-cache-dir gunicorn"),
       ["EL206 Dockerfile:2"], "named after -r"),
    # BuildKit drops comment lines inside a continued instruction.
    _p("EL206", run("RUN pip install --no-cache-dir \\\n    # web\n"
                    "    flask \\\n    gunicorn==22.0"),
       ["EL206 Dockerfile:2"], "comment inside continuation"),
    _p("EL206", run("RUN /opt/venv/bin/pip install --no-cache-dir flask"),
       ["EL206 Dockerfile:2"], "pip by path"),
    _p("EL206", run("RUN pip install --no-cache-dir --no-index --find-links /wheels flask"),
       [], "no-index find-links"),
    _p("EL206", run("RUN uv pip install --system --no-cache --requirements r.txt "
                    "--constraints c.txt flask"),
       [], "uv plural long options"),
    _p("EL206", run("RUN pip install --no-cache-dir 'apache-airflow[postgres]==2.9.0' "
                    '--constraint "https://e.com/constraints-3.8.txt" flask'),
       [], "constraint URL"),
    # pip's user guide "Filtering by Upload Time" and uv's `--exclude-newer`: an absolute
    # cutoff fixes every version; uv's relative spans ("7 days") do not.
    _p("EL206", run("RUN pip install --no-cache-dir --uploaded-prior-to=2025-03-16T00:00:00Z "
                    "flask"),
       [], "pip upload cutoff"),
    _p("EL206", run("RUN uv pip install --system --no-cache --exclude-newer 2024-01-01 flask"),
       [], "uv exclude-newer date"),
    _p("EL206", run("ENV UV_EXCLUDE_NEWER=2024-01-01T00:00:00Z",
                    "RUN uv pip install --system --no-cache flask"),
       [], "UV_EXCLUDE_NEWER"),
    _p("EL206", run('RUN uv pip install --system --no-cache --exclude-newer "7 days" flask'),
       ["EL206 Dockerfile:2"], "uv exclude-newer span"),
    # A build argument may carry `-c constraints.txt`: unknown, silent. An unset variable
    # is empty in the RUN's shell.
    _p("EL206", run("ARG PIP_ARGS", "RUN pip install --no-cache-dir $PIP_ARGS flask"),
       [], "unknown options variable"),
    _p("EL206", run('ARG PIP_ARGS="-c /c.txt"', "RUN pip install --no-cache-dir ${PIP_ARGS} flask"),
       [], "options variable with -c"),
    _p("EL206", run("RUN pip install --no-cache-dir ${PIP_ARGS} flask"),
       ["EL206 Dockerfile:2"], "unset variable is empty"),
    # --- EL207: installer cache left in the layer -------------------------------------
    _p("EL207", run("RUN --mount=type=cache,target=/root/.cache/pip,sharing=locked "
                    "pip install flask==3.0"),
       [], "cache mount sharing=locked"),
    _p("EL207", run("RUN --mount=type=cache,id=pip,uid=1000,target=/home/app/.cache/pip \\\n"
                    "    pip install flask==3.0"),
       [], "cache mount id uid"),
    _p("EL207", run("RUN pip install --cache-dir=/tmp/pc flask==3.0 && rm -rf /tmp/pc"),
       [], "own cache dir removed"),
    # pip reads `no-cache-dir` from its configuration as from PIP_NO_CACHE_DIR.
    _p("EL207", run("RUN pip config set global.no-cache-dir false", "RUN pip install flask==3.0"),
       [], "pip config set no-cache-dir"),
    _p("EL207", run("COPY pip.conf /etc/pip.conf", "RUN pip install flask==3.0",
                    **{"pip.conf": "[global]\nno-cache-dir = false\n"}),
       [], "copied pip.conf"),
    _p("EL207", run("RUN --mount=type=secret,id=pipconf,target=/etc/pip.conf "
                    "pip install flask==3.0"),
       [], "secret-mounted pip.conf"),
    # pip skips its version check and has nothing to download with `--no-index`.
    _p("EL207", run("RUN pip install --no-index --find-links=/wheels flask"), [],
       "no-index local wheels"),
    _p("EL207", run('RUN ["pip", "install", "flask==3.0"]'), ["EL207 Dockerfile:2"],
       "exec form"),
    _p("EL207", run("RUN <<EOF\nset -e\npip install flask==3.0\nEOF"), ["EL207 Dockerfile:2"],
       "heredoc"),
    _p("EL207", run("ENV PIP_NO_CACHE_DIR=off", "RUN pip install flask==3.0"), [],
       "PIP_NO_CACHE_DIR=off"),
    _p("EL207", df("FROM python:3.12-slim AS b", "RUN pip install --prefix=/i flask==3.0",
                   PY, "COPY --from=b /i /usr/local", USER),
       [], "builder stage"),
    # --- EL208: dependency install after the whole context -----------------------------
    _p("EL208", run("WORKDIR /app", "COPY . .", "RUN pip install --no-cache-dir .", **PROJECT),
       [], "install the project itself"),
    _p("EL208", run("WORKDIR /app", "COPY requirements/ requirements/",
                    "RUN pip install --no-cache-dir -r requirements/prod.txt", "COPY . .",
                    **{"requirements/prod.txt": "flask==3.0\n"}),
       [], "requirements directory first"),
    _p("EL208", run("WORKDIR /app", "COPY requirements*.txt ./", "COPY . .",
                    "RUN pip install --no-cache-dir -r requirements.txt",
                    **{"requirements.txt": ""}),
       [], "wildcard manifest copy first"),
    _p("EL208", run("ADD . /app", "RUN pip install --no-cache-dir -r /app/requirements.txt",
                    **{"requirements.txt": ""}),
       ["EL208 Dockerfile:3"], "ADD whole context"),
    _p("EL208", run("WORKDIR /app", "COPY --chown=app:app . .",
                    "RUN pip install --no-cache-dir -r requirements.txt",
                    **{"requirements.txt": ""}),
       ["EL208 Dockerfile:4"], "COPY --chown whole context"),
    _p("EL208", run("WORKDIR /app", "COPY pyproject.toml poetry.lock ./",
                    "RUN poetry install --no-root", "COPY . .", "RUN poetry install --only-root",
                    **PROJECT),
       [], "poetry two phases"),
    _p("EL208", run("WORKDIR /app", "COPY . .", "RUN poetry install --no-root", **PROJECT),
       ["EL208 Dockerfile:4"], "poetry after whole context"),
    _p("EL208", run("WORKDIR /app",
                    "RUN --mount=type=bind,source=uv.lock,target=uv.lock "
                    "--mount=type=bind,source=pyproject.toml,target=pyproject.toml "
                    "uv sync --no-install-project", "COPY . .", "RUN uv sync", **PROJECT),
       [], "uv bind mounts first"),
    _p("EL208", run("WORKDIR /app", "ARG REQS", "COPY requirements.txt .", "COPY . .",
                    "RUN pip install --no-cache-dir -r $REQS", **{"requirements.txt": ""}),
       [], "unknown manifest after narrower copy"),
    # --- EL209: final image runs as root ---------------------------------------------
    _p("EL209", df("FROM python:3.12", "ARG UID=0", "USER $UID"), ["EL209 Dockerfile:3"],
       "USER from ARG 0"),
    _p("EL209", df("FROM python:3.12", "USER 1000:1000"), [], "numeric user"),
    _p("EL209", df("FROM docker.io/library/python:3.12-slim"), ["EL209 Dockerfile:1"],
       "fully qualified python"),
    # docker-library's nanoserver images end with `USER ContainerUser`; Windows users are
    # not root.
    _p("EL209", df("FROM python:3.12-nanoserver"), [], "nanoserver"),
    _p("EL209", df("FROM python:3.12-windowsservercore-ltsc2022"), [], "windowsservercore"),
    _p("EL209", df("FROM python:3.12 AS b", "FROM scratch", "COPY --from=b /x /x"), [],
       "scratch final"),
    _p("EL209", {"Dockerfile": "FROM python:3.12 AS builder\nRUN true\nFROM python:3.12-slim\n"
                 "USER app\n", "compose.yaml": "services:\n  a:\n    build:\n      context: .\n"
                 "      target: builder\n"},
       ["EL209 Dockerfile:1"], "compose target builder"),
    # --- EL210: whole context without an ignore file ----------------------------------
    _p("EL210", run("COPY . .", **{"a.py": "", ".dockerignore.txt": ".git\n"}),
       ["EL210 Dockerfile:2"], "misspelt ignore file"),
    # The Dockerfile-specific ignore file serves only `Dockerfile.dev`.
    _p("EL210", {"Dockerfile": f"{PY}\nCOPY . .\n{USER}\n", "Dockerfile.dev": f"{PY}\nCOPY . .\n",
                 "Dockerfile.dev.dockerignore": ".git\n", "a.py": ""},
       ["EL210 Dockerfile:2"], "Dockerfile.dev ignore file"),
    # --- EL201/EL203/EL204: the build context -----------------------------------------
    _p("EL201", run("COPY . /app", **VENV, **{".dockerignore": "# c\n**/.venv\n.git\n"}),
       [], "double-star pattern", untracked=[".venv"]),
    _p("EL201", run("COPY . /app", **VENV, **{".dockerignore": ".venv/\n.git\n"}),
       [], "trailing slash pattern", untracked=[".venv"]),
    _p("EL201", run("COPY . /app", **VENV, **{".dockerignore": "./.venv\r\n.git\r\n"}),
       [], "dot-slash pattern CRLF", untracked=[".venv"]),
    # patternmatcher/ignorefile: only a line *starting* with `#` is a comment.
    _p("EL201", run("COPY . /app", **VENV, **{".dockerignore": "  # .venv\n.git\n"}),
       ["EL201 Dockerfile:2"], "indented hash is a pattern", untracked=[".venv"]),
    _p("EL201", run("COPY . /app", **{"src/.venv/pyvenv.cfg": "x", "src/.venv/bin/python": "",
                                      "src/a.py": "", ".dockerignore": "*\n!src\n"}),
       ["EL201 Dockerfile:2"], "re-included directory holds venv", untracked=["src/.venv"]),
    # Patterns are anchored at the context root: `venv` is not `backend/venv`.
    _p("EL201", run("COPY . /app", **{"backend/venv/pyvenv.cfg": "x",
                                      "backend/venv/bin/python": "", "a.py": "",
                                      ".dockerignore": "venv\n.git\n"}),
       ["EL201 Dockerfile:2"], "unanchored name", untracked=["backend/venv"]),
    _p("EL201", df("# syntax=docker/dockerfile:1.7-labs", PY, "COPY --exclude=.venv . /app",
                   USER, **VENV, **{".dockerignore": ".git\n"}),
       [], "COPY --exclude", untracked=[".venv"]),
    _p("EL203", run("COPY .env /app/.env", **{".env": "A=1\n", **IGNORE}), [], "dotenv"),
    _p("EL204", run("COPY --link missing.txt /app/", **IGNORE), ["EL204 Dockerfile:2"],
       "COPY --link missing"),
    _p("EL204", run("ADD --checksum=sha256:" + "a" * 64 + " https://e.com/x.tgz /x.tgz",
                    "ADD https://github.com/moby/buildkit.git#v0.10.1 /bk",
                    "ADD git@github.com:moby/buildkit.git /bk2", **IGNORE),
       [], "ADD remote sources"),
    _p("EL204", run("ADD vendor.tar.gz /", **IGNORE), ["EL204 Dockerfile:2"],
       "ADD local archive missing"),
    _p("EL204", df("# syntax=docker/dockerfile:1.7-labs", PY,
                   "COPY --parents ./src/*/requirements.txt /app/",
                   "COPY --parents ./src/./a/y.txt /app/", USER,
                   **{"src/a/requirements.txt": "", **IGNORE}),
       ["EL204 Dockerfile:4"], "--parents glob and pivot"),
    _p("EL204", run("COPY requirements.txt* poetry.lock* ./", **IGNORE), [],
       "wildcards matching nothing"),
    # Windows Dockerfiles: `\` separates paths (escape directive or not).
    _p("EL204", df("# escape=`", "FROM python:3.12-windowsservercore",
                   "COPY src\\app.py C:\\app\\", **{"src/app.py": "", **IGNORE}),
       [], "Windows backslash source"),
    # Docker's reference: an excluded Dockerfile is still sent, but COPY cannot see it.
    _p("EL204", run("COPY Dockerfile /", **{".dockerignore": "Dockerfile\n"}),
       ["EL204 Dockerfile:2"], "excluded Dockerfile copied"),
    _p("EL204", run("COPY .env .", **{".gitignore": ".env\n", **IGNORE}), [],
       "git-ignored build input"),
    _p("EL204", {"compose.yaml": "services:\n  api:\n    build:\n      context: ./backend\n"
                 "      dockerfile: ../Dockerfile\n",
                 "Dockerfile": f"{PY}\nCOPY requirements.txt .\nCOPY app.py .\n{USER}\n",
                 "backend/requirements.txt": "", "app.py": "", "backend/.dockerignore": ".venv\n"},
       ["EL204 Dockerfile:3"], "compose dockerfile outside context"),
    _p("EL204", {"compose.yaml": "services:\n  web:\n    build: ./backend\n",
                 "backend/Dockerfile": f"{PY}\nCOPY requirements.txt /r.txt\n{USER}\n",
                 "backend/requirements.txt": "", "backend/.dockerignore": ".venv\n"},
       [], "compose short build"),
    # --- EL211/EL212: venvs between stages --------------------------------------------
    _p("EL211", df("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder",
                   "WORKDIR /app", "COPY pyproject.toml uv.lock ./", "RUN uv sync --frozen", PY,
                   "COPY --chown=app:app --from=builder /app /app", USER, **PROJECT),
       [], "uv project copied whole"),
    _p("EL211", df("FROM python:3.12-slim AS builder", "RUN python -m venv /opt/venv", PY,
                   "COPY --link --from=builder /opt/venv /opt/venv/", USER),
       [], "COPY --link same path"),
    _p("EL211", df("FROM python:3.12-slim AS builder", "RUN python -m venv /opt/venv", PY,
                   "COPY --from=builder --chown=app:app /opt/venv /home/app/venv", USER),
       ["EL211 Dockerfile:4"], "relocated with chown"),
    _p("EL211", df("FROM python:3.12-slim AS builder", "RUN python -m venv /opt/venv", PY,
                   "COPY --from=builder /opt/venv/lib/python3.12/site-packages "
                   "/usr/local/lib/python3.12/site-packages", USER),
       [], "site-packages only"),
    # An image other than the docker-library ones may set its own WORKDIR.
    _p("EL211", df("FROM python:3.12-slim AS builder", "WORKDIR /app", "RUN python -m venv .venv",
                   "FROM myorg/base:1", "COPY --from=builder /app/.venv ./.venv", USER),
       [], "relative destination, unknown image WORKDIR"),
    # dockerfile2llb `toCommand`: "variable expansion is not supported for --from".
    _p("EL211", df("ARG STAGE=builder", "FROM python:3.12-slim AS builder",
                   "RUN python -m venv /opt/venv", PY, "ARG STAGE",
                   "COPY --from=$STAGE /opt/venv /venv", USER),
       [], "variable in --from"),
    _p("EL211", df("FROM python:3.12-slim AS b", "ENV APP_HOME=/app", "WORKDIR $APP_HOME",
                   "RUN python -m venv venv", PY, "ENV APP_HOME=/app", "WORKDIR $APP_HOME",
                   "COPY --from=b $APP_HOME/venv ./venv", USER),
       [], "WORKDIR $APP_HOME on both sides"),
    _p("EL211", df("FROM python:3.12-slim AS b", "ENV APP_HOME=/app", "WORKDIR $APP_HOME",
                   "RUN python -m venv venv", PY, "WORKDIR /srv",
                   "COPY --from=b /app/venv ./venv", USER),
       ["EL211 Dockerfile:7"], "WORKDIR differs"),
    _p("EL212", df("ARG PY=3.12", "ARG BASE=python:${PY}-slim", "FROM $BASE AS b",
                   "RUN python -m venv /v", "FROM python:3.11-slim", "COPY --from=b /v /v", USER),
       ["EL212 Dockerfile:6"], "global ARG default built from another"),
    _p("EL212", df("FROM python:3.12-alpine AS builder", "RUN python -m venv /opt/venv", PY,
                   "COPY --from=builder /opt/venv /opt/venv", USER),
       ["EL212 Dockerfile:4"], "musl to glibc"),
    _p("EL212", df("FROM python:3.12-slim AS builder",
                   "RUN apt-get install -y python3.11 && python3.11 -m venv /opt/venv",
                   "FROM python:3.11-slim", "COPY --from=builder /opt/venv /opt/venv", USER),
       [], "interpreter named by the command"),
    _p("EL212", df("ARG PY=3.11", "FROM python:${PY}-slim AS builder",
                   "RUN python -m venv /opt/venv", "FROM python:3.12-slim",
                   "COPY --from=builder /opt/venv /opt/venv", USER),
       ["EL212 Dockerfile:5"], "builder image from global ARG"),
    # uv requests the version a `.python-version` names (`uv init` writes one) and
    # downloads it when the image lacks it, unless downloads are off.
    _p("EL212", df(UV_IMAGE + " AS builder", "WORKDIR /app", "COPY . /app",
                   "RUN uv sync --frozen", "FROM python:3.11-slim",
                   "COPY --from=builder /app/.venv /app/.venv", USER, **UV_311),
       [], "uv may read .python-version"),
    _p("EL212", df(UV_IMAGE + " AS builder", "ENV UV_PYTHON_DOWNLOADS=0", "WORKDIR /app",
                   "COPY . /app", "RUN uv sync --frozen", "FROM python:3.11-slim",
                   "COPY --from=builder /app/.venv /app/.venv", USER, **UV_311),
       ["EL212 Dockerfile:7"], "uv downloads off: the image's Python"),
    _p("EL212", df(UV_IMAGE + " AS builder", "WORKDIR /app",
                   "RUN --mount=type=bind,source=uv.lock,target=uv.lock "
                   "--mount=type=bind,source=pyproject.toml,target=pyproject.toml "
                   "uv sync --frozen --no-install-project", "FROM python:3.11-slim",
                   "COPY --from=builder /app/.venv /app/.venv", USER, **UV_311),
       ["EL212 Dockerfile:5"], "uv guide bind mounts, no version file"),
    # --- EL213: venv created, pip installs elsewhere ----------------------------------
    # `uv sync` and `poetry install` fill the venv they create: it is not empty.
    _p("EL213", df("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "WORKDIR /app",
                   "COPY pyproject.toml uv.lock ./", "RUN uv sync --frozen",
                   "RUN pip install --no-cache-dir gunicorn==23.0.0", USER, **PROJECT),
       [], "uv sync venv then system pip"),
    _p("EL213", run("ENV POETRY_VIRTUALENVS_IN_PROJECT=true", "WORKDIR /app",
                    "COPY pyproject.toml poetry.lock ./",
                    "RUN pip install --no-cache-dir poetry==1.8.3 && poetry install --no-root",
                    "RUN pip install --no-cache-dir gunicorn==23.0.0", **PROJECT),
       [], "poetry in-project venv then system pip"),
    _p("EL213", run("RUN python -m venv /opt/venv", "RUN pip install --no-cache-dir flask==3.0",
                    "COPY entrypoint.sh /", 'ENTRYPOINT ["/entrypoint.sh"]',
                    **{"entrypoint.sh": "#!/bin/sh\n. /opt/venv/bin/activate\nexec \"$@\"\n"}),
       ["EL213 Dockerfile:3"], "entrypoint script activates an empty venv"),
    _p("EL213", run("RUN python -m venv /opt/venv", "ENV BASH_ENV=/opt/venv/bin/activate",
                    'SHELL ["/bin/bash", "-c"]', "RUN pip install --no-cache-dir flask==3.0"),
       [], "BASH_ENV activation"),
    _p("EL213", run("ENV VIRTUAL_ENV=/opt/venv", "RUN python -m venv $VIRTUAL_ENV",
                    "RUN pip install --no-cache-dir flask==3.0"),
       [], "VIRTUAL_ENV names the venv"),
]  # fmt: skip


@pytest.mark.parametrize("row", CASES)
def test_idiom(
    assert_finds: Check,
    assert_quiet: Check,
    row: tuple[str, dict[str, str], list[str], dict[str, object]],
) -> None:
    code, files, expected, case = row
    if expected:
        assert_finds(code, files, expected, **case)
    else:
        assert_quiet(code, files, **case)


def test_heredoc_source_runs_in_dash(lint_files: Callable[..., list[Finding]]) -> None:
    """dockerfile2llb `dispatchRun`: a heredoc without a shebang goes to `/bin/sh -c`,
    which is dash on Debian-based images, where `source` does not exist."""
    files = run("RUN <<EOF\npython -m venv /v\nsource /v/bin/activate\nEOF")
    found = lint_files(files, select="EL202")
    assert [(f.line, "dash" in f.message) for f in found] == [(2, True)]
    shebang = run("RUN <<EOF\n#!/bin/bash\npython -m venv /v\nsource /v/bin/activate\nEOF")
    found = lint_files(shebang, select="EL202")
    assert [(f.line, "dash" in f.message) for f in found] == [(2, False)]


@pytest.mark.parametrize(
    ("image", "workdir", "root"),
    [
        pytest.param("python:3.12-slim", "/", True, id="docker-library python"),
        pytest.param("docker.io/library/ubuntu:24.04", "/", True, id="qualified ubuntu"),
        pytest.param("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", "/", None, id="uv image"),
        pytest.param("scratch", "/", None, id="scratch"),
        pytest.param("tiangolo/uvicorn-gunicorn:python3.11", None, None, id="sets WORKDIR /app"),
        pytest.param("python:3.12-nanoserver", "/", None, id="nanoserver: ContainerUser"),
        pytest.param("python:3.12-windowsservercore", "/", None, id="windowsservercore"),
    ],
)
def test_base_image_facts(image: str, workdir: str | None, root: bool | None) -> None:
    from envlint.parsers.baseimage import initial_workdir, runs_as_root_by_default

    assert (initial_workdir(image), runs_as_root_by_default(image)) == (workdir, root)
