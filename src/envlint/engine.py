"""Run the selected rules, then the selection, severity and suppression stage."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from envlint.config import Config
from envlint.model import Finding
from envlint.project import Project
from envlint.rules import Rule
from envlint.suppress import Suppressions, parse_suppressions

LAST = "EL001"  # reports what every other rule failed to parse, so it runs last


def longest_prefix(code: str, patterns: Iterable[str]) -> int:
    """Length of the longest pattern that is a prefix of `code`; -1 when none is."""
    best = -1
    for pattern in patterns:
        prefix = "" if pattern == "ALL" else pattern
        if code.startswith(prefix):
            best = max(best, len(prefix))
    return best


def is_selected(code: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    """The more specific of select and ignore wins; on a tie, ignore."""
    chosen = longest_prefix(code, select)
    return chosen >= 0 and chosen > longest_prefix(code, ignore)


@dataclass
class RunResult:
    findings: list[Finding]
    internal_errors: list[str] = field(default_factory=list)


def run(project: Project, rules: Mapping[str, Rule], config: Config) -> RunResult:
    active = [r for c, r in rules.items() if is_selected(c, config.select, config.ignore)]
    active.sort(key=lambda r: (r.code == LAST, r.code))
    result = RunResult([])
    for rule in active:
        try:
            result.findings.extend(rule.finding(hit) for hit in rule.func(project))
        except Exception as exc:  # a bug in one rule must not hide the others' findings
            import os
            import traceback

            if os.environ.get("ENVLINT_DEBUG") == "1":
                traceback.print_exc()
            result.internal_errors.append(f"internal error in {rule.code}: {exc!r}")
    result.findings = postprocess(project, result.findings, config)
    return result


def postprocess(project: Project, findings: Iterable[Finding], config: Config) -> list[Finding]:
    """Exclusions, per-path ignores, inline suppressions and severity overrides; sorted."""
    per_path = _per_path_matchers(config.per_path_ignores)
    suppressions: dict[str, Suppressions] = {}
    kept: dict[tuple[str, int, int, str, str], Finding] = {}
    for finding in findings:
        if finding.path != "." and project.exclude(finding.path):
            continue
        if any(
            matches(finding.path) and longest_prefix(finding.code, codes) >= 0
            for matches, codes in per_path
        ):
            continue
        if finding.path not in suppressions:
            data = project.read_bytes(finding.path) if project.exists(finding.path) else None
            text = data.decode("utf-8", "replace") if data else ""
            suppressions[finding.path] = parse_suppressions(text)
        if suppressions[finding.path].covers(finding):
            continue
        severity = config.severity.get(finding.code)
        final = finding if severity is None else replace(finding, severity=severity)
        kept.setdefault(final.sort_key(), final)
    return sorted(kept.values(), key=Finding.sort_key)


def _per_path_matchers(
    table: Mapping[str, list[str]],
) -> list[tuple[Callable[[str], bool], list[str]]]:
    if not table:
        return []
    from envlint.patterns import gitignore_matcher

    return [(gitignore_matcher([pattern]), codes) for pattern, codes in table.items()]
