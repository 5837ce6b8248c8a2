"""EL4xx: the Python versions a repository declares, against each other and the calendar."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from envlint import artifacts
from envlint.eol import EOL_TABLE, eol_date, is_end_of_life
from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

MSG_CONFLICT = "{this} conflicts with {other} at {other_where}: no Python version satisfies both"
HELP_CONFLICT = (
    "Choose one Python for this code and make the declarations agree: every pin (base "
    "image, `.python-version`, `runtime.txt`, `.tool-versions`, Pipfile) must lie inside "
    "the range that `requires-python` states."
)
HELP_CONFLICT_VENV = (
    "The virtualenv was made with another Python than the project declares: recreate it "
    "(`rm -rf {venv} && uv venv` or `python3.X -m venv {venv}`) with a Python that fits."
)
MSG_EOL = "{this} runs Python {minor}, past its end of life ({ended})"
MSG_EOL_RANGE = "{this} admits no Python newer than {minor}, past its end of life ({ended})"
HELP_EOL = (
    "Move to a supported Python ({supported} or newer): a minor past its end of life gets "
    "no security fixes, and new releases of your dependencies drop it."
)
HELP_EOL_RANGE = (
    "Admit a supported Python ({supported} or newer) and test on it: a minor past its end "
    "of life gets no security fixes, and new releases of your dependencies drop it."
)
# Minors checked against a requires-python; one that admits 3.30 is open-ended.
CHECKED_MINORS = ((2, 7), *((3, n) for n in range(31)))
# A local venv is compared with what governs local installs, not with deployment pins.
_NOT_COMPARED = (
    frozenset({"image"}), frozenset({"venv"}), frozenset({"venv", "image"}),
    frozenset({"venv", "runtime.txt"}),
)  # fmt: skip
# The files a declaration is read from (pyversions' KINDS, venvs and images aside).
_DECLARING = (
    "pyproject.toml", "setup.py", "setup.cfg", "Pipfile", ".python-version", "runtime.txt",
    ".tool-versions",
)  # fmt: skip


def _declares_nothing(project: Project) -> bool:
    """No file declares a Python version and no Dockerfile names a base image: what is left,
    venvs beside requirements files, are never compared with each other (_NOT_COMPARED)."""
    if any(p.endswith(_DECLARING) for p in project.visible_files()):
        return False
    return not artifacts.has_dockerfiles(project)


@rule(code="EL401", name="python-version-conflict", severity=Severity.ERROR)
def python_version_conflict(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports two declarations of the Python version that apply to the same code and admit
    no common version. Sources: the final stage's base-image Python; `requires-python`;
    Poetry's `python` (`^`, `~` translated); setup.py/setup.cfg `python_requires`; Pipfile
    `[requires]`; `.python-version` (the first version; the nearest file at or above a
    directory applies to it); `runtime.txt`; `.tool-versions` (the first version after
    `python`); an untracked or ignored `.venv`/`venv` beside a manifest, by its
    `pyvenv.cfg`. `X.Y` means the series `==X.Y.*`, `X.Y.Z` that release, and `3.13t`
    compares as 3.13.

    Code is a directory holding a manifest, `runtime.txt` or `.tool-versions`. A Dockerfile
    applies to the directory that is its build context and to the manifests (or project
    directories) its final stage's stages copy or bind-mount in. The finding sits at the
    concrete version (the `FROM` line, the `.python-version` line, …) and names the other
    declaration and its line; one finding per conflicting pair.

    ## Why is this bad?
    One of the two is wrong, and the tool that reads it fails or silently uses another
    interpreter: pip refuses to install a project whose `requires-python` excludes the
    image's Python, uv refuses a `.python-version` outside `requires-python`, and a venv
    made with another minor holds packages built for that minor.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    COPY pyproject.toml .
    ```
    with `requires-python = ">=3.12"` in pyproject.toml.
    Use instead: `FROM python:3.12-slim`.

    ## How to fix
    Pick the Python the code runs on and update the pins to it; keep `requires-python` the
    range the code supports.

    ## Configuration
    Not compared: two base images (a test matrix builds one image per Python), two venvs,
    and a local venv with a deployment pin (base image, `runtime.txt`). Skipped: versions
    too vague to compare (`3`), non-versions (`system`, a pyenv environment name), tool
    settings (`[tool.mypy] python_version`, ruff's and black's `target-version`), tracked
    venvs (EL101), venvs under `.tox/`, `.nox/`, `.hatch/`, `.pixi/`, non-final stages,
    builds whose context is unknown, and test data (`fixtures/`, `testdata/`).

    ## Derived from
    The comparison's "Use Cases": a virtualenv is meant to "avoid conflicts between
    different Python versions"; it can only do so when the versions a project declares
    agree.
    """
    if _declares_nothing(project):
        return
    from envlint.pyversions import scopes

    seen: set[tuple[object, object]] = set()
    for items in scopes(project).values():
        for a, b in itertools.combinations(items, 2):
            if frozenset({a.kind, b.kind}) in _NOT_COMPARED or (a.key, b.key) in seen:
                continue
            seen.add((a.key, b.key))
            if not _disjoint(a.specifier, b.specifier):
                continue
            here, other = sorted((a, b), key=lambda d: (not d.pinned, d.key))
            message = MSG_CONFLICT.format(
                this=here.describe, other=other.describe, other_where=other.where
            )
            venv = here.path.rpartition("/")[0] if here.kind == "venv" else None
            help_ = HELP_CONFLICT_VENV.format(venv=venv) if venv else HELP_CONFLICT
            yield Hit(here.path, here.line, message, help_)


def _disjoint(a: SpecifierSet, b: SpecifierSet) -> bool:
    from envlint.parsers.pythonversion import specifiers_intersect

    return specifiers_intersect(a, b) is False  # None (unsure) is no finding


@rule(code="EL402", name="python-end-of-life", severity=Severity.WARNING)
def python_end_of_life(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a pinned CPython runtime whose minor is past its end of life on the run date:
    the final stage's base image, the first version in a `.python-version`, or
    `runtime.txt`. Also reports a `requires-python` (or Poetry's `python`, or setup.py's
    or setup.cfg's `python_requires`) that admits only such minors (2.7 and 3.0–3.30 are
    checked; an open upper bound admits future minors). An exact end-of-life date takes
    effect the day after it, a month-only date on the first day of the next month.

    ## Why is this bad?
    A minor past its end of life gets no security fixes, base images for it stop being
    rebuilt, and new releases of your dependencies drop it, so the pins freeze on old,
    vulnerable versions.

    ## Example
    ```dockerfile
    FROM python:3.8-slim
    ```
    Use instead: `FROM python:3.12-slim`.

    ## How to fix
    Move to a supported minor, run the tests on it, and update every declaration
    together (see EL401).

    ## Configuration
    The run date is today, or `SOURCE_DATE_EPOCH` when set. The table of end-of-life dates
    is built in (2.7 2020-01-01, 3.6 2021-12-23, 3.7 2023-06-27, 3.8 2024-10-07, 3.9
    2025-10-31, 3.10 2026-10, 3.11 2027-10, 3.12 2028-10, 3.13 2029-10, 3.14 2030-10).
    PyPy images are not reported: PyPy's own support policy applies.

    ## Derived from
    The comparison's "Purpose and Functionality": an image encapsulates an entire
    environment, its interpreter included, so the interpreter it pins is the one that
    ships.
    """
    if _declares_nothing(project):
        return
    from envlint.pyversions import images, pins, requires_pythons

    today = project.today
    supported = _supported(today)
    found = [image.declaration for image in images(project)]
    found += pins(project, ".python-version") + pins(project, "runtime.txt")
    for item in sorted(set(found), key=lambda d: d.key):
        if item.implementation != "cpython" or item.minor is None:
            continue  # PyPy's own support policy applies
        if is_end_of_life(item.minor, today):
            minor, ended = _minor(item.minor), _ended(item.minor)
            message = MSG_EOL.format(this=item.describe, minor=minor, ended=ended)
            yield Hit(item.path, item.line, message, HELP_EOL.format(supported=supported))
    for item in requires_pythons(project):
        newest = _newest_if_all_ended(item.specifier, today)
        if newest is not None:
            minor, ended = _minor(newest), _ended(newest)
            message = MSG_EOL_RANGE.format(this=item.describe, minor=minor, ended=ended)
            yield Hit(item.path, item.line, message, HELP_EOL_RANGE.format(supported=supported))


def _newest_if_all_ended(specifier: SpecifierSet, today: date) -> tuple[int, int] | None:
    """The newest checked minor the specifier admits when every minor it admits is past
    its end of life; None when one is supported, none is admitted, or it is unsure.
    Newest first: a supported minor (the usual case) settles it at once."""
    from packaging.specifiers import SpecifierSet

    from envlint.parsers.pythonversion import specifiers_intersect

    newest: tuple[int, int] | None = None
    for minor in sorted(CHECKED_MINORS, reverse=True):
        overlap = specifiers_intersect(specifier, SpecifierSet(f"=={_minor(minor)}.*"))
        if overlap is None:
            return None
        if overlap:
            if not is_end_of_life(minor, today):
                return None
            newest = newest or minor
    return newest


def _minor(minor: tuple[int, int]) -> str:
    return f"{minor[0]}.{minor[1]}"


def _ended(minor: tuple[int, int]) -> str:
    """`ended 2025-10-31`; for minors older than the table, before its first entry."""
    text = eol_date(minor)
    if text is not None:
        return f"ended {text}"
    first = min((m for m in EOL_TABLE if m[0] == minor[0]), default=None)
    return f"ended before {EOL_TABLE[first]}" if first is not None else "ended"


def _supported(today: date) -> str:
    """The oldest minor of the table not past its end of life (the smallest move)."""
    minors = [m for m in sorted(EOL_TABLE) if not is_end_of_life(m, today)]
    return _minor(minors[0]) if minors else "a supported minor"
