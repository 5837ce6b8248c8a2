"""Shell tokens from the standard library's `shlex` (posix=True, punctuation_chars).

`shlex` alone differs from POSIX sh (XCU 2.3) in ways that matter here, so its input
stream is adapted, not replaced:
- a `#` starts a comment only at the start of a word (rule 9); shlex also cuts
  `https://h/p.whl#sha256=…` there;
- a comment ends *before* the newline (shlex's `readline` swallows it, merging the commands
  around it);
- backslash-newline is a line continuation outside single quotes (2.2.1);
- here-document bodies are data, not commands (2.7.4): they are skipped.
Newline is kept as an operator so commands split on it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TextIO, cast

OPERATOR_CHARS = "();<>|&\n"
_OPERATORS = (
    "<<<", "&>>", ";;&", "&&", "||", ";;", ";&", "<<", ">>", "<&", ">&", "<>", ">|", "&>",
    "|&", "(", ")", ";", "|", "&", "<", ">", "\n",
)  # fmt: skip
_HASH = "\ue000"  # stands in for a `#` inside a word while shlex reads it
# shlex grows a word one character at a time (`self.token += nextchar`), quadratic in its
# length: a 1 MB word took 7 s. No RUN script a person wrote comes near this; longer is unread.
MAX_SCRIPT_CHARS = 64 << 10
_QUOTED_STATES = ("'", '"', "\\")


@dataclass(frozen=True)
class Token:
    text: str
    op: bool  # an unquoted operator such as `&&` or a newline
    quoted: bool = False  # some part of the word was quoted or escaped
    dollar_end: bool = False  # the word ends with an unquoted `$` (then `(` is `$(`)


class _Source:
    """The stream shlex reads (it calls only `read(1)` and `readline()`)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._pos = 0
        self.lexer: shlex.shlex | None = None
        self.quoted = False
        self.last = ""
        self.recent: tuple[tuple[str, bool], tuple[str, bool]] = (("", False), ("", False))
        self._heredocs: list[tuple[str, bool]] = []

    def read(self, size: int = 1) -> str:
        # shlex's state: " " between words, "a" in a word, "c" in operators, a quote or "\\"
        state: str | None = getattr(self.lexer, "state", " ")
        text, pos = self._text, self._pos
        while text.startswith("\\\n", pos) and state not in ("'", "\\"):
            pos += 2
        ch = text[pos : pos + 1]
        self._pos = pos + len(ch)
        quoted = state in _QUOTED_STATES
        self.quoted |= quoted
        if ch == "#" and state == "a":
            ch = _HASH
        self.recent = (self.recent[1], (ch, quoted))
        self.last = ch
        if ch == "\n" and not quoted and self._heredocs:
            self._skip_heredocs()
        return ch

    def readline(self) -> str:
        end = self._text.find("\n", self._pos)
        end = len(self._text) if end < 0 else end
        line = self._text[self._pos : end]
        self._pos = end
        return line

    def add_heredoc(self, delimiter: str, strip_tabs: bool) -> None:
        self._heredocs.append((delimiter, strip_tabs))
        if self.last == "\n":  # the newline after the delimiter was already read
            self._skip_heredocs()

    def _skip_heredocs(self) -> None:
        for delimiter, strip_tabs in self._heredocs:
            while self._pos < len(self._text):
                end = self._text.find("\n", self._pos)
                end = len(self._text) if end < 0 else end
                line = self._text[self._pos : end].rstrip("\r")
                self._pos = min(end + 1, len(self._text))
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
        self._heredocs = []


def _split_operators(run: str) -> list[str]:
    ops = []
    i = 0
    while i < len(run):
        op = next(o for o in _OPERATORS if run.startswith(o, i))
        ops.append(op)
        i += len(op)
    return ops


def tokenize(text: str) -> list[Token] | None:
    """The script's words and operators; None when it cannot be read (unbalanced quotes,
    or longer than MAX_SCRIPT_CHARS)."""
    if _HASH in text or len(text) > MAX_SCRIPT_CHARS:
        return None
    source = _Source(text)
    lexer = shlex.shlex(cast(TextIO, source), posix=True, punctuation_chars=OPERATOR_CHARS)
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    source.lexer = lexer
    tokens: list[Token] = []
    after_heredoc_op = False
    try:
        while True:
            source.quoted = False
            raw = lexer.get_token()
            if raw is None:
                return tokens
            if raw and not source.quoted and all(ch in OPERATOR_CHARS for ch in raw):
                ops = _split_operators(raw)
                tokens.extend(Token(op, True) for op in ops)
                after_heredoc_op = ops[-1] == "<<"
                continue
            word = raw.replace(_HASH, "#")
            last, _ = source.recent
            dollar_end = word.endswith("$") and last == ("$", False)
            tokens.append(Token(word, False, source.quoted, dollar_end))
            if after_heredoc_op:
                strip = word.startswith("-") and len(word) > 1
                source.add_heredoc(word[1:] if strip else word, strip)
                after_heredoc_op = False
    except ValueError:  # shlex: "No closing quotation", "No escaped character"
        return None
