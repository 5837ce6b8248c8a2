"""Inline suppressions: `# envlint: ignore=CODE[,CODE]` and `# envlint: ignore-file=CODE`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from envlint.model import Finding

_DIRECTIVE = re.compile(
    r"#\s*envlint:\s*(?P<kind>ignore-file|ignore)\s*=\s*(?P<codes>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)"
)


@dataclass
class Suppressions:
    """The directives of one file: codes by line, and codes for the whole file."""

    by_line: dict[int, set[str]] = field(default_factory=dict)
    whole_file: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        if _matches(finding.code, self.whole_file):
            return True
        if finding.line is None:
            return False
        return _matches(finding.code, self.by_line.get(finding.line, set()))


def _matches(code: str, patterns: Iterable[str]) -> bool:
    return any(code.startswith(p) for p in patterns)


def parse_suppressions(text: str) -> Suppressions:
    """A directive applies to its own line; on a comment-only line, to the next line too."""
    result = Suppressions()
    if "envlint:" not in text:
        return result
    for number, line in enumerate(text.splitlines(), 1):
        for match in _DIRECTIVE.finditer(line):
            codes = {c.strip().upper() for c in match.group("codes").split(",")}
            if match.group("kind") == "ignore-file":
                result.whole_file |= codes
            else:
                result.by_line.setdefault(number, set()).update(codes)
                if line.lstrip().startswith("#"):
                    result.by_line.setdefault(number + 1, set()).update(codes)
    return result
