"""Python version declarations (.python-version, runtime.txt, .tool-versions) and their helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from envlint.model import ParseError

# Components are capped at 9 digits: Python's int() refuses numbers past 4300 digits.
_VERSION = re.compile(r"(?P<release>\d{1,9}(?:\.\d{1,9}){0,2})(?P<pre>(?:a|b|rc)\d{1,9})?")
# pyenv/asdf names (python-build definitions): a CPython version, `t` for the free-threaded
# build, `-dev` for a branch build; uv also reads `cpython@3.12`, `cpython-3.12-os-arch-libc`
# and `3.13+freethreaded`.
_WORD = re.compile(
    r"(?:cpython[@-])?(?P<version>\d{1,9}(?:\.\d{1,9}){0,2}(?:(?:a|b|rc)\d{1,9})?)"
    r"(?P<ft>t|\+freethreaded)?(?:-dev|(?:-[A-Za-z0-9_]+){3})?"
)


@dataclass(frozen=True)
class DeclaredPython:
    """One declared CPython version; `specifier` is None when too vague to compare (`3`)."""

    specifier: SpecifierSet | None
    text: str
    line: int | None
    source: str
    minor: tuple[int, int] | None = None
    implementation: str | None = "cpython"  # None: not recorded (a venv module pyvenv.cfg)
    free_threaded: bool = False
    index: int = 0  # position among the versions the file lists; 0 is the one `python` runs


@dataclass(frozen=True)
class RequiresPython:
    """A `requires-python`-like specifier as written, parsed, or the reason it is invalid."""

    raw: str
    line: int | None
    specifier: SpecifierSet | None
    reason: str | None = None


def version_spec(text: str) -> SpecifierSet | None:
    """`3.12` -> `==3.12.*` (the series), `3.12.4` -> `==3.12.4` (the release), else None."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        return None
    parts = match["release"].split(".")
    if len(parts) == 2 and not match["pre"]:
        return SpecifierSet(f"=={match['release']}.*")
    if len(parts) == 3:
        return SpecifierSet(f"=={match.group(0)}")
    return None


def checked_specifier(text: str) -> SpecifierSet:
    """`SpecifierSet(text)`, also rejecting versions `packaging` could not compare later.

    packaging parses a specifier's version lazily: `>=` followed by 5000 digits is accepted,
    then `contains()` raises ValueError (Python's int limit). InvalidSpecifier instead.
    """
    specifiers = SpecifierSet(text)
    for item in specifiers:
        if item.operator != "===":
            try:
                Version(item.version.removesuffix(".*"))
            except ValueError as exc:
                raise InvalidSpecifier(f"Invalid specifier: {str(item)[:40]!r}") from exc
    return specifiers


def requires_python(raw: str, line: int | None) -> RequiresPython:
    """Parse a PEP 440 specifier set such as `requires-python` or `python_requires`."""
    try:
        return RequiresPython(raw, line, checked_specifier(raw))
    except InvalidSpecifier as exc:
        return RequiresPython(raw, line, None, str(exc))


def declared(word: str, line: int | None, source: str, index: int = 0) -> DeclaredPython | None:
    """A version word as pyenv/asdf/uv write it; None for other values (`system`, `pypy3.10`)."""
    if word and word[0] in "<>=!~":
        # uv accepts a specifier set (`>=3.12`) in .python-version.
        try:
            return DeclaredPython(checked_specifier(word), word, line, source, index=index)
        except InvalidSpecifier:
            return None
    match = _WORD.fullmatch(word)
    if match is None:
        return None
    spec = version_spec(match["version"])
    release = match["version"].split(".")
    minor = (int(release[0]), int(release[1])) if spec is not None else None
    return DeclaredPython(spec, word, line, source, minor, "cpython", bool(match["ft"]), index)


def _significant_lines(text: str, comments: bool = False) -> list[tuple[int, list[str]]]:
    """(1-based line, words) of lines that are not blank or `#` comments."""
    result = []
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        words = (raw.partition("#")[0] if comments else raw).split()
        if words and not words[0].startswith("#"):
            result.append((number, words))
    return result


def parse_python_version_file(text: str) -> tuple[tuple[DeclaredPython, ...], list[ParseError]]:
    """`.python-version`: each line's first word is a version; the first one is `python`.

    pyenv (pyenv-version-file-read) skips blank lines, `#` comments, `..` and words with `/`.
    """
    found: list[DeclaredPython] = []
    index = 0
    for number, words in _significant_lines(text):
        if words[0] == ".." or "/" in words[0]:
            continue
        item = declared(words[0], number, ".python-version", index)
        if item is not None:
            found.append(item)
        index += 1
    return tuple(found), []


def parse_runtime_txt(text: str) -> tuple[tuple[DeclaredPython, ...], list[ParseError]]:
    """`runtime.txt` as Heroku reads it: `python-3.12.4` (or `python-3.12`)."""
    lines = _significant_lines(text)
    if len(lines) != 1 or len(lines[0][1]) != 1:
        return (), []
    number, (word,) = lines[0]
    match = re.fullmatch(r"python-(\d+\.\d+(?:\.\d+)?)", word)
    item = declared(match[1], number, "runtime.txt") if match else None
    return (() if item is None else (item,)), []


def parse_tool_versions(text: str) -> tuple[tuple[DeclaredPython, ...], list[ParseError]]:
    """asdf `.tool-versions`: the versions after `python` on its line; the first one is used."""
    for number, words in _significant_lines(text, comments=True):
        if words[0] == "python":
            items = (declared(w, number, ".tool-versions", i) for i, w in enumerate(words[1:]))
            return tuple(item for item in items if item is not None), []
    return (), []


def _candidates(specs: SpecifierSet) -> set[Version]:
    """Each boundary a specifier mentions, and the next release after it at every level."""
    found: set[Version] = set()
    for spec in specs:
        try:
            version = Version(spec.version.removesuffix(".*"))
        except ValueError:  # InvalidVersion, or digits past Python's int limit
            continue
        found.add(version)
        a, b, c = (*version.release, 0, 0)[:3]
        found.update(Version(f"{a}.{b}.{c + d}") for d in (-1, 0, 1) if c + d >= 0)
        found.update((Version(f"{a}.{b + 1}.0"), Version(f"{a + 1}.0.0")))
        if version.pre is not None:
            found.add(Version(f"{version.base_version}{version.pre[0]}{version.pre[1] + 1}"))
    return found


_BASE = {Version(f"{a}.{b}.{c}") for a in (0, 2, 3) for b in range(21) for c in (0, 1, 5, 10)}


def specifiers_intersect(a: SpecifierSet, b: SpecifierSet) -> bool | None:
    """Whether some Python version satisfies both sets; None when unsure (`===`).

    False is sound: on the X.Y.Z lattice the versions a specifier set admits form intervals
    whose lowest member is 0.0.0, a version some specifier names, or the next micro, minor or
    major release after one; all of those are tried, together with mentioned pre-releases.
    """
    if any(spec.operator == "===" for spec in (*a, *b)):
        return None
    try:
        for version in sorted(_BASE | _candidates(a) | _candidates(b)):
            if a.contains(version, prereleases=True) and b.contains(version, prereleases=True):
                return True
    except ValueError:  # a version packaging cannot compare (see checked_specifier)
        return None
    return False
