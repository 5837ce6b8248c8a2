"""The stable JSON report, version 1 (ARCHITECTURE.md)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from envlint.model import Finding, Severity
from envlint.report import Meta

SCHEMA_VERSION = 1


def render(findings: Sequence[Finding], meta: Meta) -> str:
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "envlint", "version": meta.version},
        "findings": [
            {
                "code": f.code,
                "name": meta.rules[f.code].name if f.code in meta.rules else f.code,
                "severity": f.severity.label,
                "path": f.path,
                "line": f.line,
                "column": f.column,
                "message": f.message,
                "help": f.help,
            }
            for f in findings
        ],
        "summary": {
            **{s.label: sum(1 for f in findings if f.severity == s) for s in reversed(Severity)},
            "files": meta.files,
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
