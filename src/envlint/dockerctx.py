"""Dockerfiles, compose projects and build contexts, as RULES.md's shared definitions say.

A build is one Dockerfile built with one context: declared by a compose service's `build`,
else inferred (the Dockerfile's directory if every literal COPY/ADD source exists there,
else the repository root if every one exists there; a Dockerfile at the root has the root),
else unknown. Context rules skip builds whose context is unknown.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint.artifacts import is_dockerfile_name
from envlint.project import Project

if TYPE_CHECKING:
    from envlint.parsers.compose import ComposeFile, Service
    from envlint.parsers.dockerfile_model import Dockerfile, Instruction
    from envlint.parsers.dockerignore import DockerIgnore

_GLOB = frozenset("*?[")
AUTO_OVERRIDES = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)


@dataclass(frozen=True)
class ComposeBuild:
    """A compose service that builds an image."""

    compose_path: str  # the file the `build` key is written in
    service: Service
    context: str | None  # relative to the linted root; None when unknown (remote, $VAR, …)
    dockerfile: str | None  # likewise; None for dockerfile_inline or unknown
    target: str | None
    named_contexts: frozenset[str]
    line: int


@dataclass(frozen=True)
class Build:
    """One Dockerfile with one build context."""

    dockerfile: str
    context: str | None  # "" is the root; None: unknown
    declared: bool  # the context comes from compose, not inference
    target: str | None = None
    named_contexts: frozenset[str] = frozenset()

    def in_context(self, path: str) -> str | None:
        """A repository path relative to the context, or None when outside it."""
        if self.context is None:
            return None
        if not self.context:
            return path
        prefix = self.context + "/"
        return path[len(prefix) :] if path.startswith(prefix) else None

    def repo_path(self, context_path: str) -> str:
        """A context-relative path (`./a/../b` allowed) as a repository path."""
        joined = posixpath.normpath(posixpath.join(self.context or "", context_path.lstrip("/")))
        return "" if joined == "." else joined


def dockerfile(project: Project, path: str) -> Dockerfile | None:
    """A Dockerfile parsed once; a compose file in its place gets a hint."""
    from envlint.parsers.dockerfile import parse_dockerfile
    from envlint.parsers.dockerfile_args import looks_like_compose_yaml

    def hint(text: str) -> str:
        if not looks_like_compose_yaml(text):
            return ""
        return "it holds a compose file (`services:`), not Dockerfile instructions"

    return project.parse(path, parse_dockerfile, hint=hint)


def compose_paths(project: Project) -> list[str]:
    from envlint.parsers.compose import is_compose_filename

    return project.files_where(is_compose_filename)


def compose_file(project: Project, path: str) -> ComposeFile | None:
    from envlint.parsers.compose import parse_compose

    def parse(text: str) -> tuple[ComposeFile | None, list[ParseError]]:
        return parse_compose(text, path)

    return project.parse(path, parse)


def compose_projects(project: Project) -> list[tuple[str, ComposeFile]]:
    """Each base compose file with the `*.override.y(a)ml` compose loads onto it, and each
    other override (a `-f` file by convention) merged onto its base: (project dir, merged)."""

    def build() -> list[tuple[str, ComposeFile]]:
        from envlint.parsers.compose import merge_compose, override_base

        paths = compose_paths(project)
        present = set(paths)
        result: list[tuple[str, ComposeFile]] = []
        for path in paths:
            directory, _, name = path.rpartition("/")
            bases = override_base(name)
            loaded = compose_file(project, path)
            if loaded is None:
                continue
            if not bases:
                merged = loaded
                for auto in AUTO_OVERRIDES:
                    auto_path = posixpath.join(directory, auto)
                    if auto_path in present and _base_of(auto_path, present) == path:
                        override = compose_file(project, auto_path)
                        if override is not None:
                            merged = merge_compose(merged, override)
                result.append((directory, merged))
                continue
            base = _base_of(path, present)
            if base is None or name.split(".")[1] == "override":
                continue
            base_file = compose_file(project, base)
            if base_file is not None:
                result.append((directory, merge_compose(base_file, loaded)))
        return result

    return project.memo("compose_projects", build)


def _base_of(path: str, present: set[str]) -> str | None:
    from envlint.parsers.compose import override_base

    directory, _, name = path.rpartition("/")
    for base in override_base(name):
        candidate = posixpath.join(directory, base)
        if candidate in present:
            return candidate
    return None


def compose_builds(project: Project) -> list[ComposeBuild]:
    def build() -> list[ComposeBuild]:
        seen: set[tuple[str, str | None, str | None, str | None]] = set()
        out: list[ComposeBuild] = []
        for directory, compose in compose_projects(project):
            for service in compose.services:
                spec = service.build
                if spec is None or service.extends:
                    continue
                context = spec.context_dir(directory)
                if context == ".":
                    context = ""
                dockerfile_path = spec.dockerfile_path(directory)
                if dockerfile_path is not None and spec.dockerfile is None:
                    dockerfile_path = _default_dockerfile(project, dockerfile_path)
                target = spec.target.value if spec.target and not spec.target.has_variable else None
                key = (spec.file or service.file, context, dockerfile_path, target)
                if key in seen:
                    continue
                seen.add(key)
                named = frozenset(name.lower() for name, _ in spec.additional_contexts)
                out.append(ComposeBuild(spec.file or service.file, service, context,
                                        dockerfile_path, target, named, spec.line))  # fmt: skip
        return out

    return project.memo("compose_builds", build)


def _default_dockerfile(project: Project, path: str) -> str:
    """Compose's default `Dockerfile`, falling back to a lowercase `dockerfile` as BuildKit."""
    if project.exists(path):
        return path
    lower = path[: -len("Dockerfile")] + "dockerfile"
    return lower if project.exists(lower) else path


def dockerfile_paths(project: Project) -> list[str]:
    """Dockerfiles by name, plus any file a compose `build.dockerfile` names."""

    def build() -> list[str]:
        paths = set(project.files_where(is_dockerfile_name))
        visible = set(project.visible_files())
        for compose_build in compose_builds(project):
            if compose_build.dockerfile and compose_build.dockerfile in visible:
                paths.add(compose_build.dockerfile)
        return sorted(paths)

    return project.memo("dockerfile_paths", build)


def builds(project: Project) -> list[Build]:
    """Every (Dockerfile, context) pair: compose's declared ones, else one inferred."""

    def build() -> list[Build]:
        out: list[Build] = []
        declared: set[str] = set()
        for cb in compose_builds(project):
            if cb.dockerfile is None or dockerfile(project, cb.dockerfile) is None:
                continue
            declared.add(cb.dockerfile)
            out.append(Build(cb.dockerfile, cb.context, True, cb.target, cb.named_contexts))
        for path in dockerfile_paths(project):
            if path in declared:
                continue
            parsed = dockerfile(project, path)
            if parsed is not None:
                out.append(Build(path, infer_context(project, path, parsed), False))
        return out

    return project.memo("builds", build)


def literal_sources(parsed: Dockerfile) -> list[tuple[Instruction, str]]:
    """COPY/ADD sources from the context that name one path: no --from, URL, heredoc,
    wildcard, variable or backslash; the `--parents` pivot `/./` removed."""
    from envlint.parsers.dockerfile_args import copy_args

    out: list[tuple[Instruction, str]] = []
    for instr in parsed.instructions:
        args = copy_args(instr)
        if args is None or args.from_ is not None:
            continue
        for source in args.sources:
            text = source.path
            if source.is_heredoc or "$" in text or _GLOB & set(text) or "://" in text:
                continue
            if text.startswith("git@") or "\\" in text:
                continue  # a backslash: a Windows separator or an escape, not a literal name
            out.append((instr, text.replace("/./", "/", 1) if instr.has_flag("parents") else text))
    return out


def infer_context(project: Project, path: str, parsed: Dockerfile) -> str | None:
    directory = path.rpartition("/")[0]
    sources = [s for _, s in literal_sources(parsed)]
    if not directory:
        return ""
    for candidate in (directory, ""):
        if all(project.exists(_join(candidate, s)) for s in sources):
            return candidate
    return None


def _join(context: str, source: str) -> str:
    joined = posixpath.normpath(posixpath.join(context, source.lstrip("/")))
    return "." if joined in ("", ".") else joined


def ignore_file(project: Project, build_: Build) -> tuple[str, DockerIgnore | None] | None:
    """The ignore file Docker reads for a build: `<Dockerfile>.dockerignore` beside the
    Dockerfile first, then `.dockerignore` at the context root; None when there is none."""
    from envlint.parsers.dockerignore import parse_dockerignore

    if build_.context is None:
        return None
    directory, _, name = build_.dockerfile.rpartition("/")
    candidates = [posixpath.join(directory, f"{name}.dockerignore")]
    if name.lower() == "dockerfile" and not build_.declared:
        candidates.append(posixpath.join(directory, "Dockerfile.dockerignore"))
    candidates.append(posixpath.join(build_.context, ".dockerignore"))
    for candidate in candidates:
        if project.exists(candidate) and not project.is_dir(candidate):
            return candidate, project.parse(candidate, parse_dockerignore)
    return None


if TYPE_CHECKING:
    from envlint.model import ParseError
