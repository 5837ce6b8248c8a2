"""The rule registry. Families are imported explicitly (no discovery at start-up)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from envlint.model import Finding, Severity

if TYPE_CHECKING:
    from envlint.project import Project

DOC_SECTIONS = (
    "What it does",
    "Why is this bad?",
    "Example",
    "How to fix",
    "Configuration",
    "Derived from",
)


@dataclass(frozen=True)
class Hit:
    """What a rule reports; the engine adds its code and severity."""

    path: str
    line: int | None
    message: str
    help: str = ""
    column: int | None = None


RuleFunc = Callable[["Project"], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    func: RuleFunc
    doc: str
    options: Mapping[str, Any]  # option name -> default value (its type is the value's type)

    @property
    def summary(self) -> str:
        """The first paragraph of "What it does"."""
        section = self.section("What it does")
        return " ".join(section.split("\n\n")[0].split())

    def section(self, title: str) -> str:
        lines = self.doc.splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            if line.startswith("## "):
                inside = line[3:].strip() == title
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()

    def finding(self, hit: Hit) -> Finding:
        column = hit.column if hit.column is not None else (1 if hit.line is not None else None)
        return Finding(hit.path, hit.line, column, self.code, hit.message, hit.help, self.severity)


REGISTRY: dict[str, Rule] = {}


def rule(
    *, code: str, name: str, severity: Severity, options: Mapping[str, Any] | None = None
) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        doc = inspect.cleandoc(func.__doc__ or "")
        REGISTRY[code] = Rule(code, name, severity, func, doc, dict(options or {}))
        return func

    return register


def all_rules() -> dict[str, Rule]:
    """Every registered rule, by code, in code order."""
    from envlint.rules import (  # noqa: F401
        core,
        deps,
        deps_deployed,
        docker_context,
        docker_run,
        docker_venv,
        pyversion,
        scale,
        venv,
    )

    return dict(sorted(REGISTRY.items()))
