"""Which files are which artifact, and small readers that need no parser module."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint.project import Project, read_regular_file

if TYPE_CHECKING:
    from envlint.parsers.lockfiles import LockFile
    from envlint.parsers.requirements import IncludeGraph, RequirementsFile

_DOC_SUFFIXES = (
    ".txt", ".md", ".rst", ".j2", ".jinja", ".jinja2", ".tmpl", ".template", ".dockerignore",
)  # fmt: skip


def is_dockerfile_name(name: str) -> bool:
    """RULES.md "Dockerfiles": by name alone (compose may name others)."""
    if name.lower().endswith(_DOC_SUFFIXES):
        return False
    if name in ("Dockerfile", "dockerfile", "Containerfile"):
        return True
    if name.startswith(("Dockerfile.", "Dockerfile-", "Dockerfile_", "Containerfile.")):
        return True
    stem, dot, ext = name.rpartition(".")
    return bool(dot and stem and ext in ("Dockerfile", "dockerfile"))


def is_requirements_name(name: str) -> bool:
    """`requirements*.txt` and pip-tools `requirements*.in` inputs."""
    return name.startswith("requirements") and name.endswith((".txt", ".in"))


def is_requirements_path(path: str) -> bool:
    """By name, or a `.txt`/`.in` file in a `requirements/` directory (`requirements/dev.txt`)."""
    directory, _, name = path.rpartition("/")
    if is_requirements_name(name):
        return True
    return directory.rpartition("/")[2] == "requirements" and name.endswith((".txt", ".in"))


def read_head(project: Project, path: str, size: int = 512) -> bytes:
    full = project.root / path
    try:
        if full.is_symlink():
            return b""
        return read_regular_file(full, size) or b""
    except (OSError, ValueError):
        return b""


def shebang_interpreter(project: Project, path: str) -> str | None:
    """The interpreter a script's `#!` line names (`env`'s argument when it is `env`)."""
    head = read_head(project, path)
    if not head.startswith(b"#!"):
        return None
    line = head[2:].split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    words = line.split()
    if not words:
        return None
    if words[0].rsplit("/", 1)[-1] == "env":
        args = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        return args[0] if (args and "/" in args[0]) or (args and args[0].startswith("~")) else None
    return words[0]


_JSONC_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[\]}])', re.S)


def strip_jsonc(text: str) -> str:
    """JSON with comments and trailing commas (VS Code's settings) as plain JSON."""
    return _JSONC_TOKENS.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)


def vscode_interpreter_settings(project: Project, path: str) -> Iterator[tuple[str, str, int]]:
    data = project.read_bytes(path)
    if data is None:
        return
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    try:
        settings = json.loads(strip_jsonc(text))
    except (ValueError, RecursionError):
        return
    if not isinstance(settings, dict):
        return
    for key in ("python.defaultInterpreterPath", "python.pythonPath"):
        value = settings.get(key)
        if isinstance(value, str):
            yield key, value, project.line_of(path, f'"{key}"') or 1


def has_dockerfiles(project: Project) -> bool:
    """Whether a Dockerfile may be built: one found by name, or one a compose `build` names
    (it may lie outside what is linted). Without one, the Docker rules have nothing to read,
    and return before importing the Dockerfile and shell parsers."""
    from envlint import dockerctx

    if dockerctx.dockerfile_paths(project):
        return True
    return any(cb.dockerfile is not None for cb in dockerctx.compose_builds(project))


def repository_venv_paths(project: Project) -> frozenset[str]:
    """Absolute venv paths that the repository's Dockerfiles or devcontainer create."""

    def collect() -> frozenset[str]:
        from envlint.dockerctx import dockerfile_paths

        paths: set[str] = set()
        if dockerfile_paths(project):
            from envlint.dockerinfo import created_venv_paths

            paths.update(created_venv_paths(project))
        for path in project.visible_files():
            if path.startswith(".devcontainer/") or path.endswith("devcontainer.json"):
                data = project.read_bytes(path) or b""
                text = data.decode("utf-8", "replace")
                paths.update(m.group(1) for m in _ABS_VENV.finditer(text))
        return frozenset(paths)

    return project.memo("repository_venv_paths", collect)


_ABS_VENV = re.compile(r"(/[\w./-]+?)/bin/(?:python|activate|pip)")


LOCK_FILE_NAMES = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


def requirements_paths(project: Project) -> list[str]:
    return [p for p in project.visible_files() if is_requirements_path(p)]


def requirements(project: Project, path: str) -> RequirementsFile | None:
    """A requirements file parsed once, decoded as pip decodes it."""
    from envlint.parsers.requirements import decode_requirements, parse_requirements

    return project.parse(path, parse_requirements, decoder=decode_requirements)


def include_graph(project: Project, path: str) -> IncludeGraph:
    """The install set `pip install -r path` reads: the file and its -r/-c includes."""
    from envlint.parsers.requirements import resolve_includes

    def build() -> IncludeGraph:
        def parsed(target: str) -> RequirementsFile | None:
            return requirements(project, target) if project.exists(target) else None

        return resolve_includes(path, lambda _t: None, parsed)

    return project.memo(("include_graph", path), build)


def lock_paths(project: Project) -> list[str]:
    return project.files_where(lambda name: name in LOCK_FILE_NAMES)


def lockfile(project: Project, path: str) -> LockFile | None:
    from envlint.parsers.lockfiles import parse_lockfile

    kind = path.rpartition("/")[2]
    return project.parse(path, lambda text: parse_lockfile(kind, text))


def parse_all(project: Project) -> None:
    """Parse every artifact once, so that EL001 sees every unreadable file."""
    for path in requirements_paths(project):
        requirements(project, path)
    for path in lock_paths(project):
        lockfile(project, path)
    from envlint import dockerctx

    for path in dockerctx.dockerfile_paths(project):
        dockerctx.dockerfile(project, path)
    for build in dockerctx.builds(project):
        dockerctx.ignore_file(project, build)
