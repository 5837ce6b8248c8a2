"""The one object rules see: the file index plus artifacts parsed on first use."""

from __future__ import annotations

import os
import posixpath
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from envlint.discover import FileIndex
from envlint.model import ParseError

T = TypeVar("T")

MAX_FILE_BYTES = 4 << 20

Parser = Callable[[str], tuple[T | None, list[ParseError]]]
Decoder = Callable[[bytes], tuple[str | None, list[ParseError]]]


def decode_utf8(data: bytes) -> tuple[str | None, list[ParseError]]:
    """UTF-8, a leading BOM dropped; what TOML, YAML and Dockerfiles require."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [ParseError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", line)]
    return text.removeprefix("\ufeff"), []


def read_regular_file(path: Path | str, max_bytes: int) -> bytes | None:
    """At most `max_bytes` of a regular file; None for a FIFO, device or directory.

    Only regular files are opened: opening a FIFO blocks until a writer comes, and a device
    (`/dev/zero`) never ends. O_NONBLOCK closes the race where the file is swapped for a FIFO
    between the check and the open. Raises OSError when the file cannot be read.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        return None
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks: list[bytes] = []
        left = max_bytes
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class FileProblem:
    """An EL001 finding in waiting: a file that could not be read as its tool reads it."""

    path: str
    error: ParseError
    hint: str = ""


@dataclass
class Project:
    root: Path
    files: FileIndex
    today: date
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    exclude: Callable[[str], bool] = field(default=lambda _path: False)
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _bytes: dict[str, bytes | None] = field(default_factory=dict)
    _memo: dict[object, Any] = field(default_factory=dict)
    _visible: list[str] | None = None

    # --- files ------------------------------------------------------------------------------

    def visible_files(self) -> list[str]:
        """Tracked and untracked-not-ignored files outside environments and `exclude`."""
        if self._visible is None:
            self._visible = [
                p for p in self.files.visible() if not self.exclude(p) and not is_template(p)
            ]
        return self._visible

    def files_where(self, predicate: Callable[[str], bool]) -> list[str]:
        return [p for p in self.visible_files() if predicate(p.rpartition("/")[2])]

    def exists(self, path: str) -> bool:
        """Whether `path` (relative, POSIX) exists on disk, tracked, untracked or ignored."""
        return os.path.lexists(self.root / path)

    def is_dir(self, path: str) -> bool:
        full = self.root / path
        return full.is_dir() and not full.is_symlink()

    def read_bytes(self, path: str) -> bytes | None:
        """A file's bytes, read once; None when missing, unreadable, not a regular file, a link
        out of the root, or too big."""
        if path in self._bytes:
            return self._bytes[path]
        data: bytes | None = None
        full = self.root / path
        try:
            target = self._target(path)
            if target is not None:
                data = read_regular_file(target, MAX_FILE_BYTES + 1)
            if data is not None and len(data) > MAX_FILE_BYTES:
                self.notes.append(f"{path}: larger than {MAX_FILE_BYTES >> 20} MiB, skipped")
                data = None
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
            if os.path.lexists(full):
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                self.problems.append(FileProblem(path, ParseError(f"cannot be read: {reason}")))
        self._bytes[path] = data
        return data

    def _target(self, path: str) -> Path | None:
        """What reading `path` opens; None when a symlink on the way leads out of the root.

        A dangling link or a loop is returned as is: reading it fails, and the finding says
        why. A path that names a place outside (`../Dockerfile` of a compose file) is read."""
        full = self.root / path
        normal = posixpath.normpath(path)
        if normal.startswith(("/", "../")) or normal == "..":
            return full
        # git and the walk list no file through a linked directory: only the file itself can
        # be a link there, and an lstat is much cheaper than resolving the whole path.
        listed = normal in self.files.tracked or normal in self.files.untracked
        if listed and not os.path.islink(full):
            return full
        try:
            target = full.resolve(strict=True)
        except (OSError, RuntimeError):  # RuntimeError: a loop, before Python 3.13
            return full
        try:
            target.relative_to(self.root.resolve())
        except ValueError:
            return None
        return target

    def parse(
        self,
        path: str,
        parser: Parser[T],
        *,
        decoder: Decoder = decode_utf8,
        hint: Callable[[str], str] | None = None,
    ) -> T | None:
        """`parser`'s result for `path`, once; failures become EL001 problems."""
        key = ("parse", path, parser.__module__, parser.__qualname__)
        if key in self._memo:
            return self._memo[key]  # type: ignore[no-any-return]
        result: T | None = None
        data = self.read_bytes(path)
        if data is not None:
            text, errors = decoder(data)
            if text is not None and not errors:
                try:
                    result, errors = parser(text)
                except (ValueError, RecursionError, MemoryError) as exc:
                    result, errors = None, [ParseError(f"cannot be parsed: {exc}")]
            extra = hint(text) if hint and text is not None and errors else ""
            if extra:  # the file is something else: one finding says so
                errors, extra = [ParseError(extra, 1)], ""
            # Like the tools themselves, stop at the first error: the rest may be its echo.
            self.problems.extend(FileProblem(path, e, extra) for e in errors[:1])
            if errors:  # the tool would refuse the file: rules that need it skip it
                result = None
        self._memo[key] = result
        return result

    def memo(self, key: object, factory: Callable[[], T]) -> T:
        """Derived data computed once per run (stages, contexts, install sets)."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]  # type: ignore[no-any-return]

    def options(self, code: str) -> Mapping[str, Any]:
        return self.rule_options.get(code, {})

    def line_of(self, path: str, needle: str) -> int | None:
        """The first line of `path` containing `needle` (for whole-file facts)."""
        data = self.read_bytes(path)
        if data is None:
            return None
        text = data.decode("utf-8", "replace")
        for number, line in enumerate(text.splitlines(), 1):
            if needle in line:
                return number
        return None


def is_template(path: str) -> bool:
    """Under a cookiecutter/copier template directory (`{{cookiecutter.project_slug}}/`):
    its files are Jinja sources, not the files they will render to."""
    return "{{" in path and "}}" in path


def parent_dirs(path: str) -> Iterable[str]:
    """`a/b/c` -> `a/b`, `a`, `` (the root)."""
    parts = path.split("/")[:-1]
    for i in range(len(parts), -1, -1):
        yield "/".join(parts[:i])
