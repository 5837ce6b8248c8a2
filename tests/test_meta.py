"""Keep the catalog honest: docs, fixtures, README, SARIF and hook manifest agree with code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from envlint.rules import DOC_SECTIONS, all_rules
from harness import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
RULES = all_rules()
CODES = sorted(RULES)


def test_registry_is_not_empty() -> None:
    assert "EL001" in RULES and "EL101" in RULES


@pytest.mark.parametrize("code", CODES)
def test_docstring_has_the_catalog_shape(code: str) -> None:
    doc = RULES[code].doc
    headings = re.findall(r"^## (.+)$", doc, re.M)
    assert headings == list(DOC_SECTIONS), f"{code}: sections {headings}"
    for section in DOC_SECTIONS:
        assert RULES[code].section(section), f"{code}: empty section {section!r}"
    assert "Use instead" in RULES[code].section("Example"), f"{code}: no 'Use instead'"


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_positive_and_negative_fixtures(code: str) -> None:
    folders = [p.name for p in FIXTURES.glob(f"*/{code}-*") if (p / "repo").is_dir()]
    positives = [f for f in folders if not f.startswith(f"{code}-ok-")]
    negatives = [f for f in folders if f.startswith(f"{code}-ok-")]
    assert positives, f"{code} has no positive fixture"
    assert negatives, f"{code} has no negative fixture"
    found = [p for p in FIXTURES.glob(f"*/{code}-*/expected.txt") if code in p.read_text()]
    assert found, f"{code}: no fixture expects it"


@pytest.mark.parametrize("code", CODES)
def test_names_are_kebab_case_and_unique(code: str) -> None:
    name = RULES[code].name
    assert re.fullmatch(r"[a-z]+(?:-[a-z]+)*", name)
    assert [r.name for r in RULES.values()].count(name) == 1


def test_readme_rule_table_matches_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (EL\d{3}) \| `([a-z-]+)` \| (\w+) \|", readme, re.M)
    assert rows == [(c, RULES[c].name, RULES[c].severity.label) for c in CODES]


def test_hook_manifest_contract() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "envlint"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True
    assert hook["entry"] == "envlint"


def test_repository_dogfoods_its_hooks() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff", "ruff-format", "mypy", "envlint"} <= set(hooks)
    assert hooks["envlint"]["pass_filenames"] is False
    assert hooks["envlint"]["always_run"] is True
