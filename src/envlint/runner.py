"""One lint run, from a directory to sorted findings: the library entry point."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from envlint.config import Config, build_config, find_config
from envlint.discover import build_index
from envlint.engine import run
from envlint.model import Finding, Severity
from envlint.patterns import gitignore_matcher
from envlint.project import Project
from envlint.rules import all_rules


@dataclass
class Outcome:
    findings: list[Finding]
    files: int
    fail_on: Severity
    notes: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)


def lint(
    root: Path,
    *,
    use_git: bool = True,
    config_path: str | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    fail_on: Severity | None = None,
    environ: Mapping[str, str] | None = None,
    today: date | None = None,
) -> Outcome:
    environ = dict(os.environ) if environ is None else dict(environ)
    root = root.resolve()
    rules = all_rules()
    index = build_index(root, use_git=use_git)
    project = Project(root, index, today or run_date(environ), environ)
    table, source = find_config(root, config_path, project.read_bytes)
    config = build_config(table, source, {c: r.options for c, r in rules.items()})
    apply_command_line(config, select, ignore, fail_on)
    project.exclude = gitignore_matcher(config.exclude)
    project.rule_options = {
        code: {**rule.options, **config.options.get(code, {})} for code, rule in rules.items()
    }
    result = run(project, rules, config)
    return Outcome(
        result.findings,
        len(project.visible_files()),
        config.fail_on,
        project.notes,
        result.internal_errors,
    )


def apply_command_line(
    config: Config, select: list[str] | None, ignore: list[str] | None, fail_on: Severity | None
) -> None:
    if select:
        config.select = select
    if ignore:
        config.ignore = [*config.ignore, *ignore]
    if fail_on is not None:
        config.fail_on = fail_on


def run_date(environ: Mapping[str, str]) -> date:
    from envlint.eol import run_date as eol_run_date

    return eol_run_date(environ)
