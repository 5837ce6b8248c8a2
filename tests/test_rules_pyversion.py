"""EL401 and EL402: Python version declarations, against each other and the calendar."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from envlint.model import Finding
from envlint.pyversions import project_dir
from envlint.rules import DOC_SECTIONS, all_rules
from envlint.rules import pyversion as rules

Check = Callable[..., None]
Lint = Callable[..., list[Finding]]


def pyproject(requires: str) -> str:
    """A pyproject.toml whose `requires-python` is on line 4."""
    return f'[project]\nname = "app"\nversion = "1.0"\nrequires-python = "{requires}"\n'


def image(tag: str, *more: str) -> str:
    return "\n".join((f"FROM {tag}", "COPY . /app", *more)) + "\n"


def venv(root: str, cfg: str) -> dict[str, str]:
    return {f"{root}/pyvenv.cfg": cfg, f"{root}/bin/python": ""}


EL401_FINDS = [
    pytest.param({"Dockerfile": image("python:3.11-slim"), "pyproject.toml": pyproject(">=3.12")},
                 ["EL401 Dockerfile:1"], id="image below the minimum"),
    pytest.param({"Dockerfile": image("python:3.13"), "pyproject.toml": pyproject(">=3.10,<3.13")},
                 ["EL401 Dockerfile:1"], id="image above the maximum"),
    pytest.param({"Dockerfile": image("python:3.12.1"), "pyproject.toml": pyproject(">=3.12.4")},
                 ["EL401 Dockerfile:1"], id="a release below a micro minimum"),
    pytest.param({"Dockerfile": "FROM python:3.11\nCOPY backend/ /app/\n",
                  "backend/pyproject.toml": pyproject(">=3.12"), "backend/app.py": ""},
                 ["EL401 Dockerfile:1"], id="copied project directory"),
    pytest.param({"Dockerfile": "FROM python:3.11\nCOPY ./backend/requirements/base.txt /r.txt\n",
                  "backend/requirements/base.txt": "flask==3.0.3\n",
                  "backend/.python-version": "3.12\n"},
                 ["EL401 Dockerfile:1"], id="requirements/ belongs to its parent directory"),
    pytest.param({"Dockerfile": "FROM python:3.12 AS build\nCOPY api/pyproject.toml /src/\n"
                                "FROM python:3.12-slim AS final\nCOPY --from=build /src /src\n"
                                "FROM python:3.11 AS docs\nCOPY docs/pyproject.toml /docs/\n"
                                "FROM final\n",
                  "api/pyproject.toml": pyproject(">=3.13"),
                  "docs/pyproject.toml": pyproject("<3.12")},
                 ["EL401 Dockerfile:3"], id="copies of stages the final stage copies from"),
    pytest.param({".python-version": ">=3.13\n", "pyproject.toml": pyproject("<3.13")},
                 ["EL401 .python-version:1"], id="uv specifier in .python-version"),
    pytest.param({".python-version": "3.11\r\n", "pyproject.toml": pyproject(">=3.12")},
                 ["EL401 .python-version:1"], id="CRLF .python-version"),
    pytest.param({"a/.python-version": "3.11\n", "a/b/c/setup.cfg":
                  "[options]\npython_requires = >=3.12\n"},
                 ["EL401 a/.python-version:1"], id="nearest .python-version above"),
    pytest.param({"Pipfile": '[requires]\npython_version = "3.12"\n'
                             'python_full_version = "3.11.4"\n'},
                 ["EL401 Pipfile:2"], id="Pipfile keys disagree"),
    pytest.param({"setup.py": 'from setuptools import setup\n'
                              'setup(name="a", python_requires="<3.10")\n',
                  "pyproject.toml": pyproject(">=3.11")},
                 ["EL401 setup.py:2"], id="setup.py against pyproject.toml"),
    pytest.param({"Dockerfile": image("python:3.12"), "runtime.txt": "python-3.13.0\n",
                  "requirements.txt": "flask==3.0.3\n"},
                 ["EL401 Dockerfile:1"], id="two deployment pins"),
    pytest.param({"pyproject.toml": pyproject(">=3.12"),
                  **venv(".venv", "home = /usr/bin\nversion = 3.11.9\n")},
                 ["EL401 .venv/pyvenv.cfg:2"], id="untracked venv"),
    pytest.param({"Dockerfile": image("python:3.11"), "pyproject.toml": pyproject(">=3.12"),
                  "compose.yaml": "services:\n  a:\n    build: .\n  b:\n    build: .\n"},
                 ["EL401 Dockerfile:1"], id="one finding for two services"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), EL401_FINDS)
def test_el401_finds(files: dict[str, str], expected: list[str], assert_finds: Check) -> None:
    assert_finds("EL401", files, expected, untracked=[".venv"])


EL401_QUIET = [
    pytest.param({"Dockerfile": image("python:3.12"), "pyproject.toml": pyproject(">=3.10")},
                 id="series admits the minimum"),
    pytest.param({"Dockerfile": image("python:3.12"), "pyproject.toml": pyproject(">=3.12.4")},
                 id="series contains the release"),
    pytest.param({"Dockerfile": image("python:3.12"), "pyproject.toml": pyproject("===3.11")},
                 id="arbitrary equality is unsure"),
    pytest.param({"Dockerfile": image("python:3.12"), "pyproject.toml": pyproject("=>3.13")},
                 id="invalid requires-python is EL001's"),
    pytest.param({"Dockerfile": image("python:3.12"), "pyproject.toml": pyproject("")},
                 id="empty requires-python admits all"),
    pytest.param({"Dockerfile": image("python:3.11") + "FROM scratch\nCOPY app /app\n",
                  "pyproject.toml": pyproject(">=3.12")}, id="final stage without Python"),
    pytest.param({"Dockerfile": "FROM python:3.11\nCOPY --from=build /w /w\n",
                  "api/pyproject.toml": pyproject(">=3.12")}, id="no manifest in the context"),
    pytest.param({"Dockerfile": "FROM python:3.11\nCOPY ../api/pyproject.toml /a/\n",
                  "api/pyproject.toml": pyproject(">=3.12")}, id="source outside the context"),
    pytest.param({"Dockerfile": image("python:3.11"), "Dockerfile.py312": image("python:3.12"),
                  "pyproject.toml": pyproject(">=3.11")}, id="test matrix of images"),
    pytest.param({"pyproject.toml": pyproject(">=3.12"),
                  **venv(".venv", "home = /usr/bin\nversion = 3.12.4\n"),
                  **venv("venv", "home = /usr/bin\nversion = 3.13.0\n")}, id="two venvs"),
    pytest.param({"pyproject.toml": pyproject(">=3.12"),
                  **venv("env", "home = /usr/bin\nversion = 3.11.0\n")},
                 id="only .venv and venv beside a manifest"),
    pytest.param({"app/.venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.0\n",
                  "app/.venv/bin/python": "", "pyproject.toml": pyproject(">=3.12")},
                 id="venv in a directory without a manifest"),
    pytest.param({".python-version": "3.11\n"}, id="pin alone"),
    pytest.param({".tool-versions": "python system\n", "pyproject.toml": pyproject(">=3.12")},
                 id="tool-versions system"),
    pytest.param({"Pipfile": '[requires]\npython_version = "3"\n',
                  "pyproject.toml": pyproject(">=3.12")}, id="Pipfile major only"),
]  # fmt: skip


@pytest.mark.parametrize("files", EL401_QUIET)
def test_el401_quiet(files: dict[str, str], assert_quiet: Check) -> None:
    assert_quiet("EL401", files, untracked=[".venv", "venv", "env", "app/.venv"])


def test_el401_message(lint_files: Lint) -> None:
    files = {
        "Dockerfile": image("python:3.11-slim"),
        "pyproject.toml": pyproject(">=3.12"),
        **venv(".venv", "version = 3.13.1\n"),
        ".python-version": "3.11\n",
    }
    found = [
        (f.path, f.line, f.message, f.help) for f in lint_files(files, "EL401", untracked=[".venv"])
    ]
    image_vs_range = (
        "base image `python:3.11-slim` conflicts with `requires-python` `>=3.12` at "
        "pyproject.toml:4: no Python version satisfies both"
    )
    venv_vs_pin = (
        "virtualenv `.venv` (Python `3.13.1`) conflicts with `.python-version` `3.11` at "
        ".python-version:1: no Python version satisfies both"
    )
    pin_vs_range = (
        "`.python-version` `3.11` conflicts with `requires-python` `>=3.12` at "
        "pyproject.toml:4: no Python version satisfies both"
    )
    venv_help = rules.HELP_CONFLICT_VENV.format(venv=".venv")
    assert found == [
        (".python-version", 1, pin_vs_range, rules.HELP_CONFLICT),
        (".venv/pyvenv.cfg", 1, venv_vs_pin, venv_help),
        ("Dockerfile", 1, image_vs_range, rules.HELP_CONFLICT),
    ]


EL402_FINDS = [
    pytest.param({"Dockerfile": image("python:3.10-slim")}, "2026-11-01",
                 ["EL402 Dockerfile:1"], id="month-only date: the first of the next month"),
    pytest.param({"Dockerfile": image("python:3.8")}, "2024-10-08",
                 ["EL402 Dockerfile:1"], id="exact date: the day after"),
    pytest.param({".python-version": "3.5.10\n"}, None,
                 ["EL402 .python-version:1"], id="older than the table"),
    pytest.param({".python-version": "2.7.18\n"}, None,
                 ["EL402 .python-version:1"], id="python 2"),
    pytest.param({"pyproject.toml": pyproject("<3.11")}, None,
                 ["EL402 pyproject.toml:4"], id="upper bound only"),
    pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\npython = "~3.8"\n'}, None,
                 ["EL402 pyproject.toml:2"], id="Poetry python"),
    pytest.param({"setup.py": 'from setuptools import setup\nsetup(python_requires="==3.9.*")\n'},
                 None, ["EL402 setup.py:2"], id="setup.py python_requires"),
    pytest.param({"docker/Dockerfile": "FROM python:3.9\nCOPY missing.whl /tmp/\n"}, None,
                 ["EL402 docker/Dockerfile:1"], id="unknown context does not matter"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "today", "expected"), EL402_FINDS)
def test_el402_finds(
    files: dict[str, str], today: str | None, expected: list[str], assert_finds: Check
) -> None:
    assert_finds("EL402", files, expected, today=today)


EL402_QUIET = [
    pytest.param({"Dockerfile": image("python:3.10-slim")}, "2026-10-31", id="within the month"),
    pytest.param({"Dockerfile": image("python:3.8")}, "2024-10-07", id="on the exact date"),
    pytest.param({"pyproject.toml": pyproject(">=3.8")}, None, id="open upper bound"),
    pytest.param({"pyproject.toml": pyproject(">=3.8,!=3.9.*,<3.12")}, None,
                 id="admits a supported minor"),
    pytest.param({"pyproject.toml": pyproject(">=4")}, None, id="admits no checked minor"),
    pytest.param({"pyproject.toml": pyproject("===3.8")}, None, id="arbitrary equality"),
    pytest.param({"Dockerfile": image("pypy:3.9")}, None, id="PyPy image"),
    pytest.param({".python-version": "pypy3.9-7.3.16\n"}, None, id="PyPy pyenv name"),
    pytest.param({".python-version": "3.12\n3.8\n"}, None, id="later lines are fallbacks"),
    pytest.param({".tool-versions": "python 3.8.18\n", "Pipfile":
                  '[requires]\npython_version = "3.8"\n'}, None,
                 id="not a runtime pin in the catalog"),
    pytest.param({"Dockerfile": "FROM python:3.8 AS old\nFROM python:3.12\n"}, None,
                 id="non-final stage"),
    pytest.param({"fixtures/Dockerfile": image("python:3.8")}, None, id="test data"),
]  # fmt: skip


@pytest.mark.parametrize(("files", "today"), EL402_QUIET)
def test_el402_quiet(files: dict[str, str], today: str | None, assert_quiet: Check) -> None:
    assert_quiet("EL402", files, today=today)


def test_el402_messages(lint_files: Lint) -> None:
    files = {
        "Dockerfile": image("python:3.9-slim"),
        "pyproject.toml": pyproject(">=3.8,<3.11"),
        "runtime.txt": "python-3.5.2\n",
    }
    found = [(f.path, f.line, f.message, f.help) for f in lint_files(files, "EL402")]
    assert found == [
        (
            "Dockerfile", 1,
            "base image `python:3.9-slim` runs Python 3.9, past its end of life "
            "(ended 2025-10-31)",
            rules.HELP_EOL.format(supported="3.11"),
        ),
        (
            "pyproject.toml", 4,
            "`requires-python` `>=3.8,<3.11` admits no Python newer than 3.10, past its end "
            "of life (ended 2026-10)",
            rules.HELP_EOL_RANGE.format(supported="3.11"),
        ),
        (
            "runtime.txt", 1,
            "`runtime.txt` `python-3.5.2` runs Python 3.5, past its end of life "
            "(ended before 2021-12-23)",
            rules.HELP_EOL.format(supported="3.11"),
        ),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2026, 11, 28), "3.11", id="3.10 just ended"),
        pytest.param(date(2026, 10, 31), "3.10", id="3.10 still supported"),
        pytest.param(date(2031, 1, 1), "a supported minor", id="past the table"),
    ],
)
def test_supported(today: date, expected: str) -> None:
    assert rules._supported(today) == expected


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        pytest.param(">=3.8,<3.10", (3, 9), id="closed range, all ended"),
        pytest.param("~=3.9.1", (3, 9), id="compatible release"),
        pytest.param("<3.1", (3, 0), id="upper bound"),
        pytest.param(">=3.9", None, id="open-ended admits supported minors"),
        pytest.param(">=3.8,<3.12", None, id="admits 3.11, supported"),
        pytest.param("==4.*", None, id="admits no checked minor"),
        pytest.param("===3.9", None, id="unsure"),
    ],
)
def test_newest_if_all_ended(specifier: str, expected: tuple[int, int] | None) -> None:
    today = date(2026, 11, 28)
    assert rules._newest_if_all_ended(SpecifierSet(specifier), today) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("pyproject.toml", "", id="root"),
        pytest.param("a/b/setup.cfg", "a/b", id="nested"),
        pytest.param("requirements/dev.txt", "", id="requirements directory"),
        pytest.param("svc/requirements/base.in", "svc", id="nested requirements directory"),
    ],
)
def test_project_dir(path: str, expected: str) -> None:
    assert project_dir(path) == expected


def test_docs_have_every_section() -> None:
    registry = all_rules()
    for code in ("EL401", "EL402"):
        assert [line[3:] for line in registry[code].doc.splitlines() if line.startswith("## ")] == (
            list(DOC_SECTIONS)
        )


def test_libcst_only_imported_for_setup_py(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject(">=3.12"), encoding="utf-8")
    (tmp_path / ".python-version").write_text("3.11\n", encoding="utf-8")
    script = (
        "import sys\nfrom envlint.cli import main\n"
        f"code = main([{str(tmp_path)!r}, '--no-git', '--select', 'EL4'])\n"
        "print(code, 'libcst' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines()[-1] == "1 False"
