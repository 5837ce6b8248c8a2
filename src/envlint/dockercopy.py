"""What a Dockerfile's COPY/ADD takes from its build context (EL201, EL203, EL204, EL210).

The builds whose context is known, the sources each reads, BuildKit's matching of a source
against a context path (Go's filepath.Match), git's verdict on a path that need not exist,
and what a context holds that must not ship.
"""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint import dockerctx
from envlint.dockerctx import Build
from envlint.project import Project

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from envlint.parsers.dockerfile_model import Dockerfile, Instruction
    from envlint.parsers.dockerignore import DockerIgnore

_GLOB = frozenset("*?[")
# Names people give an ignore file that Docker never reads (it opens `.dockerignore` only).
_MISSPELT = re.compile(r"\.?docker[-_]?ignores?(?:\.txt)?|\.dockerfile(?:\.txt)?")
_SPACE = " \t\r\n\v\f"
_KINDS = {"venv": "virtualenv", "conda": "conda environment"}
_NAMED_ARTIFACTS = frozenset({".tox", ".nox", ".pytest_cache", ".mypy_cache", "site-packages"})


@dataclass(frozen=True)
class Context:
    """A build whose context is known and whose ignore file (if any) could be read."""

    build: Build
    parsed: Dockerfile
    ignore_path: str | None
    ignore: DockerIgnore | None

    @property
    def name(self) -> str:
        return self.build.context or "."

    @property
    def ignore_target(self) -> str:
        """The ignore file to edit: the one Docker reads, else `.dockerignore` at the root."""
        return self.ignore_path or posixpath.join(self.build.context or "", ".dockerignore")

    def excluded(self, path: str, is_dir: bool) -> bool:
        return self.ignore is not None and self.ignore.excludes(path, is_dir)


@dataclass(frozen=True)
class Source:
    instruction: Instruction
    text: str  # as written
    path: str  # relative to the context root, cleaned; "" is the root
    glob: bool


def clean(text: str) -> str:
    # BuildKit resolves a source against the context root; `..` cannot climb out of it.
    return posixpath.normpath("/" + text.lstrip("/")).lstrip("/")


def contexts(project: Project) -> list[Context]:
    def collect() -> list[Context]:
        out: list[Context] = []
        seen: set[tuple[str, str, str | None]] = set()
        for declared in dockerctx.builds(project):
            parsed = dockerctx.dockerfile(project, declared.dockerfile)
            if declared.context is None or parsed is None:
                continue  # unknown context or unparsable Dockerfile (EL001)
            # compose's `context: .` is the root, which Build spells ""
            context = "" if declared.context == "." else declared.context
            build = dataclasses.replace(declared, context=context)
            if build.context and not project.is_dir(build.context):
                continue
            found = dockerctx.ignore_file(project, build) or _containerignore(project, build)
            if found is not None and found[1] is None:
                continue  # an ignore file that cannot be read: the context is unknown
            path, ignore = found or (None, None)
            if (build.dockerfile, context, path) not in seen:  # compose overrides repeat builds
                seen.add((build.dockerfile, context, path))
                out.append(Context(build, parsed, path, ignore))
        return out

    return project.memo("docker_context.contexts", collect)


def _containerignore(project: Project, build: Build) -> tuple[str, DockerIgnore | None] | None:
    """Podman and Buildah read `.containerignore` (same format); when it is the only ignore
    file, the builder may be one of them, so it counts."""
    from envlint.parsers.dockerignore import parse_dockerignore

    path = posixpath.join(build.context or "", ".containerignore")
    if not project.exists(path) or project.is_dir(path):
        return None
    data = project.read_bytes(path)
    try:
        text = None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    return path, None if text is None else parse_dockerignore(text)[0]


def sources(parsed: Dockerfile) -> list[Source]:
    """COPY/ADD sources read from the context: not `--from`, a URL, a heredoc or a variable.
    An instruction with `--exclude` is left out: its filter is not modelled."""
    from envlint.parsers.dockerfile_args import copy_args

    out: list[Source] = []
    for instr in parsed.instructions:
        args = copy_args(instr)
        if args is None or args.from_ is not None or instr.has_flag("exclude"):
            continue
        for source in args.sources:
            text = source.path
            if source.is_heredoc or "$" in text or "://" in text or text.startswith("git@"):
                continue
            path = text.replace("/./", "/", 1) if instr.has_flag("parents") else text
            if instr.has_flag("parents") and "**" in path:
                continue
            out.append(Source(instr, text, clean(path), bool(_GLOB & set(path))))
    return out


def venvs_in(project: Project, ctx: Context) -> list[tuple[str, str]]:
    """(repository path, context path) of each environment directory on disk in the context."""
    out = []
    for venv in project.files.venvs.values():
        rel = ctx.build.in_context(venv.path)
        if rel and project.is_dir(venv.path):
            out.append((venv.path, rel))
    return sorted(out)


def venv_kind(project: Project, path: str) -> str:
    return _KINDS.get(project.files.venvs[path].kind, "environment")


@functools.lru_cache(maxsize=512)
def go_glob(glob: str) -> re.Pattern[str] | None:
    """One path segment of a COPY source as Go's filepath.Match reads it; None when Go
    rejects the pattern (ErrBadPattern)."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        ch = glob[i]
        if ch in "*?":
            out.append(".*" if ch == "*" else ".")
            i += 1
        elif ch == "\\":
            if i + 1 >= n:
                return None
            out.append(re.escape(glob[i + 1]))
            i += 2
        elif ch == "[":
            negated = glob.startswith("^", i + 1)
            i += 1 + negated
            ranges: list[tuple[str, str]] = []
            while not (glob.startswith("]", i) and ranges):
                lo, i = _class_char(glob, i)
                hi = lo
                if lo is not None and glob.startswith("-", i):
                    hi, i = _class_char(glob, i + 1)
                if lo is None or hi is None:
                    return None
                ranges.append((lo, hi))
            i += 1
            body = "".join(f"{re.escape(lo)}-{re.escape(hi)}" for lo, hi in ranges if lo <= hi)
            out.append(f"[{'^' * negated}{body}]" if body else ("." if negated else "(?!)"))
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out), re.S)


def _class_char(glob: str, i: int) -> tuple[str | None, int]:
    """Go's getEsc: one character of a class, `\\` escaping; `-`, `]` or the end are errors."""
    if i >= len(glob) or glob[i] in "-]":
        return None, i
    if glob[i] == "\\":
        i += 1
        if i >= len(glob):
            return None, i
    return glob[i], i + 1


def covers(source: Source, path: str) -> bool:
    """Whether the source copies the directory `path` (context-relative) or a parent of it."""
    if not source.glob:
        return source.path == "" or path.startswith(source.path + "/")
    globs, names = source.path.split("/"), path.split("/")
    if len(globs) > len(names):
        return False
    for glob, name in zip(globs, names, strict=False):
        if not _GLOB & set(glob):
            if glob != name:
                return False
            continue
        regex = go_glob(glob)
        if regex is None or regex.fullmatch(name) is None:
            return False
    return True


def _gitignore_spec(project: Project, path: str) -> GitIgnoreSpec | None:
    def load() -> GitIgnoreSpec | None:
        from pathspec import GitIgnoreSpec

        data = project.read_bytes(path)
        if data is None:
            return None
        try:
            return GitIgnoreSpec.from_lines(data.decode("utf-8", "replace").splitlines())
        except (ValueError, TypeError):
            return None

    return project.memo(("docker_context.gitignore", path), load)


def _git_verdict(project: Project, path: str, is_dir: bool) -> bool:
    """Git's verdict on one path by its patterns alone: the deepest `.gitignore` with a
    matching pattern decides, then `.git/info/exclude`."""
    parts = path.split("/")
    for depth in range(len(parts) - 1, -1, -1):
        base = "/".join(parts[:depth])
        spec = _gitignore_spec(project, posixpath.join(base, ".gitignore"))
        if spec is not None:
            result = spec.check_file("/".join(parts[depth:]) + "/" * is_dir).include
            if result is not None:
                return result
    spec = _gitignore_spec(project, ".git/info/exclude")
    return bool(spec is not None and spec.check_file(path + "/" * is_dir).include)


def git_ignores(project: Project, path: str) -> bool:
    """Whether git ignores `path`, which need not exist (a build artifact not yet built):
    an ignored directory on the way, or a pattern matching the path as file or directory."""
    if project.files.is_ignored(path):
        return True
    parts = path.split("/")
    for depth in range(1, len(parts)):
        if _git_verdict(project, "/".join(parts[:depth]), True):
            return True
    return _git_verdict(project, path, False) or _git_verdict(project, path, True)


def _files_named(project: Project, test: Callable[[str], bool]) -> list[str]:
    """Files on disk (tracked, untracked or ignored) whose name passes `test`."""
    files = set(project.files.tracked) | project.files.untracked
    files |= {p for p in project.files.ignored if not p.endswith("/")}
    return sorted(p for p in files if test(p.rpartition("/")[2]))


def misspelt(name: str) -> bool:
    return name != ".dockerignore" and bool(_MISSPELT.fullmatch(name.strip(_SPACE).lower()))


def misspelt_files(project: Project) -> list[str]:
    """Files whose name is a misspelling of `.dockerignore`: Docker never reads them."""
    return project.memo("docker_context.misspelt", lambda: _files_named(project, misspelt))


def _artifact_pattern(rel: str) -> str:
    name = rel.rpartition("/")[2]
    if name == "__pycache__":
        return "**/__pycache__"
    if name in _NAMED_ARTIFACTS or name.endswith(".egg-info"):
        return rel
    return "**/*.pyc"  # EL103's loose bytecode beside its source, reported at its directory


def must_not_ship(
    project: Project, ctx: Context, artifacts: Sequence[str]
) -> list[tuple[str, str]]:
    """What the context holds that must not ship: (description, `.dockerignore` line);
    `artifacts` are the paths EL103 reports."""
    inside = ctx.build.in_context
    found: list[tuple[str, str]] = []
    if project.exists(posixpath.join(ctx.build.context or "", ".git")):
        found.append(("`.git/`", ".git"))
    found += [(f"virtualenv `{rel}/`", rel) for _, rel in venvs_in(project, ctx)]
    for path in artifacts:
        rel = inside(path if path != "." else "")
        if rel is not None:
            found.append((f"tracked build artifacts in `{rel or '.'}`", _artifact_pattern(rel)))
    env_files = project.memo("docker_context.env", lambda: _files_named(project, ".env".__eq__))
    found += [(f"`{rel}`", rel) for p in env_files if (rel := inside(p))]
    return found
