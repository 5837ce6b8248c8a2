"""EL501-EL504 (scope and scale) and the service discovery under them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.model import Finding
from envlint.rules import scale
from envlint.services import _guarded as guarded
from envlint.services import never_service, scan_source

Check = Callable[..., None]
Lint = Callable[..., list[Finding]]

FASTAPI = "from fastapi import FastAPI\n\napp = FastAPI()\n"
CELERY = "from celery import Celery\n\napp = Celery('tasks')\n"
REQ = "fastapi\n"
TWO = {
    "api/requirements.txt": REQ,
    "api/main.py": FASTAPI,
    "worker/requirements.txt": "celery\n",
    "worker/tasks.py": CELERY,
}
UV = (
    "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml uv.lock ./\n"
    "RUN uv sync --frozen\nCOPY . .\n"
)
PROJ = {"pyproject.toml": "[project]\nname = 'a'\nversion = '1'\n", "uv.lock": "", "Dockerfile": UV}


def compose(body: str) -> dict[str, str]:
    return {**PROJ, "compose.yaml": "services:\n  web:\n    build: .\n" + body}


def watch(*lines: str) -> str:
    rule = "".join(f"          {line}\n" for line in lines)
    return "    develop:\n      watch:\n        - action: sync\n" + rule


# --- service discovery --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(FASTAPI, (None, (3, "FastAPI")), id="from-import"),
        pytest.param(
            "from fastapi import FastAPI as F\n\napp = F()\n", (None, (3, "FastAPI")), id="alias"
        ),
        pytest.param(
            "import flask as fl\n\nx = fl.Flask(__name__)\n",
            (None, (3, "Flask")),
            id="module alias",
        ),
        pytest.param(
            "import aiohttp.web\n\n\ndef make():\n    return aiohttp.web.Application()\n",
            (None, (5, "aiohttp")),
            id="dotted import, call inside a factory",
        ),
        pytest.param(
            "from aiohttp import web as w\napp = w.Application()\n",
            (None, (2, "aiohttp")),
            id="submodule alias",
        ),
        pytest.param(
            "from starlette.applications import Starlette\napp = Starlette()\n",
            (None, (2, "Starlette")),
            id="starlette",
        ),
        pytest.param(
            "from quart import *\napp = Quart(__name__)\n", (None, (2, "Quart")), id="star import"
        ),
        pytest.param(
            "from sanic import Sanic\napp = Sanic('x')\n", (None, (2, "Sanic")), id="sanic"
        ),
        pytest.param(
            "import fastapi\n'''app = fastapi.FastAPI()'''\n# FastAPI()\n",
            (None, None),
            id="only in a string and a comment",
        ),
        pytest.param(
            "from .fastapi import FastAPI\napp = FastAPI()\n",
            (None, None),
            id="relative import is not the framework",
        ),
        pytest.param("FastAPI = object\napp = FastAPI()\n", (None, None), id="not imported"),
        pytest.param(
            "from flask import Flask\n\n\nclass App(Flask):\n    pass\n",
            (None, None),
            id="subclass is not a construction",
        ),
        pytest.param(
            "from django.core.wsgi import get_wsgi_application\n\n"
            "application = get_wsgi_application()\n",
            (3, None),
            id="wsgi application assigned",
        ),
        pytest.param("from app import app as application\n", (1, None), id="application alias"),
        pytest.param(
            "def application(environ, start):\n    pass\n", (1, None), id="application function"
        ),
        pytest.param(
            "def make():\n    application = 1\n    return application\n",
            (None, None),
            id="application inside a function",
        ),
    ],
)
def test_scan_source(text: str, expected: tuple[object, object]) -> None:
    assert scan_source(text) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("api/main.py", False, id="service"),
        pytest.param("src/pkg/tests/app.py", True, id="tests at depth"),
        pytest.param("docs_src/app.py", True, id="docs_src"),
        pytest.param("examples/a/b/app.py", True, id="examples"),
        pytest.param("tests.py", False, id="a file named tests is not a directory"),
        pytest.param("mytools/app.py", False, id="whole names only"),
    ],
)
def test_never_service(path: str, expected: bool) -> None:
    assert never_service(path) is expected


@pytest.mark.parametrize(
    ("pattern", "directory", "nested", "expected"),
    [
        pytest.param("", "api", [], True, id="root context takes all"),
        pytest.param("api", "api", [], True, id="the directory itself"),
        pytest.param("api/app", "api", [], True, id="a part of it"),
        pytest.param("api", "api/v2", [], True, id="a parent"),
        pytest.param("worker", "api", [], False, id="a sibling"),
        pytest.param("*/requirements.txt", "api", [], True, id="glob component"),
        pytest.param("*.py", "api", [], False, id="root-level glob"),
        pytest.param("worker/Dockerfile", "", ["worker"], False, id="inside a nested service"),
        pytest.param("Dockerfile", "", ["worker"], True, id="root file: the root service"),
        pytest.param("**/x", "api", [], True, id="double star may reach anything"),
    ],
)
def test_takes(pattern: str, directory: str, nested: list[str], expected: bool) -> None:
    assert scale.takes(pattern, directory, nested) is expected


# --- EL501 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(TWO, ["EL501 api/main.py:3"], id="two services"),
        pytest.param(
            {**TWO, "api/requirements.txt": "", "api/pyproject.toml": ""},
            ["EL501 api/main.py:3"],
            id="two manifests in one directory are one service",
        ),
        pytest.param(
            {"app/requirements.txt": "", "app/src/app/server.py": FASTAPI, **TWO},
            ["EL501 api/main.py:3"],
            id="entry point belongs to the nearest manifest above",
        ),
        pytest.param(
            {**TWO, "worker/tasks.py": "", "worker/manage.py": "", "api/main.py": ""},
            [],
            id="one manage.py is one service",
        ),
    ],
)
def test_el501_finds(files: dict[str, str], expected: list[str], assert_finds: Check) -> None:
    assert_finds("EL501", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({**TWO, "Procfile": "web: uvicorn api.main:app\n"}, id="Procfile"),
        pytest.param({**TWO, "deploy/Dockerfile": "FROM python:3.12\n"}, id="Dockerfile"),
        pytest.param({**TWO, "docker-compose.yml": "services: {}\n"}, id="compose file"),
        pytest.param({**TWO, "app.yaml": "runtime: python312\n"}, id="app.yaml"),
        pytest.param({**TWO, "serverless.yml": "service: x\n"}, id="serverless.yml"),
        pytest.param({**TWO, "template.yaml": "Transform: AWS::Serverless\n"}, id="SAM"),
        pytest.param({**TWO, "worker/tasks.py": "x = 1\n"}, id="a manifest without entry"),
        pytest.param(
            {**TWO, "worker/test_tasks.py": CELERY, "worker/tasks.py": ""},
            id="test modules are not entry points",
        ),
        pytest.param(
            {
                **TWO,
                "worker/tasks.py": "from flask import Flask\n"
                + "(" * 3000
                + ")" * 3000
                + "\nFlask()\n",
            },
            id="too deep for the parser",
        ),
        pytest.param(
            {**TWO, "worker/tasks.py": "from flask import Flask\nFlask(\n"}, id="syntax error"
        ),
        pytest.param({**TWO, "worker/tasks.py": CELERY + "#" * (600 << 10)}, id="over the cap"),
        pytest.param(
            {
                **TWO,
                "worker/celery/__init__.py": "",
                "worker/celery/_state.py": CELERY,
                "worker/tasks.py": "",
            },
            id="the framework's own package",
        ),
        pytest.param(
            {**TWO, "worker/pkg/__main__.py": "print(1)\n", "worker/tasks.py": ""},
            id="__main__.py that nothing runs",
        ),
    ],
)
def test_el501_quiet(files: dict[str, str], assert_quiet: Check) -> None:
    assert_quiet("EL501", files)


def test_el501_message(lint_files: Lint) -> None:
    (finding,) = lint_files(TWO, select="EL501")
    assert finding.message == scale.MSG_MULTI_SERVICE.format(count=2, names="`api/`, `worker/`")
    assert finding.help == scale.HELP_MULTI_SERVICE


# --- EL502 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"compose.yaml": "services:\n  a:\n    build:\n      context: x\n"},
            ["EL502 compose.yaml:3"],
            id="missing context",
        ),
        pytest.param(
            {"compose.yaml": "services:\n  a:\n    build:\n      dockerfile: D\n"},
            ["EL502 compose.yaml:4"],
            id="missing dockerfile at its key",
        ),
        pytest.param(
            {"compose.yaml": "services:\n  a:\n    build: .\n"},
            ["EL502 compose.yaml:3"],
            id="missing default Dockerfile",
        ),
        pytest.param(
            {"ops/compose.yaml": "services:\n  a:\n    build: ../app\n", "app/x": ""},
            ["EL502 ops/compose.yaml:3"],
            id="context relative to the compose file",
        ),
        pytest.param(
            {
                "compose.yaml": "services:\n  a:\n    build:\n      context: app\n"
                "      dockerfile: ../Dockerfile\n",
                "app/Dockerfile": "",
            },
            ["EL502 compose.yaml:5"],
            id="dockerfile relative to the context",
        ),
    ],
)
def test_el502_finds(files: dict[str, str], expected: list[str], assert_finds: Check) -> None:
    assert_finds("EL502", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            {
                "compose.yaml": "services:\n  a:\n    build:\n      context: x\n"
                "    extends:\n      file: base.yaml\n      service: a\n"
            },
            id="extends",
        ),
        pytest.param({"compose.yaml": "services:\n  a:\n    build: $$HOME\n"}, id="escaped"),
        pytest.param(
            {"compose.yaml": "services:\n  a:\n    build: x\n", "x/Dockerfile": ""}, id="present"
        ),
        pytest.param({"compose.yaml": "services: [\n"}, id="invalid compose: EL001's"),
    ],
)
def test_el502_quiet(files: dict[str, str], assert_quiet: Check) -> None:
    assert_quiet("EL502", files)


def test_el502_messages(lint_files: Lint) -> None:
    files = {
        "compose.yaml": "services:\n  a:\n    build: ./gone\n"
        "  b:\n    build:\n      context: app\n      dockerfile: D.prod\n",
        "app/x": "",
    }
    found = lint_files(files, select="EL502")
    assert [f.message for f in found] == [
        scale.MSG_CONTEXT_MISSING.format(service="a", context="./gone"),
        scale.MSG_DOCKERFILE_MISSING.format(service="b", dockerfile="app/D.prod"),
    ]


# --- EL503 ----------------------------------------------------------------------------------

COPY_API = "FROM python:3.12\nCOPY api/ /app/\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param({**TWO, "Dockerfile": COPY_API}, ["EL503 worker/tasks.py:3"], id="root"),
        pytest.param(
            {
                **TWO,
                "worker/tasks.py": "",
                "worker/pkg/__main__.py": "",
                "Dockerfile": COPY_API + 'CMD ["python", "-m", "pkg"]\n',
            },
            ["EL503 worker/pkg/__main__.py"],
            id="__main__.py a Dockerfile runs",
        ),
        pytest.param(
            {**TWO, "docker/Dockerfile": "FROM python:3.12\nCOPY api/main.py nowhere.txt /a/\n"},
            ["EL503 worker/tasks.py:3"],
            id="unknown context: sources tried from the Dockerfile and the root",
        ),
        pytest.param(
            {
                **TWO,
                "compose.yaml": "services:\n  a:\n    build:\n      context: api\n"
                "      additional_contexts:\n        lib: ./lib\n",
                "api/Dockerfile": "",
            },
            ["EL503 worker/tasks.py:3"],
            id="compose context",
        ),
    ],
)
def test_el503_finds(files: dict[str, str], expected: list[str], assert_finds: Check) -> None:
    assert_finds("EL503", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param({**TWO, "tests/Dockerfile": COPY_API}, id="Dockerfiles for tests only"),
        pytest.param(
            {**TWO, ".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python\n"},
            id="a devcontainer builds an editor's environment",
        ),
        pytest.param(
            {**TWO, "Dockerfile": COPY_API + "COPY worker/tasks.py /w/\n"},
            id="a file of the service",
        ),
        pytest.param(
            {
                **TWO,
                "compose.yaml": "services:\n  a:\n    build:\n      context: api\n"
                "      additional_contexts:\n        w: ./worker\n",
                "api/Dockerfile": "",
            },
            id="named context",
        ),
        pytest.param(
            {**TWO, "compose.yaml": "services:\n  a:\n    build: ${CTX}\n"},
            id="context with a variable",
        ),
        pytest.param(
            {**TWO, "Dockerfile": COPY_API, "worker/app.yaml": "runtime: x\n"}, id="own app.yaml"
        ),
        pytest.param(
            {
                **TWO,
                "worker/Dockerfile": "FROM python:3.12\nRUN pip install w\n",
                "Dockerfile": COPY_API,
            },
            id="a Dockerfile in the service",
        ),
    ],
)
def test_el503_quiet(files: dict[str, str], assert_quiet: Check) -> None:
    assert_quiet("EL503", files)


def test_el503_message(lint_files: Lint) -> None:
    (finding,) = lint_files({**TWO, "Dockerfile": COPY_API}, select="EL503")
    assert finding.message == scale.MSG_NOT_CONTAINERIZED.format(
        label="worker/", kind="Celery application", path="worker/tasks.py:3"
    )


# --- EL504 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            compose("    volumes:\n      - ./:/app\n"),
            ["EL504 compose.yaml:5"],
            id="bind over the workdir",
        ),
        pytest.param(
            compose("    volumes:\n      - .:/\n"),
            ["EL504 compose.yaml:5"],
            id="bind over the root",
        ),
        pytest.param(
            compose("    volumes:\n      - .:/app/.venv/..\n"),
            ["EL504 compose.yaml:5"],
            id="target normalised",
        ),
        pytest.param(
            compose("    volumes:\n      - /data\n      - .:/app\n"),
            ["EL504 compose.yaml:6"],
            id="an unrelated volume",
        ),
        pytest.param(
            compose(watch("path: .", "target: /app", "ignore: ['*']")),
            ["EL504 compose.yaml:6"],
            id="compose drops `*` from watch patterns",
        ),
        pytest.param(
            compose(watch("path: .", "target: /app").replace("sync", "sync+exec")),
            ["EL504 compose.yaml:6"],
            id="sync+exec",
        ),
        pytest.param(
            compose(watch("path: .", "target: /app", "include: ['**/*.py']")),
            ["EL504 compose.yaml:6"],
            id="include that reaches the venv's files",
        ),
        pytest.param(
            {
                **compose(watch("path: .", "target: /app")),
                "Dockerfile.dockerignore": "*\n",
                ".dockerignore": ".venv\n",
            },
            ["EL504 compose.yaml:6"],
            id="the Dockerfile's own ignore file wins",
        ),
    ],
)
def test_el504_finds(files: dict[str, str], expected: list[str], assert_finds: Check) -> None:
    assert_finds("EL504", files, expected)


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(compose("    volumes:\n      - ./src:/app/src\n"), id="sibling mount"),
        pytest.param(
            compose("    volumes:\n      - .:/app\n      - venv:/app/.venv\n"),
            id="named volume at P",
        ),
        pytest.param(
            compose("    volumes:\n      - .:/app\n      - type: tmpfs\n        target: /app\n"),
            id="the last mount at a target wins",
        ),
        pytest.param(
            compose(watch("path: .", "target: /app").replace("sync", "rebuild")), id="rebuild"
        ),
        pytest.param(
            compose(watch("path: .", "target: /app", "ignore: .venv")), id="ignore as a string"
        ),
        pytest.param(
            compose(watch("path: .", "target: /app", "include: [src/]")),
            id="include keeps the venv out",
        ),
        pytest.param(
            {**compose(watch("path: .", "target: /app")), ".dockerignore": "**/.venv\n"},
            id="dockerignore glob",
        ),
        pytest.param(
            {**compose(watch("path: .", "target: /app")), ".dockerignore": "[\n"},
            id="unparsable dockerignore",
        ),
        pytest.param(compose(watch("path: $SRC", "target: /app")), id="watch path variable"),
        pytest.param(
            {
                **PROJ,
                "compose.yaml": "services:\n  web:\n    image: x\n    volumes:\n      - .:/app\n",
            },
            id="no build",
        ),
        pytest.param(
            {
                **PROJ,
                "compose.yaml": "services:\n  web:\n    build:\n      context: .\n"
                "      target: ${T}\n    volumes:\n      - .:/app\n",
            },
            id="target with a variable",
        ),
        pytest.param(
            {
                **compose("    volumes:\n      - .:/app\n"),
                "Dockerfile": "FROM python:3.12\nWORKDIR $X\nRUN uv sync\n",
            },
            id="venv path unknown",
        ),
    ],
)
def test_el504_quiet(files: dict[str, str], assert_quiet: Check) -> None:
    assert_quiet("EL504", files)


def test_el504_messages(lint_files: Lint) -> None:
    files = compose("    volumes:\n      - .:/app\n" + watch("path: ./", "target: /app"))
    found = lint_files(files, select="EL504")
    origin = "Dockerfile:4"
    assert [(f.line, f.message, f.help) for f in found] == [
        (
            5,
            scale.MSG_BIND_HIDES_VENV.format(
                service="web", source=".", target="/app", venv="/app/.venv", origin=origin
            ),
            scale.HELP_HIDDEN_VENV.format(venv="/app/.venv"),
        ),
        (
            8,
            scale.MSG_WATCH_SYNCS_VENV.format(
                service="web", action="sync", host=".venv", venv="/app/.venv", origin=origin
            ),
            scale.HELP_WATCH_VENV.format(ignore=".venv"),
        ),
    ]


# --- speed: heavy imports only after the cheap early returns --------------------------------


def test_module_imports_stay_light() -> None:
    code = (
        "import sys\nimport envlint.rules.scale\n"
        "heavy = {'libcst', 'yaml', 'envlint.services', 'envlint.dockerctx'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_rules_return_before_heavy_imports(tmp_path: Path) -> None:
    """One manifest, no compose file, no Dockerfile: neither libcst nor PyYAML is loaded."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '1'\n")
    (tmp_path / "app.py").write_text(FASTAPI)
    code = (
        "import sys\nfrom pathlib import Path\nfrom envlint.runner import lint\n"
        f"lint(Path({str(tmp_path)!r}), use_git=False, select=['EL5'], environ={{}})\n"
        "print(sorted({'libcst', 'yaml'} & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_source_scan_never_raises(text: str) -> None:
    guarded("from flask import Flask\napplication = Flask()\n" + text, True)
    guarded(text, True)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("from flask import Flask\n" + "x = [" * 1500 + "]" * 1500, id="deep"),
        pytest.param("from flask import Flask\nFlask(\x00)\n", id="NUL byte"),
        pytest.param("from flask import Flask\nprint 'x'\nFlask()\n", id="Python 2"),
    ],
)
def test_source_scan_survives(text: str) -> None:
    assert guarded(text, True) is None
