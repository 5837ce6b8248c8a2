"""pyproject.toml: PEP 621 `[project]`, PEP 735 `[dependency-groups]`, Poetry, PDM and uv."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from envlint.model import ParseError
from envlint.parsers.poetry import Poetry, parse_poetry
from envlint.parsers.pythonversion import RequiresPython, checked_specifier, requires_python
from envlint.parsers.toml_text import TomlLines, load_toml, table

if TYPE_CHECKING:
    from packaging.requirements import Requirement

_SOURCE_KINDS = ("workspace", "path", "git", "url", "index")


@dataclass(frozen=True)
class DependencyEntry:
    """One dependency string as written, with its PEP 508 parse or the reason it is invalid.

    kind: "requirement" (parsed), "invalid" (not PEP 508: EL301), "include" (a PEP 735
    `{include-group = ...}`; raw is the group name), or "editable" (PDM's `-e <path>`).
    """

    raw: str
    line: int | None
    kind: str
    requirement: Requirement | None = None
    reason: str | None = None
    group: str | None = None  # the extra or dependency group; None for main dependencies


def make_entry(
    raw: str, line: int | None, group: str | None = None, editable: bool = False
) -> DependencyEntry:
    """Parse `raw` as a PEP 508 requirement (`editable` allows PDM's `-e <path>` form)."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import InvalidSpecifier

    if editable and raw.lstrip().startswith("-e"):
        return DependencyEntry(raw, line, "editable", group=group)
    try:
        requirement = Requirement(raw)
        checked_specifier(str(requirement.specifier))
        return DependencyEntry(raw, line, "requirement", requirement, group=group)
    except (InvalidRequirement, InvalidSpecifier) as exc:
        reason = str(exc).partition("\n")[0]
        return DependencyEntry(raw, line, "invalid", reason=reason, group=group)


@dataclass(frozen=True)
class UvSource:
    """A `[tool.uv.sources]` entry: one kind per alternative (`workspace`, `path`, `git`, ...)."""

    name: str
    kinds: tuple[str, ...]
    line: int | None


@dataclass(frozen=True)
class UvSettings:
    """`[tool.uv]`; `workspace_members` is None when there is no `[tool.uv.workspace]`."""

    dev_dependencies: tuple[DependencyEntry, ...] = ()
    workspace_members: tuple[str, ...] | None = None
    workspace_exclude: tuple[str, ...] = ()
    sources: tuple[UvSource, ...] = ()


@dataclass(frozen=True)
class Pyproject:
    """What envlint reads from a pyproject.toml. Tool settings such as `[tool.mypy]
    python_version` or ruff's `target-version` are not version declarations and are absent."""

    name: str | None = None
    build_backend: str | None = None
    has_project: bool = False
    dynamic: tuple[str, ...] = ()
    requires_python: RequiresPython | None = None
    dependencies: tuple[DependencyEntry, ...] = ()
    optional_dependencies: tuple[DependencyEntry, ...] = ()  # group: the extra
    dependency_groups: tuple[DependencyEntry, ...] = ()  # group: the PEP 735 group
    poetry: Poetry | None = None
    pdm_dev_dependencies: tuple[DependencyEntry, ...] = ()  # group: the PDM group
    uv: UvSettings | None = None


def parse_pyproject(text: str) -> tuple[Pyproject, list[ParseError]]:
    """Read a pyproject.toml; never raises. Invalid PEP 508 entries are kept as entries."""
    data, errors = load_toml(text)
    if data is None:
        return Pyproject(), errors
    lines = TomlLines(text)
    strict = _Reader(lines, errors)  # [project] and PEP 735 are validated by every frontend
    lenient = _Reader(lines, [])  # tool tables: each tool validates its own
    project = table(data, "project")
    name, requires = project.get("name"), project.get("requires-python")
    dynamic: tuple[str, ...] = ()
    for key, value in (("name", name), ("requires-python", requires)):
        if value is not None and not isinstance(value, str):
            strict.type_error(("project", key), "a string")
    if isinstance(project.get("dynamic"), list):
        dynamic = tuple(str(item) for item in project["dynamic"])
    backend = table(data, "build-system").get("build-backend")
    tools = table(data, "tool")
    result = Pyproject(
        name=name if isinstance(name, str) else None,
        build_backend=backend if isinstance(backend, str) else None,
        has_project="project" in data,
        dynamic=dynamic,
        requires_python=(
            requires_python(requires, lines.line(("project", "requires-python")))
            if isinstance(requires, str)
            else None
        ),
        dependencies=strict.array(project, ("project", "dependencies"), None),
        optional_dependencies=strict.groups(data, ("project", "optional-dependencies")),
        dependency_groups=strict.groups(data, ("dependency-groups",), includes=True),
        poetry=parse_poetry(tools["poetry"], lines)
        if isinstance(tools.get("poetry"), dict)
        else None,
        pdm_dev_dependencies=lenient.groups(
            data, ("tool", "pdm", "dev-dependencies"), editable=True
        ),
        uv=lenient.uv(tools["uv"]) if isinstance(tools.get("uv"), dict) else None,
    )
    return result, errors


class _Reader:
    def __init__(self, lines: TomlLines, errors: list[ParseError]) -> None:
        self.lines = lines
        self.errors = errors

    def type_error(self, path: tuple[str, ...], expected: str) -> None:
        message = f"`{'.'.join(path)}` must be {expected}"
        self.errors.append(ParseError(message, self.lines.line(path)))

    def array(
        self,
        parent: Mapping[str, Any],
        path: tuple[str, ...],
        group: str | None,
        *,
        includes: bool = False,
        editable: bool = False,
    ) -> tuple[DependencyEntry, ...]:
        """The entries of the dependency array at `path` (its last key is read from `parent`)."""
        value = parent.get(path[-1])
        if value is None:
            return ()
        if not isinstance(value, list):
            self.type_error(path, "an array")
            return ()
        entries = []
        for item in value:
            if isinstance(item, str):
                entries.append(make_entry(item, self.lines.line(path, item), group, editable))
            elif includes and isinstance(item, dict) and isinstance(item.get("include-group"), str):
                # PEP 735: `{include-group = "name"}` includes another group's entries.
                line = self.lines.line(path)
                entries.append(DependencyEntry(item["include-group"], line, "include", group=group))
            else:
                reason = f"expected a string, got {type(item).__name__}"
                line = self.lines.line(path)
                entries.append(
                    DependencyEntry(repr(item), line, "invalid", reason=reason, group=group)
                )
        return tuple(entries)

    def groups(
        self,
        data: Mapping[str, Any],
        path: tuple[str, ...],
        *,
        includes: bool = False,
        editable: bool = False,
    ) -> tuple[DependencyEntry, ...]:
        """Entries of a table of named dependency arrays (extras, dependency groups)."""
        groups = table(data, *path[:-1]).get(path[-1])
        if groups is None:
            return ()
        if not isinstance(groups, dict):
            self.type_error(path, "a table")
            return ()
        found: list[DependencyEntry] = []
        for name in groups:
            sub = (*path, name)
            found += self.array(groups, sub, name, includes=includes, editable=editable)
        return tuple(found)

    def uv(self, uv: Mapping[str, Any]) -> UvSettings:
        dev = self.array(uv, ("tool", "uv", "dev-dependencies"), "dev")
        workspace = uv.get("workspace")
        members = exclude = None
        if isinstance(workspace, dict):
            members, exclude = workspace.get("members", []), workspace.get("exclude", [])
        sources = []
        for name, value in table(uv, "sources").items():
            kinds = tuple(
                _source_kind(alt) for alt in (value if isinstance(value, list) else [value])
            )
            sources.append(UvSource(name, kinds, self.lines.line(("tool", "uv", "sources", name))))
        return UvSettings(
            dev_dependencies=dev,
            workspace_members=None if members is None else _strings(members),
            workspace_exclude=_strings(exclude),
            sources=tuple(sources),
        )


def _source_kind(source: object) -> str:
    if isinstance(source, dict):
        for kind in _SOURCE_KINDS:
            if kind in source and (kind != "workspace" or source[kind] is True):
                return kind
    return "other"


def _strings(value: object) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()
