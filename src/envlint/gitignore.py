"""`.gitignore` matching for walks outside git, with git's precedence between files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from envlint.project import read_regular_file

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

MAX_IGNORE_FILE_BYTES = 1 << 20
# pathspec turns each `**` into a `(?:.+/)?` group that Python's `re` backtracks through:
# `**/a/**/a/**/a/**/a/**/a/**/a/**/b` took 7 s on one 40-deep path. Beyond this many, the
# middle of a pattern is dropped (see `bounded`).
MAX_DOUBLE_STARS = 2


class IgnoreStack:
    """The `.gitignore` files of the directories a walk has entered."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._specs: dict[str, GitIgnoreSpec] = {}

    def enter(self, rel_dir: str) -> None:
        path = self.root / rel_dir / ".gitignore" if rel_dir else self.root / ".gitignore"
        try:
            data = None if path.is_symlink() else read_regular_file(path, MAX_IGNORE_FILE_BYTES)
        except OSError:
            return
        if data is None:  # absent, a FIFO (opening it would block) or a device
            return
        lines = [bounded(line) for line in data.decode("utf-8", errors="replace").splitlines()]
        from pathspec import GitIgnoreSpec

        try:
            self._specs[rel_dir] = GitIgnoreSpec.from_lines(line for line in lines if line)
        except (ValueError, TypeError):
            return

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Git's verdict: the deepest `.gitignore` with a matching pattern decides."""
        parts = rel.split("/")
        for depth in range(len(parts) - 1, -1, -1):
            base = "/".join(parts[:depth])
            spec = self._specs.get(base)
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            result = spec.check_file(sub).include
            if result is not None:
                return result
        return False


def bounded(line: str) -> str:
    """`line`, or a pattern matching a superset of it when it holds too many `**` parts.

    `head/**/m1/**/m2/**/tail` becomes `head/**/tail`: the walk then ignores a little more,
    and sees fewer files rather than wrong ones. A `!` line re-including so much would do
    the opposite: it is dropped ("" is no pattern).
    """
    negated = line.startswith("!")
    parts = line.removeprefix("!").split("/")
    stars = [i for i, part in enumerate(parts) if part == "**"]
    if len(stars) <= MAX_DOUBLE_STARS:
        return line
    if negated:
        return ""
    return "/".join(parts[: stars[0] + 1] + parts[stars[-1] + 1 :])
