"""Configuration schema, precedence, selection table, and inline suppressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from envlint.cli import main
from envlint.engine import is_selected
from envlint.runner import lint
from envlint.suppress import parse_suppressions
from harness import Case, as_lines, make_repo

ARTIFACTS = {
    "app/__pycache__/a.cpython-312.pyc": "x",
    "app/a.py": "",
    "lib/x.py": "",
    "lib/x.pyc": "",
}


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        pytest.param("EL202", ["EL"], [], True, id="all selected"),
        pytest.param("EL202", ["EL"], ["EL2"], False, id="family ignored"),
        pytest.param("EL202", ["EL202"], ["EL2"], True, id="longer select wins"),
        pytest.param("EL202", ["EL2"], ["EL202"], False, id="longer ignore wins"),
        pytest.param("EL202", ["EL2"], ["EL2"], False, id="tie goes to ignore"),
        pytest.param("EL202", ["EL1"], [], False, id="not selected"),
        pytest.param("EL202", ["ALL"], ["EL20"], False, id="ALL then ignore"),
    ],
)
def test_selection_table(code: str, select: list[str], ignore: list[str], expected: bool) -> None:
    assert is_selected(code, select, ignore) is expected


def _repo(tmp_path: Path, extra: dict[str, str]) -> Path:
    return make_repo(tmp_path / "r", {**ARTIFACTS, **extra}, Case())


def test_pyproject_config(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"pyproject.toml": '[tool.envlint]\nexclude = ["lib/"]\n'})
    assert as_lines(lint(repo, environ={}).findings) == ["EL103 app/__pycache__"]


def test_envlint_toml_wins_over_pyproject(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        {
            "pyproject.toml": '[tool.envlint]\nexclude = ["lib/"]\n',
            "envlint.toml": 'per-path-ignores = { "app/" = ["EL103"] }\n',
        },
    )
    assert as_lines(lint(repo, environ={}).findings) == ["EL103 lib"]


def test_severity_override_and_fail_on(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"envlint.toml": 'severity = { EL103 = "info" }\n'})
    outcome = lint(repo, environ={})
    assert {f.severity.label for f in outcome.findings} == {"info"}
    assert main([str(repo)]) == 0
    assert main([str(repo), "--fail-on", "info"]) == 1


def test_command_line_wins(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"envlint.toml": 'select = ["EL101"]\nfail-on = "error"\n'})
    assert main([str(repo)]) == 0
    assert main([str(repo), "--select", "EL1", "--fail-on", "warning"]) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("colour = true\n", "unknown key 'colour'", id="unknown key"),
        pytest.param('ignore = "EL1x"\n', "'EL1X' is not a rule code", id="bad code"),
        pytest.param("ignore = 3\n", "ignore: expected a list of codes", id="bad type"),
        pytest.param('fail-on = "fatal"\n', "fail-on: expected one of", id="bad severity"),
        pytest.param("exclude = [1]\n", "exclude: expected a list of strings", id="bad exclude"),
        pytest.param('severity = { EL2 = "info" }\n', "no rule has code 'EL2'", id="prefix sev"),
        pytest.param("options = { EL101 = { x = 1 } }\n", "takes no options", id="no options"),
        pytest.param("select = [\n", "invalid TOML", id="broken toml"),
    ],
)
def test_config_errors_exit_2(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _repo(tmp_path, {"envlint.toml": content})
    assert main([str(repo)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_broken_pyproject_is_not_a_config_error(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"pyproject.toml": "[tool.envlint\n"})
    assert main([str(repo), "--select", "EL1"]) == 1


def test_explicit_config_file(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {})
    config = tmp_path / "custom.toml"
    config.write_text('ignore = ["EL103"]\n')
    assert main([str(repo), "--config", str(config)]) == 0
    assert main([str(repo), "--config", str(tmp_path / "missing.toml")]) == 2


@pytest.mark.parametrize(
    ("text", "line", "code", "covered"),
    [
        pytest.param("# envlint: ignore=EL202\nRUN x\n", 2, "EL202", True, id="line above"),
        pytest.param("x==1  # envlint: ignore=EL303\n", 1, "EL303", True, id="trailing"),
        pytest.param("x==1  # envlint: ignore=EL303\ny\n", 2, "EL303", False, id="not next"),
        pytest.param("# envlint: ignore=EL2\nRUN x\n", 2, "EL202", True, id="prefix"),
        pytest.param("# envlint: ignore=EL201, EL202\nRUN\n", 2, "EL202", True, id="list"),
        pytest.param("# envlint: ignore=EL201\nRUN\n", 2, "EL202", False, id="other code"),
        pytest.param("a\n# envlint: ignore-file=EL303\n", 9, "EL303", True, id="whole file"),
        pytest.param("# envlint: ignore=EL202\n\nRUN\n", 3, "EL202", False, id="blank between"),
    ],
)
def test_suppressions(text: str, line: int, code: str, covered: bool) -> None:
    from envlint.model import Finding

    finding = Finding("f", line, 1, code, "m")
    assert parse_suppressions(text).covers(finding) is covered


def test_suppression_end_to_end(tmp_path: Path) -> None:
    files = {"run.py": "#!/home/u/venv/bin/python\n# envlint: ignore-file=EL104\n"}
    repo = make_repo(tmp_path / "r", files, Case(executable=["run.py"]))
    assert as_lines(lint(repo, environ={}).findings) == []
