"""BuildKit's line layer (`frontend/dockerfile/parser`): parser directives, comments,
line continuations, heredoc bodies, and the split of a line into keyword, flags and args.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from envlint.model import ParseError
from envlint.parsers.dockerfile_expand import Lexer
from envlint.parsers.dockerfile_words import GO_SPACE, LexError

_RE2_SPACE = "\t\n\f\r "  # what `\s` means in Go's regexp
_SPLIT_WS = re.compile(r"[\t\v\f\r ]+")  # BuildKit's reWhitespace
_DIRECTIVE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=(.*)", re.DOTALL)
_HEREDOC = re.compile(r"([0-9]*)<<(-?)[\t\n\f\r ]*([^<]*)", re.DOTALL)
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})


def trim_space(text: str) -> str:
    """Go's strings.TrimSpace."""
    return text.strip(GO_SPACE)


def _is_comment(line: str) -> bool:
    return line.lstrip(GO_SPACE).startswith("#")


class LineReader:
    """Reads physical lines into logical ones the way BuildKit's `parser.Parse` does."""

    def __init__(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        parts = text.split("\n")
        self._lines = [p + "\n" for p in parts[:-1]]
        if parts[-1]:
            self._lines.append(parts[-1])
        self._pos = 0
        self.line = 0  # physical lines consumed so far
        self.escape = "\\"
        self.directives: list[tuple[str, str]] = []
        self.errors: list[ParseError] = []
        self._directives_done = False

    def _take(self) -> str:
        raw = self._lines[self._pos]
        self._pos += 1
        self.line += 1
        return raw

    def _directive(self, line: str) -> None:
        """Dockerfile reference, "Parser directives": only before any comment, blank line
        or instruction; keys in any case; each at most once."""
        if self._directives_done:
            return
        match = _DIRECTIVE.match(line[1:].lstrip(GO_SPACE)) if line.startswith("#") else None
        key = match.group(1).lower() if match else ""
        value = ""
        if match:
            rest = match.group(2)
            value = rest.lstrip(_RE2_SPACE).rstrip(_RE2_SPACE)
            if not value and rest[-1:] in tuple(_RE2_SPACE):
                value = rest[-1]  # Go's `\s*(.+?)\s*$` backtracks to keep one character
        if not value or key not in _KNOWN_DIRECTIVES:
            self._directives_done = True
            return
        if key in dict(self.directives):
            self.errors.append(
                ParseError(f"only one {key} parser directive can be used", self.line)
            )
            return
        self.directives.append((key, value))
        if key == "escape":
            if value in ("`", "\\"):
                self.escape = value
            else:
                message = f"invalid escape token '{value}' does not match ` or \\"
                self.errors.append(ParseError(message, self.line))

    def _continues(self, line: str) -> tuple[str, bool]:
        """Strip a trailing escape (line continuation): `([^\\])\\[ \t]*$|^\\[ \t]*$`."""
        stripped = line.rstrip(" \t")
        esc = self.escape
        if stripped.endswith(esc) and (len(stripped) == 1 or stripped[-2] != esc):
            return stripped[:-1], True
        return line, False

    def next_logical(self) -> tuple[str, int] | None:
        """The next instruction's text (continuations joined) and its first line."""
        while self._pos < len(self._lines):
            content = self._take().rstrip("\r\n").lstrip(GO_SPACE)
            self._directive(content)
            if content.startswith("#"):
                content = ""
            start = self.line
            content, more = self._continues(content)
            if not more and not content:
                continue
            parts = [content]
            # Dockerfile reference: comment lines are removed before continuations are
            # joined; BuildKit also skips empty continuation lines (with a warning).
            while more and self._pos < len(self._lines):
                content = self._take().rstrip("\r\n")
                if _is_comment(content) or not content.lstrip(GO_SPACE):
                    continue
                content, more = self._continues(content)
                parts.append(content)
            return "".join(parts), start
        return None

    def read_heredoc(self, name: str, strip_tabs: bool) -> tuple[str, int, int] | None:
        """Body, first body line and terminator line; None when the file ends first."""
        start = self.line + 1
        body: list[str] = []
        while self._pos < len(self._lines):
            raw = self._take()
            candidate = raw.rstrip("\r\n")
            if strip_tabs:
                candidate = candidate.lstrip("\t")
            if candidate == name:
                return "".join(body), start, self.line
            body.append(raw)
        return None


@dataclass(frozen=True)
class HeredocSpec:
    name: str
    strip_tabs: bool
    expand: bool
    fd: int


def parse_heredoc_word(word: str) -> HeredocSpec | None:
    """BuildKit's `ParseHeredoc`: `<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`; else None.

    Raises LexError for a malformed delimiter (`<<'EOF`).
    """
    match = _HEREDOC.fullmatch(word)
    if match is None or not match.group(3):
        return None
    lexer = Lexer(match.group(3), {}, "\\", skip_unset=True)
    _, words = lexer.process()
    if len(words) != 1:
        return None
    fd = int(match.group(1)) if 0 < len(match.group(1)) < 10 else 0
    return HeredocSpec(words[0], match.group(2) == "-", not lexer.quoted, fd)


def heredocs_in_line(line: str) -> list[HeredocSpec]:
    """BuildKit's `heredocsFromLine`: every word of the line that is a heredoc."""
    lexer = Lexer(line, {}, "\\", raw_quotes=True, raw_escapes=True, skip_unset=True)
    try:
        _, words = lexer.process()
    except LexError:
        return []  # BuildKit ignores this error: no heredocs
    specs = []
    for word in words:
        spec = parse_heredoc_word(word)
        if spec is not None:
            specs.append(spec)
    return specs


def split_instruction(line: str, escape: str) -> tuple[str, list[str], str]:
    """BuildKit's `splitCommand`: keyword, `--flag` words, and the remaining argument text."""
    parts = _SPLIT_WS.split(trim_space(line), maxsplit=1)
    if len(parts) < 2:
        return parts[0], [], ""
    args, flags = _extract_flags(parts[1], escape)
    return parts[0], flags, trim_space(args)


def _extract_flags(line: str, escape: str) -> tuple[str, list[str]]:
    """BuildKit's `extractBuilderFlags`: leading words that start with `--`."""
    words: list[str] = []
    pos = 0
    n = len(line)
    while True:
        while pos < n and line[pos] in GO_SPACE:
            pos += 1
        if pos >= n:
            return "", words
        if not line.startswith("--", pos):
            return line[pos:], words
        word: list[str] = []
        blank_ok = False
        quote = ""
        while pos < n:
            ch = line[pos]
            if quote:
                if ch == quote:
                    quote = ""
                    pos += 1
                    continue
            elif ch in GO_SPACE:
                break
            elif ch in "'\"":
                quote, blank_ok = ch, True
                pos += 1
                continue
            if ch == escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            word.append(ch)
            pos += 1
        text = "".join(word)
        if pos < n and text == "--":
            return line[pos:], words
        if text != "--" and (blank_ok or text):
            words.append(text)
        if pos >= n:
            return "", words


def parse_words(rest: str, escape: str) -> list[str]:
    """BuildKit's `parseWords` (ENV, LABEL, ARG): split on whitespace, quotes kept."""
    words: list[str] = []
    word: list[str] = []
    quote = ""
    blank_ok = False
    in_word = False
    i = 0
    n = len(rest)
    while i < n:
        ch = rest[i]
        if not in_word and not quote:
            if ch in GO_SPACE:
                i += 1
                continue
            in_word = True
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote != "'":
                if i + 1 == n:
                    break
                word.append(ch)
                i += 1
                ch = rest[i]
            word.append(ch)
            i += 1
            continue
        if ch in GO_SPACE:
            if blank_ok or word:
                words.append("".join(word))
            word, blank_ok, in_word = [], False, False
            i += 1
            continue
        if ch in "'\"":
            quote, blank_ok = ch, True
        elif ch == escape:
            if i + 1 == n:
                break
            word.append(ch)
            i += 1
            ch = rest[i]
        word.append(ch)
        i += 1
    if in_word and (blank_ok or word):
        words.append("".join(word))
    return words


class NotStrings(ValueError):
    """BuildKit: "when using JSON array syntax, arrays must be comprised of strings only"."""


def _reject_constant(name: str) -> object:
    raise ValueError(name)  # NaN/Infinity are not JSON; Go rejects them


def parse_json_array(rest: str) -> tuple[str, ...] | None:
    """BuildKit's `parseJSON`: the exec form, or None when the text is not a JSON array
    (the instruction then has shell form). Raises NotStrings for `[1, 2]`."""
    rest = rest.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    try:
        value = json.loads(rest, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise NotStrings("when using JSON array syntax, arrays must be comprised of strings only")
    return tuple(value)


def split_whitespace(rest: str) -> list[str]:
    """BuildKit's `parseStringsWhitespaceDelimited` (COPY/ADD shell form, FROM, EXPOSE)."""
    return [word for word in _SPLIT_WS.split(rest) if word] if rest else []
