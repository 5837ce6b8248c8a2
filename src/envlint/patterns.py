"""gitignore-style path patterns (config `exclude`, `per-path-ignores`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def gitignore_matcher(patterns: Sequence[str]) -> Callable[[str], bool]:
    """A predicate: does a POSIX relative path, or a directory above it, match?"""
    if not patterns:
        return lambda _path: False
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(patterns)

    def matches(path: str) -> bool:
        parts = path.split("/")
        for i in range(1, len(parts)):
            if spec.match_file("/".join(parts[:i]) + "/"):
                return True
        return spec.match_file(path)

    return matches
