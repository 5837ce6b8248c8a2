"""Which requirements files an application installs (EL303), found statically.

A file is an application's when a Dockerfile installs it (`pip install -r X`, `uv pip
install|sync -r X`, `pip-sync X`) after copying or bind-mounting it into the image, or when it
is the root `requirements.txt` and the root itself is deployed (RULES.md, EL303). An image
path is traced back to a repository file through the COPY/ADD instructions before the RUN,
the latest first; anything that may have put other content there makes it unknown.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint import artifacts, dockerctx

if TYPE_CHECKING:
    from packaging.markers import Marker

    from envlint.dockerctx import Build
    from envlint.dockerstage import StageView, Step
    from envlint.parsers.shell_pip import PipInstall
    from envlint.parsers.shell_venv import ProjectInstall
from envlint.project import Project

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
            origin = root_deployed_by(project, traced | _project_installers(project))
            if origin is not None:
                found.append(Install("requirements.txt", origin, frozenset()))
        return tuple(found)

    return project.memo("deployed_installs", build)


# Images and the platforms of ROOT_DEPLOY_FILES run Linux: pip skips a line whose marker is
# false there (PEP 508 environment markers), so its version never reaches the deployment.
_LINUX = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"}
_IMPLEMENTATIONS = (("cpython", "CPython"), ("pypy", "PyPy"))
_MARKER_VARIABLES = frozenset(
    {*_LINUX, "python_version", "implementation_name", "platform_python_implementation"}
)


def never_on_linux(marker: Marker | None) -> bool:
    """Whether a marker that reads the platform is false on Linux for every Python (2.7,
    3.0-3.30, CPython and PyPy): `sys_platform == "win32"`. False when unsure."""
    if marker is None:
        return False
    text = re.sub(r"'[^']*'|\"[^\"]*\"", " ", str(marker))
    variables = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)) - {"and", "or", "in", "not"}
    if not variables <= _MARKER_VARIABLES or not variables & _LINUX.keys():
        return False
    for minor in ("2.7", *(f"3.{n}" for n in range(31))):
        for name, implementation in _IMPLEMENTATIONS:
            environment = {**_LINUX, "python_version": minor, "implementation_name": name}
            environment["platform_python_implementation"] = implementation
            try:
                if marker.evaluate(environment):
                    return False
            except ValueError:  # packaging's UndefinedComparison, InvalidVersion
                return False
    return True


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


def _project_installers(project: Project) -> frozenset[str]:
    """Root builds seen installing the project from its lock file (`uv sync`, `poetry
    install`, `pdm install`, `pipenv install` of a root Pipfile): the image is pinned by
    the lock, and the root requirements.txt is not what it installs. (`pip install .`
    still resolves ranges at build time, so it does not count.)"""
    from envlint.parsers.shell_venv import recognize_project_install

    found: set[str] = set()
    for build in dockerctx.builds(project):
        if build.context not in ("", ".") or build.dockerfile in found:
            continue  # only a build of the root context deploys the root (root_deployed_by)
        from envlint.dockerinfo import build_views

        for view in build_views(project, build):
            for step in view.steps:
                for command in step.script.commands if step.script is not None else ():
                    install = recognize_project_install(command)
                    if install is not None and _from_lock(project, install):
                        found.add(build.dockerfile)
    return frozenset(found)


_LOCKS = {"uv": "uv.lock", "poetry": "poetry.lock", "pdm": "pdm.lock", "pipenv": "Pipfile.lock"}


def _from_lock(project: Project, install: ProjectInstall) -> bool:
    """The tool installs the root's committed lock file (without one it resolves ranges at
    build time, as `pip install .` does); pipenv imports a requirements file with `-r`."""
    lock = _LOCKS.get(install.tool)
    return lock is not None and project.exists(lock) and not install.has("--requirements")


# --- Dockerfiles ---------------------------------------------------------------------------


def _docker_installs(project: Project) -> Iterator[Install]:
    for build in dockerctx.builds(project):
        if ".devcontainer" in build.dockerfile.split("/"):
            continue  # a development environment, not a deployed application
        from envlint.dockerinfo import build_views

        for view in build_views(project, build):
            for step in view.steps:
                if step.instruction.keyword == "RUN" and step.script is not None:
                    yield from _run_installs(project, build, view, step)


def _run_installs(project: Project, build: Build, view: StageView, step: Step) -> Iterator[Install]:
    from envlint.dockerinfo import resolve_in, run_env
    from envlint.parsers.shell_pip import recognize_pip

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
    from envlint.dockerinfo import resolve_in

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
    from envlint.dockerinfo import mount_fields

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
    from envlint.parsers.dockerfile_args import copy_args

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
