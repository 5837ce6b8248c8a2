"""Reporters: one pure `render(findings, meta) -> str` per output format."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envlint.model import Finding
    from envlint.rules import Rule

FORMATS = ("text", "json", "sarif", "github")


@dataclass(frozen=True)
class Meta:
    version: str
    files: int
    rules: Mapping[str, Rule] = field(default_factory=dict)
    colour: bool = False
    show_help: bool = True


def renderer(name: str) -> Callable[[Sequence[Finding], Meta], str]:
    if name == "json":
        from envlint.report import json

        return json.render
    if name == "sarif":
        from envlint.report import sarif

        return sarif.render
    if name == "github":
        from envlint.report import github

        return github.render
    from envlint.report import text

    return text.render
