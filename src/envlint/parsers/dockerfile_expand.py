"""Dockerfile word processing: quotes, escapes and `$VAR` substitution as BuildKit does them.

This follows BuildKit's `frontend/dockerfile/shell/lex.go` (the Dockerfile reference's
"Environment replacement"), not a POSIX shell: it is what ADD, COPY, ENV, EXPOSE, FROM,
LABEL, STOPSIGNAL, USER, VOLUME and WORKDIR see. RUN/CMD/ENTRYPOINT text is left to the shell.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from envlint.parsers.dockerfile_words import LexError, Words

_SPECIAL_PARAMS = "@*#?-$!0"
_MAX_STARS = 1  # ${v#pattern}: more stars would let Python's backtracking regex go quadratic


class Lexer:
    """One pass of BuildKit's `shell.Lex` over `text`.

    `env` maps known variables to values; a variable missing from it is *unknown*: the
    result is marked `unresolved` (or, with `skip_unset`, the reference is kept as written,
    as BuildKit's `SkipUnsetEnv` does).
    """

    def __init__(
        self,
        text: str,
        env: Mapping[str, str],
        escape: str = "\\",
        *,
        raw_quotes: bool = False,
        raw_escapes: bool = False,
        skip_unset: bool = False,
    ) -> None:
        self.s = text
        self.i = 0
        self.env = env
        self.escape = escape
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_unset = skip_unset
        self.quoted = False  # a quote was processed as quoting
        self.unresolved = False

    def _peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def _next(self) -> str:
        ch = self._peek()
        self.i += 1 if ch else 0
        return ch

    def process(self, stop: str = "", raw_escapes: bool | None = None) -> tuple[str, list[str]]:
        saved = self.raw_escapes
        if raw_escapes is not None:
            self.raw_escapes = raw_escapes
        try:
            return self._process(stop)
        finally:
            self.raw_escapes = saved

    def _process(self, stop: str) -> tuple[str, list[str]]:
        result: list[str] = []
        words = Words()
        while self.i < len(self.s):
            ch = self.s[self.i]
            if stop and ch == stop:
                self.i += 1
                return "".join(result), words.get()
            if ch == "$":
                tmp = self._dollar()
                result.append(tmp)
                words.add_string(tmp)
                continue
            if ch in "<'\"":
                tmp = {"<": self._heredoc_start, "'": self._single, '"': self._double}[ch]()
                result.append(tmp)
                words.add_raw(tmp)
                continue
            self.i += 1
            if ch == self.escape:
                if self.raw_escapes:
                    words.add_raw(ch)
                    result.append(ch)
                if self.i >= len(self.s):
                    break
                ch = self.s[self.i]
                self.i += 1
                words.add_raw(ch)
            else:
                words.add_char(ch)
            result.append(ch)
        if stop:
            raise LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get()

    def _single(self) -> str:
        self.i += 1
        out = ["'"] if self.raw_quotes else []
        while True:
            ch = self._next()
            if not ch:
                raise LexError(
                    "unexpected end of statement while looking for matching single-quote"
                )
            if ch == "'":
                self.quoted = True
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def _double(self) -> str:
        self.i += 1
        out = ['"'] if self.raw_quotes else []
        while True:
            ch = self._peek()
            if not ch:
                raise LexError(
                    "unexpected end of statement while looking for matching double-quote"
                )
            if ch == '"':
                self.i += 1
                self.quoted = True
                if self.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
                continue
            self.i += 1
            if ch == self.escape:
                if self.raw_escapes:
                    out.append(ch)
                nxt = self._peek()
                if not nxt:
                    continue
                if nxt in ('"', "$", self.escape):
                    ch = self._next()
            out.append(ch)

    def _heredoc_start(self) -> str:
        self.i += 1
        if self._peek() != "<":
            return "<"
        self.i += 1
        start = self.i
        while self._peek() and self._peek() in "\t\r ":
            self.i += 1
        return "<<" + self.s[start : self.i]

    def _name(self) -> str:
        start = self.i
        ch = self._peek()
        if ch.isdecimal():
            while self._peek().isdecimal():
                self.i += 1
            return self.s[start : self.i]
        if ch and ch in _SPECIAL_PARAMS:
            self.i += 1
            return ch
        while (nxt := self._peek()) and (nxt.isalpha() or nxt.isdecimal() or nxt == "_"):
            self.i += 1
        return self.s[start : self.i]

    def _lookup(self, name: str) -> str | None:
        """The value; when unknown, None and the result is unresolved (unless skip_unset)."""
        value = self.env.get(name)
        if value is None and not self.skip_unset:
            self.unresolved = True
        return value

    def _dollar(self) -> str:
        self.i += 1
        if self._peek() != "{":
            name = self._name()
            if not name:
                return "$"
            value = self._lookup(name)
            return value if value is not None else ("$" + name if self.skip_unset else "")
        self.i += 1
        ch = self._peek()
        if not ch:
            raise LexError("syntax error: missing '}'")
        if ch in "{}:":
            raise LexError("syntax error: bad substitution")
        name = self._name()
        ch = self._next()
        if ch == "}":
            value = self._lookup(name)
            return value if value is not None else ("${" + name + "}" if self.skip_unset else "")
        if ch == "/":
            return self._replace(name)
        mods = ch
        null_is_unset = ch == ":"
        if null_is_unset:
            ch = self._next()
            mods += ch
        if not null_is_unset and (not ch or ch not in "+-?#%"):
            raise LexError(f"unsupported modifier ({mods}) in substitution")
        raw = ch in ("#", "%")
        if null_is_unset and raw:
            raise LexError(f"unsupported modifier ({mods}) in substitution")
        outer = self.unresolved
        self.unresolved = False
        try:
            word, _ = self.process("}", raw_escapes=raw)
        except LexError:
            if not self._peek():
                raise LexError("syntax error: missing '}'") from None
            raise
        word_unresolved, self.unresolved = self.unresolved, outer
        value = self.env.get(name)
        if value is None:
            if self.skip_unset:
                return "${" + name + mods + word + "}"
            self.unresolved = True
            return ""
        empty = null_is_unset and value == ""
        if (ch == "-" and empty) or (ch == "+" and not empty):
            self.unresolved |= word_unresolved
            return word
        if ch in "-?":
            if ch == "?" and empty:
                raise LexError(f"{name}: {word or 'is not allowed to be empty'}")
            return value
        if ch == "+":
            return ""
        if ch in "#%":
            self.unresolved |= word_unresolved
            return _trim(value, word, suffix=ch == "%")
        raise LexError(f"unsupported modifier ({mods}) in substitution")

    def _replace(self, name: str) -> str:
        if self._peek() == "/":
            self.i += 1
        try:
            self.process("/", raw_escapes=True)
            self.process("}", raw_escapes=True)
        except LexError:
            raise LexError("syntax error: missing '}'") from None
        # ${v/pattern/replacement} is a labs feature; its exact result is not worth guessing.
        self.unresolved = True
        return ""


class _TooComplex(LexError):
    """A pattern this module declines to evaluate (the result counts as unknown)."""


def _trim(value: str, word: str, *, suffix: bool) -> str:
    """${v#p}, ${v##p}, ${v%p}, ${v%%p} (BuildKit's trimPrefix/trimSuffix)."""
    greedy = bool(word) and word[0] == ("%" if suffix else "#")
    pattern = word[1:] if greedy else word
    tokens: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            if pattern[i + 1] not in "}/":
                if pattern[i + 1] not in "*?\\":
                    raise LexError(f"invalid escape '\\{pattern[i + 1]}'")
                tokens.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        tokens.append({"*": "*", "?": "."}.get(ch, re.escape(ch)))
        i += 1
    if tokens.count("*") > _MAX_STARS:
        raise _TooComplex
    star = ".*" if greedy else ".*?"
    if suffix:
        tokens.reverse()
        value = value[::-1]
    regex = re.compile("".join(star if t == "*" else t for t in tokens))
    match = regex.match(value)
    result = value[match.end() :] if match else value
    return result[::-1] if suffix else result


def expand(text: str, env: Mapping[str, str], escape: str = "\\") -> str | None:
    """`text` as BuildKit's ProcessWord leaves it: quotes removed, escapes applied, and
    `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+a}`, `${VAR+a}`, `${VAR?m}`,
    `${VAR#p}`/`%p` substituted from `env`.

    None when a variable it needs is not in `env` (unknown statically: a build argument,
    the base image's environment), or when BuildKit would reject the text.
    """
    lexer = Lexer(text, env, escape)
    try:
        result, _ = lexer.process()
    except (LexError, RecursionError):
        return None
    return None if lexer.unresolved else result
