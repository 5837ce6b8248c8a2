from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from envlint.model import Finding
from harness import Case, as_lines, make_repo, run_lint

LintFiles = Callable[..., list[Finding]]


@pytest.fixture
def lint_files(tmp_path: Path) -> LintFiles:
    """Lint a repository made from a {path: content} table; keyword arguments fill a Case."""

    def run(
        files: Mapping[str, str | bytes], select: str | None = None, **case: object
    ) -> list[Finding]:
        repo = tmp_path / f"repo{len(list(tmp_path.iterdir()))}"
        repo.mkdir()
        c = Case(**case)  # type: ignore[arg-type]
        make_repo(repo, files, c)
        return run_lint(repo, c, [select] if select else None)

    return run


@pytest.fixture
def assert_finds(lint_files: LintFiles) -> Callable[..., None]:
    def check(
        code: str, files: Mapping[str, str | bytes], expected: list[str], **case: object
    ) -> None:
        assert as_lines(lint_files(files, select=code, **case)) == sorted(expected)

    return check


@pytest.fixture
def assert_quiet(lint_files: LintFiles) -> Callable[..., None]:
    def check(code: str, files: Mapping[str, str | bytes], **case: object) -> None:
        found = as_lines(lint_files(files, select=code, **case))
        assert found == []

    return check
