"""Which Python made a venv in a Dockerfile, and which Python a stage runs (RULES.md
"Base-image Python"). Unknown stays None: a guess would make a finding wrong."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envlint.dockerflow import Origin, under
from envlint.dockerinfo import mount_fields
from envlint.dockerstage import StageView
from envlint.parsers.dockerfile_args import copy_args
from envlint.parsers.shell_options import basename, parse_options, unwrap
from envlint.parsers.shell_pip import UV

if TYPE_CHECKING:
    from envlint.parsers.baseimage import ImagePython

# `python3.11`, `pypy3.10`, `3.13t`, `cpython@3.12`, `cpython-3.12.3-linux-x86_64-gnu`.
_REQUEST = re.compile(
    r"(?:(?P<impl>python|cpython|pypy)[@-]?)?"
    r"(?:(?P<major>[0-9])(?:\.(?P<minor>[0-9]+))?(?:\.[0-9]+)?(?P<t>t)?(?:-.*)?)?",
    re.ASCII,
)
_SHORT = re.compile(r"(?P<impl>cp|pp)(?P<major>3)(?P<minor>[0-9]+)(?P<t>t)?", re.ASCII)
_SYSTEM_BIN = frozenset({"/usr/local/bin"})  # where docker-library images put their Python
_MANAGED = frozenset({"only-managed", "managed"})
_NO_DOWNLOADS = frozenset({"never", "manual", "0", "false", "no", "off", "n", "f"})
_INTERPRETER_DIR = re.compile(r"(?:c?python|pypy)(?:[0-9.]*t?|-.*)", re.ASCII)
_PYTHON_PREFIXES = ("/usr/local", "/usr/local/bin", "/usr/local/lib")
UV_DEFAULT_HOME = "/.local/share/uv/python"


@dataclass(frozen=True)
class Interpreter:
    implementation: str | None  # "cpython" or "pypy"
    minor: tuple[int, int] | None
    free_threaded: bool | None
    libc: str | None  # "glibc" or "musl"

    def describe(self) -> str:
        name = {"cpython": "CPython", "pypy": "PyPy"}.get(self.implementation or "", "Python")
        version = "" if self.minor is None else " {}.{}".format(*self.minor)
        suffix = "t" if self.free_threaded and self.minor else ""
        return f"{name}{version}{suffix}" + (f" ({self.libc})" if self.libc else "")


def of_image(python: ImagePython | None) -> Interpreter | None:
    """A base image's Python, when its tag names the minor version."""
    if python is None or python.minor is None:
        return None
    return Interpreter(python.implementation, python.minor, python.free_threaded, python.libc)


def _request(text: str) -> tuple[str | None, tuple[int, int] | None, bool] | None:
    """(implementation, minor, free-threaded) that a command or `--python` value names;
    None when it names none that can be read (a path to an unnamed binary, `>=3.11`)."""
    name = basename(text).lower()
    match = _SHORT.fullmatch(name) or _REQUEST.fullmatch(name)
    if match is None or not name:
        return None
    impl = {"cp": "cpython", "pp": "pypy", "python": None}.get(match["impl"], match["impl"])
    if match["major"] is None or match["minor"] is None:
        return impl, None, False
    return impl, (int(match["major"]), int(match["minor"])), match["t"] is not None


def creating(origin: Origin) -> Interpreter | None:
    """The Python that made a venv: the one the command names, else the stage's image's."""
    made, view = origin.made, origin.view
    base = of_image(view.python)
    named = made.interpreter
    if named is None:
        if made.tool.startswith("uv") and (
            _managed_python(view, origin) or _version_file(view, origin)
        ):
            return None  # uv may have picked a Python it downloaded, not the image's
        return base
    request = _request(named)
    if request is None:
        return None
    impl, minor, free_threaded = request
    if minor is None:
        # `python3 -m venv`: the image's Python, unless a path names another binary.
        if "/" in named and posixpath.dirname(named) not in _SYSTEM_BIN:
            return None
        if base is None or (impl is not None and impl != base.implementation):
            return None
        return base
    if impl is None and base is not None and base.implementation != "cpython":
        return None  # `python3.10` on a PyPy image: which binary that is is unclear
    libc = base.libc if base is not None else None
    return Interpreter(impl or "cpython", minor, free_threaded, libc)


def _managed_python(view: StageView, origin: Origin) -> bool:
    env = origin.made.step.before.variables
    if env.get("UV_PYTHON_PREFERENCE", "").lower() in _MANAGED:
        return True
    for current in view.chain:
        for step in current.steps:
            for command in step.script.commands if step.script else ():
                _, words = unwrap(command)
                if words and basename(words[0]) == "uv":
                    positionals = parse_options(words[1:], UV).positionals
                    if positionals[:2] == ("python", "install"):
                        return True
    return False


def _version_file(view: StageView, origin: Origin) -> bool:
    """Whether uv, allowed to download Pythons, may read a `.python-version` before it made
    the venv: one copied or bind-mounted, or a whole build context copied or mounted.
    uv requests the version that file names (written by `uv init`), downloading it when
    the image lacks it; with downloads off it uses the image's Python or fails."""
    env = origin.made.step.before.variables
    if env.get("UV_PYTHON_DOWNLOADS", "automatic").strip().lower() in _NO_DOWNLOADS:
        return False
    for current in reversed(view.chain):
        for step in current.steps:
            instr = step.instruction
            args = copy_args(instr)
            sources = [] if args is None or args.from_ else args.sources
            if any(_may_hold_version_file(s.path) for s in sources if not s.is_heredoc):
                return True
            for mount in instr.flag_values("mount") if instr.keyword == "RUN" else ():
                fields = mount_fields(mount)
                if fields.get("type", "bind") == "bind" and "from" not in fields:
                    source = fields.get("source") or fields.get("src") or "."
                    if _may_hold_version_file(source):
                        return True
            if step is origin.made.step:
                return False
    return False


def _may_hold_version_file(source: str) -> bool:
    path = posixpath.normpath(source)
    return path in (".", "/") or "$" in path or basename(path).startswith(".python-version")


def differences(made: Interpreter, runs: Interpreter) -> list[str]:
    """What differs between two interpreters, as far as both are known."""
    out: list[str] = []
    if made.minor is not None and runs.minor is not None and made.minor != runs.minor:
        out.append("minor version")
    impl_known = made.implementation is not None and runs.implementation is not None
    if impl_known and made.implementation != runs.implementation:
        out.append("implementation")
    elif None not in (made.free_threaded, runs.free_threaded) and (
        made.free_threaded != runs.free_threaded
    ):
        out.append("free-threading")
    if made.libc is not None and runs.libc is not None and made.libc != runs.libc:
        out.append("libc")
    return out


def interpreter_homes(origin: Origin) -> list[str]:
    """Directories that may hold the interpreter a venv links to."""
    env = origin.made.step.before.variables
    homes = list(_PYTHON_PREFIXES)
    if env.get("UV_PYTHON_INSTALL_DIR", "").startswith("/"):
        homes.append(posixpath.normpath(env["UV_PYTHON_INSTALL_DIR"]))
    named = origin.made.interpreter or ""
    if named.startswith("/"):
        homes.append(posixpath.dirname(posixpath.dirname(posixpath.normpath(named))))
    return homes


def copies_interpreter(target: StageView, origin: Origin) -> bool:
    """Whether the stage's chain copies an interpreter in from elsewhere (uv's standalone
    pattern: `COPY --from=builder /python /python`); an unknown source may be one."""
    homes = interpreter_homes(origin)
    for view in target.chain:
        for step in view.steps:
            args = copy_args(step.instruction)
            if args is None or args.from_ is None:
                continue
            for source in args.sources:
                value = step.before.expand(source.path, view.dockerfile.escape)
                if value is None:
                    return True
                path = posixpath.normpath("/" + re.split(r"[*?\[]", value)[0].lstrip("/"))
                if _holds_interpreter(path, homes):
                    return True
    return False


def _holds_interpreter(path: str, homes: list[str]) -> bool:
    if path in _PYTHON_PREFIXES or path in ("/", "/usr"):
        return True
    if any(under(home, path) or under(path, home) for home in homes[len(_PYTHON_PREFIXES) :]):
        return True
    at = path.find("/.local")
    if at >= 0:  # uv's default install directory, `~/.local/share/uv/python`, or a parent
        tail = path[at:]
        if under(tail, UV_DEFAULT_HOME) or under(UV_DEFAULT_HOME, tail):
            return True
    return _INTERPRETER_DIR.fullmatch(posixpath.basename(path)) is not None
