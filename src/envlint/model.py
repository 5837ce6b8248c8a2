"""The plain values everything else passes around."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envlint.project import Project


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"expected one of info, warning, error, got {text!r}") from None


@dataclass(frozen=True)
class ParseError:
    """A reason a file could not be read as its own tool reads it."""

    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. Sorted by (path, line, column, code)."""

    path: str
    line: int | None
    column: int | None
    code: str
    message: str
    help: str = ""
    severity: Severity = Severity.WARNING

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)


RuleFunc = Callable[["Project"], Iterator["Finding"]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    func: RuleFunc
    doc: str

    def finding(
        self,
        path: str,
        line: int | None,
        message: str,
        help: str = "",
        column: int | None = None,
    ) -> Finding:
        """A finding of this rule at its default severity (config may change it later)."""
        if line is not None and column is None:
            column = 1
        return Finding(path, line, column, self.code, message, help, self.severity)
