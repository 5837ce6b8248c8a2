"""TOML loading with located errors, and a light scan of the text for the lines of values."""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from envlint.model import ParseError

_LOCATION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END = re.compile(r"\s*\(at end of document\)\s*$")
_KEY = re.compile(r"""[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))[ \t]*""")


def load_toml(text: str) -> tuple[dict[str, Any] | None, list[ParseError]]:
    """Parse TOML 1.0 as tomllib does; a decode error becomes a ParseError with its location."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(text), []
    except (ValueError, RecursionError) as exc:
        # tomllib raises TOMLDecodeError (a ValueError) with "(at line L, column C)" in the
        # message; Python 3.14 adds lineno/colno attributes.
        message = str(exc) or type(exc).__name__
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        if (match := _LOCATION.search(message)) is not None:
            line, column = line or int(match[1]), column or int(match[2])
            message = message[: match.start()]
        elif (match := _END.search(message)) is not None:
            line = max(1, text.count("\n") + (not text.endswith("\n")))
            message = message[: match.start()]
        return None, [ParseError(f"invalid TOML: {message}", line, column)]


def _dotted_key(text: str) -> tuple[tuple[str, ...], str] | None:
    """Split `a."b c".d rest` into its keys and the rest; None if no key starts the text."""
    keys: list[str] = []
    position = 0
    while (match := _KEY.match(text, position)) is not None:
        keys.append(next(group for group in match.groups() if group is not None))
        position = match.end()
        if not text.startswith(".", position):
            return tuple(keys), text[position:]
        position += 1
    return None


def _header(line: str) -> tuple[str, ...] | None:
    """The key path of a `[table]` or `[[array.of.tables]]` header line, else None."""
    stripped = line.strip()
    close = "]]" if stripped.startswith("[[") else "]"
    if not stripped.startswith("["):
        return None
    found = _dotted_key(stripped[len(close) :])
    if found is None or not found[1].startswith(close):
        return None
    tail = found[1][len(close) :].strip()
    return found[0] if not tail or tail.startswith("#") else None


@dataclass(frozen=True)
class _Section:
    start: int  # offset of the header line (0 for the root table)
    end: int
    keys: Mapping[tuple[str, ...], int]  # `a.b = ...` lines: offset of the first of each


class TomlLines:
    """Finds the line of a key or of a string inside an array, by scanning the text.

    A light scan, not a parser: it knows table headers and `key =` lines, which is enough to
    point a finding at the right line; when it cannot find something it falls back to the
    nearest enclosing key or table header it can find.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
        self._sections: dict[tuple[str, ...], list[_Section]] = {}
        path: tuple[str, ...] = ()
        start = 0
        keys: dict[tuple[str, ...], int] = {}
        for offset in self._starts:
            line = text[offset : self._line_end(offset)]
            header = _header(line)
            if header is not None:
                self._sections.setdefault(path, []).append(_Section(start, offset, keys))
                path, start, keys = header, offset, {}
            elif (found := _dotted_key(line)) is not None and found[1].startswith("="):
                keys.setdefault(found[0], offset)
        self._sections.setdefault(path, []).append(_Section(start, len(text), keys))
        self._anchors: dict[tuple[str, ...], tuple[int, int] | None] = {}
        self._cursors: dict[tuple[str, ...], int] = {}

    def _line_end(self, offset: int) -> int:
        end = self._text.find("\n", offset)
        return len(self._text) if end < 0 else end

    def line(self, path: tuple[str, ...], value: str | None = None) -> int | None:
        """The line of the string `value` within the array at `path`, or of `path` itself.

        Successive calls with the same path find successive occurrences (array order).
        """
        if path not in self._anchors:
            self._anchors[path] = self._anchor(path)
        anchor = self._anchors[path]
        if anchor is None:
            return None
        start, end = anchor
        if value is not None:
            cursor = self._cursors.get(path, start)
            # TOML basic strings escape like JSON, except that DEL must be escaped too.
            forms = [json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")]
            if "'" not in value and "\n" not in value:
                forms.append(f"'{value}'")
            hits = [(i, len(f)) for f in forms if (i := self._text.find(f, cursor, end)) >= 0]
            if hits:
                offset, length = min(hits)
                self._cursors[path] = offset + length
                return bisect.bisect_right(self._starts, offset)
        return bisect.bisect_right(self._starts, start)

    def _anchor(self, path: tuple[str, ...]) -> tuple[int, int] | None:
        """(offset, section end) of the deepest part of `path` written in the text."""
        for size in range(len(path), 0, -1):
            for depth in range(size + 1):
                for section in self._sections.get(path[:depth], ()):
                    offset = section.start if depth == size else section.keys.get(path[depth:size])
                    if offset is not None:
                        return offset, section.end
        return None


def table(data: Mapping[str, Any], *path: str) -> Mapping[str, Any]:
    """The sub-table at `path`, or an empty mapping when absent or not a table."""
    current: Any = data
    for key in path:
        current = current.get(key) if isinstance(current, Mapping) else None
    return current if isinstance(current, Mapping) else {}
