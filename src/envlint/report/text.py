"""`path:line:col: CODE [severity] message`, then one summary line."""

from __future__ import annotations

from collections.abc import Sequence

from envlint.model import Finding, Severity
from envlint.report import Meta

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def render(findings: Sequence[Finding], meta: Meta) -> str:
    lines: list[str] = []
    for f in findings:
        where = f.path + (f":{f.line}:{f.column or 1}" if f.line is not None else "")
        label = f"[{f.severity.label}]"
        code = f.code
        if meta.colour:
            where = _BOLD + where + _RESET
            code = _COLOURS[f.severity] + code + _RESET
        lines.append(f"{where}: {code} {label} {f.message}")
        if f.help and meta.show_help:
            lines.append(f"    help: {f.help}")
    lines.append(summary(findings, meta.files))
    return "\n".join(lines) + "\n"


def summary(findings: Sequence[Finding], files: int) -> str:
    if not findings:
        return f"No findings ({files} files checked)."
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    parts = [f"{counts[s]} {s.label}{'' if counts[s] == 1 else 's'}" for s in reversed(Severity)]
    total = len(findings)
    return (
        f"Found {total} finding{'' if total == 1 else 's'} ({', '.join(parts)}) in {files} files."
    )
