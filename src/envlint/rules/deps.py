"""EL3xx: requirements files and pyproject dependencies that pip cannot install as written."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING

from envlint import artifacts
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

    from envlint.deps import Declared
    from envlint.parsers.pyproject import Pyproject
    from envlint.parsers.requirements import IncludeEdge, IncludeGraph

MSG_INVALID_LINE = "`{text}` is not a valid requirements line: {reason}"
HELP_INVALID_LINE = (
    "Write a PEP 508 requirement (`name[extra]==1.0; marker`), a path or URL, or an option "
    "pip accepts in requirements files (`-r`, `-c`, `-e`, `--hash`, `--index-url`, ...)."
)
MSG_INVALID_DEPENDENCY = "`{text}` in `{table}` is not a valid PEP 508 requirement: {reason}"
HELP_INVALID_DEPENDENCY = (
    "Write a PEP 508 string (`name[extra]>=1.0; marker`, or `name @ url`); build frontends "
    "reject the whole pyproject.toml otherwise."
)
MSG_INVALID_REQUIRES_PYTHON = "`requires-python = {raw}` is not a valid version specifier set"
HELP_INVALID_REQUIRES_PYTHON = (
    "Write a PEP 440 specifier set such as `>=3.10` or `>=3.10,<4` (operators on every "
    "clause, commas between them)."
)
MSG_MISSING_INCLUDE = "`{option} {target}` names `{path}`, which does not exist"
HELP_MISSING_INCLUDE = (
    "pip resolves `-r`/`-c` targets against the directory of the file that includes them; "
    "fix the path or add the file."
)
MSG_INCLUDE_CYCLE = "`{option} {target}` closes an include cycle: {chain}"
HELP_INCLUDE_CYCLE = "pip refuses recursive includes; remove one include of the cycle."
MSG_CONFLICT = "`{this}` conflicts with `{other}` at {where}: no version satisfies both"
HELP_CONFLICT = (
    "pip's resolver fails on this install set; keep one specifier for the distribution, or "
    "give the two lines different environment markers if each is meant for one platform."
)
MSG_DUPLICATE = "`{this}` is already required at {where} (`{other}`)"
HELP_DUPLICATE = (
    "Keep one declaration: pip merges both, but an upgrade of one copy leaves the other "
    "behind, and the next edit turns the pair into a conflict."
)

_MAX_TEXT = 60


@rule(code="EL301", name="invalid-requirement", severity=Severity.ERROR)
def invalid_requirement(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a requirements-file line that is neither a PEP 508 requirement, a path or URL,
    nor an option some pip from 22.0 on accepts in requirements files; a pyproject.toml
    `[project]` `dependencies`/`optional-dependencies` or PEP 735 `dependency-groups` entry
    that is not PEP 508; and a `requires-python` that is not a PEP 440 specifier set.

    ## Why is this bad?
    pip stops at the first such line with "Invalid requirement", so nothing in the file
    installs, usually in a Docker build far from the edit that broke it; build frontends
    reject a pyproject.toml with an invalid dependency or `requires-python` outright.

    ## Example
    ```
    flask=3.1.2
    --no-deps
    ```
    Use instead:
    ```
    flask==3.1.2
    ```

    ## How to fix
    Use a PEP 440 operator (`==`, `>=`, `~=`, ...), quote markers correctly, and keep
    per-install flags (`--no-deps`, `--user`) on the command line, not in the file.

    ## Configuration
    Lines holding `${VAR}` references are not reported (pip expands them at install time),
    nor are PEP 735 `{include-group = ...}` tables, nor files under `fixtures/` or
    `testdata/`.

    ## Derived from
    The comparison's "Use Cases": a virtualenv is to "create isolated and reproducible
    Python environments", which holds only when its declared requirements install.
    """
    if not artifacts.requirements_paths(project) and not project.files_where(_is_pyproject):
        return
    from envlint import deps

    for path in _requirements_universe(project):
        from envlint.parsers.requirements import InvalidLine  # not for pyproject.toml alone

        parsed = artifacts.requirements(project, path)
        for entry in parsed.entries if parsed else ():
            if isinstance(entry, InvalidLine):
                text = _shorten(entry.text)
                message = MSG_INVALID_LINE.format(text=text, reason=entry.message)
                yield Hit(path, entry.line, message, HELP_INVALID_LINE, entry.column)
    for path in deps.pyproject_files(project):
        data = deps.pyproject(project, path)
        if data is not None:
            yield from _invalid_in_pyproject(path, data)


@rule(code="EL302", name="broken-requirements-include", severity=Severity.ERROR)
def broken_requirements_include(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a `-r`/`--requirement` or `-c`/`--constraint` line whose target, resolved
    against the including file's directory, does not exist, and includes that form a cycle
    (once, at the line that closes it).

    ## Why is this bad?
    pip aborts the whole install on a missing include, and on a recursive one. Paths are
    resolved from the including file, not from the working directory, so a file moved into
    `requirements/` silently breaks `-r requirements/base.txt` inside it.

    ## Example
    `requirements/dev.txt`:
    ```
    -r requirements/base.txt
    ```
    Use instead:
    ```
    -r base.txt
    ```

    ## How to fix
    Write the target relative to the including file, or add the missing file; break a cycle
    by removing one of its includes.

    ## Configuration
    URLs (never fetched), absolute paths (paths inside an image) and targets holding
    `${VAR}` are not checked.

    ## Derived from
    The comparison's "Use Cases": a reproducible environment is built from declared inputs,
    so every input a requirements file names must exist where pip looks for it.
    """
    if not artifacts.requirements_paths(project):
        return
    from envlint import deps

    hits: dict[tuple[str, int], Hit] = {}
    cycles: set[frozenset[str]] = set()
    for start in deps.install_starts(project):
        graph = artifacts.include_graph(project, start)
        for edge in graph.edges:
            if not deps.reportable(project, edge.source) or edge.path is None:
                continue
            option = "-c" if edge.constraint else "-r"
            if edge.status == "missing" and not project.exists(edge.path):
                message = MSG_MISSING_INCLUDE.format(
                    option=option, target=edge.target, path=edge.path
                )
                hit = Hit(edge.source, edge.line, message, HELP_MISSING_INCLUDE, edge.column)
                hits.setdefault((edge.source, edge.line), hit)
            elif edge.status == "cycle":
                chain = _cycle_chain(graph, edge)
                if frozenset(chain) in cycles:
                    continue
                cycles.add(frozenset(chain))
                shown = " -> ".join(f"`{p}`" for p in [*chain, chain[0]])
                message = MSG_INCLUDE_CYCLE.format(option=option, target=edge.target, chain=shown)
                hit = Hit(edge.source, edge.line, message, HELP_INCLUDE_CYCLE, edge.column)
                hits.setdefault((edge.source, edge.line), hit)
    yield from hits.values()


@rule(code="EL304", name="conflicting-requirements", severity=Severity.ERROR)
def conflicting_requirements(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a requirement that no version can satisfy together with an earlier requirement
    of the same distribution (PEP 503 names) in the same install set: a requirements file
    with its `-r` and `-c` includes, or pyproject's `[project] dependencies`.

    ## Why is this bad?
    pip's resolver gives up with "ResolutionImpossible" (or "Cannot install ... because
    these package versions have conflicting dependencies"), so the file never installs.

    ## Example
    `requirements.txt`:
    ```
    -r base.txt
    django>=5
    ```
    with `django<5` in `base.txt`.
    Use instead: one specifier for `django`, in one place.

    ## How to fix
    Keep the specifier you mean and delete the other, or, when each line is meant for one
    platform or Python, give them distinct environment markers.

    ## Configuration
    Specifiers are compared as `packaging` evaluates them with pre-releases allowed
    (`==1.0` equals `==1.0.0`; `==2.1.0` matches `2.1.0+cpu`). `===` (a string
    comparison) is skipped, and only requirements with identical normalised markers (or
    none) are compared. A conflict is reported only when it is certain.

    ## Derived from
    The comparison's "Use Cases": virtualenvs exist to "avoid conflicts between different
    Python versions and dependencies"; a conflict inside one install set is one no
    environment can avoid.
    """
    if not artifacts.requirements_paths(project) and not project.files_where(_is_pyproject):
        return
    from envlint import deps

    sets: list[Iterable[Declared]] = [
        deps.declared(artifacts.include_graph(project, s)) for s in deps.install_starts(project)
    ]
    for path in deps.pyproject_files(project):
        data = deps.pyproject(project, path)
        if data is not None:
            sets.append(_pyproject_dependencies(path, data))
    hits: dict[tuple[str, int], Hit] = {}
    for install_set in sets:
        for this, other in _pairs(project, install_set, _by_marker, deps.provably_disjoint):
            message = MSG_CONFLICT.format(this=this.text, other=other.text, where=other.where)
            hit = Hit(this.path, this.line, message, HELP_CONFLICT, this.column)
            hits.setdefault((hit.path, hit.line or 0), hit)
    yield from hits.values()


@rule(code="EL305", name="duplicate-requirement", severity=Severity.WARNING)
def duplicate_requirement(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a distribution required a second time, with the same extras and markers and a
    compatible specifier, within one requirements file or across it and its `-r` includes;
    reported where pip reads it second (an `-r` include is read where it stands).

    ## Why is this bad?
    Two declarations drift apart: an upgrade edits one, the other keeps the old bound, and
    the pair becomes a conflict (EL304) or silently caps the upgrade.

    ## Example
    `requirements-dev.txt`:
    ```
    -r requirements.txt
    requests>=2.31
    ```
    with `requests>=2.31` in `requirements.txt`.
    Use instead: `-r requirements.txt` alone.

    ## How to fix
    Delete the repeated line and keep the declaration in the file that owns it.

    ## Configuration
    Compiled files (a pip-compile or `uv pip compile` header, or `# via` annotations) are
    skipped: layered lock files re-pin shared dependencies on purpose. Two sibling files
    that a third includes (`lint.in` and `test.in` under `dev.in`) may share a name: each is
    an install set of its own. `-c` includes,
    different extras (`fastapi` and `fastapi[standard]`) and different markers are not
    duplicates.

    ## Derived from
    The comparison's "Use Cases": a reproducible environment needs one source of truth per
    dependency.
    """
    if not artifacts.requirements_paths(project):
        return
    from envlint import deps

    hits: dict[tuple[str, int], Hit] = {}
    for path in _requirements_universe(project):
        graph = deps.requirement_chain(project, path)
        chain = deps.declared(graph, skip_compiled=True)
        linked = _lineage(graph)
        for this, other in _pairs(project, chain, _by_extras, deps.provably_compatible, linked):
            message = MSG_DUPLICATE.format(this=this.text, other=other.text, where=other.where)
            hit = Hit(this.path, this.line, message, HELP_DUPLICATE, this.column)
            hits.setdefault((hit.path, hit.line or 0), hit)
    yield from hits.values()


def _lineage(graph: IncludeGraph) -> Callable[[str, str], bool]:
    """Whether two files are one, or one includes the other (directly or through others).

    Sibling files that a common parent includes (`lint.in` and `test.in` under `dev.in`)
    are each an install set of their own: a name they share is deliberate, not a repeat."""
    below: dict[str, set[str]] = {}
    for edge in graph.edges:
        if edge.status == "ok" and edge.path is not None and not edge.constraint:
            below.setdefault(edge.source, set()).add(edge.path)

    def reaches(start: str, goal: str) -> bool:
        todo, seen = [start], {start}
        while todo:
            for child in below.get(todo.pop(), ()):
                if child == goal:
                    return True
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return False

    return lambda a, b: a == b or reaches(a, b) or reaches(b, a)


def _requirements_universe(project: Project) -> list[str]:
    """Every reportable file pip reads as a requirements file: named so, or included."""
    from envlint import deps

    found = set(deps.requirements_files(project))
    for start in deps.install_starts(project):
        found.update(artifacts.include_graph(project, start).files)
    return sorted(p for p in found if deps.reportable(project, p))


def _invalid_in_pyproject(path: str, data: Pyproject) -> Iterator[Hit]:
    tables = (
        (data.dependencies, "project.dependencies"),
        (data.optional_dependencies, "project.optional-dependencies"),
        (data.dependency_groups, "dependency-groups"),
    )
    for entries, table in tables:
        for entry in entries:
            if entry.kind == "invalid":
                where = f"{table}.{entry.group}" if entry.group else table
                text = _shorten(entry.raw)
                message = MSG_INVALID_DEPENDENCY.format(
                    text=text, table=where, reason=entry.reason or "invalid"
                )
                yield Hit(path, entry.line, message, HELP_INVALID_DEPENDENCY)
    spec = data.requires_python
    if spec is not None and spec.specifier is None:
        message = MSG_INVALID_REQUIRES_PYTHON.format(raw=_quoted(spec.raw))
        if spec.reason:
            message += f": {spec.reason}"
        yield Hit(path, spec.line, message, HELP_INVALID_REQUIRES_PYTHON)


def _pyproject_dependencies(path: str, data: Pyproject) -> list[Declared]:
    """`[project] dependencies`, the install set of the project itself (extras aside)."""
    from envlint import deps

    found = []
    for entry in data.dependencies:
        if entry.requirement is not None:
            item = deps.declared_in_pyproject(path, entry.line, entry.requirement)
            found += [item] if item else []
    return found


def _by_marker(item: Declared) -> Hashable:
    return (item.canonical_name, item.marker)


def _by_extras(item: Declared) -> Hashable:
    return (item.canonical_name, item.extras, item.marker)


def _pairs(
    project: Project,
    items: Iterable[Declared],
    key: Callable[[Declared], Hashable],
    related: Callable[[SpecifierSet, SpecifierSet], bool],
    linked: Callable[[str, str], bool] = lambda _a, _b: True,
) -> Iterator[tuple[Declared, Declared]]:
    """(later, earlier) for each reportable item and the first earlier item of the same key,
    in a `linked` file, whose specifier is `related` to its own."""
    from envlint import deps

    seen: dict[Hashable, list[Declared]] = {}
    for item in items:
        earlier = seen.setdefault(key(item), [])
        if deps.reportable(project, item.path):
            other = next(
                (
                    o
                    for o in earlier
                    if linked(o.path, item.path) and related(o.specifier, item.specifier)
                ),
                None,
            )
            if other is not None:
                yield item, other
        earlier.append(item)


def _is_pyproject(name: str) -> bool:
    return name == "pyproject.toml"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _shorten(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _cycle_chain(graph: IncludeGraph, edge: IncludeEdge) -> list[str]:
    """The files of the cycle `edge` closes, from its target round to its source."""
    target = edge.path or edge.source
    links: dict[str, set[str]] = {}
    for e in graph.edges:
        if e.status == "ok" and e.path is not None:
            links.setdefault(e.source, set()).add(e.path)
    paths = {target: [target]}
    queue = [target]
    while queue and edge.source not in paths:
        node = queue.pop(0)
        for nxt in sorted(links.get(node, ())):
            if nxt not in paths:
                paths[nxt] = [*paths[node], nxt]
                queue.append(nxt)
    return paths.get(edge.source, [target, edge.source])
