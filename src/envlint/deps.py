"""Derived data for the EL3xx rules: which requirements files start an install set, the
install sets themselves, and whether two specifier sets provably exclude each other."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint import artifacts
from envlint.project import Project

if TYPE_CHECKING:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    from envlint.parsers.pyproject import Pyproject
    from envlint.parsers.requirements import (
        IncludeGraph,
        InstallEntry,
        NamedRequirement,
        RequirementsFile,
    )

# Test data holds broken manifests on purpose; `tests/` requirements files are real manifests.
TEST_DATA_DIRS = frozenset({"fixtures", "testdata"})


def reportable(project: Project, path: str) -> bool:
    """A file whose findings are shown: visible, and not test data."""
    visible = project.memo("deps_visible", lambda: frozenset(project.visible_files()))
    return path in visible and not TEST_DATA_DIRS.intersection(path.split("/"))


def requirements_files(project: Project) -> list[str]:
    """The repository's `requirements*.txt`/`.in` files, sorted, test data left out."""
    return sorted(p for p in artifacts.requirements_paths(project) if reportable(project, p))


def pyproject_files(project: Project) -> list[str]:
    """The repository's `pyproject.toml` files, sorted, test data left out."""
    found = project.files_where(lambda name: name == "pyproject.toml")
    return sorted(p for p in found if reportable(project, p))


def pyproject(project: Project, path: str) -> Pyproject | None:
    """A pyproject.toml parsed once (None when unreadable: EL001 reports it)."""
    from envlint.parsers.pyproject import parse_pyproject

    return project.parse(path, parse_pyproject)


def install_starts(project: Project) -> tuple[str, ...]:
    """Files that `pip install -r` is run on: those no other requirements file includes.

    Of files that only include each other (a cycle), the shallowest, shortest path starts
    (`requirements.txt` before `requirements-extra.txt`), so that every file is read from
    some start and each finding is seen.
    """

    def build() -> tuple[str, ...]:
        files = requirements_files(project)
        included: set[str] = set()
        for path in files:
            edges = artifacts.include_graph(project, path).edges
            included.update(
                e.path for e in edges if e.source == path and e.status == "ok" and e.path
            )
        starts = [p for p in files if p not in included]
        covered: set[str] = set()
        for path in starts:
            covered.update(artifacts.include_graph(project, path).files)
        for path in sorted(files, key=lambda p: (p.count("/"), len(p), p)):
            if path not in covered:
                starts.append(path)
                covered.update(artifacts.include_graph(project, path).files)
        return tuple(starts)

    return project.memo("deps_install_starts", build)


def requirement_chain(project: Project, path: str) -> IncludeGraph:
    """`path` and its `-r` includes only (no `-c`), read in pip's order."""
    from envlint.parsers.requirements import Include, resolve_includes

    def without_constraints(target: str) -> RequirementsFile | None:
        parsed = artifacts.requirements(project, target) if project.exists(target) else None
        if parsed is None:
            return None
        kept = tuple(e for e in parsed.entries if not (isinstance(e, Include) and e.constraint))
        return dataclasses.replace(parsed, entries=kept)

    return project.memo(
        ("deps_requirement_chain", path),
        lambda: resolve_includes(path, lambda _t: None, without_constraints),
    )


def read_once(graph: IncludeGraph) -> Iterator[InstallEntry]:
    """The entries in reading order, a file read twice (a diamond of includes) counted once."""
    seen: set[tuple[str, int]] = set()
    for item in graph.entries:
        key = (item.path, item.entry.line)
        if key not in seen:
            seen.add(key)
            yield item


@dataclass(frozen=True)
class Declared:
    """A named requirement where it is declared, reduced to what EL304/EL305 compare."""

    path: str
    line: int | None
    column: int | None
    name: str  # as written
    canonical_name: str  # PEP 503
    extras: frozenset[str]  # PEP 685
    specifier: SpecifierSet
    marker: str  # normalised by packaging; "" when absent

    @property
    def text(self) -> str:
        extras = f"[{','.join(sorted(self.extras))}]" if self.extras else ""
        text = f"{self.name}{extras}{self.specifier}"
        return f"{text}; {self.marker}" if self.marker else text

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def declared(graph: IncludeGraph, *, skip_compiled: bool = False) -> Iterator[Declared]:
    """Named requirements of an install set in reading order, each line once; lines whose
    text holds `${VAR}` and `name @ url` requirements are left out (nothing to compare)."""
    from envlint.parsers.requirements import NamedRequirement

    for item in read_once(graph):
        entry = item.entry
        if not isinstance(entry, NamedRequirement) or entry.has_env_var or entry.url:
            continue
        if skip_compiled and graph.files[item.path].compiled:
            continue
        yield _declared(item.path, entry.line, entry.column, entry)


def declared_in_pyproject(path: str, line: int | None, req: Requirement) -> Declared | None:
    return None if req.url else _declared(path, line, None, req)


def _declared(
    path: str, line: int | None, column: int | None, req: NamedRequirement | Requirement
) -> Declared:
    from packaging.utils import canonicalize_name

    return Declared(
        path=path,
        line=line,
        column=column,
        name=req.name,
        canonical_name=canonicalize_name(req.name),
        extras=frozenset(canonicalize_name(e) for e in req.extras),
        specifier=req.specifier,
        marker=str(req.marker or ""),
    )


# --- specifier arithmetic -----------------------------------------------------------------

_BIG = 99999
_SUFFIXES = ("", ".dev0", "a0.dev0", "a0", "rc99999", ".post0.dev0", ".post0", ".post99999")


def provably_disjoint(a: SpecifierSet, b: SpecifierSet) -> bool:
    """True only when no version satisfies both sets (and each alone is satisfiable)."""
    return overlap(a, b) is False


def provably_compatible(a: SpecifierSet, b: SpecifierSet) -> bool:
    """True only when some version satisfies both sets (identical sets count)."""
    return overlap(a, b) is True


def overlap(a: SpecifierSet, b: SpecifierSet) -> bool | None:
    """Whether some version satisfies both sets, as `packaging` evaluates them with
    pre-releases allowed; None when unknown (`===`, or a set unsatisfiable on its own).

    A witness is searched among the versions the specifiers mention and their neighbours
    (bumped, decremented, with pre/post/dev/local parts); `SpecifierSet.is_disjoint`
    (packaging >= 26.3), when present, settles the common compatible case first.
    """
    if a == b or not len(a) or not len(b):
        return True
    specs = [*a, *b]
    if any(s.operator == "===" for s in specs):
        return None
    exact = getattr(a, "is_disjoint", None)
    if exact is not None:
        try:
            if not exact(b):
                return True
        except (ValueError, TypeError):
            return None
    mentioned = _mentioned(specs)
    if mentioned is None:
        return None
    candidates = list(_candidates(mentioned))
    if any(_satisfies(a, c) and _satisfies(b, c) for c in candidates):
        return True
    if not any(_satisfies(a, c) for c in candidates) or not any(
        _satisfies(b, c) for c in candidates
    ):
        return None  # unsatisfiable on its own (or no witness found): not the pair's fault
    return False


def _satisfies(specifier: SpecifierSet, version: str) -> bool:
    return specifier.contains(version, prereleases=True)


def _mentioned(specs: Iterable[object]) -> list[Version] | None:
    from packaging.version import InvalidVersion, Version

    out: list[Version] = []
    for spec in specs:
        text = str(getattr(spec, "version", "")).removesuffix(".*")
        try:
            out.append(Version(text))
        except InvalidVersion:
            return None
    return out


def _candidates(versions: list[Version]) -> Iterator[str]:
    """The mentioned versions first (the usual witnesses), then their neighbourhoods."""
    yield from (str(v) for v in versions)
    yield from (v.public for v in versions)
    for v in versions:
        yield from _neighbours(v)
    yield from ("0", "0.dev0", str(_BIG))


def _neighbours(v: Version) -> Iterator[str]:
    release = v.release
    epochs = (v.epoch, v.epoch + 1)
    pres: list[tuple[str, int] | None] = [None, ("a", 0), ("rc", _BIG)]
    if v.pre is not None:
        letter, number = v.pre
        pres += [v.pre, (letter, number + 1)] + ([(letter, number - 1)] if number else [])
    posts = _around(v.post, [None, 0, _BIG])
    devs = _around(v.dev, [None, 0, _BIG])
    locals_ = [None, v.local, "zz"]
    for pre, post, dev, local in itertools.product(pres, posts, devs, locals_):
        yield _render(v.epoch, release, pre=pre, post=post, dev=dev, local=local)
    for epoch, other, suffix in itertools.product(epochs, _releases(release), _SUFFIXES):
        yield _render(epoch, other) + suffix
    yield f"{v.epoch + 1}!0"


def _around(number: int | None, base: list[int | None]) -> list[int | None]:
    if number is None:
        return base
    return [*base, number, number + 1] + ([number - 1] if number else [])


def _releases(release: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    yield release
    yield (*release, 0, 1)
    yield (*release, 1)
    for i, part in enumerate(release):
        yield (*release[:i], part + 1)
        if part:
            yield (*release[:i], part - 1)
            yield (*release[:i], part - 1, _BIG)  # just below `release[: i + 1]`


def _render(
    epoch: int,
    release: tuple[int, ...],
    *,
    pre: tuple[str, int] | None = None,
    post: int | None = None,
    dev: int | None = None,
    local: str | None = None,
) -> str:
    text = (f"{epoch}!" if epoch else "") + ".".join(map(str, release))
    text += f"{pre[0]}{pre[1]}" if pre else ""
    text += f".post{post}" if post is not None else ""
    text += f".dev{dev}" if dev is not None else ""
    return text + (f"+{local}" if local else "")
