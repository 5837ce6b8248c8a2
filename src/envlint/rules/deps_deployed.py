"""EL3xx: what an application deploys, checked against what it declares."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint import artifacts
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

if TYPE_CHECKING:
    from envlint import drift
    from envlint.parsers.requirements import IncludeGraph, NamedRequirement, RequirementsFile
    from envlint.parsers.requirements_options import Generator

MSG_UNPINNED = "`{text}` is not pinned with `==` in {file}, an application's requirements ({why})"
HELP_UNPINNED = (
    "Pin the exact version you tested (`{name}==X.Y.Z`), or compile the file with "
    "`pip-compile`/`uv pip compile` and install the output: an open range installs "
    "whatever is newest on the day the image is built."
)
_MAX_TEXT = 60


@rule(code="EL303", name="unpinned-application-dependency", severity=Severity.WARNING)
def unpinned_application_dependency(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a named requirement that is not pinned with `==`/`===`, in the requirements
    file of an application (one finding per line). A file is an application's when a
    Dockerfile installs it (`pip install -r X`, `uv pip install -r X`, `uv pip sync X`,
    `pip-sync X`) after copying or bind-mounting it into the image, or when it is the root
    `requirements.txt` and the root itself is deployed: a root-level Dockerfile built with
    the root as context, a compose service whose context is the root, or a root `Procfile`,
    `runtime.txt` or `app.yaml`. Files that the application's file includes with `-r` are
    installed with it, and their lines are reported where they stand.

    Not reported: lines pinned by a constraint (a `-c` file of the install set, `-c` on the
    command line, `PIP_CONSTRAINT`/`UV_CONSTRAINT`), lines with `--hash`, compiled files
    (a pip-compile or uv header, or `# via` annotations), pip-tools `*.in` inputs with a
    compiled `*.txt` beside them, paths, URLs and `name @ url`, lines with `${VAR}`,
    lines whose marker is false on Linux (`sys_platform == "win32"`: images and the
    platforms run Linux, so pip skips them),
    libraries (a root `[project]` with a build backend and no container), Dockerfiles
    under `.devcontainer/` (a development environment), and the root `requirements.txt`
    when the root's Dockerfile is seen to install other files. Where a `-r` or `-c` path
    in the image cannot be traced to one repository file (an unknown build context, a
    `COPY --from`, a variable), the install is not reported.

    ## Why is this bad?
    An image is built from declared inputs and must not depend on the day it is built.
    `flask>=3.0` installs whatever is newest at build time, so two builds of one commit
    can ship different code, and a release of any dependency can break a deploy that
    changed nothing. A library declares ranges on purpose; an application pins.

    ## Example
    ```
    # Dockerfile
    COPY requirements.txt .
    RUN pip install -r requirements.txt
    # requirements.txt
    flask>=3.0
    ```
    Use instead:
    ```
    flask==3.1.2
    ```

    ## How to fix
    Pin each line, or keep the ranges in `requirements.in` and install the output of
    `pip-compile requirements.in` (or `uv pip compile`), or add a constraints file with
    `-c constraints.txt` that pins every name.

    ## Configuration
    None. Suppress a deliberate range with `# envlint: ignore=EL303` at the end of its line.
    Files under `fixtures/` and `testdata/` are test data and not reported.

    ## Derived from
    The comparison's "Reproducibility": a virtualenv reproduces nothing unless its
    requirements are pinned, and an image built from ranges is not reproducible either.
    """
    if "requirements.txt" not in project.visible_files() and not artifacts.has_dockerfiles(project):
        return  # no Dockerfile installs a file, and no platform deploys a root one
    from envlint import deployed, deps
    from envlint.parsers.requirements import NamedRequirement

    seen: set[tuple[str, int]] = set()
    for install in deployed.application_installs(project):
        if install.pins is None:
            continue  # a constraint we cannot read may pin every line
        graph = artifacts.include_graph(project, install.path)
        pins = install.pins | _graph_pins(graph)
        for item in graph.entries:
            entry = item.entry
            if item.constraint or not isinstance(entry, NamedRequirement):
                continue
            if entry.is_pinned or entry.url or entry.has_hashes or entry.has_env_var:
                continue
            if deployed.never_on_linux(entry.marker):
                continue  # pip skips it in a Linux image
            if entry.canonical_name in pins or (item.path, entry.line) in seen:
                continue
            if _pinned_elsewhere(project, item.path) or not deps.reportable(project, item.path):
                continue
            seen.add((item.path, entry.line))
            via = "" if item.path == install.path else f"included by {install.path}; "
            yield Hit(
                item.path,
                entry.line,
                MSG_UNPINNED.format(
                    text=_short(entry.text), file=item.path, why=via + install.origin
                ),
                HELP_UNPINNED.format(name=entry.name),
                entry.column,
            )


def _graph_pins(graph: IncludeGraph) -> frozenset[str]:
    """Names the install set's `-c` files pin: pip applies them to the whole install."""
    from envlint.parsers.requirements import NamedRequirement

    return frozenset(
        item.entry.canonical_name
        for item in graph.entries
        if item.constraint and isinstance(item.entry, NamedRequirement) and item.entry.is_pinned
    )


def _pinned_elsewhere(project: Project, path: str) -> bool:
    """A compiled file, or a pip-tools input whose compiled `.txt` sits beside it."""
    parsed = artifacts.requirements(project, path)
    if parsed is None or parsed.compiled:
        return True
    if not path.endswith(".in"):
        return False
    output = path[: -len(".in")] + ".txt"
    compiled = artifacts.requirements(project, output) if project.exists(output) else None
    return compiled is not None and compiled.compiled


def _short(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


MSG_NOT_COMPILED = "`{dep}` is missing from {file}, which `{tool}` generated from {manifest}"
HELP_NOT_COMPILED = "Re-run the command in {file}'s header (`{command}`) and commit the output."
MSG_PIN_OUTSIDE = "`{pin}` is outside `{dep}` that {manifest}:{line} requires"
HELP_PIN_OUTSIDE = (
    "pip installs the pin, whatever {manifest} says: change one of the two so that they "
    "agree, or regenerate the file from {manifest}."
)
MSG_NOT_LOCKED = "`{dep}` is not in {lock}, which locks {manifest}"
HELP_NOT_LOCKED = "Run `{command}` and commit {lock} with {manifest}."
_LOCK_COMMANDS = {
    "uv.lock": "uv lock",
    "poetry.lock": "poetry lock",
    "pdm.lock": "pdm lock",
    "Pipfile.lock": "pipenv lock",
}


@rule(code="EL306", name="dependency-drift", severity=Severity.WARNING)
def dependency_drift(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports two declarations of one project's dependencies that disagree:

    - a requirements file whose generator header names a `pyproject.toml` (pip-compile,
      `uv pip compile`, `uv export`) lacks one of its direct dependencies (reported at the
      dependency), or pins one outside its specifier (reported at the pin);
    - a root `requirements.txt` without such a header pins a package that the root
      pyproject's `dependencies` also names, outside that specifier;
    - a lock file (`uv.lock`, `poetry.lock`, `pdm.lock` beside a `pyproject.toml`;
      `Pipfile.lock` beside a `Pipfile`) lacks a direct dependency of it.

    Names are compared after PEP 503 normalisation. Dependencies with a marker count only
    when the marker reads the Python version alone and holds for the Python the file was
    made for (pip-compile's header, `uv pip compile --python-version`, Pipfile.lock's
    `_meta`); universal outputs (uv, Poetry, PDM locks, `uv export`) leave them out.
    Self-references (`proj[x]`), path, URL and VCS dependencies, uv sources other than an
    index, Poetry's `python` key, extras the command did not request, and packages the
    tool leaves out on purpose (pip-compile's unsafe packages, `--no-emit-package`) are not
    reported, nor is a requirements file of only `-e .`, nor a pin under uv overrides. A uv
    workspace member has no lock of its own: the workspace's one `uv.lock` locks it (and
    its dependencies are checked against it), and its members count as locked.

    ## Why is this bad?
    The image and the developer's environment are built from different files. When the
    lock or the compiled file no longer matches `pyproject.toml`, a dependency added there
    never reaches the deployment, or the deployment runs a version the project says it
    does not support.

    ## Example
    ```
    # pyproject.toml
    dependencies = ["httpx>=0.27", "idna>=3.7"]
    # requirements.txt, from `pip-compile pyproject.toml`
    idna==3.6
    ```
    Use instead: the output of a fresh `pip-compile pyproject.toml`, which pins `httpx`
    and an `idna` of 3.7 or later.

    ## How to fix
    Regenerate the derived file with the command in its header, or run `uv lock`,
    `poetry lock`, `pdm lock` or `pipenv lock`, and commit it with the manifest.

    ## Configuration
    None. Files under `fixtures/` and `testdata/` are test data and not reported.

    ## Derived from
    The comparison's "Reproducibility": the environment is reproducible only when every
    file that declares it agrees, so that the image and the virtualenv get the same set.
    """
    if not artifacts.requirements_paths(project) and not artifacts.lock_paths(project):
        return
    from envlint import deps, drift

    for path in deps.requirements_files(project):
        parsed = artifacts.requirements(project, path)
        generator = parsed.generator if parsed else None
        if parsed is None:
            continue
        if generator is not None:
            compiled = drift.compiled_from(project, path, generator)
            if compiled is not None:
                yield from _compiled_drift(project, path, parsed, generator, compiled)
        if path == "requirements.txt" and not _names_pyproject(generator):
            yield from _root_pins(project, parsed)
    for lock in artifacts.lock_paths(project):
        if deps.reportable(project, lock):
            yield from _lock_drift(project, lock)


def _compiled_drift(
    project: Project,
    path: str,
    parsed: RequirementsFile,
    generator: Generator,
    compiled: drift.Compiled,
) -> Iterator[Hit]:
    from envlint import drift
    from envlint.parsers.requirements import PathRequirement

    present = {r.canonical_name for r in parsed.requirements}
    paths = [e for e in parsed.entries if isinstance(e, PathRequirement)]
    present |= {p.name for p in paths if p.name}
    only_project = not parsed.requirements and all(
        p.target.rstrip("/") == "." for p in paths
    )  # `-e .` alone: the project installs its own dependencies
    for manifest in compiled.manifests:
        wanted = [
            d
            for d in drift.manifest_deps(project, manifest)
            if (d.section in drift.MAIN_SECTIONS and compiled.main)
            or (d.section.startswith("extra:") and compiled.wants(d.section[6:]))
        ]
        wanted = [d for d in wanted if d.name not in compiled.omitted]
        for dep in wanted if not only_project else ():
            if dep.name in present or drift.marker_holds(dep, compiled.python) is not True:
                continue
            message = MSG_NOT_COMPILED.format(
                dep=dep.text, file=path, tool=generator.tool, manifest=manifest
            )
            help_ = HELP_NOT_COMPILED.format(file=path, command=generator.command)
            yield _at_dependency(manifest, dep, path, message, help_)
        if not compiled.overridden:
            yield from _pins_outside(path, parsed, manifest, wanted, compiled.python)


def _names_pyproject(generator: Generator | None) -> bool:
    """Whether a generator header names a pyproject.toml (read or not: (b) is for files
    without such a header)."""
    if generator is None:
        return False
    inputs = generator.inputs or generator.implicit_inputs
    return any(posixpath.basename(i) == "pyproject.toml" for i in inputs)


def _root_pins(project: Project, parsed: RequirementsFile) -> Iterator[Hit]:
    from envlint import drift

    manifest = "pyproject.toml"
    if not project.exists(manifest):
        return
    deps_ = drift.manifest_deps(project, manifest)
    main = [d for d in deps_ if d.section in drift.MAIN_SECTIONS]
    yield from _pins_outside("requirements.txt", parsed, manifest, main, None)


def _pins_outside(
    path: str,
    parsed: RequirementsFile,
    manifest: str,
    wanted: list[drift.Dep],
    python: str | None,
) -> Iterator[Hit]:
    """`==` pins outside every specifier the manifest gives the name. A name with a
    dependency whose marker is unknown or false is skipped (the pin may come from
    elsewhere); so is one with a pin inside (forked pins, one per marker)."""
    from envlint import drift

    by_name: dict[str, list[drift.Dep]] = {}
    for dep in wanted:
        by_name.setdefault(dep.name, []).append(dep)
    for name, group in sorted(by_name.items()):
        if any(d.specifier is None or drift.marker_holds(d, python) is not True for d in group):
            continue
        pins = [(r, v) for r in parsed.requirements if r.canonical_name == name and (v := _pin(r))]
        outside = [(r, v) for r, v in pins if not any(_contains(d, v) for d in group)]
        if len(outside) != len(pins):
            continue
        for requirement, _ in outside:
            dep = group[0]
            yield Hit(
                path,
                requirement.line,
                MSG_PIN_OUTSIDE.format(
                    pin=_short(requirement.text), dep=dep.text, manifest=manifest, line=dep.line
                ),
                HELP_PIN_OUTSIDE.format(manifest=manifest),
                requirement.column,
            )


def _pin(requirement: NamedRequirement) -> str | None:
    specs = [s for s in requirement.specifier if s.operator == "=="]
    if requirement.url or len(specs) != 1 or specs[0].version.endswith(".*"):
        return None
    return specs[0].version


def _contains(dep: drift.Dep, version: str) -> bool:
    assert dep.specifier is not None
    try:
        return dep.specifier.contains(version, prereleases=True)
    except ValueError:  # an invalid version: no claim
        return True


def _lock_drift(project: Project, lock: str) -> Iterator[Hit]:
    from packaging.utils import canonicalize_name

    from envlint import drift

    directory, _, kind = lock.rpartition("/")
    manifest = posixpath.join(directory, "Pipfile" if kind == "Pipfile.lock" else "pyproject.toml")
    locked = artifacts.lockfile(project, lock) if project.exists(manifest) else None
    if locked is None:
        return
    python = locked.pipfile_python_full_version or locked.pipfile_python_version
    groups = {canonicalize_name(g) for g in locked.groups}
    for path in [manifest, *_workspace_members(project, lock, set(locked.members))]:
        for dep in drift.manifest_deps(project, path):
            section, _, group = dep.section.partition(":")
            if kind == "pdm.lock" and section != "main" and group not in groups:
                continue  # PDM locks the groups its metadata lists
            if not drift.locked_by(kind, section) or dep.name in locked.members:
                continue
            if drift.marker_holds(dep, python) is not True:
                continue
            if kind == "Pipfile.lock":
                section_lock = locked.in_group(drift.PIPFILE_LOCK[section])
                found = any(p.name == dep.name for p in section_lock)
            else:
                found = locked.has(dep.name)
            if not found:
                message = MSG_NOT_LOCKED.format(dep=dep.text, lock=lock, manifest=path)
                command = _LOCK_COMMANDS[kind]
                help_ = HELP_NOT_LOCKED.format(command=command, lock=lock, manifest=path)
                yield _at_dependency(path, dep, lock, message, help_)


def _workspace_members(project: Project, lock: str, members: set[str]) -> Iterator[str]:
    """The pyproject.toml files of a uv workspace's members (by the names its lock lists),
    below the lock and without a lock of their own."""
    from packaging.utils import canonicalize_name

    from envlint import deps

    directory = lock.rpartition("/")[0]
    prefix = directory + "/" if directory else ""
    for path in deps.pyproject_files(project) if members else ():
        member_dir = path.rpartition("/")[0]
        if not path.startswith(prefix) or member_dir == directory:
            continue
        if project.exists(posixpath.join(member_dir, "uv.lock")):
            continue
        data = deps.pyproject(project, path)
        if data is not None and data.name and canonicalize_name(data.name) in members:
            yield path


def _at_dependency(manifest: str, dep: drift.Dep, other: str, message: str, help_: str) -> Hit:
    """At the dependency's line; at the other file as a whole when the line is unknown."""
    if dep.line is None:
        return Hit(other, None, message, help_)
    return Hit(manifest, dep.line, message, help_)
