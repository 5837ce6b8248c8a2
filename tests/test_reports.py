"""SARIF validates against the official 2.1.0 schema; GitHub annotations are escaped."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from envlint.cli import main
from envlint.model import Finding, Severity
from envlint.report import Meta, github
from envlint.rules import all_rules
from harness import Case, make_repo

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    files = {
        ".venv/pyvenv.cfg": "home = /usr/bin\n",
        ".venv/bin/python": "",
        "app/__pycache__/a.cpython-312.pyc": "x",
        "app/a.py": "",
        "run.py": "#!/home/u/venv/bin/python\n",
    }
    return make_repo(tmp_path / "r", files, Case(executable=["run.py"]))


def test_sarif_is_valid(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(repo), "--format", "sarif"]) == 1
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, json.loads(SCHEMA.read_text(encoding="utf-8")))
    run = document["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == list(all_rules())
    results = [(r["ruleId"], r["level"]) for r in run["results"]]
    assert results == [("EL101", "error"), ("EL103", "warning"), ("EL104", "warning")]
    located = run["results"][2]["locations"][0]["physicalLocation"]
    assert located == {
        "artifactLocation": {"uri": "run.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1, "startColumn": 1},
    }
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


def test_github_annotations_escape() -> None:
    finding = Finding("a,b:c.txt", 3, 1, "EL101", "50% bad\nreally", "", Severity.INFO)
    out = github.render([finding], Meta("0", 1, all_rules()))
    assert out.splitlines()[0] == (
        "::notice file=a%2Cb%3Ac.txt,line=3,col=1,title=EL101 venv-committed::50%25 bad%0Areally"
    )


def test_github_format_end_to_end(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(repo), "--format", "github"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("::error file=.venv,title=EL101 venv-committed::virtualenv")
    assert lines[-1].startswith("Found 3 findings")
