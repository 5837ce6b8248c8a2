"""gitignore-style path patterns (config `exclude`, `per-path-ignores`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def gitignore_matcher(patterns: Sequence[str]) -> Callable[[str], bool]:
    """A predicate: does a POSIX relative path, or a directory above it, match?"""
    if not patterns:
        return lambda _path: False
    from pathspec import GitIgnoreSpec

    from envlint.gitignore import bounded

    # The same bound as the walk's .gitignore reading: many `**` make pathspec's regex slow.
    spec = GitIgnoreSpec.from_lines(p for p in map(bounded, patterns) if p)
    directories: dict[str, bool] = {}

    def directory_matches(directory: str) -> bool:
        if directory not in directories:
            parent = directory.rpartition("/")[0]
            directories[directory] = (bool(parent) and directory_matches(parent)) or bool(
                spec.match_file(directory + "/")
            )
        return directories[directory]

    def matches(path: str) -> bool:
        parent = path.rpartition("/")[0]
        return (bool(parent) and directory_matches(parent)) or bool(spec.match_file(path))

    return matches
