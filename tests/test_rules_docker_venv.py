"""EL211-EL213 (venvs moved, copied across interpreters, created but unused) and the
Docker facts under them: where a venv is created, where COPY --from puts it, which Python
made it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from envlint.dockerflow import Origin, placements, under
from envlint.dockerinfo import VenvMade, venvs_made
from envlint.dockerpython import Interpreter, _request, creating, differences
from envlint.dockerstage import StageView, stage_views
from envlint.parsers.dockerfile import parse_dockerfile
from envlint.rules import DOC_SECTIONS, all_rules

Check = Callable[..., None]
MADE = "FROM python:3.12 AS b\nRUN python -m venv /opt/venv\n"


def views_of(text: str) -> list[StageView]:
    parsed, errors = parse_dockerfile(text)
    assert errors == []
    return stage_views(parsed)


def made_in(text: str) -> list[tuple[str, str, str | None, bool, int]]:
    return [
        (m.path, m.tool, m.interpreter, m.relocatable, m.line)
        for view in views_of(text)
        for m in venvs_made(view)
    ]


def df(*lines: str) -> dict[str, str]:
    return {"Dockerfile": "\n".join(lines) + "\n", "pyproject.toml": "", "uv.lock": ""}


# --- venv creation (dockerinfo) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "FROM python:3.12\nWORKDIR /app\n"
            "RUN --mount=source=pyproject.toml,target=pyproject.toml uv sync\n",
            [("/app/.venv", "uv sync", None, False, 3)],
            id="bind mount without type= is a bind mount",
        ),
        pytest.param(
            "FROM python:3.12\nWORKDIR /app\nRUN --mount=type=bind,from=b,target=/app uv sync\n",
            [],
            id="bind mount from another stage says nothing about pyproject.toml",
        ),
        pytest.param(
            "FROM python:3.12\nWORKDIR /app\nRUN uv venv\n",
            [("/app/.venv", "uv", None, False, 3)],
            id="uv venv without a path: .venv in the working directory",
        ),
        pytest.param(
            "FROM python:3.12\nENV UV_PROJECT_ENVIRONMENT=/opt/env\nWORKDIR /app\n"
            "COPY pyproject.toml .\nRUN uv venv\n",
            [("/opt/env", "uv", None, False, 5)],
            id="uv venv at the project root honours UV_PROJECT_ENVIRONMENT",
        ),
        pytest.param(
            "FROM python:3.12\nENV UV_PROJECT_ENVIRONMENT=/opt/env\nWORKDIR /app\nRUN uv venv\n",
            [],
            id="uv venv with UV_PROJECT_ENVIRONMENT and no known project is unknown",
        ),
        pytest.param(
            "FROM python:3.12\nENV UV_PROJECT_ENVIRONMENT=env\nWORKDIR /app\nRUN uv sync\n",
            [],
            id="relative UV_PROJECT_ENVIRONMENT without a known root is unknown",
        ),
        pytest.param(
            "FROM python:3.12\nCOPY pyproject.toml /src/\nRUN uv sync --directory /src\n",
            [("/src/.venv", "uv sync", None, False, 3)],
            id="uv sync --directory",
        ),
        pytest.param(
            "FROM python:3.12\nENV POETRY_VIRTUALENVS_IN_PROJECT=true\nWORKDIR /app\n"
            "COPY pyproject.toml .\nRUN poetry config virtualenvs.create false && poetry install\n",
            [],
            id="poetry config virtualenvs.create false",
        ),
        pytest.param(
            "FROM python:3.12\nWORKDIR /app\nCOPY pyproject.toml .\n"
            "RUN poetry config virtualenvs.in-project true && poetry install\n",
            [("/app/.venv", "poetry", None, False, 4)],
            id="poetry config virtualenvs.in-project true",
        ),
        pytest.param(
            "FROM python:3.12\nENV POETRY_VIRTUALENVS_IN_PROJECT=yes\nWORKDIR /app\n"
            "COPY pyproject.toml .\nRUN poetry install\n",
            [],
            id="poetry reads only true and 1 as true",
        ),
        pytest.param(
            "FROM python:3.12\nENV POETRY_VIRTUALENVS_IN_PROJECT=1 VIRTUAL_ENV=/opt/venv\n"
            "WORKDIR /app\nCOPY pyproject.toml .\nRUN poetry install\n",
            [],
            id="poetry uses an active VIRTUAL_ENV",
        ),
        pytest.param(
            "FROM python:3.12\nENV POETRY_VIRTUALENVS_IN_PROJECT=1\nWORKDIR /app\n"
            "COPY pyproject.toml .\nRUN . /opt/venv/bin/activate && poetry install\n",
            [],
            id="poetry installs into the venv activated before it",
        ),
        pytest.param(
            "FROM python:3.12\nRUN python3 -m venv venv\nWORKDIR app\nRUN python -m venv .venv\n",
            [("/venv", "venv", "python3", False, 2), ("/app/.venv", "venv", "python", False, 4)],
            id="relative to the root directory: no leading //",
        ),
        pytest.param(
            "FROM example/base:1\nRUN python -m venv venv && python -m venv /abs\n",
            [("/abs", "venv", "python", False, 2)],
            id="an unknown image's WORKDIR is unknown",
        ),
        pytest.param(
            "FROM example/base:1\nWORKDIR /w\nRUN python -m venv venv\n",
            [("/w/venv", "venv", "python", False, 3)],
            id="WORKDIR makes it known",
        ),
        pytest.param(
            "FROM example/base:1\nRUN cd /srv && python -m venv venv\n",
            [("/srv/venv", "venv", "python", False, 2)],
            id="cd to an absolute path makes it known",
        ),
    ],
)
def test_venvs_made(text: str, expected: list[tuple[str, str, str | None, bool, int]]) -> None:
    assert made_in(text) == expected


def test_venv_made_records_its_command() -> None:
    view = views_of("FROM python:3.12\nRUN cd /tmp && python -m venv /v && /v/bin/pip -V\n")[0]
    assert [m.command for m in venvs_made(view)] == [1]


# --- placements (dockerflow) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("copy", "expected"),
    [
        pytest.param("COPY --from=b /opt/venv /opt/venv", "/opt/venv", id="same path"),
        pytest.param("COPY --from=b /opt/venv/ /opt/venv/", "/opt/venv", id="slashes"),
        pytest.param("COPY --from=b /opt/venv /opt/", "/opt", id="contents into a parent"),
        pytest.param("COPY --from=b /opt /srv", "/srv/venv", id="parent directory"),
        pytest.param("COPY --from=b / /", "/opt/venv", id="whole root"),
        pytest.param("COPY --from=b opt/venv v", "/w/v", id="relative source and dest"),
        pytest.param("COPY --from=0 /opt/venv /v", "/v", id="stage index"),
        pytest.param("COPY --from=B /opt/venv /v", "/v", id="stage name in another case"),
    ],
)
def test_placements(copy: str, expected: str) -> None:
    text = f"{MADE}FROM python:3.12\nARG S=b\nWORKDIR /w\n{copy}\n"
    assert [p.path for p in placements(views_of(text), frozenset())] == [expected]


@pytest.mark.parametrize(
    "copy",
    [
        pytest.param("COPY --from=b /opt/venv/lib /lib", id="part of a venv"),
        pytest.param("COPY --from=b /opt/ven* /v", id="wildcard"),
        pytest.param("COPY --from=b $UNSET /v", id="unknown source"),
        pytest.param("COPY --from=b --parents /opt/./venv /v", id="--parents"),
        pytest.param("COPY --from=b --exclude=*.pyc /opt /v", id="--exclude"),
        pytest.param("COPY --from=python:3.12 /opt/venv /v", id="an image"),
        pytest.param("COPY --from=deps /opt/venv /v", id="named context"),
        # dockerfile2llb `toCommand`: "variable expansion is not supported for --from".
        pytest.param("ARG S=b\nCOPY --from=${S} /opt/venv /v", id="ARG in --from"),
    ],
)
def test_no_placement(copy: str) -> None:
    text = f"{MADE}FROM b AS deps\nFROM python:3.12\n{copy}\n"
    assert placements(views_of(text), frozenset({"deps"})) == []


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        pytest.param("RUN rm -rf /opt/venv", [], id="removed"),
        pytest.param("RUN mv /opt/venv /srv/venv", [], id="moved away"),
        pytest.param("RUN cd /opt && rm -r venv", [], id="relative rm"),
        pytest.param("RUN rm -rf /opt/venv && python -m venv /opt/venv", ["/v"], id="recreated"),
        pytest.param("RUN rm -rf /opt/venv/lib/python3.12/site-packages/x", ["/v"], id="part"),
        pytest.param("RUN rm -f /opt/venv", ["/v"], id="not recursive"),
    ],
)
def test_placement_after_removal(run: str, expected: list[str]) -> None:
    text = f"{MADE}{run}\nFROM python:3.12\nCOPY --from=b /opt/venv /v\n"
    assert [p.path for p in placements(views_of(text), frozenset())] == expected


def test_placement_follows_copies_between_stages() -> None:
    text = (
        "FROM python:3.12 AS a\nRUN python -m venv /opt/venv\n"
        "FROM python:3.12 AS b\nCOPY --from=a /opt/venv /moved\n"
        "FROM python:3.12\nCOPY --from=b /moved /moved\n"
    )
    found = [(p.was, p.path, p.origin.path) for p in placements(views_of(text), frozenset())]
    assert found == [("/opt/venv", "/moved", "/opt/venv"), ("/moved", "/moved", "/opt/venv")]


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [("/a/b", "/a", True), ("/a", "/a", True), ("/ab", "/a", False), ("/x", "/", True)],
)
def test_under(path: str, root: str, expected: bool) -> None:
    assert under(path, root) is expected


# --- interpreters (dockerpython) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("python3.11", (None, (3, 11), False), id="python3.11"),
        pytest.param("/usr/bin/python3.10", (None, (3, 10), False), id="path"),
        pytest.param("3.13t", (None, (3, 13), True), id="free-threaded"),
        pytest.param("cpython@3.12", ("cpython", (3, 12), False), id="uv cpython@"),
        pytest.param("pypy3.10", ("pypy", (3, 10), False), id="pypy"),
        pytest.param("cp312", ("cpython", (3, 12), False), id="cp312"),
        pytest.param("cpython-3.12.3-linux-x86_64-gnu", ("cpython", (3, 12), False), id="uv key"),
        pytest.param("python3", (None, None, False), id="no minor"),
        pytest.param("pypy3", ("pypy", None, False), id="pypy without minor"),
        pytest.param(">=3.11", None, id="a range"),
        pytest.param("/opt/venv/bin/py", None, id="unreadable name"),
    ],
)
def test_request(
    text: str, expected: tuple[str | None, tuple[int, int] | None, bool] | None
) -> None:
    assert _request(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "FROM python:3.12-slim\nRUN python -m venv /v",
            Interpreter("cpython", (3, 12), False, "glibc"),
            id="the image's Python",
        ),
        pytest.param(
            "FROM python:3.12-alpine\nRUN python3.11 -m venv /v",
            Interpreter("cpython", (3, 11), False, "musl"),
            id="named minor, image's libc",
        ),
        pytest.param(
            "FROM python:3.12\nRUN /usr/bin/python3 -m venv /v", None, id="another binary"
        ),
        pytest.param(
            "FROM python:3.12\nRUN /usr/local/bin/python3 -m venv /v",
            Interpreter("cpython", (3, 12), False, "glibc"),
            id="the image's binary by path",
        ),
        pytest.param(
            "FROM python:3.12\nENV UV_PYTHON_PREFERENCE=only-managed\nRUN uv venv /v",
            None,
            id="uv managed Python",
        ),
        pytest.param(
            "FROM python:3.12\nRUN uv python install 3.13\nRUN uv venv /v", None, id="uv installs"
        ),
        pytest.param(
            "FROM python:3.12\nENV UV_PYTHON=3.13t\nRUN uv venv /v",
            Interpreter("cpython", (3, 13), True, "glibc"),
            id="UV_PYTHON",
        ),
        pytest.param("FROM pypy:3.10\nRUN python3.10 -m venv /v", None, id="python on pypy"),
        pytest.param("FROM python:3\nRUN python -m venv /v", None, id="python:3"),
    ],
)
def test_creating(text: str, expected: Interpreter | None) -> None:
    view = views_of(text + "\n")[0]
    assert creating(Origin(venvs_made(view)[0], view)) == expected


@pytest.mark.parametrize(
    ("made", "runs", "expected"),
    [
        pytest.param(("cpython", 12, False, "glibc"), ("cpython", 12, False, "glibc"), [],
                     id="same"),
        pytest.param(("cpython", 12, False, "glibc"), ("cpython", 11, False, "glibc"),
                     ["minor version"], id="minor"),
        pytest.param(("cpython", 12, False, "glibc"), ("cpython", 12, False, "musl"), ["libc"],
                     id="libc"),
        pytest.param(("cpython", 12, False, None), ("cpython", 12, False, "musl"), [],
                     id="libc unknown"),
        pytest.param(("pypy", 10, False, "glibc"), ("cpython", 10, False, "glibc"),
                     ["implementation"], id="pypy"),
        pytest.param(("cpython", 13, True, "glibc"), ("cpython", 13, False, "glibc"),
                     ["free-threading"], id="t"),
    ],
)  # fmt: skip
def test_differences(
    made: tuple[str, int, bool, str | None],
    runs: tuple[str, int, bool, str | None],
    expected: list[str],
) -> None:
    def interpreter(impl: str, minor: int, free_threaded: bool, libc: str | None) -> Interpreter:
        return Interpreter(impl, (3, minor), free_threaded, libc)

    assert differences(interpreter(*made), interpreter(*runs)) == expected


def test_describe() -> None:
    assert Interpreter("cpython", (3, 13), True, "musl").describe() == "CPython 3.13t (musl)"
    assert Interpreter("pypy", (3, 10), False, None).describe() == "PyPy 3.10"


# --- EL211 --------------------------------------------------------------------------------

BUILDER = ("FROM python:3.12-slim AS builder", "RUN python -m venv /opt/venv")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(df(*BUILDER, "FROM python:3.12-slim", "COPY --from=builder /opt/venv /venv"),
                     ["EL211 Dockerfile:4"], id="moved"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim", "COPY --from=builder /opt /srv"),
                     ["EL211 Dockerfile:4"], id="inside a copied parent"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim", "COPY --from=builder /opt/venv /opt/"),
                     ["EL211 Dockerfile:4"], id="contents into the parent"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim", "WORKDIR /x",
                        "COPY --from=builder /opt/venv venv"),
                     ["EL211 Dockerfile:5"], id="relative destination"),
        pytest.param(df(*BUILDER, "FROM builder AS more", "FROM python:3.12-slim",
                        "COPY --from=more /opt/venv /v"),
                     ["EL211 Dockerfile:5"], id="created in the source stage's parent"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim AS mid",
                        "COPY --from=builder /opt/venv /opt/venv", "FROM python:3.12-slim",
                        "COPY --from=mid /opt /srv"),
                     ["EL211 Dockerfile:6"], id="through another stage"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim AS mid",
                        "COPY --from=builder /opt/venv /moved", "FROM python:3.12-slim",
                        "COPY --from=mid /moved /moved"),
                     ["EL211 Dockerfile:4"], id="reported once, where it moved"),
        pytest.param(df("FROM python:3.12 AS b", "RUN uv venv --no-relocatable /v",
                        "FROM python:3.12", "COPY --from=b /v /w"),
                     ["EL211 Dockerfile:4"], id="uv venv, not relocatable"),
    ],
)  # fmt: skip
def test_el211_finds(assert_finds: Check, files: dict[str, str], expected: list[str]) -> None:
    assert_finds("EL211", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(df(*BUILDER, "FROM python:3.12-slim",
                        "COPY --from=builder /opt/venv /opt/venv"), id="same path"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim", "WORKDIR /opt",
                        "COPY --from=builder /opt/venv/ ./venv/"), id="same path, relative"),
        pytest.param(df("FROM python:3.12 AS b", "RUN uv venv --relocatable /v",
                        "FROM python:3.12", "COPY --from=b /v /w"), id="--relocatable"),
        pytest.param(df("FROM python:3.12 AS b", "RUN UV_VENV_RELOCATABLE=true uv venv /v",
                        "FROM python:3.12", "COPY --from=b /v /w"), id="inline env"),
        pytest.param(df("FROM python:3.12 AS b", "RUN pip install --prefix /install flask",
                        "FROM python:3.12", "COPY --from=b /install /usr/local"), id="--prefix"),
        pytest.param(df("FROM python:3.12 AS b", "RUN pip install --user flask",
                        "FROM python:3.12", "COPY --from=b /root/.local /home/u/.local"),
                     id="--user"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim",
                        "COPY --from=example/venv:1 /opt/venv /v"), id="image"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv $V",
                        "FROM python:3.12", "COPY --from=b /opt/venv /v"), id="unknown P"),
        pytest.param(df("FROM python:3.12 AS b", "RUN cd $D && python -m venv venv",
                        "FROM python:3.12", "COPY --from=b / /srv"), id="cd to unknown"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim",
                        "COPY --from=builder /opt/venv/lib/python3.12/site-packages /site"),
                     id="part of a venv"),
        pytest.param(df(*BUILDER, "FROM python:3.12-slim AS later",
                        "COPY --from=later /opt/venv /v"), id="stage not yet defined"),
    ],
)  # fmt: skip
def test_el211_quiet(assert_quiet: Check, files: dict[str, str]) -> None:
    assert_quiet("EL211", files)


# --- EL212 --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v", "FROM python:3.11-slim",
                        "COPY --from=b /v /v"), ["EL212 Dockerfile:4"], id="minor"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v",
                        "FROM python:3.12-alpine", "COPY --from=b /v /v"),
                     ["EL212 Dockerfile:4"], id="musl"),
        pytest.param(df("FROM python:3.12-alpine AS b", "RUN python -m venv /v",
                        "FROM python:3.12-slim-bookworm", "COPY --from=b /v /v"),
                     ["EL212 Dockerfile:4"], id="glibc"),
        pytest.param(df("FROM python:3.12 AS b", "RUN uv venv -p 3.11 /v", "FROM python:3.12",
                        "COPY --from=b /v /v"), ["EL212 Dockerfile:4"], id="uv -p"),
        pytest.param(df("FROM python:3.12 AS b", "RUN virtualenv --python=python3.10 /v",
                        "FROM python:3.12", "COPY --from=b /v /v"),
                     ["EL212 Dockerfile:4"], id="virtualenv --python="),
        pytest.param(df("FROM python:3.13 AS b", "RUN python3.13t -m venv /v",
                        "FROM python:3.13", "COPY --from=b /v /v"),
                     ["EL212 Dockerfile:4"], id="free-threaded binary"),
        pytest.param(df("FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS b",
                        "WORKDIR /app", "COPY pyproject.toml .", "RUN uv sync",
                        "FROM python:3.11-slim-bookworm", "COPY --from=b /app /app"),
                     ["EL212 Dockerfile:6"], id="uv image, parent dir"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v",
                        "FROM python:3.11 AS c", "FROM c", "COPY --from=b /v /v"),
                     ["EL212 Dockerfile:5"], id="receiving image through FROM stage"),
    ],
)  # fmt: skip
def test_el212_finds(assert_finds: Check, files: dict[str, str], expected: list[str]) -> None:
    assert_finds("EL212", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(df("FROM python:3.12.4 AS b", "RUN python -m venv /v",
                        "FROM python:3.12-slim", "COPY --from=b /v /v"), id="3.12.4 and 3.12"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v",
                        "FROM python:latest", "COPY --from=b /v /v"), id="latest"),
        pytest.param(df("FROM python AS b", "RUN python -m venv /v",
                        "FROM python:3.11", "COPY --from=b /v /v"), id="no tag"),
        pytest.param(df("FROM ubuntu:24.04 AS b", "RUN python3 -m venv /v",
                        "FROM python:3.11", "COPY --from=b /v /v"), id="python3 on unknown"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v",
                        "FROM python:3.11", "COPY --from=b /usr/local /usr/local",
                        "COPY --from=b /v /v"), id="interpreter prefix copied"),
        pytest.param(df("FROM python:3.12 AS b", "RUN uv venv -p 3.13 /v",
                        "FROM python:3.12",
                        "COPY --from=b /root/.local/share/uv/python /root/.local/share/uv/python",
                        "COPY --from=b /v /v"), id="uv's default install dir copied"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v",
                        "FROM python:3.11", "COPY --from=b $PY /py",
                        "COPY --from=b /v /v"), id="unknown copy may be an interpreter"),
        pytest.param(df("FROM python:3.12 AS b", "RUN python -m venv /v",
                        "FROM debian:bookworm-slim", "COPY --from=b /v /v"), id="no Python"),
    ],
)  # fmt: skip
def test_el212_quiet(assert_quiet: Check, files: dict[str, str]) -> None:
    assert_quiet("EL212", files)


# --- EL213 --------------------------------------------------------------------------------

VENV = ("FROM python:3.12-slim", "RUN python -m venv /opt/venv")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(df(*VENV, "RUN pip install flask"), ["EL213 Dockerfile:3"], id="pip"),
        pytest.param(df(*VENV, "RUN pip3.12 install -U flask"), ["EL213 Dockerfile:3"],
                     id="pip3.12"),
        pytest.param(df(*VENV, "RUN python3 -m pip install flask"), ["EL213 Dockerfile:3"],
                     id="python3 -m pip"),
        pytest.param(df("FROM python:3.12", "RUN python -m venv /v && pip install x"),
                     ["EL213 Dockerfile:2"], id="same RUN"),
        pytest.param(df(*VENV, "RUN pip install a && pip install b", "RUN pip install c"),
                     ["EL213 Dockerfile:3", "EL213 Dockerfile:4"], id="once per RUN"),
        pytest.param(df(*VENV, "RUN mkdir -p /opt/venv/x && chown -R 1000 /opt/venv",
                        "RUN pip install flask"), ["EL213 Dockerfile:4"], id="chown is no use"),
        pytest.param(df("FROM python:3.12", "WORKDIR /app", "RUN uv venv", "RUN pip install x"),
                     ["EL213 Dockerfile:4"], id="uv venv default path"),
    ],
)  # fmt: skip
def test_el213_finds(assert_finds: Check, files: dict[str, str], expected: list[str]) -> None:
    assert_finds("EL213", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(df("FROM python:3.12", "RUN pip install virtualenv", "RUN virtualenv /v"),
                     id="install before the venv"),
        pytest.param(df(*VENV, "RUN /opt/venv/bin/pip install flask", "RUN pip install gunicorn"),
                     id="used by path"),
        pytest.param(df(*VENV, "RUN pip install flask", 'ENV PATH="/opt/venv/bin:$PATH"'),
                     id="ENV after the install"),
        pytest.param(df(*VENV, "RUN . /opt/venv/bin/activate && pip install flask"),
                     id="activated in the same RUN"),
        pytest.param(df(*VENV, "RUN export PATH=/opt/venv/bin:$PATH && pip install flask"),
                     id="exported PATH"),
        pytest.param(df(*VENV, "RUN PIP_PYTHON=/usr/bin/python3 pip install flask"),
                     id="inline PIP_PYTHON"),
        pytest.param(df(*VENV, "RUN pip install --require-virtualenv flask"),
                     id="pip refuses outside a venv"),
        pytest.param(df(*VENV, "RUN uv pip install flask"), id="uv pip"),
        pytest.param(df(*VENV, "RUN pip download flask"), id="not an install"),
        pytest.param(df(*VENV, "RUN pip install flask", 'CMD ["/opt/venv/bin/python"]'),
                     id="CMD uses it"),
        pytest.param(df(*VENV, "ARG V", "RUN $V/bin/pip install x", "RUN pip install y"),
                     id="unknown word may be the venv"),
        pytest.param(df(*VENV, "RUN pip install flask", "FROM python:3.12-slim",
                        "RUN --mount=type=bind,from=0,source=/opt/venv,target=/v ls /v"),
                     id="mounted by a later stage"),
        pytest.param(df("FROM python:3.12-slim AS base", "RUN python -m venv /opt/venv",
                        "RUN pip install flask", "FROM base",
                        'ENV PATH="/opt/venv/bin:$PATH"'), id="used by a child stage"),
        pytest.param(df("FROM python:3.12", "WORKDIR /app", "COPY pyproject.toml .",
                        "RUN poetry config virtualenvs.in-project true && poetry install",
                        "RUN pip install gunicorn", 'CMD ["poetry", "run", "gunicorn"]'),
                     id="poetry run finds the project venv"),
        pytest.param(df("FROM python:3.12", "RUN python -m venv /a", "RUN python -m venv /b",
                        'ENV PATH="/b/bin:$PATH"', "RUN pip install x"),
                     id="another venv's pip comes first"),
    ],
)  # fmt: skip
def test_el213_quiet(assert_quiet: Check, files: dict[str, str]) -> None:
    assert_quiet("EL213", files)


# --- messages and docs --------------------------------------------------------------------


def test_messages(lint_files: Callable[..., list[object]]) -> None:
    files = df(
        "FROM python:3.12 AS b", "RUN python -m venv /opt/venv",
        "FROM python:3.11-alpine", "COPY --from=b /opt/venv /venv",
    )  # fmt: skip
    files["tools.Dockerfile"] = (
        "FROM python:3.12\nRUN python -m venv /opt/venv\nRUN pip install x\n"
    )
    found = {f.code: f.message for f in lint_files(files, select="EL21")}  # type: ignore[attr-defined]
    assert found["EL211"] == (
        "`COPY --from=b` puts the venv created at `/opt/venv` (line 2) at `/venv`: "
        "`bin/activate` and every console script's shebang still point at `/opt/venv`"
    )
    assert found["EL212"] == (
        "`COPY --from=b` brings the venv `/venv` made with CPython 3.12 (glibc) (line 2) into "
        "a stage whose image runs CPython 3.11 (musl): they differ in minor version and libc"
    )
    assert found["EL213"] == (
        "`pip install` installs into the system Python, not into the venv `/opt/venv` created "
        "at line 2: nothing in the stage uses that venv, so it stays empty"
    )


@pytest.mark.parametrize("code", ["EL211", "EL212", "EL213"])
def test_doc_shape(code: str) -> None:
    rule = all_rules()[code]
    titles = [line[3:] for line in rule.doc.splitlines() if line.startswith("## ")]
    assert titles == list(DOC_SECTIONS)
    assert "Use instead:" in rule.section("Example")


def test_venv_made_is_a_value() -> None:
    assert VenvMade.__dataclass_params__.frozen  # type: ignore[attr-defined]
