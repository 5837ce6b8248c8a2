"""Every fixture folder: lint the repository and compare with expected.txt both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import (
    FIXTURES,
    as_lines,
    copy_fixture,
    finish_repo,
    load_case,
    read_expected,
    run_lint,
)

CASES = sorted(p.parent for p in FIXTURES.glob("*/*/repo"))


@pytest.mark.parametrize("folder", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_fixture(folder: Path, tmp_path: Path) -> None:
    case = load_case(folder)
    repo = tmp_path / "repo"
    copy_fixture(folder / "repo", repo)
    finish_repo(repo, case)
    assert as_lines(run_lint(repo, case)) == read_expected(folder)


def test_fixture_folders_are_complete() -> None:
    assert CASES, "no fixtures found"
    for folder in CASES:
        assert (folder / "expected.txt").exists(), f"{folder} has no expected.txt"
