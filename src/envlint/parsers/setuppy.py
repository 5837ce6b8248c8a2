"""setup.py read statically with libcst, never executed: the keywords of its `setup()` call."""

from __future__ import annotations

import ast
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from envlint.model import ParseError
from envlint.parsers.pyproject import DependencyEntry, make_entry
from envlint.parsers.pythonversion import RequiresPython, requires_python
from envlint.parsers.setupcfg import setuptools_requirements
from envlint.parsers.setuppy_values import Resolved, SetupCall, Text, read_setup_call

T = TypeVar("T")
KEYWORDS = ("name", "python_requires", "install_requires", "extras_require")
# Deeper ASTs are no setup.py a person wrote; libcst's native parser can overflow the C stack
# on them (LibCST issues #619, #1000), which would kill the process, not raise.
_MAX_DEPTH = 100
# libcst's metadata costs ~0.1 ms a node, and its scope analysis pairs every read of a name with
# every binding of it: a 4,000-line `R = R + [...]` took 10 s. No setup.py a person wrote
# comes near either bound.
_MAX_NODES = 25_000
_MAX_NAME_PAIRS = 1_000_000
_STACK_BYTES = 64 << 20


@dataclass(frozen=True)
class SetupPy:
    """The one `setup()` call's keywords; values are read only when `calls` is 1.

    A keyword that is absent reads as None (or () for the requirement lists); one that is
    given but not a static literal, or that a `**kwargs` may supply, is None and in `unknown`.
    """

    calls: int = 0
    line: int | None = None
    name: str | None = None
    python_requires: RequiresPython | None = None
    install_requires: tuple[DependencyEntry, ...] | None = ()
    extras_require: tuple[DependencyEntry, ...] | None = ()  # group: the extra key as written
    unknown: frozenset[str] = frozenset()


def parse_setuppy(text: str) -> tuple[SetupPy, list[ParseError]]:
    """Read setup.py without running it; a syntax error is a ParseError, never an exception."""
    try:
        # CPython's own parser first: it decides what Python would run, and it fails cleanly
        # where libcst's native parser could overflow the stack.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for `"\d"` and the like
            tree = ast.parse(text, "setup.py")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return SetupPy(), [_python_error(text, exc)]
    if too_complex(tree):
        return _unknown(), []
    try:
        call = _with_large_stack(lambda: read_setup_call(text, KEYWORDS))
    except (ValueError, RecursionError, MemoryError):
        return _unknown(), []
    if call is None:
        return _unknown(), []
    if call.calls > 1:
        return replace(_unknown(), calls=call.calls), []
    if call.calls == 0:
        return SetupPy(), []
    return _setup(call), []


def _setup(call: SetupCall) -> SetupPy:
    values, unknown = call.values, set(call.unknown)
    texts: dict[str, Text | None] = {}
    for keyword in ("name", "python_requires"):
        value = values.get(keyword)
        texts[keyword] = value if isinstance(value, Text) else None
        if value is not None and not isinstance(value, Text):
            unknown.add(keyword)
    install = _entries(values["install_requires"], None) if "install_requires" in values else ()
    extras = _extras(values["extras_require"]) if "extras_require" in values else ()
    unknown |= {"install_requires"} if install is None else set()
    unknown |= {"extras_require"} if extras is None else set()
    python = texts["python_requires"]
    return SetupPy(
        calls=1,
        line=call.line,
        name=None if texts["name"] is None else texts["name"].text,
        python_requires=None
        if python is None
        else requires_python(python.text.strip(), python.line),
        install_requires=None if "install_requires" in unknown else install,
        extras_require=None if "extras_require" in unknown else extras,
        unknown=frozenset(unknown),
    )


def _extras(value: Resolved) -> tuple[DependencyEntry, ...] | None:
    if not isinstance(value, dict):
        return None
    found: list[DependencyEntry] = []
    for key, requirements in value.items():
        entries = _entries(requirements, key)
        if entries is None:
            return None
        found += entries
    return tuple(found)


def _entries(value: Resolved, group: str | None) -> tuple[DependencyEntry, ...] | None:
    """setuptools accepts one string of lines or a list of strings, read as one stream."""
    if isinstance(value, dict):
        return None
    lines = [
        (line, None if text.line is None else text.line + (number if text.spans_lines else 0))
        for text in ([value] if isinstance(value, Text) else value)
        for number, line in enumerate(text.text.splitlines())
    ]
    return tuple(make_entry(raw, line, group) for raw, line in setuptools_requirements(lines))


def _python_error(text: str, exc: Exception) -> ParseError:
    if isinstance(exc, (RecursionError, MemoryError)):
        return ParseError("invalid Python: nested too deeply for Python's parser")
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    if line is None and "\0" in text:
        # Python refuses a NUL byte (SyntaxError or ValueError by version) without a line.
        line, column = text.count("\n", 0, text.find("\0")) + 1, None
    message = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
    return ParseError(f"invalid Python: {message}", line, column)


def _unknown() -> SetupPy:
    """A setup.py Python accepts but envlint does not read: nothing is known about it."""
    return SetupPy(install_requires=None, extras_require=None, unknown=frozenset(KEYWORDS))


def _depth(tree: ast.AST) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > _MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def too_complex(tree: ast.AST) -> bool:
    """Whether reading `tree` with libcst could overflow the stack or take seconds."""
    stack, nodes = [(tree, 1)], 0
    loads: dict[str, int] = {}
    stores: dict[str, int] = {}
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > _MAX_DEPTH or nodes > _MAX_NODES:
            return True
        if isinstance(node, ast.Name):
            counts = loads if isinstance(node.ctx, ast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return sum(n * loads.get(name, 0) for name, n in stores.items()) > _MAX_NAME_PAIRS


def _with_large_stack(function: Callable[[], T]) -> T:
    """Run `function` in a thread with a large stack: libcst's parser recurses natively."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(function())
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    try:
        previous = threading.stack_size(_STACK_BYTES)
    except (ValueError, RuntimeError):
        return function()
    try:
        worker = threading.Thread(target=run, name="envlint-setuppy")
        worker.start()
    finally:
        threading.stack_size(previous)
    worker.join()
    if errors:
        raise errors[0]
    return results[0]
