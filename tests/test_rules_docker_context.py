"""EL201, EL203, EL204, EL205, EL210: what a Dockerfile takes from its build context."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from envlint.dockercopy import go_glob, misspelt
from envlint.rules import DOC_SECTIONS, all_rules
from envlint.rules.docker_context import (
    MSG_HOST_VENV,
    MSG_LATEST,
    MSG_NO_TAG,
    MSG_SOURCE_EXCLUDED,
)

Check = Callable[..., None]
CFG = "home = /usr/bin\nversion = 3.12.3\n"


def venv(path: str) -> dict[str, str]:
    return {f"{path}/pyvenv.cfg": CFG, f"{path}/bin/python": "", f"{path}/lib/python3.12/x": ""}


def dockerfile(*lines: str) -> dict[str, str]:
    return {"Dockerfile": "".join(line + "\n" for line in ("FROM python:3.12-slim", *lines))}


APP = {"app/main.py": "", "requirements.txt": "flask==3.0.3\n"}
IGNORED_VENV = {"ignored": [".venv/"]}


# --- EL201 ----------------------------------------------------------------------------------

EL201_FINDS = [
    pytest.param(dockerfile("COPY . /app"), ["EL201 Dockerfile:2"], id="copy dot, no ignore file"),
    pytest.param(dockerfile("COPY ./ /app"), ["EL201 Dockerfile:2"], id="copy ./"),
    pytest.param(dockerfile("COPY ./. /app"), ["EL201 Dockerfile:2"], id="copy ./."),
    pytest.param(dockerfile("ADD / /app"), ["EL201 Dockerfile:2"], id="add slash"),
    pytest.param(dockerfile("COPY * /app/"), ["EL201 Dockerfile:2"], id="star matches dot dirs"),
    pytest.param(dockerfile("COPY .[uv]env /app/"), ["EL201 Dockerfile:2"], id="class"),
    pytest.param(dockerfile("COPY .ven? /app/"), ["EL201 Dockerfile:2"], id="question mark"),
    pytest.param(
        dockerfile("COPY app/ /app/", "COPY . /app"), ["EL201 Dockerfile:3"], id="only the dot"
    ),
    pytest.param(
        {**dockerfile("COPY . /app"), ".dockerignore": ".git\n*.pyc\n"},
        ["EL201 Dockerfile:2"],
        id="ignore file without the venv",
    ),
    pytest.param(
        {**dockerfile("COPY . /app"), ".dockerignore": "venv\n"},
        ["EL201 Dockerfile:2"],
        id="ignore names another directory",
    ),
    pytest.param(
        {**dockerfile("COPY . /app"), ".dockerignore": ".venv\n!.venv/bin/python\n"},
        ["EL201 Dockerfile:2"],
        id="a file re-included from it",
    ),
    pytest.param(
        {**dockerfile("COPY . /app", "COPY . /srv"), ".dockerignore": "*/.venv\n"},
        ["EL201 Dockerfile:2", "EL201 Dockerfile:3"],
        id="one level down misses the root venv, every copy reported",
    ),
]


@pytest.mark.parametrize(("files", "expected"), EL201_FINDS)
def test_el201_finds(assert_finds: Check, files: dict[str, str], expected: list[str]) -> None:
    assert_finds("EL201", {**APP, **venv(".venv"), **files}, expected, **IGNORED_VENV)


EL201_QUIET = [
    pytest.param(dockerfile("COPY . /app"), ".venv\n", id="excluded by name"),
    pytest.param(dockerfile("COPY . /app"), "/.venv/\n", id="excluded with slashes"),
    pytest.param(dockerfile("COPY . /app"), ".*\n", id="excluded by a wildcard"),
    pytest.param(dockerfile("COPY . /app"), "**\n!app\n!requirements.txt\n", id="allow-list"),
    pytest.param(dockerfile("COPY . /app"), "**/.venv\n", id="double star"),
    pytest.param(dockerfile("COPY app/ /app/", "COPY *.txt /app/"), "", id="sources beside it"),
    pytest.param(dockerfile("COPY .venv /app/.venv"), "", id="named itself: EL203"),
    pytest.param(dockerfile("COPY --from=builder /app/.venv /app/.venv"), "", id="from a stage"),
    pytest.param(dockerfile("COPY --from=python:3.12 / /x"), "", id="from an image"),
    pytest.param(dockerfile("COPY --exclude=.venv . /app"), "", id="exclude flag"),
    pytest.param(dockerfile("ARG SRC=.", "COPY $SRC /app"), "", id="variable source"),
    pytest.param(dockerfile("ONBUILD COPY . /app"), "", id="onbuild runs elsewhere"),
    pytest.param(dockerfile("COPY a[ /app"), "", id="bad pattern copies nothing"),
]


@pytest.mark.parametrize(("files", "ignore"), EL201_QUIET)
def test_el201_quiet(assert_quiet: Check, files: dict[str, str], ignore: str) -> None:
    extra = {".dockerignore": ignore} if ignore else {}
    assert_quiet("EL201", {**APP, **venv(".venv"), **files, **extra}, **IGNORED_VENV)


def test_el201_nested_context_reports_context_relative_pattern(lint_files: Callable) -> None:
    files = {
        "svc/app.py": "",
        **venv("svc/.venv"),
        "svc/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        "compose.yaml": "services:\n  svc:\n    build: svc\n",
    }
    (finding,) = lint_files(files, select="EL201", ignored=["svc/.venv/"])
    assert (finding.path, finding.line) == ("svc/Dockerfile", 2)
    assert finding.help.startswith("Add the line `.venv` to `svc/.dockerignore`")


# --- EL203 ----------------------------------------------------------------------------------

EL203_FINDS = [
    pytest.param("COPY .venv /app/.venv", id="by name"),
    pytest.param("COPY ./.venv/ /app/.venv/", id="dot slash and trailing slash"),
    pytest.param('COPY [".venv", "/app/.venv"]', id="exec form"),
    pytest.param("ADD .venv /app/.venv", id="ADD"),
    pytest.param("COPY app/ .venv /app/", id="second source"),
]


@pytest.mark.parametrize("line", EL203_FINDS)
def test_el203_finds(assert_finds: Check, line: str) -> None:
    assert_finds("EL203", {**APP, **venv(".venv"), **dockerfile(line)}, ["EL203 Dockerfile:2"])


EL203_QUIET = [
    pytest.param({**venv(".venv"), **dockerfile("COPY . /app")}, id="whole context"),
    pytest.param({**venv(".venv"), **dockerfile("COPY --from=b /.venv /x")}, id="from"),
    pytest.param({**venv(".venv"), **dockerfile("COPY .venv/bin /x")}, id="a path inside"),
    pytest.param({".venv/pyvenv.cfg": CFG, **dockerfile("COPY .venv /x")}, id="lone cfg"),
    pytest.param({".env": "A=1\n", **dockerfile("COPY .env /app/")}, id="dotenv file"),
    pytest.param(
        {**venv(".venv"), **dockerfile("COPY .venv /x"), ".dockerignore": ".venv\n"},
        id="excluded: EL204's business",
    ),
]


@pytest.mark.parametrize("files", EL203_QUIET)
def test_el203_quiet(assert_quiet: Check, files: dict[str, str]) -> None:
    assert_quiet("EL203", {**APP, **files})


def test_el203_message(lint_files: Callable) -> None:
    (finding,) = lint_files({**venv("venv"), **dockerfile("COPY venv /opt/venv")}, select="EL203")
    assert finding.message == MSG_HOST_VENV.format(
        keyword="COPY", source="venv", kind="virtualenv", venv="venv"
    )


# --- EL204 ----------------------------------------------------------------------------------

EL204_FINDS = [
    pytest.param({}, "COPY missing.txt /app/", id="missing file"),
    pytest.param({}, "COPY missing/ /app/", id="missing directory"),
    pytest.param({}, "ADD missing.tar.gz /app/", id="ADD"),
    pytest.param({}, "COPY app/main.py missing.py /app/", id="second source"),
    pytest.param({}, "COPY ../outside.py /app/", id="dotdot stays in the context"),
    pytest.param({".dockerignore": "*.txt\n"}, "COPY requirements.txt /app/", id="excluded"),
    pytest.param({".dockerignore": "app\n"}, "COPY app/main.py /app/", id="parent excluded"),
    pytest.param({".dockerignore": "app/\n"}, "COPY app /app/", id="directory excluded"),
    pytest.param({".dockerignore": "**\n!app\n"}, "COPY requirements.txt /app/", id="allow-list"),
    pytest.param(
        {".dockerignore": "!requirements.txt\n*.txt\n"},
        "COPY requirements.txt /app/",
        id="last match wins",
    ),
    pytest.param({".gitignore": "*.log\n"}, "COPY missing.txt /app/", id="gitignore elsewhere"),
]


@pytest.mark.parametrize(("extra", "line"), EL204_FINDS)
def test_el204_finds(assert_finds: Check, extra: dict[str, str], line: str) -> None:
    assert_finds("EL204", {**APP, **extra, **dockerfile(line)}, ["EL204 Dockerfile:2"])


EL204_QUIET = [
    pytest.param({}, "COPY requirements.txt app/ /app/", id="present"),
    pytest.param({}, "COPY poetry.lock* /app/", id="wildcard matching nothing"),
    pytest.param({}, "COPY requirements*.txt constraints?.txt /app/", id="other wildcards"),
    pytest.param({".gitignore": "/dist/\n"}, "COPY dist/app.whl /app/", id="gitignored dir"),
    pytest.param({".gitignore": "*.whl\n"}, "COPY app-1.0.whl /app/", id="gitignored name"),
    pytest.param(
        {"sub/.gitignore": "build/\n"}, "COPY sub/build/x.so /app/", id="nested gitignore"
    ),
    pytest.param({}, "ADD https://example.com/a.tgz /app/", id="url"),
    pytest.param({}, "COPY --from=builder /missing /app/", id="from"),
    pytest.param({}, "ARG F=missing.txt\nCOPY $F /app/", id="variable"),
    pytest.param({}, "COPY <<EOF /app/x\nhello\nEOF", id="heredoc"),
    pytest.param(
        {".dockerignore": "*.txt\n!requirements.txt\n"},
        "COPY requirements.txt /a/",
        id="re-included",
    ),
    pytest.param({".dockerignore": "app/*.pyc\n"}, "COPY app /a/", id="partly excluded"),
    pytest.param({".dockerignore": "app\n!app/main.py\n"}, "COPY app /a/", id="dir re-entered"),
]


@pytest.mark.parametrize(("extra", "line"), EL204_QUIET)
def test_el204_quiet(assert_quiet: Check, extra: dict[str, str], line: str) -> None:
    assert_quiet("EL204", {**APP, **extra, **dockerfile(line)})


def test_el204_excluded_message_names_the_line(lint_files: Callable) -> None:
    files = {**APP, ".dockerignore": ".git\n\n*.txt\n", **dockerfile("COPY requirements.txt .")}
    (finding,) = lint_files(files, select="EL204")
    assert finding.message == MSG_SOURCE_EXCLUDED.format(
        keyword="COPY", source="requirements.txt", ignore=".dockerignore", line=3, pattern="*.txt"
    )
    assert finding.help == (
        "Add the line `!requirements.txt` to `.dockerignore` after line 3, or drop the COPY."
    )


def test_el204_missing_git_ignored_by_info_exclude(assert_quiet: Check) -> None:
    files = {**APP, **dockerfile("COPY build/out.whl /tmp/"), "build/.keep": ""}
    assert_quiet("EL204", files, ignored=["build/"])


# --- EL205 ----------------------------------------------------------------------------------

SHA = "a" * 64

EL205_FINDS = [
    pytest.param("FROM python", MSG_NO_TAG, "python", "", id="no tag"),
    pytest.param("FROM python:latest", MSG_LATEST, "python:latest", "", id="latest"),
    pytest.param(
        "FROM docker.io/library/python",
        MSG_NO_TAG,
        "docker.io/library/python",
        "",
        id="full hub name",
    ),
    pytest.param("FROM localhost:5000/app", MSG_NO_TAG, "localhost:5000/app", "", id="port"),
    pytest.param(
        "FROM ghcr.io/astral-sh/uv:latest AS uv",
        MSG_LATEST,
        "ghcr.io/astral-sh/uv:latest",
        "",
        id="named stage",
    ),
    pytest.param("FROM --platform=$BUILDPLATFORM node", MSG_NO_TAG, "node", "", id="platform"),
]


@pytest.mark.parametrize(("line", "template", "written", "resolved"), EL205_FINDS)
def test_el205_finds(
    lint_files: Callable, line: str, template: str, written: str, resolved: str
) -> None:
    (finding,) = lint_files({"Dockerfile": line + "\n"}, select="EL205")
    assert (finding.path, finding.line) == ("Dockerfile", 1)
    name = written.removesuffix(":latest").replace("docker.io/library/", "")
    assert finding.message == template.format(written=written, resolved=resolved, name=name)


def test_el205_arg_default_is_resolved(lint_files: Callable) -> None:
    (finding,) = lint_files({"Dockerfile": "ARG IMG=python\nFROM ${IMG}\n"}, select="EL205")
    assert finding.line == 2
    assert finding.message.startswith("`FROM ${IMG}` (resolves to `python`) has no tag")


EL205_QUIET = [
    pytest.param("FROM scratch", id="scratch"),
    pytest.param("FROM python:3.12-slim", id="tag"),
    pytest.param(f"FROM python@sha256:{SHA}", id="digest"),
    pytest.param(f"FROM python:latest@sha256:{SHA}", id="latest with digest"),
    pytest.param("FROM localhost:5000/app:1.2", id="port and tag"),
    pytest.param("FROM python:3.12 AS base\nFROM base", id="stage name"),
    pytest.param("FROM python:3.12 AS Base\nFROM BASE", id="stage name any case"),
    pytest.param("FROM python:3.12 AS base\nFROM base", id="stage name"),
    pytest.param("ARG IMG\nFROM $IMG", id="argument without default"),
    pytest.param("FROM python:${TAG}", id="undeclared argument"),
    pytest.param("ARG V=3.12\nFROM python:${V}-slim", id="argument with a tag"),
    pytest.param("FROM Python", id="invalid reference"),
]


@pytest.mark.parametrize("text", EL205_QUIET)
def test_el205_quiet(assert_quiet: Check, text: str) -> None:
    assert_quiet("EL205", {"Dockerfile": text + "\n"})


def test_el205_named_context(assert_quiet: Check) -> None:
    compose = (
        "services:\n  app:\n    build:\n      context: .\n"
        "      additional_contexts:\n        python: docker-image://python:3.12\n"
    )
    assert_quiet("EL205", {"Dockerfile": "FROM python\n", "compose.yaml": compose})


# --- EL210 ----------------------------------------------------------------------------------

EL210_FINDS = [
    pytest.param({}, [], id="root context"),
    pytest.param({".dockerfile": ".git\n"}, [], id="misspelt as .dockerfile"),
    pytest.param({"dockerignore": ".git\n"}, [], id="misspelt without dot"),
    pytest.param({".dockerignore.txt": ".git\n"}, [], id="misspelt with .txt"),
    pytest.param({".dockerignore ": ".git\n"}, [], id="misspelt with a space"),
    pytest.param({"sub/.dockerignore": ".git\n"}, [], id="ignore file in a subdirectory"),
]


@pytest.mark.parametrize(("extra", "_unused"), EL210_FINDS)
def test_el210_finds(assert_finds: Check, extra: dict[str, str], _unused: list[str]) -> None:
    assert_finds("EL210", {**APP, **extra, **dockerfile("COPY . /app")}, ["EL210 Dockerfile:2"])


@pytest.mark.parametrize(
    ("extra", "case", "holds", "lines"),
    [
        pytest.param(
            venv("api/.venv"),
            {"ignored": ["api/.venv/"]},
            "virtualenv `.venv/`",
            "`.venv`",
            id="venv",
        ),
        pytest.param({"api/.env": "K=1\n"}, {}, "`.env`", "`.env`", id="dotenv"),
        pytest.param({"api/cfg/.env": "K=1\n"}, {}, "`cfg/.env`", "`cfg/.env`", id="nested env"),
        pytest.param(
            {"api/pkg/__pycache__/m.cpython-312.pyc": ""},
            {},
            "tracked build artifacts in `pkg/__pycache__`",
            "`**/__pycache__`",
            id="bytecode",
        ),
        pytest.param(
            {"api/app.egg-info/PKG-INFO": ""},
            {},
            "tracked build artifacts in `app.egg-info`",
            "`app.egg-info`",
            id="egg-info",
        ),
    ],
)
def test_el210_subdirectory_context(
    lint_files: Callable, extra: dict[str, str], case: dict[str, list[str]], holds: str, lines: str
) -> None:
    files = {
        "api/main.py": "",
        "api/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        "compose.yaml": "services:\n  api:\n    build: ./api\n",
        **extra,
    }
    (finding,) = lint_files(files, select="EL210", **case)
    assert (finding.path, finding.line) == ("api/Dockerfile", 2)
    assert finding.message.endswith(f"which has no .dockerignore: it holds {holds}")
    assert finding.help == f"Create `api/.dockerignore` holding {lines}, one pattern per line."


EL210_QUIET = [
    pytest.param({".dockerignore": "\n"}, "COPY . /app", id="empty ignore file counts"),
    pytest.param({"Dockerfile.dockerignore": ".git\n"}, "COPY . /app", id="per-Dockerfile"),
    pytest.param({}, "COPY app/ /app/", id="no whole-context copy"),
    pytest.param({}, "COPY --from=build . /app", id="from a stage"),
    pytest.param({}, "COPY --exclude=.git . /app", id="exclude flag"),
]


@pytest.mark.parametrize(("extra", "line"), EL210_QUIET)
def test_el210_quiet(assert_quiet: Check, extra: dict[str, str], line: str) -> None:
    assert_quiet("EL210", {**APP, **extra, **dockerfile(line)})


def test_el210_subdirectory_of_tracked_sources_is_quiet(assert_quiet: Check) -> None:
    files = {
        "api/main.py": "",
        "api/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        "compose.yaml": "services:\n  api:\n    build: ./api\n",
    }
    assert_quiet("EL210", files)


def test_el210_reports_once_per_build(assert_finds: Check) -> None:
    files = {**APP, **dockerfile("COPY . /app", "COPY . /srv")}
    assert_finds("EL210", files, ["EL210 Dockerfile:2"])


# --- helpers --------------------------------------------------------------------------------

# Go's path/filepath match_test.go semantics, one segment at a time.
GO_MATCH = [
    ("abc", "abc", True),
    ("*", "abc", True),
    ("*c", "abc", True),
    ("a*", "a", True),
    ("a*b?c*x", "abxbbxdbxebxczzx", True),
    ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True),
    ("ab[b-d]", "abc", True),
    ("ab[e-g]", "abc", False),
    ("ab[^c]", "abc", False),
    ("ab[^e-g]", "abc", True),
    ("a\\*b", "a*b", True),
    ("a\\*b", "ab", False),
    ("a?b", "a\u263ab", True),
    ("a[!a]b", "a\u263ab", False),  # `!` is no negation in Go
    ("[\\]a]", "]", True),
    ("[\\-]", "-", True),
    ("[x\\-]", "-", True),
    ("[x\\-]", "z", False),
    ("[z-a]", "m", False),
    ("*x", "xxx", True),
    (".*", ".venv", True),
]
GO_BAD = ["[]a]", "[-]", "[x-]", "[a-b-c]", "[", "[^", "[^bc", "a[", "a\\"]


@pytest.mark.parametrize(("pattern", "name", "expected"), GO_MATCH)
def test_go_glob(pattern: str, name: str, expected: bool) -> None:
    regex = go_glob(pattern)
    assert regex is not None
    assert bool(regex.fullmatch(name)) is expected


@pytest.mark.parametrize("pattern", GO_BAD)
def test_go_glob_bad_pattern(pattern: str) -> None:
    assert go_glob(pattern) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".Dockerignore", True),
        (".DOCKERIGNORE", True),
        ("dockerignore", True),
        (".dockerignore.txt", True),
        (".dockerignore ", True),
        (".docker-ignore", True),
        (".dockerfile", True),
        (".dockerignore", False),
        ("Dockerfile.dockerignore", False),
        ("dockerfile", False),
        (".gitignore", False),
    ],
)
def test_misspelt_ignore_names(name: str, expected: bool) -> None:
    assert misspelt(name) is expected


@pytest.mark.parametrize("code", ["EL201", "EL203", "EL204", "EL205", "EL210"])
def test_doc_shape(code: str) -> None:
    rule = all_rules()[code]
    titles = [line[3:] for line in rule.doc.splitlines() if line.startswith("## ")]
    assert titles == list(DOC_SECTIONS)
    assert "Use instead:" in rule.section("Example")


def test_template_directories_are_not_linted(lint_files: Callable) -> None:
    # A cookiecutter/copier directory holds Jinja sources, not the files they render to.
    slug = "{{cookiecutter.slug}}"
    files = {
        f"{slug}/Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
        f"{slug}/.env": "K=1\n",
        f"{slug}/.Dockerignore": ".env\n",
    }
    assert lint_files(files, select="EL210") == []


@pytest.mark.parametrize("build", ["build: .", "build:\n      context: ./"])
def test_compose_root_context_is_the_root(assert_finds: Check, build: str) -> None:
    files = {
        **APP,
        **venv(".venv"),
        **dockerfile("COPY . /app"),
        "compose.yaml": f"services:\n  web:\n    {build}\n",
    }
    assert_finds("EL201", files, ["EL201 Dockerfile:2"], **IGNORED_VENV)
    assert_finds("EL210", files, ["EL210 Dockerfile:2"], **IGNORED_VENV)
