"""Services (RULES.md, EL5xx): a directory with its own dependency manifest and an entry
point, found statically. Python sources are read as text first, and only the few that import
a web or task framework and name its application class are parsed, with libcst; nothing is
ever imported or run."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint.project import Project, parent_dirs

if TYPE_CHECKING:
    import ast

NEVER_SERVICE_DIRS = frozenset(
    {"tests", "test", "testing", "docs", "doc", "docs_src", "examples", "example", "samples",
     "demo", "demos", "scripts", "tools", "benchmarks", "notebooks", "fixtures"}
)  # fmt: skip
PLATFORM_FILES = ("Procfile", "app.yaml", "fly.toml", "serverless.yml", "serverless.yaml")
SAM_TEMPLATES = ("template.yaml", "template.yml")
MAX_SOURCE_BYTES = 512 << 10  # an application module is far smaller; generated code is not one
FRAMEWORK_MODULES = ("fastapi", "flask", "starlette", "celery", "sanic", "aiohttp", "quart")
_FRAMEWORK_IMPORT = re.compile(
    rf"^[ \t]*(?:from|import)[ \t]+(?:{'|'.join(FRAMEWORK_MODULES)})\b", re.M
)
CONSTRUCTORS = {
    "fastapi.FastAPI": "FastAPI", "fastapi.applications.FastAPI": "FastAPI",
    "flask.Flask": "Flask", "flask.app.Flask": "Flask",
    "starlette.applications.Starlette": "Starlette",
    "celery.Celery": "Celery", "celery.app.Celery": "Celery", "celery.app.base.Celery": "Celery",
    "sanic.Sanic": "Sanic", "sanic.app.Sanic": "Sanic",
    "aiohttp.web.Application": "aiohttp", "aiohttp.web_app.Application": "aiohttp",
    "quart.Quart": "Quart", "quart.app.Quart": "Quart",
}  # fmt: skip
# A constructor call (`FastAPI(`, `web.Application(`) or an aliased import (`FastAPI as F`).
_MAY_CONSTRUCT = re.compile(
    r"\b(?:FastAPI|Flask|Starlette|Celery|Sanic|Application|Quart)[ \t]*\("
    r"|\b(?:FastAPI|Flask|Starlette|Celery|Sanic|Application|Quart|fastapi|flask|starlette"
    r"|celery|sanic|aiohttp|web|quart)[ \t]+as[ \t]+\w"
)
# `python -m pkg`, also in exec form: ["python", "-m", "pkg"].
_RUN_MODULE = re.compile(r"(?<![\w-])-m[\s\"',]+([A-Za-z_][\w.]*)")


@dataclass(frozen=True)
class EntryPoint:
    path: str
    line: int | None  # of the constructor call or `application`; None for a whole file
    kind: str  # "FastAPI application", "Django manage.py", "WSGI module", "Procfile", ...


@dataclass(frozen=True)
class Service:
    directory: str  # "" is the repository root
    manifest: str
    entry: EntryPoint

    @property
    def label(self) -> str:
        return f"{self.directory}/" if self.directory else "./"


def never_service(path: str) -> bool:
    """Under tests/, docs/, examples/, scripts/, ... at any depth (the last part is a file)."""
    return any(part in NEVER_SERVICE_DIRS for part in path.split("/")[:-1])


def manifest_dirs(project: Project) -> dict[str, str]:
    """Directory -> its first dependency manifest: requirements*.txt, pyproject.toml, Pipfile;
    `requirements/*.txt` belongs to the directory holding `requirements/`."""

    def build() -> dict[str, str]:
        found: dict[str, str] = {}
        for path in project.visible_files():
            directory, _, name = path.rpartition("/")
            if name in ("pyproject.toml", "Pipfile") or _requirements_txt(name):
                owner = directory
            elif directory.rpartition("/")[2] == "requirements" and name.endswith(".txt"):
                owner = directory.rpartition("/")[0]
            else:
                continue
            if not never_service(f"{owner}/x"):
                found.setdefault(owner, path)
        return found

    return project.memo("service_manifest_dirs", build)


def _requirements_txt(name: str) -> bool:
    return name.startswith("requirements") and name.endswith(".txt")


def deployment_files(project: Project) -> list[str]:
    """Every Dockerfile, compose file, Procfile, platform file or SAM template."""
    from envlint.artifacts import is_dockerfile_name
    from envlint.parsers.compose import is_compose_filename

    names = (*PLATFORM_FILES, *SAM_TEMPLATES)
    return project.files_where(
        lambda n: n in names or is_dockerfile_name(n) or is_compose_filename(n)
    )


def own_platform_file(project: Project, directory: str) -> str | None:
    """A Procfile, app.yaml, fly.toml or serverless.yml in `directory` itself."""
    for name in PLATFORM_FILES:
        path = posixpath.join(directory, name)
        if project.exists(path) and not project.is_dir(path):
            return path
    return None


def services(project: Project) -> list[Service]:
    """Every service, by directory; each with the first entry point found in it."""
    return project.memo("services", lambda: _discover(project))


def _discover(project: Project) -> list[Service]:
    manifests = manifest_dirs(project)
    if not manifests:
        return []
    ranked: list[tuple[int, int, str, str]] = []  # (rank, depth, path, owner)
    for path in project.visible_files():
        if never_service(path):
            continue
        name = path.rpartition("/")[2]
        rank = _rank(name)
        if rank is None:
            continue
        owner = next((d for d in parent_dirs(path) if d in manifests), None)
        if owner is not None:
            ranked.append((rank, path.count("/"), path, owner))
    found: dict[str, EntryPoint] = {}
    run_modules: frozenset[str] | None = None
    for rank, _, path, owner in sorted(ranked):
        if owner in found:
            continue
        entry: EntryPoint | None = None
        if rank == 0:
            kind = "Procfile" if path.endswith("Procfile") else "Django manage.py"
            entry = EntryPoint(path, None, kind)
        elif rank == 1:
            if run_modules is None:
                run_modules = _run_modules(project)
            module = path.rpartition("/")[0].replace("/", ".")
            runner = next((m for m in run_modules if _names_package(module, m)), None)
            if runner is not None:
                entry = EntryPoint(path, None, f"`__main__.py` run by `-m {runner}`")
        else:
            entry = _scan_file(project, path, application=rank == 2)
        if entry is not None:
            found[owner] = entry
    return [Service(d, manifests[d], found[d]) for d in sorted(found)]


def _rank(name: str) -> int | None:
    """Cheap entry points first: manage.py and Procfile, a run `__main__.py`, ASGI/WSGI
    modules, then any module; test modules never."""
    if name in ("manage.py", "Procfile"):
        return 0
    if name == "__main__.py":
        return 1
    if name in ("asgi.py", "wsgi.py"):
        return 2
    if not name.endswith(".py") or name == "conftest.py":
        return None
    if name.startswith("test_") or name.endswith("_test.py"):
        return None
    return 3


def _names_package(package: str, module: str) -> bool:
    """`python -m a.b` runs `<somewhere>/a/b/__main__.py` (src layouts and the like)."""
    return package == module or package.endswith("." + module)


def _run_modules(project: Project) -> frozenset[str]:
    """Modules a Procfile, compose file or Dockerfile runs with `python -m`."""
    from envlint.dockerctx import compose_paths, dockerfile_paths

    paths = {*project.files_where(lambda n: n == "Procfile"), *compose_paths(project)}
    paths.update(dockerfile_paths(project))
    found: set[str] = set()
    for path in sorted(paths):
        data = project.read_bytes(path)
        if data is not None:
            found.update(_RUN_MODULE.findall(data.decode("utf-8", "replace")))
    return frozenset(found)


def _scan_file(project: Project, path: str, *, application: bool) -> EntryPoint | None:
    data = project.read_bytes(path)
    if data is None or len(data) > MAX_SOURCE_BYTES:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    application = application and "application" in text
    # Substring tests keep libcst away from nearly every file.
    constructs = _FRAMEWORK_IMPORT.search(text) and _MAY_CONSTRUCT.search(text)
    if not application and not constructs:
        return None
    found = _guarded(text, application)
    if found is None:
        return None
    defined, constructor = found
    if application and defined is not None:
        kind = "ASGI module" if path.endswith("asgi.py") else "WSGI module"
        return EntryPoint(path, defined, kind)
    if constructor is None or _inside_framework(project, path, constructor[1]):
        return None
    return EntryPoint(path, constructor[0], f"{constructor[1]} application")


def _inside_framework(project: Project, path: str, framework: str) -> bool:
    """A module of the framework's own package (celery's default app in `celery/_state.py`)
    builds no service."""
    parts = path.split("/")[:-1]
    package = framework.lower()
    return any(
        part == package and project.exists("/".join([*parts[: i + 1], "__init__.py"]))
        for i, part in enumerate(parts)
    )


Scan = tuple[int | None, tuple[int, str] | None]


def _guarded(text: str, application: bool) -> Scan | None:
    """libcst's native parser can overflow the C stack on deeply nested code: CPython's
    parser decides first, then a depth check, then libcst on a thread with a large stack
    (the guard of parsers/setuppy.py)."""
    import ast
    import warnings

    from envlint.parsers.setuppy import _MAX_DEPTH, _depth, _with_large_stack

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for "\d" and the like
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if _depth(tree) > _MAX_DEPTH:
        return None
    if not _may_hold_entry(tree, application):
        return None, None  # the text named a class only in strings or comments
    from libcst import ParserSyntaxError

    try:
        return _with_large_stack(lambda: scan_source(text))
    except (ParserSyntaxError, ValueError, RecursionError, MemoryError):
        return None  # Python accepts what libcst's grammar may not (yet)


def _may_hold_entry(tree: ast.AST, application: bool) -> bool:
    """A cheap pass over CPython's tree, kept to what libcst would confirm: a call of a
    framework class name or of a name imported from a framework under an alias, or (in an
    ASGI/WSGI module) a binding of `application`."""
    import ast

    callees = {name.rpartition(".")[2] for name in CONSTRUCTORS}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            callees.update(a.asname for a in node.names if a.asname and _leads(a.name))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = node.names
            callees.update(
                a.asname for a in names if a.asname and _leads(f"{node.module}.{a.name}")
            )
        if application and _binds(node, "application"):
            return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name in callees:
                return True
    return False


def _leads(name: str) -> bool:
    """`name` is an application class or a module on the way to one (`aiohttp.web`)."""
    return any(c == name or c.startswith(name + ".") for c in CONSTRUCTORS)


def _binds(node: ast.AST, name: str) -> bool:
    import ast

    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return any((a.asname or a.name) == name for a in node.names)
    if isinstance(node, ast.Name):
        return node.id == name and isinstance(node.ctx, ast.Store)
    return isinstance(node, ast.FunctionDef) and node.name == name


def scan_source(text: str) -> Scan:
    """(line of a module-level `application`, (line, framework) of the first application
    constructor call), resolved through the module's imports and their aliases."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    aliases: dict[str, str] = {}
    stars: list[str] = []
    calls: list[tuple[str, int]] = []
    application: int | None = None
    stack: list[tuple[cst.CSTNode, bool]] = [(wrapper.module, True)]
    while stack:
        node, top = stack.pop()
        line = positions[node].start.line if node in positions else 0
        if isinstance(node, cst.Import):
            for alias in node.names:
                name = _dotted(alias.name) or ""
                bound = _as_name(alias)
                aliases[bound or name.split(".")[0]] = name if bound else name.split(".")[0]
        elif isinstance(node, cst.ImportFrom) and not node.relative and node.module:
            module = _dotted(node.module) or ""
            if isinstance(node.names, cst.ImportStar):
                stars.append(module)
            else:
                for alias in node.names:
                    name = _dotted(alias.name) or ""
                    aliases[_as_name(alias) or name] = f"{module}.{name}"
                    if top and (_as_name(alias) or name) == "application":
                        application = application or line
        elif isinstance(node, cst.Call):
            func = _dotted(node.func)
            if func is not None:
                calls.append((func, line))
        if top and _binds_application(node):
            application = application or line
        inner = top and not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda))
        stack.extend((child, inner) for child in reversed(node.children))
    for func, line in sorted(calls, key=lambda c: c[1]):
        head, _, rest = func.partition(".")
        options = [aliases[head] + ("." + rest if rest else "")] if head in aliases else []
        options += [f"{star}.{func}" for star in stars]
        framework = next((CONSTRUCTORS[o] for o in options if o in CONSTRUCTORS), None)
        if framework is not None:
            return application, (line, framework)
    return application, None


def _binds_application(node: object) -> bool:
    import libcst as cst

    if isinstance(node, cst.FunctionDef):
        return node.name.value == "application"
    if isinstance(node, cst.Assign):
        return any(_dotted(t.target) == "application" for t in node.targets)
    if isinstance(node, cst.AnnAssign):
        return node.value is not None and _dotted(node.target) == "application"
    return False


def _dotted(node: object) -> str | None:
    """`a.b.c` for a Name or an Attribute chain of Names; None for anything else."""
    import libcst as cst

    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _as_name(alias: object) -> str | None:
    asname = getattr(alias, "asname", None)
    return None if asname is None else _dotted(asname.name)
