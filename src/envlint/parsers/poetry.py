"""Poetry's `[tool.poetry]` dependencies and its version constraint syntax, as PEP 440."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from envlint.parsers.pythonversion import RequiresPython, checked_specifier
from envlint.parsers.toml_text import TomlLines, table

_CLAUSE = re.compile(r"(<>|!=|>=|<=|==|~=|[<>=~^])?[ \t]*([^\s,<>=!~^|]+)")
_SEPARATOR = re.compile(r"[\s,]+")
_WILDCARD = re.compile(r"[vV]?(\d+(?:\.\d+){0,2})(?:\.[xX*])+")
_SOURCES = ("git", "path", "url")


@dataclass(frozen=True)
class PoetryDependency:
    """One Poetry dependency; a list of constraint tables yields one entry per table.

    `specifier` is the PEP 440 translation of `constraint`, None when it is not a version
    dependency (`source` "git", "path", "url") or the constraint cannot be represented.
    """

    name: str
    group: str  # "main", "dev" (legacy dev-dependencies) or the group name
    line: int | None
    constraint: str | None
    specifier: SpecifierSet | None
    source: str = "version"
    python: str | None = None
    markers: str | None = None
    optional: bool = False
    extras: tuple[str, ...] = ()


@dataclass(frozen=True)
class Poetry:
    """`[tool.poetry]`: the package name, the `python` key (translated) and dependencies."""

    name: str | None
    python: RequiresPython | None
    dependencies: tuple[PoetryDependency, ...]


def parse_poetry(poetry: Mapping[str, Any], lines: TomlLines) -> Poetry:
    """Read `[tool.poetry]` (already loaded) with lines from the text scan."""
    sections: list[tuple[str, tuple[str, ...]]] = [
        ("main", ("dependencies",)),
        ("dev", ("dev-dependencies",)),
    ]
    sections += [(group, ("group", group, "dependencies")) for group in table(poetry, "group")]
    python: RequiresPython | None = None
    found: list[PoetryDependency] = []
    for group, keys in sections:
        for name, value in table(poetry, *keys).items():
            line = lines.line(("tool", "poetry", *keys, name))
            if name == "python" and group == "main":
                if isinstance(value, str):
                    spec = poetry_constraint(value, python=True)
                    reason = None if spec is not None else "not representable in PEP 440"
                    python = RequiresPython(value, line, spec, reason)
                continue
            for item in value if isinstance(value, list) else [value]:
                found.append(_dependency(name, group, line, item))
    package = poetry.get("name")
    return Poetry(package if isinstance(package, str) else None, python, tuple(found))


def _dependency(name: str, group: str, line: int | None, item: object) -> PoetryDependency:
    spec: Mapping[str, Any] = item if isinstance(item, dict) else {}
    version = item if isinstance(item, str) else spec.get("version")
    constraint = version if isinstance(version, str) else None
    source = next((key for key in _SOURCES if key in spec), "version")
    if not isinstance(item, (str, dict)):
        source = "other"
    extras = spec.get("extras")
    return PoetryDependency(
        name=name,
        group=group,
        line=line,
        constraint=constraint,
        specifier=poetry_constraint(constraint) if source == "version" and constraint else None,
        source=source,
        python=spec["python"] if isinstance(spec.get("python"), str) else None,
        markers=spec["markers"] if isinstance(spec.get("markers"), str) else None,
        optional=spec.get("optional") is True,
        extras=tuple(e for e in extras if isinstance(e, str)) if isinstance(extras, list) else (),
    )


def poetry_constraint(text: str, python: bool = False) -> SpecifierSet | None:
    """Translate a Poetry constraint (poetry-core's parse_constraint) into PEP 440.

    `^1.2.3` -> `>=1.2.3,<2.0.0`, `~1.2` -> `>=1.2,<1.3`, `1.2.*` -> `==1.2.*`, `*` -> any;
    `,` or a space is "and", `||` (or `|`) is "or", kept only when the alternatives join
    into one range. With `python=True` a bare `3.8` means the series, as Poetry's metadata
    writes it (`~3.8`). None when invalid or not representable.
    """
    alternatives: list[SpecifierSet] = []
    for alternative in re.split(r"\|\|?", text):
        clauses = _clauses(alternative.strip().rstrip(",").rstrip(), python)
        if clauses is None:
            return None
        try:
            alternatives.append(checked_specifier(",".join(clauses)))
        except InvalidSpecifier:
            return None
    return alternatives[0] if len(alternatives) == 1 else _union(alternatives)


def _clauses(text: str, python: bool) -> list[str] | None:
    if text == "*":
        return []
    result: list[str] = []
    position = 0
    while position < len(text):
        if position:
            # Clauses are separated by a comma or spaces: `>=1<2` is not a constraint.
            separator = _SEPARATOR.match(text, position)
            if separator is None:
                return None
            position = separator.end()
        match = _CLAUSE.match(text, position)
        single = _single(match[1] or "", match[2], python) if match is not None else None
        if match is None or single is None:
            return None
        result += single
        position = match.end()
    return result if text else None


def _single(op: str, word: str, python: bool) -> list[str] | None:
    if re.fullmatch(r"[vV]?[xX*](?:\.[xX*])*", word):
        return [] if not op else None
    if (wildcard := _WILDCARD.fullmatch(word)) is not None:
        op = {"": "==", "=": "==", "<>": "!="}.get(op, op)
        return [f"{op}{wildcard[1]}.*"] if op in ("==", "!=") else None
    try:
        version = Version(word)
    except ValueError:  # InvalidVersion, or digits past Python's int limit
        return None
    word, release = str(version), version.release  # normalised: `v1.2` -> `1.2`
    if op == "^":
        # poetry-core Version.next_breaking: bump the major, else the minor, else the patch,
        # whichever is the first non-zero or last written (^0.2.3 -> <0.3.0, ^0 -> <1).
        index = 2
        if release[0] or len(release) == 1:
            index = 0
        elif release[1] or len(release) == 2:
            index = 1
        return [f">={word}", f"<{_bump(release, index)}"]
    if op == "~":
        return [f">={word}", f"<{_bump(release, min(1, len(release) - 1))}"]
    if op in ("", "=", "=="):
        if python and len(release) < 3 and version == Version(version.base_version):
            return [f"=={word}.*"]
        return [f"=={word}"]
    return [f"{'!=' if op == '<>' else op}{word}"]


def _bump(release: tuple[int, ...], index: int) -> str:
    bumped = (*release[:index], release[index] + 1) + (0,) * (len(release) - index - 1)
    return ".".join(map(str, bumped))


def _union(alternatives: list[SpecifierSet]) -> SpecifierSet | None:
    """The union of `>=lo,<hi` ranges when they join into one range, else None."""
    ranges: list[tuple[Version, Version | None]] = []
    for spec in alternatives:
        lows = [Version(s.version) for s in spec if s.operator == ">="]
        highs = [Version(s.version) for s in spec if s.operator == "<"]
        if len(lows) + len(highs) != len(spec) or any(s.version.endswith("*") for s in spec):
            return None
        ranges.append((max(lows, default=Version("0")), min(highs, default=None)))
    ranges.sort(key=lambda pair: pair[0])
    low, high = ranges[0]
    for next_low, next_high in ranges[1:]:
        if high is not None and next_low > high:
            return None
        high = None if high is None or next_high is None else max(high, next_high)
    return SpecifierSet(f">={low}" + (f",<{high}" if high is not None else ""))
