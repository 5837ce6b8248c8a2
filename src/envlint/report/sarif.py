"""SARIF 2.1.0 for code scanning, with rule metadata in `tool.driver.rules`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from envlint.model import Finding, Severity
from envlint.report import Meta

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
HOME = "https://github.com/envlint/envlint"


def render(findings: Sequence[Finding], meta: Meta) -> str:
    codes = list(meta.rules)
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.section("Why is this bad?") or rule.summary},
            "help": {"text": rule.doc, "markdown": rule.doc},
            "helpUri": f"{HOME}#{rule.code.lower()}",
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "properties": {"tags": ["envlint", rule.code[:3] + "xx"]},
        }
        for rule in meta.rules.values()
    ]
    results = [_result(f, codes) for f in findings]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "envlint",
                        "version": meta.version,
                        "semanticVersion": meta.version,
                        "informationUri": HOME,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "linted root"}}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _result(finding: Finding, codes: list[str]) -> dict[str, Any]:
    location: dict[str, Any] = {
        "artifactLocation": {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"}
    }
    if finding.line is not None:
        location["region"] = {"startLine": finding.line, "startColumn": finding.column or 1}
    text = finding.message + (f"\n\n{finding.help}" if finding.help else "")
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": location}],
    }
    if finding.code in codes:
        result["ruleIndex"] = codes.index(finding.code)
    return result
