"""Which requirements files an application installs (EL303), and the declarations of one
project's dependencies that must agree (EL306), found statically.

A file is an application's when a Dockerfile installs it (`pip install -r X`, `uv pip
install|sync -r X`, `pip-sync X`) after copying or bind-mounting it into the image, or when it
is the root `requirements.txt` and the root itself is deployed (RULES.md, EL303). An image
path is traced back to a repository file through the COPY/ADD instructions before the RUN,
the latest first; anything that may have put other content there makes it unknown.

For EL306: the direct dependencies of a pyproject.toml or Pipfile, what a generator header
says its file was compiled from, and whether a marker holds for the Python it recorded.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint import artifacts, dockerctx
from envlint.dockerctx import Build
from envlint.dockerinfo import build_views, mount_fields, resolve_in, run_env
from envlint.dockerstage import StageView, Step
from envlint.parsers.dockerfile_args import copy_args
from envlint.parsers.shell_pip import PipInstall, recognize_pip
from envlint.project import Project

if TYPE_CHECKING:
    from packaging.markers import Marker
    from packaging.specifiers import SpecifierSet

    from envlint.parsers.pipfile import Pipfile
    from envlint.parsers.pyproject import Pyproject
    from envlint.parsers.requirements_options import Generator

ROOT_DEPLOY_FILES = ("Procfile", "runtime.txt", "app.yaml")
# uv reads these with `-r` too; they are manifests, not requirements files.
_NOT_REQUIREMENTS = ("pyproject.toml", "setup.py", "setup.cfg")
_GLOB = frozenset("*?[")
# ADD unpacks a local archive into the destination: what it holds there is unknown.
_ARCHIVES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst")


@dataclass(frozen=True)
class Install:
    """A requirements file that an application installs, and how."""

    path: str  # the repository file read with `-r`
    origin: str  # e.g. "`pip install -r` at docker/Dockerfile:7", "Procfile deploys the root"
    pins: frozenset[str] | None  # PEP 503 names pinned by constraints from outside the file
    # (`-c` on the command line, PIP_CONSTRAINT); None when some constraint is unknown
    dockerfile: str | None = None  # the Dockerfile whose RUN installs it


@dataclass(frozen=True)
class _Entry:
    """What one COPY/ADD (or bind mount) puts at an image path."""

    image: str  # absolute
    repo: str | None  # repository path; None: content not from a known repository file
    is_dir: bool


def application_installs(project: Project) -> tuple[Install, ...]:
    def build() -> tuple[Install, ...]:
        found = list(dict.fromkeys(_docker_installs(project)))
        if "requirements.txt" in set(project.visible_files()):
            # A Dockerfile's own installs (with their constraints) say more than "it builds
            # the root"; a platform (Procfile, app.yaml) installs the file as it is.
            traced = frozenset(i.dockerfile for i in found if i.dockerfile)
            origin = root_deployed_by(project, traced)
            if origin is not None:
                found.append(Install("requirements.txt", origin, frozenset()))
        return tuple(found)

    return project.memo("deployed_installs", build)


# --- the root ----------------------------------------------------------------------------


def root_deployed_by(project: Project, traced: frozenset[str] = frozenset()) -> str | None:
    """What deploys the repository root itself, as a phrase; None when nothing does.
    Builds of `traced` Dockerfiles do not count: what they install is known."""
    for build in dockerctx.builds(project):
        if (
            "/" not in build.dockerfile
            and build.context in ("", ".")
            and (build.dockerfile not in traced)
        ):
            return f"{build.dockerfile} builds the repository root"
    for cb in dockerctx.compose_builds(project):
        if cb.context in ("", ".") and cb.dockerfile not in traced:  # compose root is "."
            return f"{cb.compose_path}:{cb.line} (service `{cb.service.name}`) builds the root"
    if is_library(project):
        return None
    visible = set(project.visible_files())
    for name in ROOT_DEPLOY_FILES:
        if name in visible:
            return f"{name} deploys the repository root"
    return None


def is_library(project: Project) -> bool:
    """A root `[project]` with a build backend, and no container anywhere."""
    if dockerctx.dockerfile_paths(project) or dockerctx.compose_builds(project):
        return False
    from envlint.deps import pyproject

    data = pyproject(project, "pyproject.toml") if project.exists("pyproject.toml") else None
    return data is not None and data.has_project and bool(data.build_backend)


# --- Dockerfiles ---------------------------------------------------------------------------


def _docker_installs(project: Project) -> Iterator[Install]:
    for build in dockerctx.builds(project):
        if ".devcontainer" in build.dockerfile.split("/"):
            continue  # a development environment, not a deployed application
        for view in build_views(project, build):
            for step in view.steps:
                if step.instruction.keyword == "RUN" and step.script is not None:
                    yield from _run_installs(project, build, view, step)


def _run_installs(project: Project, build: Build, view: StageView, step: Step) -> Iterator[Install]:
    assert step.script is not None
    commands = {c.index: c for c in step.script.commands}
    entries: list[_Entry] | None = None
    for index, variables, shell_cwd in run_env(step)[1]:
        install = recognize_pip(commands[index])
        if install is None or not install.requirement_files:
            continue
        env = {**variables, **dict(install.assignments)}
        cwd = shell_cwd
        for directory in install.values("--directory"):  # uv's global `--directory`
            cwd = resolve_in(cwd, env, directory)
        if entries is None:
            entries = _mounts(project, build, step) + _copies(project, build, view, step)
        pins = _constraint_pins(project, install, env, cwd, entries)
        where = f"`{_verb(install)}` at {build.dockerfile}:{step.instruction.start_line}"
        for name in install.requirement_files:
            path = _locate(project, entries, cwd, env, name)
            if path is not None and posixpath.basename(path) not in _NOT_REQUIREMENTS:
                yield Install(path, where, pins, build.dockerfile)


def _verb(install: PipInstall) -> str:
    if install.installer == "pip-sync":
        return "pip-sync"
    prefix = "uv pip" if install.installer == "uv" else "pip"
    return f"{prefix} {install.subcommand}" + (" -r" if install.subcommand == "install" else "")


def _constraint_pins(
    project: Project,
    install: PipInstall,
    env: dict[str, str],
    cwd: str | None,
    entries: Sequence[_Entry],
) -> frozenset[str] | None:
    """Names pinned with `==` by the command's constraint (and uv override) files."""
    files = list(install.constraint_files)
    if install.installer == "uv":
        files += install.values("--overrides")
        names: tuple[str, ...] = ("UV_CONSTRAINT", "UV_OVERRIDE")
    else:
        names = ("PIP_CONSTRAINT",)
    for name in names:  # pip splits an append option's environment value on whitespace
        files += env.get(name, "").split()
    pins: set[str] = set()
    for name in files:
        path = _locate(project, entries, cwd, env, name)
        if path is None:
            return None  # a constraint we cannot read may pin anything
        pins |= pinned_names(project, path)
    return frozenset(pins)


def pinned_names(project: Project, path: str) -> frozenset[str]:
    """PEP 503 names that a constraints file (and its includes) pins with `==`/`===`."""
    from envlint.parsers.requirements import NamedRequirement

    graph = artifacts.include_graph(project, path)
    return frozenset(
        item.entry.canonical_name
        for item in graph.entries
        if isinstance(item.entry, NamedRequirement) and item.entry.is_pinned
    )


def _locate(
    project: Project, entries: Sequence[_Entry], cwd: str | None, env: dict[str, str], name: str
) -> str | None:
    """The repository file at image path `name` (relative to `cwd`); None when unknown."""
    if "://" in name:
        return None
    target = _slash(resolve_in(cwd, dict(env), name))
    if target is None:
        return None
    for entry in entries:
        if entry.is_dir and (entry.image == "/" or target.startswith(entry.image + "/")):
            if entry.repo is None:
                return None
            rest = target[len(entry.image) :].lstrip("/")
            candidate = posixpath.join(entry.repo, rest) if entry.repo else rest
            if project.exists(candidate) and not project.is_dir(candidate):
                return candidate
        elif target == entry.image:
            return entry.repo if entry.repo is None or not project.is_dir(entry.repo) else None
    return None


def _slash(path: str | None) -> str | None:
    """POSIX `normpath` keeps a leading `//` (`normpath("//a")`); the image has one root."""
    return "/" + path.lstrip("/") if path is not None and path.startswith("//") else path


def _mounts(project: Project, build: Build, step: Step) -> list[_Entry]:
    """Bind mounts of the RUN: they cover what the image holds at their target."""
    out: list[_Entry] = []
    for mount in step.instruction.flag_values("mount"):
        fields = mount_fields(mount)
        if fields.get("type") != "bind":
            continue
        raw = fields.get("target") or fields.get("dst") or fields.get("destination")
        target = _slash(step.before.resolve(raw)) if raw else None
        if target is None:
            return _unknown("/")
        source = fields.get("source") or fields.get("src") or "."
        repo = None if "from" in fields else _source(project, build, source)
        if repo is None:
            out.extend(_unknown(target))
        else:
            out.append(_Entry(target, repo, repo == "" or project.is_dir(repo)))
    return out


def _unknown(image: str) -> list[_Entry]:
    """`image` and everything under it hold content not traced to the repository."""
    return [_Entry(image, None, True), _Entry(image, None, False)]


def _copies(project: Project, build: Build, view: StageView, until: Step) -> list[_Entry]:
    """What COPY/ADD put into the image before `until`, the latest first."""
    entries: list[_Entry] = []
    for current in reversed(view.chain):
        for step in current.steps:
            if step is until:
                return entries[::-1]
            entries.extend(_copy_entries(project, build, step))
    return entries[::-1]


def _copy_entries(project: Project, build: Build, step: Step) -> list[_Entry]:
    args = copy_args(step.instruction)
    if args is None:
        return []
    dest = _slash(step.before.resolve(args.dest))
    if dest is None:
        return _unknown("/")
    unknown = _unknown(dest)
    if args.from_ is not None or step.instruction.has_flag("parents"):
        return unknown
    if step.instruction.has_flag("exclude"):
        return unknown
    into_dir = args.dest.endswith("/") or len(args.sources) > 1
    out: list[_Entry] = []
    for source in args.sources:
        text = None if source.is_heredoc else step.before.expand(source.path)
        if text is None or "://" in text or text.startswith("git@"):
            return unknown
        if step.instruction.keyword == "ADD" and text.lower().endswith(_ARCHIVES):
            return unknown
        matches = (
            _glob(project, build, text) if _GLOB & set(text) else [_source(project, build, text)]
        )
        if None in matches:
            return unknown
        for repo in matches:
            assert repo is not None
            if repo == "" or project.is_dir(repo):
                out.append(_Entry(dest, repo, True))
                continue
            if not into_dir and len(matches) == 1:
                out.append(_Entry(dest, repo, False))
            out.append(_Entry(posixpath.join(dest, posixpath.basename(repo)), repo, False))
    return out


def _source(project: Project, build: Build, text: str) -> str | None:
    """A COPY/mount source as a repository path; None when the context is unknown and the
    Dockerfile's directory does not settle it."""
    if build.context is not None:
        path = build.repo_path(text)  # normpath: a compose context "." is the root too
        outside = path == ".." or path.startswith("../")
        return None if outside or not project.exists(path) else path
    directory = build.dockerfile.rpartition("/")[0]
    relative = posixpath.normpath(text.lstrip("/"))
    beside = posixpath.normpath(posixpath.join(directory, relative))
    if relative.startswith("..") or relative == "." or not project.exists(beside):
        return None
    return None if project.exists(relative) else beside  # both exist: ambiguous


def _glob(project: Project, build: Build, pattern: str) -> list[str | None]:
    """Repository files a wildcard COPY source matches; [None] when unknown."""
    import fnmatch

    if build.context is None:
        return [None]
    parts = posixpath.normpath(pattern.lstrip("/")).split("/")
    prefix = build.context + "/" if build.context not in ("", ".") else ""
    found: list[str | None] = []
    for path in project.visible_files():
        rel = path[len(prefix) :] if path.startswith(prefix) else None
        if rel is None:
            continue
        segments = rel.split("/")
        if len(segments) > len(parts) and all(
            fnmatch.fnmatchcase(s, p) for s, p in zip(segments, parts, strict=False)
        ):
            return [None]  # a directory matches: its contents land in the destination
        if len(segments) == len(parts) and all(
            fnmatch.fnmatchcase(s, p) for s, p in zip(segments, parts, strict=True)
        ):
            found.append(path)
    return found


# --- EL306: manifests and the files derived from them ------------------------------------

_PYTHON_VARIABLES = frozenset({"python_version", "python_full_version"})
_MARKER_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PIP_COMPILE_PYTHON = re.compile(r"autogenerated by pip-compile with Python (\d+\.\d+(?:\.\d+)?)")
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?")
# Options of pip-compile and uv whose values this module reads.
_VALUE_OPTIONS = frozenset(
    {"--extra", "--no-extra", "--no-emit-package", "--unsafe-package", "--prune", "-o"}
    | {"--output-file", "--directory", "--python-version", "-p", "--python", "--group"}
    | {"--only-group"}
)
# pip-tools' UNSAFE_PACKAGES: left out (as comments) unless `--allow-unsafe`.
_PIP_TOOLS_UNSAFE = frozenset({"setuptools", "distribute", "pip"})


@dataclass(frozen=True)
class Dep:
    """A direct dependency a manifest declares by name and version (not a path, URL, VCS
    or non-index uv source, nor the project itself)."""

    name: str  # PEP 503
    text: str  # as written
    specifier: SpecifierSet | None  # None: a constraint not representable in PEP 440
    marker: Marker | None
    line: int | None
    section: str  # "main", "poetry-main", "extra:<x>", "group:<x>", "uvdev:<x>", "pdm:<x>",
    # "poetry:<group>", "packages:", "dev-packages:" (extras and groups PEP 503 normalised)
    conditional: bool = False  # a condition envlint does not evaluate (Poetry `python`)


# Which sections each lock file locks (PDM: only the groups its metadata lists).
_LOCKS = {
    "uv.lock": ("main", "extra", "group", "uvdev"),
    "poetry.lock": ("main", "poetry-main", "extra", "poetry"),
    "pdm.lock": ("main", "extra", "group", "pdm"),
    "Pipfile.lock": ("packages", "dev-packages"),
}
PIPFILE_LOCK = {"packages": "default", "dev-packages": "develop"}
MAIN_SECTIONS = ("main", "poetry-main")  # what the package itself requires


def locked_by(kind: str, section: str) -> bool:
    return section in _LOCKS.get(kind, ())


def pipfile(project: Project, path: str) -> Pipfile | None:
    from envlint.parsers.pipfile import parse_pipfile

    return project.parse(path, parse_pipfile)


def manifest_deps(project: Project, path: str) -> tuple[Dep, ...]:
    """The direct dependencies of a pyproject.toml or Pipfile, in file order."""

    def build() -> tuple[Dep, ...]:
        if posixpath.basename(path) == "Pipfile":
            parsed = pipfile(project, path)
            return () if parsed is None else tuple(_pipfile_deps(parsed))
        from envlint.deps import pyproject

        data = pyproject(project, path)
        return () if data is None else tuple(_pyproject_deps(data))

    return project.memo(("deployed_manifest_deps", path), build)


def _pyproject_deps(data: Pyproject) -> Iterator[Dep]:
    from packaging.utils import canonicalize_name

    own = data.name or (data.poetry.name if data.poetry else None)
    own_name = canonicalize_name(own) if own else None
    local = {canonicalize_name(s.name) for s in (data.uv.sources if data.uv else ())
             if set(s.kinds) - {"index", "other"}}  # fmt: skip
    poetry = data.poetry.dependencies if data.poetry else ()
    local |= {canonicalize_name(d.name) for d in poetry if d.source != "version"}
    tables = (
        ("main", data.dependencies),
        ("extra", data.optional_dependencies),
        ("group", data.dependency_groups),
        ("uvdev", data.uv.dev_dependencies if data.uv else ()),
        ("pdm", data.pdm_dev_dependencies),
    )
    for section, entries in tables:
        for entry in entries:
            req = entry.requirement
            if req is None or req.url:
                continue
            name = canonicalize_name(req.name)
            group = canonicalize_name(entry.group) if entry.group else ""
            if name != own_name and name not in local:
                key = "main" if section == "main" else f"{section}:{group}"
                yield Dep(name, entry.raw, req.specifier, req.marker, entry.line, key)
    for dep in poetry:
        name = canonicalize_name(dep.name)
        if dep.source != "version" or name == own_name:
            continue
        section = f"poetry:{canonicalize_name(dep.group)}"
        if dep.group == "main" and not dep.optional and not data.dependencies:
            section = "poetry-main"  # the package's requirements (Poetry 2 reads `[project]`)
        text = f'{dep.name} = "{dep.constraint}"' if dep.constraint else dep.name
        conditional = dep.python is not None or dep.markers is not None
        yield Dep(name, text, dep.specifier, None, dep.line, section, conditional)


def _pipfile_deps(data: Pipfile) -> Iterator[Dep]:
    from packaging.markers import InvalidMarker, Marker
    from packaging.utils import canonicalize_name

    for package in data.packages:
        if package.source != "version" or package.editable:
            continue
        marker, conditional = None, False
        if package.markers is not None:
            try:
                marker = Marker(package.markers)
            except InvalidMarker:
                conditional = True
        text = f'{package.name} = "{package.version}"' if package.version else package.name
        name = canonicalize_name(package.name)
        section = f"{package.section}:"
        yield Dep(name, text, package.specifier, marker, package.line, section, conditional)


def marker_holds(dep: Dep, python: str | None) -> bool | None:
    """Whether the dependency's marker holds for `python` ("3.11" or "3.11.7"); None when
    unknown: no Python recorded, or the marker reads anything but the Python version."""
    marker = dep.marker
    if dep.conditional:
        return None
    if marker is None:
        return True
    if python is None:
        return None
    words = set(_MARKER_WORDS.findall(_QUOTED.sub(" ", str(marker))))
    variables = words - {"and", "or", "in", "not"}
    full = python.count(".") == 2
    if not variables <= _PYTHON_VARIABLES or ("python_full_version" in variables and not full):
        return None
    minor = ".".join(python.split(".")[:2])
    environment = {"python_version": minor, "python_full_version": python if full else minor}
    try:
        return marker.evaluate(environment)
    except ValueError:  # packaging's UndefinedComparison, InvalidVersion
        return None


@dataclass(frozen=True)
class Compiled:
    """What a generator header says a requirements file was compiled from."""

    manifests: tuple[str, ...]  # repository paths of the pyproject.toml files it read
    extras: frozenset[str] | None  # extras requested; None: all of them
    omitted: frozenset[str]  # PEP 503 names the tool leaves out on purpose
    main: bool  # the projects' own `dependencies` are in it
    python: str | None  # the Python it resolved for ("3.11"); None when not recorded

    excluded: frozenset[str] = frozenset()  # `--no-extra`
    overridden: bool = False  # uv overrides may pin outside the manifest's specifiers

    def wants(self, extra: str) -> bool:
        return (self.extras is None or extra in self.extras) and extra not in self.excluded


def compiled_from(project: Project, path: str, generator: Generator) -> Compiled | None:
    """The pyproject inputs of a pip-compile, `uv pip compile` or `uv export` header;
    None when it names none or where the command ran cannot be told."""
    if generator.command is None:
        return None
    try:
        words = shlex.split(generator.command)
    except ValueError:
        words = generator.command.split()
    options = _options(words[len(generator.tool.split()) :])
    if generator.tool == "uv pip compile" and "--group" in options:
        return None  # `--group` compiles that group alone
    output = (options.get("--output-file") or options.get("-o") or [""])[-1]
    output = posixpath.normpath(posixpath.join(*options.get("--directory", []), output))
    if output == ".":
        cwd = posixpath.dirname(path)  # written to stdout: the file's own directory
    elif not output.startswith(("/", "..")) and (path == output or path.endswith("/" + output)):
        cwd = path[: len(path) - len(output)].rstrip("/")
    else:
        return None  # renamed or moved since: where the command ran is unknown
    inputs = [posixpath.normpath(posixpath.join(cwd, i)) for i in generator.inputs]
    if not inputs and generator.tool == "pip-compile":  # the first default that exists
        implicit = (posixpath.join(cwd, i) for i in generator.implicit_inputs)
        inputs = [next((i for i in implicit if project.exists(i)), "")]
    elif not inputs:
        inputs = [posixpath.normpath(posixpath.join(cwd, i)) for i in generator.implicit_inputs]
    manifests = tuple(
        i for i in inputs if posixpath.basename(i) == "pyproject.toml" and project.exists(i)
    )
    if not manifests:
        return None
    extras = None if "--all-extras" in options else frozenset(_split(options.get("--extra")))
    omitted = set(_split(options.get("--no-emit-package"), options.get("--unsafe-package")))
    omitted.update(_split(options.get("--prune")))
    if generator.tool == "pip-compile" and "--allow-unsafe" not in options:
        omitted |= set(_split(options.get("--unsafe-package"))) or _PIP_TOOLS_UNSAFE
    only = {"--only-group", "--only-dev", "--only-build-deps"} & set(options)
    python = _recorded_python(project, path, generator, options)
    excluded = frozenset(_split(options.get("--no-extra")))
    overridden = "--override" in options or "--overrides" in options
    if generator.tool != "pip-compile":  # `[tool.uv] override-dependencies` applies too
        overridden |= any(project.line_of(m, "override-dependencies") for m in manifests)
    main = not only
    return Compiled(manifests, extras, frozenset(omitted), main, python, excluded, overridden)


def _options(words: Sequence[str]) -> dict[str, list[str]]:
    """Option values by name (`--opt=v`, `--opt v`); a flag maps to []."""
    out: dict[str, list[str]] = {}
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        name, eq, value = word.partition("=")
        if not name.startswith("-"):
            continue
        values = out.setdefault(name, [])
        if eq:
            values.append(value)
        elif name in _VALUE_OPTIONS and i < len(words):
            values.append(words[i])
            i += 1
    return out


def _split(*groups: list[str] | None) -> Iterator[str]:
    """Names from repeated and comma-separated option values, PEP 503 normalised."""
    from packaging.utils import canonicalize_name

    for values in groups:
        for value in values or ():
            yield from (canonicalize_name(v) for v in value.split(",") if v.strip())


def _recorded_python(
    project: Project, path: str, generator: Generator, options: dict[str, list[str]]
) -> str | None:
    if generator.tool == "pip-compile":
        data = project.read_bytes(path) or b""
        head = data[:2048].decode("utf-8", "replace")
        match = _PIP_COMPILE_PYTHON.search(head)
        return match.group(1) if match else None
    if generator.tool == "uv pip compile" and "--universal" not in options:
        given = [*options.get("--python-version", []), *options.get("-p", []),
                 *options.get("--python", [])]  # fmt: skip
        return given[-1] if given and _VERSION.fullmatch(given[-1]) else None
    return None  # `uv export` is universal: markers stay on its lines
