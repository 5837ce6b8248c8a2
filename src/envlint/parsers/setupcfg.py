"""setup.cfg: `[metadata] name` and setuptools' `[options]` dependencies and python_requires."""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeVar

from envlint.model import ParseError
from envlint.parsers.pyproject import DependencyEntry, make_entry
from envlint.parsers.pythonversion import RequiresPython, requires_python

T = TypeVar("T")


@dataclass(frozen=True)
class SetupCfg:
    """What setuptools reads from setup.cfg; a `file:` directive makes a list None (unknown)."""

    name: str | None = None
    python_requires: RequiresPython | None = None
    install_requires: tuple[DependencyEntry, ...] | None = ()
    extras_require: tuple[DependencyEntry, ...] | None = ()  # group: the extra


def setuptools_requirements(lines: Iterable[tuple[str, T]]) -> list[tuple[str, T]]:
    """Requirement strings as setuptools' `_reqs.parse_strings` reads lines, each with its tag.

    Blank lines and `#` lines are skipped, ` #` starts a comment, and a line ending in `\\`
    continues on the next (jaraco.text.join_continuation, which drops the two characters
    before the next line, and drops a continuation with nothing after it).
    """
    kept = (
        (line.strip().partition(" #")[0], tag)
        for line, tag in lines
        if line.strip() and not line.strip().startswith("#")
    )
    result: list[tuple[str, T]] = []
    for line, tag in kept:
        joined = line
        while joined.endswith("\\"):
            following = next(kept, None)
            if following is None:
                return result
            joined = joined[:-2].strip() + following[0]
        result.append((joined.rstrip(), tag))
    return result


def setuptools_lines(strings: Iterable[str]) -> list[str]:
    """setuptools_requirements for strings (each one may hold several lines)."""
    lines = ((line, None) for string in strings for line in string.splitlines())
    return [requirement for requirement, _ in setuptools_requirements(lines)]


def parse_setup_cfg(text: str) -> tuple[SetupCfg, list[ParseError]]:
    """Read setup.cfg as setuptools does (ConfigParser, case-sensitive keys); never raises."""
    # setuptools' own parser interpolates `%`; envlint reads values raw.
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment, method-assign]
    try:
        parser.read_string(text)
    except (configparser.Error, ValueError, RecursionError) as exc:
        return SetupCfg(), [_error(exc)]
    lines = _Lines(text)
    empty: Mapping[str, str] = {}
    options = parser["options"] if parser.has_section("options") else empty
    metadata = parser["metadata"] if parser.has_section("metadata") else empty
    python = _get(options, "python_requires")
    extras: list[DependencyEntry] | None = []
    if parser.has_section("options.extras_require"):
        for extra, value in parser["options.extras_require"].items():
            found = _requirements(value, lines, "options.extras_require", extra, extra)
            extras = None if found is None or extras is None else extras + list(found)
    install = _get(options, "install_requires")
    return (
        SetupCfg(
            name=_get(metadata, "name"),
            python_requires=(
                requires_python(python.strip(), lines.key("options", "python_requires"))
                if python is not None
                else None
            ),
            install_requires=(
                _requirements(install, lines, "options", "install_requires", None)
                if install is not None
                else ()
            ),
            extras_require=None if extras is None else tuple(extras),
        ),
        [],
    )


def _get(section: Mapping[str, str], key: str) -> str | None:
    # setuptools < 78 also accepted dashed keys (`python-requires`), with a warning.
    value = section.get(key, section.get(key.replace("_", "-")))
    return value if isinstance(value, str) else None


def _requirements(
    value: str, lines: _Lines, section: str, key: str, group: str | None
) -> tuple[DependencyEntry, ...] | None:
    """setuptools' `_parse_requirements_list`: lines, or `;`-separated on one line."""
    if value.strip().startswith("file:"):
        return None
    chunks = value.splitlines() if "\n" in value else value.split(";")
    strings = setuptools_lines(chunk for chunk in chunks if not chunk.strip().startswith("#"))
    found = lines.values(section, key, strings, "\n" in value)
    return tuple(make_entry(raw, line, group) for raw, line in zip(strings, found, strict=True))


def _error(exc: Exception) -> ParseError:
    line = getattr(exc, "lineno", None)
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    errors = getattr(exc, "errors", None)
    if isinstance(exc, configparser.MissingSectionHeaderError):
        pass
    elif isinstance(exc, configparser.ParsingError) and errors:
        line, text = errors[0]
        message = f"not a section header or `key = value` line: {text}"
    elif isinstance(exc, (configparser.DuplicateOptionError, configparser.DuplicateSectionError)):
        message = message.rpartition("]: ")[2]
    return ParseError(f"invalid setup.cfg: {message}", line if isinstance(line, int) else None)


class _Lines:
    """Finds the lines of keys and values by scanning the text as ConfigParser does."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines()

    def key(self, section: str, key: str) -> int | None:
        pattern = re.escape(key).replace("_", "[_-]")
        current = None
        for number, line in enumerate(self._lines, start=1):
            header = re.fullmatch(r"\[(.+)\]", line.strip())
            if header is not None:
                current = header[1]
            elif current == section and re.match(rf"{pattern}\s*[=:]", line):
                return number
        return None

    def values(
        self, section: str, key: str, values: list[str], multiline: bool
    ) -> Iterator[int | None]:
        """The line of each value of an option, in order."""
        start = self.key(section, key)
        if start is None:
            yield from (None for _ in values)
            return
        # The key line holds a value only after its `=`; continuation lines follow it.
        texts = [re.split("[=:]", self._lines[start - 1], maxsplit=1)[-1]]
        texts += self._lines[start:]
        cursor = 0
        for value in values:
            hit = next((i for i in range(cursor, len(texts)) if value in texts[i]), None)
            yield start if hit is None else start + hit
            cursor = cursor if hit is None else hit + multiline
