"""EL0xx: envlint itself."""

from __future__ import annotations

from collections.abc import Iterator

from envlint import artifacts
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

HELP_UNPARSABLE = (
    "Fix the file so that its own tool accepts it; the rules that need it skip it until then."
)


@rule(code="EL001", name="unparsable-file", severity=Severity.ERROR)
def unparsable_file(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a file envlint must read (Dockerfile, requirements file, `pyproject.toml`,
    `setup.py`, `setup.cfg`, compose file, `pyvenv.cfg`, `.dockerignore`, lock file) that
    cannot be decoded or parsed the way its own tool parses it, with the reason and the
    line. The rules that need the file skip it; every other rule still runs.

    ## Why is this bad?
    If envlint cannot read it, neither can pip, Docker or the build backend: the build
    fails later, further from the cause. And every rule that needs the file is blind to it.

    ## Example
    A `Dockerfile` that holds a compose file (`services:` ...), or a `pyproject.toml`
    with an unclosed string.
    Use instead: the file its name promises, valid for its tool.

    ## How to fix
    Correct the syntax at the reported line, or rename the file if it is not what its
    name says.

    ## Configuration
    Values its own tool accepts are never reported (a RUN ending in `\\` at the end of a
    Dockerfile; a `.python-version` naming `system` or a pyenv environment).

    ## Derived from
    The comparison's "Use Cases": reproducible environments; an environment is only as
    reproducible as the files that declare it are readable.
    """
    artifacts.parse_all(project)
    seen: set[tuple[str, int | None, str]] = set()
    for problem in project.problems:
        key = (problem.path, problem.error.line, problem.error.message)
        if key in seen:
            continue
        seen.add(key)
        message = f"cannot parse `{problem.path}`: {problem.error.message}"
        if problem.hint:
            message += f" ({problem.hint})"
        yield Hit(problem.path, problem.error.line, message, HELP_UNPARSABLE, problem.error.column)
