"""Lock files of poetry, uv, pdm and pipenv: which packages they pin, at which versions."""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from packaging.utils import canonicalize_name

from envlint.model import ParseError

_T = TypeVar("_T")
_Table = Mapping[str, object]
LOCKFILE_KINDS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


@dataclass(frozen=True)
class LockedPackage:
    """One locked distribution. Only the local/VCS/URL origin is kept, not index URLs."""

    name: str  # PEP 503 normalised
    version: str | None  # None when the lock does not pin one (uv dynamic, Pipfile "*")
    groups: tuple[str, ...] = ()  # poetry/pdm groups; Pipfile.lock "default"/"develop"
    editable: bool = False
    virtual: bool = False  # uv: the project is not installed, only its dependencies
    path: str | None = None  # local directory or archive, as written (relative to the lock)
    git: str | None = None
    url: str | None = None  # a direct URL, never a registry/index
    is_project: bool = False  # uv: the root project itself (source "." or workspace = true)


@dataclass(frozen=True)
class LockFile:
    """A parsed lock file; fields that its kind does not have stay empty/None."""

    kind: str
    packages: tuple[LockedPackage, ...] = ()
    requires_python: str | None = None  # uv.lock `requires-python` (PEP 440 specifiers)
    members: tuple[str, ...] = ()  # uv.lock `[manifest] members`, normalised
    groups: tuple[str, ...] = ()  # pdm.lock `[metadata] groups`
    poetry_python_versions: str | None = None  # `[metadata] python-versions`, Poetry syntax
    pipfile_python_version: str | None = None  # `_meta.requires.python_version`
    pipfile_python_full_version: str | None = None  # `_meta.requires.python_full_version`

    def has(self, name: str) -> bool:
        key = canonicalize_name(name)
        return any(p.name == key for p in self.packages)

    def version_of(self, name: str) -> str | None:
        """The one version locked for `name`; None when absent, unpinned or forked."""
        key = canonicalize_name(name)
        versions = {p.version for p in self.packages if p.name == key}
        # uv.lock may hold one package at several versions (forked resolution markers).
        return versions.pop() if len(versions) == 1 else None

    def in_group(self, group: str) -> tuple[LockedPackage, ...]:
        return tuple(p for p in self.packages if group in p.groups)

    @property
    def is_empty(self) -> bool:
        """True when nothing but the project itself is locked (uv always lists the root)."""
        return all(p.is_project for p in self.packages)


class _Reader:
    """Typed access to decoded data; a wrong type is an error naming the key, then ignored."""

    def __init__(self, kind: str) -> None:
        self.errors: list[ParseError] = []
        self.json = kind == "Pipfile.lock"

    def get(self, table: _Table, key: str, kind: type[_T], where: str) -> _T | None:
        value = table.get(key)
        if value is None or isinstance(value, kind):
            return value
        self.fail(f"{where}{key}", kind, value)
        return None

    def fail(self, where: str, kind: type[object], value: object) -> None:
        expected, got = (_TYPE_NAMES.get(t, t.__name__) for t in (kind, type(value)))
        if self.json:
            expected, got = (n.replace("a table", "an object") for n in (expected, got))
        self.errors.append(ParseError(f"{where}: expected {expected}, got {got}"))

    def table(self, table: _Table, key: str, where: str) -> _Table:
        return self.get(table, key, dict, where) or {}

    def strings(self, table: _Table, key: str, where: str) -> tuple[str, ...]:
        items = self.get(table, key, list, where) or []
        for index, item in enumerate(items):
            if not isinstance(item, str):
                self.fail(f"{where}{key}[{index}]", str, item)
        return tuple(item for item in items if isinstance(item, str))

    def tables(self, table: _Table, key: str) -> Iterator[tuple[str, _Table]]:
        for index, item in enumerate(self.get(table, key, list, "") or []):
            where = f"{key}[{index}]"
            if isinstance(item, dict):
                yield where + ".", item
            else:
                self.fail(where, dict, item)

    def name_version(self, entry: _Table, where: str) -> tuple[str, str | None] | None:
        name = self.get(entry, "name", str, where)
        version = self.get(entry, "version", str, where)
        if not name:
            if entry.get("name") in (None, ""):  # a wrong type was reported by get()
                self.errors.append(ParseError(f"{where}name: missing"))
            return None
        return canonicalize_name(name), version or None


_TYPE_NAMES: dict[type[object], str] = {str: "a string", bool: "true or false", int: "an integer"}
_TYPE_NAMES.update({float: "a float", dict: "a table", list: "an array"})


def _is_root(path: str | None) -> bool:
    return path is not None and posixpath.normpath(path.replace("\\", "/")) == "."


def _read_uv(data: _Table, r: _Reader) -> LockFile:
    packages: list[LockedPackage] = []
    for where, entry in r.tables(data, "package"):
        name_version = r.name_version(entry, where)
        src, at = r.table(entry, "source", where), where + "source."
        editable, virtual, directory, path, git, url = (
            r.get(src, key, str, at)
            for key in ("editable", "virtual", "directory", "path", "git", "url")
        )
        workspace = r.get(src, "workspace", bool, at)
        if name_version:
            packages.append(
                LockedPackage(
                    *name_version,
                    editable=editable is not None,
                    virtual=virtual is not None,
                    path=editable or virtual or directory or path,
                    git=git,
                    url=url,
                    is_project=workspace is True or _is_root(editable) or _is_root(virtual),
                )
            )
    manifest = r.table(data, "manifest", "")
    return LockFile(
        "uv.lock",
        tuple(packages),
        requires_python=r.get(data, "requires-python", str, ""),
        members=tuple(canonicalize_name(m) for m in r.strings(manifest, "members", "manifest.")),
    )


def _read_poetry(data: _Table, r: _Reader) -> LockFile:
    packages: list[LockedPackage] = []
    for where, entry in r.tables(data, "package"):
        name_version = r.name_version(entry, where)
        groups = r.strings(entry, "groups", where)
        category = r.get(entry, "category", str, where)  # lock-version 1.x wrote `category`
        develop = r.get(entry, "develop", bool, where) is True
        src = r.table(entry, "source", where)
        kind = r.get(src, "type", str, where + "source.")
        location = r.get(src, "url", str, where + "source.")
        if name_version:
            packages.append(
                LockedPackage(
                    *name_version,
                    groups or ((category,) if category else ()),
                    editable=develop and kind == "directory",
                    path=location if kind in ("directory", "file") else None,
                    git=location if kind == "git" else None,
                    url=location if kind == "url" else None,
                )
            )
    meta = r.table(data, "metadata", "")
    versions = r.get(meta, "python-versions", str, "metadata.")
    return LockFile("poetry.lock", tuple(packages), poetry_python_versions=versions)


def _read_pdm(data: _Table, r: _Reader) -> LockFile:
    packages: list[LockedPackage] = []
    for where, entry in r.tables(data, "package"):
        name_version = r.name_version(entry, where)
        groups = r.strings(entry, "groups", where)
        editable = r.get(entry, "editable", bool, where) is True
        path, git, url = (r.get(entry, key, str, where) for key in ("path", "git", "url"))
        if name_version:
            packages.append(LockedPackage(*name_version, groups, editable, False, path, git, url))
    groups = r.strings(r.table(data, "metadata", ""), "groups", "metadata.")
    return LockFile("pdm.lock", tuple(packages), groups=groups)


def _pinned(spec: str | None) -> str | None:
    """`==1.2` or `===1.2` is a pin; `*` or a range (pipenv writes both) is not."""
    if spec is None:
        return None
    version = spec.strip().removeprefix("===").removeprefix("==").strip()
    return version if spec.strip().startswith("==") and version else None


def _read_pipfile(data: _Table, r: _Reader) -> LockFile:
    requires = r.table(r.table(data, "_meta", ""), "requires", "_meta.")
    found: dict[LockedPackage, list[str]] = {}
    # Pipenv's package categories add sections beside default/develop; `_`-keys are metadata.
    sections = ["default", "develop"]
    sections += [
        k for k, v in data.items() if isinstance(v, dict) and k[:1] != "_" and k not in sections
    ]
    for section in sections:
        for name, entry in r.table(data, section, "").items():
            where = f"{section}.{name}."
            if not name:
                r.errors.append(ParseError(f"{section}: empty package name"))
                continue
            if not isinstance(entry, dict):
                r.fail(where[:-1], dict, entry)
                continue
            version = _pinned(r.get(entry, "version", str, where))
            editable = r.get(entry, "editable", bool, where) is True
            path, git, url = (r.get(entry, key, str, where) for key in ("path", "git", "file"))
            package = LockedPackage(
                canonicalize_name(name), version, (), editable, False, path, git, url
            )
            found.setdefault(package, []).append(section)
    return LockFile(
        "Pipfile.lock",
        tuple(replace(p, groups=tuple(groups)) for p, groups in found.items()),
        pipfile_python_version=r.get(requires, "python_version", str, "_meta.requires."),
        pipfile_python_full_version=r.get(requires, "python_full_version", str, "_meta.requires."),
    )


_READERS: dict[str, Callable[[_Table, _Reader], LockFile]] = {
    "poetry.lock": _read_poetry,
    "uv.lock": _read_uv,
    "pdm.lock": _read_pdm,
    "Pipfile.lock": _read_pipfile,
}
_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)\Z")
_TOML_AT_END = " (at end of document)"


def _decode(kind: str, text: str) -> _Table | ParseError:
    if kind == "Pipfile.lock":
        import json

        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
        except (ValueError, RecursionError) as exc:  # int digit limit, nesting depth
            return ParseError(f"invalid JSON: {exc or type(exc).__name__}")
        if not isinstance(data, dict):
            return ParseError("invalid Pipfile.lock: expected a JSON object", 1, 1)
        return data
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return _toml_error(str(exc), text)
    except (ValueError, RecursionError) as exc:
        return ParseError(f"invalid TOML: {exc or type(exc).__name__}")


def _toml_error(message: str, text: str) -> ParseError:
    # tomllib before 3.14 has no lineno/colno attributes, only this suffix in the message.
    if match := _TOML_AT.search(message):
        line, column = int(match[1]), int(match[2])
        message = message[: match.start()]
    elif message.endswith(_TOML_AT_END):
        lines = text.split("\n")
        line, column = len(lines), len(lines[-1]) + 1
        message = message.removesuffix(_TOML_AT_END)
    else:
        return ParseError(f"invalid TOML: {message}")
    if text.startswith("\ufeff") and (line, column) == (1, 1):
        message = "a UTF-8 byte order mark starts the file; poetry and pdm reject it"
    return ParseError(f"invalid TOML: {message}", line, column)


def parse_lockfile(kind: str, text: str) -> tuple[LockFile, list[ParseError]]:
    """Parse a lock file of `kind` (one of LOCKFILE_KINDS); never raises."""
    reader = _READERS.get(kind)
    if reader is None:
        return LockFile(kind), [ParseError(f"unknown lock file kind {kind!r}")]
    # Checked with the tools: uv and pipenv skip a UTF-8 BOM; poetry and pdm (tomlkit,
    # tomllib) fail with "Invalid statement (at line 1, column 1)".
    if text.startswith("\ufeff") and kind in ("uv.lock", "Pipfile.lock"):
        text = text[1:]
    data = _decode(kind, text)
    if isinstance(data, ParseError):
        return LockFile(kind), [data]
    r = _Reader(kind)
    return reader(data, r), r.errors
