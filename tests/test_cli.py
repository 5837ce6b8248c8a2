"""The command line contract: formats, selection, exit codes, errors as one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from envlint import __version__
from envlint.cli import main
from harness import Case, make_repo

VENV = {
    ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.12.3\n",
    ".venv/bin/python": "",
    "app.py": "print('hi')\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", VENV, Case())


def test_text_output_and_exit_code(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(repo)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        ".venv: EL101 [error] virtualenv `.venv/` is committed: git tracks 2 of its files"
    )
    assert out[1].startswith("    help: A venv only works on the machine")
    assert out[-1] == "Found 1 finding (1 error, 0 warnings, 0 infos) in 1 files."


def test_json_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(repo), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "envlint", "version": __version__}
    assert doc["findings"] == [
        {
            "code": "EL101",
            "name": "venv-committed",
            "severity": "error",
            "path": ".venv",
            "line": None,
            "column": None,
            "message": "virtualenv `.venv/` is committed: git tracks 2 of its files",
            "help": doc["findings"][0]["help"],
        }
    ]
    assert doc["summary"] == {"error": 1, "warning": 0, "info": 0, "files": 1}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([], 1, id="default fails on error"),
        pytest.param(["--exit-zero"], 0, id="exit-zero"),
        pytest.param(["--ignore", "EL101"], 0, id="ignore code"),
        pytest.param(["--ignore", "EL1"], 0, id="ignore prefix"),
        pytest.param(["--select", "EL2"], 0, id="select other family"),
        pytest.param(["--select", "EL1", "--ignore", "EL10"], 0, id="longer ignore wins"),
        pytest.param(["--select", "EL101", "--ignore", "EL1"], 1, id="longer select wins"),
        pytest.param(["--select", "ALL"], 1, id="select all"),
    ],
)
def test_selection_and_exit(repo: Path, args: list[str], code: int) -> None:
    assert main([str(repo), *args]) == code


def test_fail_on_error_passes_warnings(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "r", {"app/__pycache__/a.cpython-312.pyc": "x", "app/a.py": ""}, Case()
    )
    assert main([str(repo)]) == 1
    assert main([str(repo), "--fail-on", "error"]) == 0
    assert main([str(repo), "--fail-on", "info"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--select", "XX1"], "'XX1' is not a rule code", id="bad code"),
        pytest.param(["--select", "EL999"], "no rule has code 'EL999'", id="unknown code"),
        pytest.param(["--fail-on", "fatal"], "expected one of info, warning, error", id="bad sev"),
        pytest.param(["--format", "xml"], "invalid choice", id="bad format"),
    ],
)
def test_usage_errors(
    repo: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main([str(repo), *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_path_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("envlint: error: ")
    assert "Traceback" not in err


def test_output_file(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.json"
    assert main([str(repo), "--format", "json", "--output-file", str(out)]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["summary"]["error"] == 1


def test_list_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list-rules"]) == 0
    listing = capsys.readouterr().out
    assert "EL101  venv-committed" in listing
    assert main(["--explain", "el101"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# EL101 venv-committed (error)")
    assert "## How to fix" in text
    assert main(["--explain", "EL999"]) == 2


def test_no_git_walk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path / "r", VENV, Case())
    assert main([str(repo), "--no-git"]) == 0
    assert capsys.readouterr().out == "No findings (1 files checked).\n"


def test_python_dash_m_and_version(repo: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "envlint", "--version"], capture_output=True, text=True, check=False
    )
    assert run.stdout.strip() == f"envlint {__version__}"
    run = subprocess.run(
        [sys.executable, "-m", "envlint", str(repo)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 1
    assert "EL101" in run.stdout


def test_output_is_deterministic(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(repo), "--format", "json"])
    first = capsys.readouterr().out
    main([str(repo), "--format", "json"])
    assert capsys.readouterr().out == first


def test_no_colour_when_not_a_terminal(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main([str(repo)])
    assert "\033[" not in capsys.readouterr().out
