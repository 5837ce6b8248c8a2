"""The repository's Python version declarations and the code each applies to (EL401, EL402).

The unit of code is a *project directory*: one holding a manifest (RULES.md "Manifests"; a
file in a `requirements/` directory belongs to its parent), a `runtime.txt` or a
`.tool-versions`. What applies to a project directory:
- its own `requires-python`, Poetry `python`, setup.py/setup.cfg `python_requires`, Pipfile
  `[requires]`, `runtime.txt` and `.tool-versions`;
- the nearest `.python-version` at or above it, up to the root (pyenv's and uv's lookup);
- an untracked or ignored `.venv`/`venv` in it (a tracked one is EL101's);
- the final-stage base-image Python of every build whose known context is that directory,
  or that copies or bind-mounts one of its manifests (or the directory itself) in a stage
  the final stage is built from or copies from.
Only the first version a `.python-version`/`.tool-versions` lists is the one `python` runs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint import artifacts, deps
from envlint.discover import TRACKED
from envlint.project import Project, parent_dirs

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

    from envlint.dockerctx import Build
    from envlint.dockerstage import StageView
    from envlint.parsers.pythonversion import DeclaredPython, RequiresPython

# Where a finding goes when neither side of a conflict is more concrete: the derived or
# deployed side first, the range that states what the code supports last.
KINDS = (
    "venv", "image", "runtime.txt", ".tool-versions", ".python-version", "Pipfile",
    "setup.py", "setup.cfg", "poetry", "requires-python",
)  # fmt: skip
LABELS = {
    "venv": "virtualenv",
    "image": "base image",
    "runtime.txt": "`runtime.txt`",
    ".tool-versions": "`.tool-versions` python",
    ".python-version": "`.python-version`",
    "Pipfile": "Pipfile `[requires]`",
    "setup.py": "setup.py `python_requires`",
    "setup.cfg": "setup.cfg `python_requires`",
    "poetry": "Poetry's `python`",
    "requires-python": "`requires-python`",
}
RANGE_KINDS = frozenset({"setup.py", "setup.cfg", "poetry", "requires-python"})
MANIFEST_NAMES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "Pipfile"})
SKIPPED_ENV_DIRS = frozenset({".tox", ".nox", ".hatch", ".pixi"})


@dataclass(frozen=True)
class Declaration:
    """One declared Python version, reduced to what EL401/EL402 compare."""

    kind: str  # one of KINDS
    path: str
    line: int | None
    text: str  # as written: `>=3.10`, `3.12.4`, `python:3.12-slim`
    specifier: SpecifierSet
    minor: tuple[int, int] | None = None  # set for a pin: one series or one release
    implementation: str | None = "cpython"  # None: not recorded (a venv module pyvenv.cfg)

    @property
    def pinned(self) -> bool:
        return self.minor is not None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    @property
    def describe(self) -> str:
        """How a message names it: "base image `python:3.12`"."""
        if self.kind == "venv":
            return f"virtualenv `{posixpath.dirname(self.path)}` (Python `{self.text}`)"
        return f"{LABELS[self.kind]} `{self.text}`"

    @property
    def key(self) -> tuple[int, str, int, str]:
        """Identity and report order: kind rank, then place."""
        return (KINDS.index(self.kind), self.path, self.line or 0, self.text)


def project_dir(path: str) -> str:
    """The project directory a manifest belongs to (`requirements/dev.txt` -> ``)."""
    directory = posixpath.dirname(path)
    if posixpath.basename(directory) == "requirements" and not path.endswith(".toml"):
        return posixpath.dirname(directory)
    return directory


def _files(project: Project) -> list[str]:
    return project.memo(
        "pyversions_files",
        lambda: [p for p in project.visible_files() if deps.reportable(project, p)],
    )


def _pin(kind: str, path: str, found: DeclaredPython) -> Declaration | None:
    if found.index != 0 or found.specifier is None:
        return None  # a later pyenv/asdf version is a fallback, not what `python` runs
    text = f"python-{found.text}" if kind == "runtime.txt" else found.text  # as written
    impl = found.implementation
    return Declaration(kind, path, found.line, text, found.specifier, found.minor, impl)


def _range(kind: str, path: str, found: RequiresPython | None) -> Declaration | None:
    if found is None or found.specifier is None:
        return None  # absent, or invalid (EL001 reports it)
    return Declaration(kind, path, found.line, found.raw, found.specifier)


def own_declarations(project: Project, path: str) -> list[Declaration]:
    """The declarations the file at `path` makes (for the file kinds listed in KINDS)."""
    from envlint.parsers import pythonversion as pv

    name = posixpath.basename(path)
    found: list[Declaration | None] = []
    if name == "pyproject.toml":
        data = deps.pyproject(project, path)
        if data is not None:
            found.append(_range("requires-python", path, data.requires_python))
            found.append(_range("poetry", path, data.poetry.python if data.poetry else None))
    elif name == "setup.py":
        from envlint.parsers.setuppy import parse_setuppy  # imports libcst: only when present

        setup = project.parse(path, parse_setuppy)
        found.append(_range("setup.py", path, setup.python_requires if setup else None))
    elif name == "setup.cfg":
        from envlint.parsers.setupcfg import parse_setup_cfg

        cfg = project.parse(path, parse_setup_cfg)
        found.append(_range("setup.cfg", path, cfg.python_requires if cfg else None))
    elif name == "Pipfile":
        from envlint.parsers.pipfile import parse_pipfile

        pipfile = project.parse(path, parse_pipfile)
        found += [_pin("Pipfile", path, item) for item in (pipfile.python if pipfile else ())]
    else:
        parser = {
            "runtime.txt": pv.parse_runtime_txt,
            ".tool-versions": pv.parse_tool_versions,
            ".python-version": pv.parse_python_version_file,
        }.get(name)
        items = project.parse(path, parser) if parser else None
        found += [_pin(name, path, item) for item in items or ()]
    return [item for item in found if item is not None]


def pins(project: Project, name: str) -> list[Declaration]:
    """The `python` pin of every visible file named `name` (`.python-version`, `runtime.txt`)."""
    found = [own_declarations(project, p) for p in _files(project) if posixpath.basename(p) == name]
    return [item for items in found for item in items]


def requires_pythons(project: Project) -> list[Declaration]:
    """Every Requires-Python spelling: `[project]`, Poetry, setup.py and setup.cfg."""
    names = ("pyproject.toml", "setup.py", "setup.cfg")
    found = [own_declarations(project, p) for p in _files(project) if p.endswith(names)]
    return [d for items in found for d in items if d.kind in RANGE_KINDS]


@dataclass(frozen=True)
class Image:
    """The final stage's base-image Python of one build."""

    declaration: Declaration
    build: Build
    view: StageView


def images(project: Project) -> list[Image]:
    """Each build's final-stage base-image Python, when its tag names one."""
    if not artifacts.has_dockerfiles(project):
        return []
    from packaging.specifiers import SpecifierSet

    from envlint.dockerctx import builds, compose_builds
    from envlint.dockerinfo import build_views
    from envlint.dockerstage import final_view

    def build() -> list[Image]:
        # A compose `target` written with a variable is unknown: so is its final stage.
        unknown = {
            (cb.dockerfile, cb.context)
            for cb in compose_builds(project)
            if cb.service.build and cb.service.build.target and cb.service.build.target.has_variable
        }
        out: list[Image] = []
        for item in builds(project):
            if item.declared and item.target is None and (item.dockerfile, item.context) in unknown:
                continue
            view = final_view(build_views(project, item), item.target)
            python = view.python if view is not None else None
            if view is None or python is None or python.specifier is None:
                continue
            if deps.reportable(project, item.dockerfile):
                root = view.chain[-1].stage  # the stage whose FROM names the image
                spec, impl = SpecifierSet(python.specifier), python.implementation
                found = Declaration(
                    "image", item.dockerfile, root.line, view.image or root.base, spec,
                    python.minor, impl,
                )  # fmt: skip
                out.append(Image(found, item, view))
        return out

    return project.memo("pyversions_images", build)


def _venvs(project: Project, directory: str) -> Iterator[Declaration]:
    from envlint.parsers.pyvenv import parse_pyvenv_cfg

    for name in (".venv", "venv"):
        root = posixpath.join(directory, name)
        venv = project.files.venvs.get(root)
        cfg_path = f"{root}/pyvenv.cfg"
        if venv is None or venv.state == TRACKED or cfg_path in project.files.tracked:
            continue  # a committed venv is EL101's
        if SKIPPED_ENV_DIRS.intersection(root.split("/")) or project.exclude(root):
            continue
        cfg = project.parse(cfg_path, parse_pyvenv_cfg)
        found = cfg.python if cfg is not None else None
        if found is not None and found.specifier is not None:
            yield Declaration(
                "venv", cfg_path, found.line, found.text, found.specifier, found.minor,
                found.implementation,
            )  # fmt: skip


def scopes(project: Project) -> dict[str, tuple[Declaration, ...]]:
    """Project directory -> the declarations that apply to its code, in report order."""

    def build() -> dict[str, tuple[Declaration, ...]]:
        own: dict[str, list[Declaration]] = {}
        manifest_dirs: set[str] = set()
        version_files: dict[str, list[Declaration]] = {}
        for path in _files(project):
            name = posixpath.basename(path)
            if name in MANIFEST_NAMES or artifacts.is_requirements_path(path):
                manifest_dirs.add(project_dir(path))
            if name == ".python-version":
                version_files[posixpath.dirname(path)] = own_declarations(project, path)
            elif name in MANIFEST_NAMES or name in ("runtime.txt", ".tool-versions"):
                own.setdefault(posixpath.dirname(path), []).extend(own_declarations(project, path))
        dirs = manifest_dirs | set(own)
        found = {d: list(own.get(d, [])) for d in dirs}
        for directory in dirs:
            above = (directory, *parent_dirs(directory))  # pyenv's and uv's lookup
            nearest = next((d for d in above if d in version_files), None)
            found[directory] += version_files[nearest] if nearest is not None else []
            found[directory] += _venvs(project, directory) if directory in manifest_dirs else []
        for image in images(project):
            for directory in image_dirs(project, image.build, image.view) & dirs:
                found[directory].append(image.declaration)
        return {d: tuple(sorted(set(found[d]), key=lambda x: x.key)) for d in sorted(found)}

    return project.memo("pyversions_scopes", build)


def image_dirs(project: Project, build: Build, view: StageView) -> set[str]:
    """The directories whose code a build's final stage runs: its context, and the
    manifests and directories copied or bind-mounted in by the stages it is made of."""
    from envlint.dockerctx import literal_sources
    from envlint.dockerflow import stage_copies
    from envlint.dockerinfo import build_views, mount_fields

    if build.context is None:
        return set()  # which manifests it holds is unknown
    views = build_views(project, build)
    used = {v.index for v in view.chain}
    copies = stage_copies(views, build.named_contexts)
    for _ in views:  # COPY --from chains: each round adds at least one stage, or none is left
        for copy in copies:
            if copy.target.index in used:
                used.update(v.index for v in copy.source.chain)
    sources = [s for instr, s in literal_sources(view.dockerfile) if instr.stage in used]
    for instr in view.dockerfile.instructions:
        for mount in instr.flag_values("mount") if instr.stage in used else ():
            fields = mount_fields(mount)
            # Dockerfile reference, RUN --mount: `type` defaults to bind, `source` to the root.
            if fields.get("type", "bind") == "bind" and "from" not in fields:
                sources.append(fields.get("source") or fields.get("src") or ".")
    found = {build.context}
    for source in sources:
        path = build.repo_path(source.rstrip("/") or ".")
        if path == ".." or path.startswith("../"):
            continue
        if posixpath.basename(path) in MANIFEST_NAMES or artifacts.is_requirements_path(path):
            found.add(project_dir(path))
        elif path == "" or project.is_dir(path):
            found.add(path)
    return found
