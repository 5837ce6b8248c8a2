"""One lint run, from a directory to sorted findings: the library entry point."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
    project.notes.extend(index.notes)
    table, source = find_config(root, config_path, project.read_bytes)
    config = build_config(table, source, {c: r.options for c, r in rules.items()})
    apply_command_line(config, select, ignore, fail_on)
    project.exclude = gitignore_matcher(config.exclude)
    project.rule_options = {
        code: {**rule.options, **config.options.get(code, {})} for code, rule in rules.items()
    }
    result = run(project, rules, config)
    findings = [
        replace(f, path=printable(f.path), message=printable(f.message), help=printable(f.help))
        for f in result.findings
    ]
    return Outcome(
        sorted(findings, key=Finding.sort_key),
        len(project.visible_files()),
        config.fail_on,
        [printable(n) for n in project.notes],
        [printable(e) for e in result.internal_errors],
    )


# C0/C1 controls but tab, and lone surrogates: `os.fsdecode` gives those for file-name bytes
# that are not UTF-8, and no UTF-8 output can carry them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with control characters and undecodable file-name bytes escaped (`\\x0a`,
    `\\xff`): one line per finding, valid UTF-8, nothing a terminal would act on."""
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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
