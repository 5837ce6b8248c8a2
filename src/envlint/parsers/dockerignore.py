"""`.dockerignore` as BuildKit reads it (moby/patternmatcher, tonistiigi/fsutil), not as git."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from envlint.model import ParseError

# Go's unicode.IsSpace, used by strings.TrimSpace (str.strip() would also eat \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)
_MAX_LINE_BYTES = 64 * 1024  # bufio.Scanner's limit: ignorefile.ReadAll fails past it
_ESCAPED = frozenset(".+()|{}$")  # patternmatcher's shouldEscape
_GO_ESCAPES = {c: "\\" + c for c in "afnrtvdDsSwWbBA"} | {"z": r"\Z"}
_ZERO_WIDTH = frozenset({"^", r"\b", r"\B", r"\A", r"\Z"})
_REPEATS = frozenset({"[^/]*", "(.*/)?", ".*"})
_GLOB_CHARS = frozenset("*[]?^\\")  # fsutil: a `!` pattern without these is a plain prefix
_CLASS_CHAR = r"(?:\\.|[^\\\-\]])"
# The syntax Go's filepath.Match accepts (patternmatcher.New rejects anything else).
_GO_GLOB = re.compile(
    rf"(?:\\.|[^\\\[]|\[(?:\^|(?!\^))(?:{_CLASS_CHAR}(?:-{_CLASS_CHAR})?)+\])*", re.S
)


@dataclass(frozen=True)
class IgnorePattern:
    """One pattern as Docker uses it: cleaned, anchored at the context root."""

    line: int
    pattern: str
    negated: bool = False  # a `!` line: re-includes what it matches


class _State(NamedTuple):
    excluded: bool
    line: int | None
    info: tuple[bool, ...]  # fsutil's MatchInfo: the patterns this directory matched
    pruned: bool  # the walker skips this directory, and so everything below it


@dataclass(frozen=True)
class DockerIgnore:
    """The patterns of one ignore file; `excludes` answers as BuildKit's context walker."""

    patterns: tuple[IgnorePattern, ...] = ()
    _cache: dict[str, _State] = field(default_factory=dict, init=False, repr=False, compare=False)

    def excludes(self, path: str, is_dir: bool = False) -> bool:
        """Whether `path` (POSIX, relative to the context root) is left out of the context.

        With `is_dir`, only when all below it goes too (no later `!` may re-include any)."""
        key = _normalize(path)
        if key is None:
            return False
        state = self._state(key)
        if not (is_dir and state.excluded):
            return state.excluded
        return state.pruned or not self._may_reinclude_below(key, state.line or 0)

    def matching_line(self, path: str) -> int | None:
        """The line of the pattern that decided `path`; None when no pattern matched it."""
        key = _normalize(path)
        return None if key is None else self._state(key).line

    def _state(self, path: str) -> _State:
        state, parts = _State(False, None, (), False), path.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in self._cache:
                self._cache[prefix] = state if state.pruned else self._evaluate(prefix, state.info)
            state = self._cache[prefix]
        return state

    def _evaluate(self, path: str, parent_info: tuple[bool, ...]) -> _State:
        # patternmatcher.MatchesUsingParentResults: a pattern the parent directory matched
        # counts as matched; the others are tried only when they could flip the verdict.
        matched, line, info = False, None, []
        for k, pat in enumerate(self.patterns):
            hit = parent_info[k] if parent_info else False
            if not hit:
                if pat.negated != matched:
                    info.append(False)
                    continue
                hit = _compile(pat.pattern).match(path)
            info.append(hit)
            if hit:
                matched, line = not pat.negated, pat.line
        # fsutil's filterFS.Walk skips an excluded directory unless a `!` pattern has glob
        # characters or lies inside it.
        inside = self._exceptions is None or any(
            (p + "/").startswith(path + "/") for p in self._exceptions
        )
        return _State(matched, line, tuple(info), matched and not inside)

    @functools.cached_property
    def _exceptions(self) -> tuple[str, ...] | None:
        negated = [p.pattern for p in self.patterns if p.negated]
        trimmed = [p.removesuffix("/**").removesuffix("/*") for p in negated]
        return None if any(_GLOB_CHARS.intersection(t) for t in trimmed) else tuple(trimmed)

    def _may_reinclude_below(self, directory: str, after_line: int) -> bool:
        names = directory.split("/")
        for pat in (p for p in self.patterns if p.negated and p.line > after_line):
            if "**" in pat.pattern or _GLOB_CHARS.intersection(pat.pattern) - {"*", "?"}:
                return True  # may span a `/` (a class may hold one): assume it reaches inside
            parts = pat.pattern.split("/")
            pairs = zip(parts, names, strict=False)
            if len(parts) > len(names) and all(_compile(g).match(n) for g, n in pairs):
                return True
        return False


def parse_dockerignore(text: str) -> tuple[DockerIgnore, list[ParseError]]:
    """Read an ignore file as patternmatcher's ignorefile.ReadAll and New do."""
    patterns: list[IgnorePattern] = []
    errors: list[ParseError] = []
    try:
        for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
            if len(line.encode("utf-8", "surrogatepass")) >= _MAX_LINE_BYTES:
                errors.append(ParseError("line longer than Docker's 64 KiB limit", number))
                continue
            # A comment starts in column 1 ("  # x" is a pattern); bufio drops one "\r".
            pattern = None if line.startswith("#") else _read_pattern(line.removesuffix("\r"))
            if pattern is None:
                continue
            negated = pattern.startswith("!")
            pattern = pattern[negated:]
            if not pattern:
                errors.append(ParseError('illegal exclusion pattern: "!"', number))
                continue
            try:
                if not _GO_GLOB.fullmatch(pattern):
                    raise ValueError("syntax error in pattern")
                _compile(pattern)
            except ValueError as exc:
                errors.append(ParseError(f"{exc}: {pattern!r}", number))
                continue
            patterns.append(IgnorePattern(number, pattern, negated))
    except (ValueError, RecursionError) as exc:
        errors.append(ParseError(f"cannot read ignore file: {exc}"))
    return DockerIgnore(tuple(patterns)), errors


def ignore_file_for(dockerfile_name: str) -> list[str]:
    """The ignore files BuildKit looks for, first found wins: `<name>.dockerignore` in the
    Dockerfile's own directory, then `.dockerignore` at the context root."""
    base = dockerfile_name.rstrip("/").rpartition("/")[2]
    if base in ("", "-"):  # `-f -`: the Dockerfile comes from stdin
        return [".dockerignore"]
    return [f"{base}.dockerignore", ".dockerignore"]


def _read_pattern(line: str) -> str | None:
    # ReadAll trims, cleans the part after `!` and drops its leading `/`; New then trims and
    # cleans the whole again (so "!/" becomes the illegal "!").
    pattern = line.strip(_GO_SPACE)
    negated = pattern.startswith("!")
    pattern = pattern[negated:].strip(_GO_SPACE)
    if pattern:
        pattern = _clean(pattern)
        pattern = pattern[1:] if len(pattern) > 1 and pattern.startswith("/") else pattern
    pattern = ("!" * negated + pattern).strip(_GO_SPACE)
    return _clean(pattern) if pattern else None


def _clean(path: str) -> str:
    """Go's filepath.Clean, on a POSIX path."""
    out: list[str] = []
    for part in path.split("/"):
        if part == ".." and out and out[-1] != "..":
            out.pop()
        elif part not in ("", ".", "..") or (part == ".." and not path.startswith("/")):
            out.append(part)
    joined = "/".join(out)
    return "/" + joined if path.startswith("/") else joined or "."


def _normalize(path: str) -> str | None:
    key = _clean(path).lstrip("/")
    return None if key in (".", "..") or key.startswith("../") else key


class _Matcher(NamedTuple):
    kind: str  # patternmatcher's matchType: exact, prefix, suffix or regexp
    text: str
    regex: re.Pattern[str] | None
    atoms: tuple[str | re.Pattern[str], ...] | None  # for _linear_match
    repeats: int

    def match(self, path: str) -> bool:
        if self.kind == "exact":
            return path == self.text
        if self.kind == "prefix":
            return path.startswith(self.text[:-2])
        if self.kind == "suffix":
            suffix = self.text[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        # Python's backtracking is polynomial in the repeats; Go's RE2 is linear.
        if self.atoms and self.repeats > 1 and (self.repeats > 2 or len(path) > 256):
            return _linear_match(self.atoms, path)
        assert self.regex is not None
        return self.regex.match(path) is not None


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str) -> _Matcher:
    """patternmatcher's Pattern.compile; ValueError where Go's regexp.Compile fails."""
    kind, pieces = _translate(pattern)
    if kind != "regexp":
        return _Matcher(kind, pattern, None, None, 0)
    try:
        regex = _regex("".join(pieces) + r"\Z")
    except re.error as exc:
        raise ValueError(f"invalid pattern ({exc})") from None
    return _Matcher(kind, pattern, regex, _atoms(pieces), sum(p in _REPEATS for p in pieces))


def _regex(text: str) -> re.Pattern[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # FutureWarning on "[[", which Go reads alike
        return re.compile(text, re.ASCII)  # Go's \d, \w, \b are ASCII


def _translate(pattern: str) -> tuple[str, list[str]]:
    """The match type and the regexp pieces, as patternmatcher builds them."""
    pieces: list[str] = []
    kind, i, n = "exact", 0, len(pattern)
    while i < n:
        ch, start = pattern[i], i
        i += 1
        if ch == "*" and i < n and pattern[i] == "*":
            i += 2 if i + 1 < n and pattern[i + 1] == "/" else 1  # "**/" reads as "**"
            if i >= n and kind == "exact":
                kind = "prefix"
            else:
                pieces.append(".*" if i >= n else "(.*/)?")
                kind = "regexp"
            kind = "suffix" if start == 0 else kind
        elif ch in "*?":
            pieces.append("[^/]*" if ch == "*" else "[^/]")
            kind = "regexp"
        elif ch == "\\":
            nxt, i, kind = pattern[i], i + 1, "regexp"  # _GO_GLOB rejects a trailing "\"
            if nxt.isascii() and not nxt.isalnum():
                pieces.append("\\" + nxt)
            elif nxt in _GO_ESCAPES:
                pieces.append(_GO_ESCAPES[nxt])
            else:
                raise ValueError(f"invalid escape sequence \\{nxt}")
        else:
            pieces.append("\\" + ch if ch in _ESCAPED else ch)
            kind = "regexp" if ch in "[]" else kind
    return kind, pieces


def _atoms(pieces: Sequence[str]) -> tuple[str | re.Pattern[str], ...] | None:
    """Repeats, literal characters and compiled one-character pieces ([...] joined); None
    if a piece is zero-width or a class holds a wildcard."""
    atoms: list[str | re.Pattern[str]] = []
    group = ""
    for piece in pieces:
        if piece in _ZERO_WIDTH or (group and piece in _REPEATS | {"[^/]"}):
            return None
        group += piece if group or piece == "[" else ""
        if group and piece != "]":
            continue
        if len(group or piece) == 1 or piece in _REPEATS:
            atoms.append(group or piece)
        else:
            atoms.append(_regex(group or piece))
        group = ""
    return None if group else tuple(atoms)


def _linear_match(atoms: tuple[str | re.Pattern[str], ...], path: str) -> bool:
    """A full match in O(len(atoms) * len(path)), like RE2: track the reachable positions."""
    n = len(path)
    reach = [True] + [False] * n
    for atom in atoms:
        nxt = [False] * (n + 1)
        if atom in _REPEATS:
            stop, active = ("/" if atom == "[^/]*" else "\n"), False
            for j in range(n + 1):
                if j and path[j - 1] == stop:
                    active = False
                elif j and active and atom == "(.*/)?" and path[j - 1] == "/":
                    nxt[j] = True
                active = active or reach[j]
                nxt[j] = nxt[j] or reach[j] or (active and atom != "(.*/)?")
        else:
            for j in range(n):
                ok = path[j] == atom if isinstance(atom, str) else atom.fullmatch(path[j])
                nxt[j + 1] = bool(reach[j] and ok)
        if not any(nxt):
            return False
        reach = nxt
    return reach[n]
