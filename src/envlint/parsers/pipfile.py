"""Pipfile (pipenv): `[packages]`, `[dev-packages]` and `[requires]` Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from envlint.model import ParseError
from envlint.parsers.pythonversion import DeclaredPython, checked_specifier, declared
from envlint.parsers.toml_text import TomlLines, load_toml, table

_SECTIONS = ("packages", "dev-packages")
_SOURCES = ("git", "path", "file")


@dataclass(frozen=True)
class PipfilePackage:
    """One package line. `specifier` is None when the version is absent or not PEP 440."""

    name: str
    section: str  # "packages" or "dev-packages"
    line: int | None
    version: str | None  # as written: "*", "==1.0", ">=2"
    specifier: SpecifierSet | None  # "*" or no version: the empty set (any version)
    source: str = "version"  # "version", "git", "path", "file" (a URL) or "other"
    markers: str | None = None
    extras: tuple[str, ...] = ()
    editable: bool = False


@dataclass(frozen=True)
class Pipfile:
    """A Pipfile; `python` holds `[requires]` python_full_version and python_version."""

    packages: tuple[PipfilePackage, ...] = ()
    python_version: str | None = None
    python_full_version: str | None = None
    python: tuple[DeclaredPython, ...] = ()


def parse_pipfile(text: str) -> tuple[Pipfile, list[ParseError]]:
    """Read a Pipfile (TOML); never raises."""
    data, errors = load_toml(text)
    if data is None:
        return Pipfile(), errors
    lines = TomlLines(text)
    packages = [
        _package(name, section, lines.line((section, name)), value)
        for section in _SECTIONS
        for name, value in table(data, section).items()
    ]
    requires = table(data, "requires")
    versions: dict[str, str | None] = {}
    python: list[DeclaredPython] = []
    for key in ("python_full_version", "python_version"):
        value = requires.get(key)
        versions[key] = value if isinstance(value, str) else None
        if isinstance(value, str):
            found = declared(value.strip(), lines.line(("requires", key)), "Pipfile")
            python += [found] if found is not None else []
    pipfile = Pipfile(
        packages=tuple(packages),
        python_version=versions["python_version"],
        python_full_version=versions["python_full_version"],
        python=tuple(python),
    )
    return pipfile, errors


def _package(name: str, section: str, line: int | None, value: object) -> PipfilePackage:
    spec: Mapping[str, Any] = value if isinstance(value, dict) else {}
    version = value if isinstance(value, str) else spec.get("version")
    version = version if isinstance(version, str) else None
    source = next((key for key in _SOURCES if key in spec), "version")
    if not isinstance(value, (str, dict)):
        source = "other"
    extras = spec.get("extras")
    return PipfilePackage(
        name=name,
        section=section,
        line=line,
        version=version,
        specifier=_specifier(version) if source == "version" else None,
        source=source,
        markers=spec["markers"] if isinstance(spec.get("markers"), str) else None,
        extras=tuple(e for e in extras if isinstance(e, str)) if isinstance(extras, list) else (),
        editable=spec.get("editable") is True,
    )


def _specifier(version: str | None) -> SpecifierSet | None:
    # pipenv: `"*"` and a table without `version` (`{extras = [...]}`) mean any version.
    if version is None or version.strip() == "*":
        return SpecifierSet()
    try:
        return checked_specifier(version)
    except InvalidSpecifier:
        return None
