"""Configuration: `[tool.envlint]` in pyproject.toml, or envlint.toml; a declared schema.

Precedence is default < file < command line. Unknown keys and bad values raise
`EnvlintError` naming the key.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envlint.errors import EnvlintError
from envlint.model import Severity

CODE_PATTERN = re.compile(r"^EL[0-9]{0,3}$")
KNOWN_KEYS = ("select", "ignore", "fail-on", "exclude", "per-path-ignores", "severity", "options")


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["EL"])
    ignore: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.WARNING
    exclude: list[str] = field(default_factory=list)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: str = ""


def load_toml(data: bytes) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ValueError("nested too deeply") from None


def find_config(
    root: Path, explicit: str | None, read: Callable[[str], bytes | None]
) -> tuple[dict[str, Any], str]:
    """The raw settings table and where it came from ("" when none)."""
    if explicit is not None:
        path = Path(explicit)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise EnvlintError(f"--config {explicit}: {exc.strerror or exc}") from None
        table = _parse(data, explicit)
        if path.name == "pyproject.toml":
            return _tool_table(table, explicit), explicit
        return table, explicit
    own = read("envlint.toml")
    if own is not None:
        return _parse(own, "envlint.toml"), "envlint.toml"
    pyproject = read("pyproject.toml")
    if pyproject is None or b"envlint" not in pyproject:
        return {}, ""
    try:
        table = load_toml(pyproject)
    except ValueError:  # a broken pyproject.toml is EL001's finding, not a config error
        return {}, ""
    return _tool_table(table, "pyproject.toml"), "pyproject.toml"


def _parse(data: bytes, name: str) -> dict[str, Any]:
    try:
        return load_toml(data)
    except ValueError as exc:
        raise EnvlintError(f"{name}: invalid TOML: {exc}") from None


def _tool_table(table: Mapping[str, Any], name: str) -> dict[str, Any]:
    tool = table.get("tool", {})
    section = tool.get("envlint", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        raise EnvlintError(f"{name}: [tool.envlint] must be a table")
    return section


def build_config(
    table: Mapping[str, Any], source: str, rule_options: Mapping[str, Mapping[str, Any]]
) -> Config:
    """Validate the raw table against the schema (rule options come from the registry)."""
    where = "[tool.envlint]" if source.endswith("pyproject.toml") else source or "config"
    config = Config(source=source)
    for key, value in table.items():
        if key not in KNOWN_KEYS:
            raise EnvlintError(f"{where}: unknown key {key!r} (known: {', '.join(KNOWN_KEYS)})")
        label = f"{where} {key}"
        if key == "select":
            config.select = parse_codes(value, label)
        elif key == "ignore":
            config.ignore = parse_codes(value, label)
        elif key == "fail-on":
            config.fail_on = _severity(value, label)
        elif key == "exclude":
            config.exclude = _strings(value, label)
        elif key == "per-path-ignores":
            config.per_path_ignores = {
                pattern: parse_codes(codes, f"{label} {pattern!r}")
                for pattern, codes in _table(value, label).items()
            }
        elif key == "severity":
            config.severity = {
                code: _severity(level, f"{label} {code}")
                for code, level in _table(value, label).items()
            }
            for code in config.severity:
                _check_code(code, f"{label}", exact=True)
        elif key == "options":
            config.options = _options(_table(value, label), label, rule_options)
    return config


def parse_codes(value: object, label: str) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EnvlintError(f'{label}: expected a list of codes such as ["EL202", "EL3"]')
    codes = [v.strip().upper() for v in value]
    for code in codes:
        _check_code(code, label)
    return codes


def _check_code(code: str, label: str, *, exact: bool = False) -> None:
    from envlint.rules import all_rules

    if code == "ALL" and not exact:
        return
    if not CODE_PATTERN.match(code):
        raise EnvlintError(f"{label}: {code!r} is not a rule code or prefix (like EL202 or EL2)")
    codes = all_rules()
    if (exact and code not in codes) or not any(c.startswith(code) for c in codes):
        raise EnvlintError(f"{label}: no rule has code {code!r} (see envlint --list-rules)")


def _severity(value: object, label: str) -> Severity:
    if not isinstance(value, str):
        raise EnvlintError(f'{label}: expected one of "info", "warning", "error"')
    try:
        return Severity.parse(value)
    except ValueError as exc:
        raise EnvlintError(f"{label}: {exc}") from None


def _strings(value: object, label: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EnvlintError(f"{label}: expected a list of strings")
    return list(value)


def _table(value: object, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EnvlintError(f"{label}: expected a table")
    return value


def _options(
    table: Mapping[str, Any], label: str, declared: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for code, settings in table.items():
        known = declared.get(code)
        if known is None:
            raise EnvlintError(f"{label}: no rule has code {code!r} (see envlint --list-rules)")
        if not known:
            with_options = ", ".join(sorted(c for c, o in declared.items() if o)) or "none"
            raise EnvlintError(
                f"{label}: rule {code!r} takes no options (rules with options: {with_options})"
            )
        for name, value in _table(settings, f"{label}.{code}").items():
            if name not in known:
                raise EnvlintError(
                    f"{label}.{code}: unknown option {name!r} (known: {', '.join(known)})"
                )
            default = known[name]
            if type(value) is not type(default):
                raise EnvlintError(
                    f"{label}.{code} {name}: expected {type(default).__name__}, got {value!r}"
                )
            result.setdefault(code, {})[name] = value
    return result
