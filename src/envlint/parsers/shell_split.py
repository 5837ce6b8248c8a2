"""Splitting shell tokens into simple commands (see `envlint.parsers.shell`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from envlint.parsers.shell_lex import Token

_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)
_PREFIX_WORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_CLOSING_WORDS = frozenset({"fi", "done", "esac", "}"})
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "\n", "|&", ";;", ";&", ";;&"})
_CASE_BREAKS = frozenset({";;", ";&", ";;&"})
_REDIRECTS = frozenset({"<", ">", ">>", "<<", "<<<", "<&", ">&", "<>", ">|", "&>", "&>>"})


@dataclass(frozen=True)
class Command:
    """One simple command."""

    index: int  # position in execution order, from 0
    words: tuple[str, ...]  # the command name and its arguments, quotes removed
    assignments: tuple[tuple[str, str], ...] = ()  # leading NAME=value words
    operator: str | None = None  # what follows: "&&", "||", ";", "|", "&", "\n"; None at the end
    redirects: tuple[tuple[str, str], ...] = ()  # (">>", "/root/.bashrc"), in order
    keywords: tuple[str, ...] = ()  # reserved words before it: "if", "then", "do", "!"…
    subshell: bool = False  # inside `( … )`: its effects end with the subshell

    @property
    def name(self) -> str | None:
        return self.words[0] if self.words else None


@dataclass(frozen=True)
class Script:
    commands: tuple[Command, ...]

    def last(self) -> Command | None:
        """The command the shell runs last (absent `exit`/errors)."""
        return self.commands[-1] if self.commands else None

    def after(self, index: int) -> tuple[Command, ...]:
        """The commands that run after command `index`."""
        return self.commands[index + 1 :] if index >= 0 else self.commands


@dataclass
class _Pending:
    words: list[str] = field(default_factory=list)
    assignments: list[tuple[str, str]] = field(default_factory=list)
    redirects: list[tuple[str, str]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not self.words and not self.assignments


class _Splitter:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.done: list[Command] = []
        self.cur = _Pending()
        self.subshells = 0
        self.case_patterns: list[bool] = []  # one per open `case`: reading a pattern now?

    def _peek_op(self, op: str, ahead: int = 0) -> bool:
        j = self.i + ahead
        return j < len(self.tokens) and self.tokens[j].op and self.tokens[j].text == op

    def _group_text(self) -> str:
        """Consume from an opening `(` to its `)`, returning the text (an opaque word)."""
        depth, parts = 0, []
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            parts.append(tok.text)
            if tok.op and tok.text == "(":
                depth += 1
            elif tok.op and tok.text == ")":
                depth -= 1
                if depth <= 0:
                    break
        return " ".join(parts)

    def _backquoted(self, word: str) -> str:
        """Join words up to the closing backquote: `\\`cmd args\\`` is one opaque word."""
        parts = [word]
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            parts.append(tok.text)
            if not tok.quoted and tok.text.count("`") % 2 == 1:
                break
        return " ".join(parts)

    def _end(self, op: str | None) -> None:
        cur = self.cur
        if not cur.empty():
            command = Command(
                len(self.done), tuple(cur.words), tuple(cur.assignments), op,
                tuple(cur.redirects), tuple(cur.keywords), self.subshells > 0,
            )  # fmt: skip
            self.done.append(command)
        elif op and op != "\n" and self.done and self.done[-1].operator is None:
            # `( … ) && next`: the operator after a group follows its last command
            last = self.done[-1]
            self.done[-1] = Command(last.index, last.words, last.assignments, op, last.redirects,
                                    last.keywords, last.subshell)  # fmt: skip
        self.cur = _Pending()

    def _skip_header(self) -> None:
        """`for NAME in WORDS;` / `for ((…));`: not a command."""
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            if tok.op and tok.text == "(":
                self._group_text()
                continue
            if tok.op and tok.text in (";", "\n"):
                self.i += 1
                return
            if not tok.op and not tok.quoted and tok.text == "do":
                return
            self.i += 1

    def _word(self, tok: Token) -> None:
        cur, text = self.cur, tok.text
        if self.case_patterns and self.case_patterns[-1]:
            if not tok.quoted and text == "esac":
                self.case_patterns.pop()
            return
        if tok.dollar_end and self._peek_op("("):
            text = text[:-1] + "$" + self._group_text()
        elif not tok.quoted and text.count("`") % 2 == 1:
            text = self._backquoted(text)
        if cur.empty() and not tok.quoted:
            if text in _PREFIX_WORDS:
                cur.keywords.append(text)
                return
            if text in _CLOSING_WORDS:
                if text == "esac" and self.case_patterns:
                    self.case_patterns.pop()
                return
            if text in ("for", "select"):
                self._skip_header()
                return
            if text == "case":
                self._skip_case_header()
                return
            if text == "[[":
                self._test_command(text)
                return
        match = _ASSIGNMENT.fullmatch(text) if not cur.words else None
        if match:
            cur.assignments.append((match.group(1), match.group(2)))
        else:
            cur.words.append(text)

    def _skip_case_header(self) -> None:
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            if not tok.op and not tok.quoted and tok.text == "in":
                break
        self.case_patterns.append(True)

    def _test_command(self, first: str) -> None:
        """`[[ … ]]` is one command even with `&&`, `<` inside."""
        words = [first]
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            words.append(tok.text)
            if not tok.op and tok.text == "]]":
                break
        self.cur.words.extend(words)

    def _operator(self, op: str) -> None:
        cur = self.cur
        if op in _REDIRECTS:
            if cur.words and len(cur.words) > 1 and cur.words[-1] in tuple("0123456789"):
                cur.words.pop()  # an IO number: `2>&1`
            if self._peek_op("("):
                cur.redirects.append((op, self._group_text()))
            elif self.i < len(self.tokens) and not self.tokens[self.i].op:
                cur.redirects.append((op, self.tokens[self.i].text))
                self.i += 1
            return
        if self.case_patterns and self.case_patterns[-1]:
            if op == ")":
                self.case_patterns[-1] = False
            return
        if op in _SEPARATORS:
            self._end(op)
            if op in _CASE_BREAKS and self.case_patterns:
                self.case_patterns[-1] = True
            return
        if op == "(":
            if cur.empty() and self._peek_op("("):
                self._group_text()  # `(( arithmetic ))`
            elif cur.empty():
                self.subshells += 1
            elif len(cur.words) == 1 and self._peek_op(")"):
                self.i += 1  # `name() { … }` defines a function
                self.cur = _Pending()
            return
        if op == ")":
            self._end(None)
            self.subshells = max(0, self.subshells - 1)

    def split(self) -> Script:
        while self.i < len(self.tokens):
            tok = self.tokens[self.i]
            self.i += 1
            if tok.op:
                self._operator(tok.text)
            else:
                self._word(tok)
        self._end(None)
        return Script(tuple(self.done))


def split(tokens: list[Token]) -> Script:
    return _Splitter(tokens).split()
