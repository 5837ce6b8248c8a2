"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from collections.abc import Sequence

from envlint.model import Finding, Severity
from envlint.report import Meta
from envlint.report.text import summary

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding], meta: Meta) -> str:
    lines: list[str] = []
    for f in findings:
        props = [f"file={_property(f.path)}"]
        if f.line is not None:
            props += [f"line={f.line}", f"col={f.column or 1}"]
        name = meta.rules[f.code].name if f.code in meta.rules else ""
        props.append(f"title={_property(f'{f.code} {name}'.strip())}")
        message = f.message + (f"\n{f.help}" if f.help else "")
        lines.append(f"::{COMMANDS[f.severity]} {','.join(props)}::{_data(message)}")
    lines.append(summary(findings, meta.files))
    return "\n".join(lines) + "\n"
