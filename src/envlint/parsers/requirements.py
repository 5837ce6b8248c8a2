"""pip requirements files, read as pip >= 22 reads them (pip/_internal/req/req_file.py).

`decode_requirements` turns bytes into text as pip does; `parse_requirements` turns text into
one entry per logical line; `resolve_includes` follows `-r`/`-c` through a repository.
"""

from __future__ import annotations

import codecs
import locale
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, TypedDict

from envlint.model import ParseError
from envlint.parsers import requirements_options as opts
from envlint.parsers.requirements_options import Generator, PipOption

if TYPE_CHECKING:
    from packaging.markers import Marker
    from packaging.specifiers import SpecifierSet

# pip expands only `${NAME}` with uppercase letters, digits and `_` (req_file.ENV_VAR_RE).
ENV_VAR_RE = re.compile(r"\$\{[A-Z0-9_]+\}")
_INCLUDE_URL_RE = re.compile(r"^(http|https|file):", re.IGNORECASE)  # req_file.SCHEME_RE
_PEP263_RE = re.compile(rb"coding[:=]\s*([-\w.]+)")
# Explicit byte orders, so the result never depends on the machine's endianness.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)


@dataclass(frozen=True, kw_only=True)
class _Line:
    line: int  # first physical line of the logical line, 1-based
    column: int  # first non-blank character of that physical line, 1-based
    text: str  # the logical line: continuations joined, comment and blanks stripped
    has_env_var: bool = False  # holds a `${NAME}` pip would expand at install time


@dataclass(frozen=True, kw_only=True)
class NamedRequirement(_Line):
    """A PEP 508 requirement: `Flask==3.1.2`, `pkg[x]>=1; python_version<"3.12"`, `p @ url`."""

    kind: ClassVar[str] = "named"
    name: str
    canonical_name: str  # PEP 503
    extras: frozenset[str]
    specifier: SpecifierSet
    marker: Marker | None
    url: str | None
    options: tuple[PipOption, ...] = ()  # --hash, --config-settings, --global-option, …

    @property
    def hashes(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options if o.name == "--hash" and o.value)

    @property
    def has_hashes(self) -> bool:
        return bool(self.hashes)

    @property
    def is_pinned(self) -> bool:
        """Exactly one `==`/`===` specifier, and it has no `.*` wildcard."""
        pins = [s for s in self.specifier if s.operator in ("==", "===")]
        return len(pins) == 1 and not pins[0].version.endswith(".*")


@dataclass(frozen=True, kw_only=True)
class PathRequirement(_Line):
    """A local path or archive (`.`, `./pkg[x]`, `pkg-1.0.tar.gz`), a URL, or an `-e` target."""

    kind: ClassVar[str] = "path"
    target: str  # path or URL as written, extras and marker removed
    is_url: bool
    editable: bool
    name: str | None = None  # PEP 503, from `#egg=`, a wheel file name or `name @ url`
    extras: frozenset[str] = frozenset()
    marker: Marker | None = None
    options: tuple[PipOption, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Include(_Line):
    """`-r`/`--requirement` or `-c`/`--constraint` and its target as written."""

    kind: ClassVar[str] = "include"
    target: str
    constraint: bool
    options: tuple[PipOption, ...] = ()

    @property
    def is_url(self) -> bool:
        return _INCLUDE_URL_RE.match(self.target) is not None


@dataclass(frozen=True, kw_only=True)
class OptionLine(_Line):
    """A line of options only: `--index-url URL`, `--no-binary :all:`, a lone `--hash`."""

    kind: ClassVar[str] = "option"
    options: tuple[PipOption, ...]


@dataclass(frozen=True, kw_only=True)
class InvalidLine(_Line):
    """A line no pip from 22.0 on accepts; `message` says why."""

    kind: ClassVar[str] = "invalid"
    message: str


@dataclass(frozen=True, kw_only=True)
class UnresolvedLine(_Line):
    """A line that only its `${NAME}` values could make valid: unknown until install time."""

    kind: ClassVar[str] = "unresolved"
    message: str
    has_env_var: bool = True


Entry = NamedRequirement | PathRequirement | Include | OptionLine | InvalidLine | UnresolvedLine


@dataclass(frozen=True)
class RequirementsFile:
    entries: tuple[Entry, ...]
    generator: Generator | None = None
    has_via_annotations: bool = False  # pip-compile / uv `# via` comments

    @property
    def compiled(self) -> bool:
        return self.generator is not None or self.has_via_annotations

    @property
    def requirements(self) -> tuple[NamedRequirement, ...]:
        return tuple(e for e in self.entries if isinstance(e, NamedRequirement))

    @property
    def includes(self) -> tuple[Include, ...]:
        return tuple(e for e in self.entries if isinstance(e, Include))

    @property
    def invalid(self) -> tuple[InvalidLine, ...]:
        return tuple(e for e in self.entries if isinstance(e, InvalidLine))


def decode_requirements(data: bytes) -> tuple[str, list[ParseError]]:
    """pip's `_decode_req_file`: a BOM, then a PEP 263 `coding:` comment on the first two
    lines, then UTF-8, then the locale's encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), []
            except ValueError as exc:
                return "", [ParseError(f"not valid {encoding} after its byte order mark: {exc}")]
    for number, head in enumerate(data.split(b"\n", 2)[:2], start=1):
        match = _PEP263_RE.search(head) if head[:1] == b"#" else None
        if match:
            declared = match.group(1).decode("ascii")
            try:
                return data.decode(declared), []
            except (ValueError, LookupError) as exc:
                return "", [ParseError(f"cannot decode as its declared {declared}: {exc}", number)]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        error = exc
    fallback = locale.getpreferredencoding(False)
    try:
        return data.decode(fallback), []
    except (ValueError, LookupError):
        pass
    start = error.start
    line_start = data.rfind(b"\n", 0, start) + 1
    try:
        also = "" if codecs.lookup(fallback).name == "utf-8" else f" nor {fallback}"
    except LookupError:
        also = f" nor {fallback}"
    return "", [
        ParseError(
            f"not valid UTF-8 ({error.reason} at byte {start}){also}",
            data.count(b"\n", 0, start) + 1,
            start - line_start + 1,
        )
    ]


def parse_requirements(text: str) -> tuple[RequirementsFile, list[ParseError]]:
    """One entry per logical line. Errors stay empty: pip-invalid lines are InvalidLine."""
    physical = list(_physical_lines(text))
    entries = tuple(_entry(n, c, t) for n, c, t in _logical_lines(physical))
    vias = any(opts.is_via(opts.comment(line)) for _, _, line in physical)
    generator = opts.find_generator([(n, line) for n, _, line in physical[:40]])
    return RequirementsFile(entries, generator, vias), []


def _physical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """pip's `str.splitlines()` lines as (line, column offset, text), numbered as editors
    number lines (by CR, LF, CRLF; a form feed or U+2028 splits for pip only)."""
    number, offset = 1, 0
    for chunk in text.splitlines(keepends=True):
        yield number, offset, chunk.splitlines()[0]
        if chunk.endswith(("\n", "\r")):
            number, offset = number + 1, 0
        else:
            offset += len(chunk)


def _column(offset: int, line: str) -> int:
    return offset + len(line) - len(line.lstrip()) + 1 if line.strip() else offset + 1


def _logical_lines(lines: list[tuple[int, int, str]]) -> Iterator[tuple[int, int, str]]:
    """pip's `join_lines` then `ignore_comments`: a trailing `\\` joins the next line unless
    it is a comment line, which ends the continuation."""
    parts: list[str] = []
    start = column = 0
    joined: list[tuple[int, int, str]] = []
    for number, offset, line in lines:
        is_comment = line.lstrip().startswith("#")
        if line.endswith("\\") and not is_comment:
            if not parts:
                start, column = number, _column(offset, line)
            parts.append(line.strip("\\"))  # pip strips backslashes at both ends
            continue
        ending = " " + line if is_comment else line
        if parts:
            joined.append((start, column, "".join([*parts, ending])))
            parts = []
        else:
            joined.append((number, _column(offset, line), ending))
    if parts:
        joined.append((start, column, "".join(parts)))
    for number, column, line in joined:
        comment = opts.comment(line)
        stripped = (line if comment is None else line[: len(line) - len(comment) - 1]).strip()
        if stripped:
            yield number, column, stripped


class _Where(TypedDict):
    line: int
    column: int
    text: str
    has_env_var: bool
    options: tuple[PipOption, ...]


def _entry(line: int, column: int, text: str) -> Entry:
    has_env_var = ENV_VAR_RE.search(text) is not None
    args, options_text = opts.split_args_options(text)
    try:
        options = opts.parse_options(options_text)
        where = _Where(
            line=line, column=column, text=text, has_env_var=has_env_var, options=options
        )
        editables = [o.value or "" for o in options if o.name == "--editable"]
        if args:  # pip 22-24 install `pkg -e x` as `pkg`; pip 25 on as `-e pkg`
            return _requirement(where, args)
        if editables:
            return _editable(where, editables[0])
        targets = [o for o in options if o.name == "--requirement"] or [
            o for o in options if o.name == "--constraint"
        ]
        if targets:  # pip follows the first -r, else the first -c, of the line
            target, constraint = targets[0].value or "", targets[0].name == "--constraint"
            return Include(**where, target=target, constraint=constraint)
        return OptionLine(**where)
    except (ValueError, RecursionError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        no_operator = not any(op in args for op in ("==", "!=", "<", ">", "~="))
        if "=" in args and no_operator and not isinstance(exc, opts.OptionError):
            message += " (= is not a valid operator; did you mean ==?)"  # pip's own hint
        kind = UnresolvedLine if has_env_var else InvalidLine
        return kind(line=line, column=column, text=text, has_env_var=has_env_var, message=message)


def _requirement(where: _Where, args: str) -> Entry:
    """pip's `parse_req_from_line`, with "is it a directory?" left open (assumed so)."""
    from packaging.markers import Marker
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    name, _, marker_text = args.partition("; " if opts.is_url(args) else ";")
    marker = Marker(marker_text.strip()) if marker_text.strip() else None
    name = name.strip()
    if opts.is_url(name):
        filename = opts.url_filename(name)
        wheel = opts.wheel_name(filename) if filename.endswith(".whl") else None
        egg = opts.egg_name(name)
        return PathRequirement(
            **where, target=name, is_url=True, editable=False, name=wheel or egg, marker=marker
        )
    bare, extras = opts.strip_extras(name)
    before_at, at, _ = name.partition("@")
    as_path = opts.is_archive(bare) and not (at and not opts.looks_like_path(before_at))
    req = None
    try:
        req = None if as_path else Requirement(name)
    except InvalidRequirement:
        if not opts.looks_like_path(name) or opts.is_archive(bare):
            raise
    if req is None:  # an archive, or a path that is not PEP 508 (pip: if a directory)
        filename = bare.replace("\\", "/").rpartition("/")[2]
        wheel = opts.wheel_name(filename) if filename.endswith(".whl") else None
        extra_set = opts.parse_extras(extras)
        return PathRequirement(
            **where,
            target=bare,
            is_url=False,
            editable=False,
            name=wheel,
            extras=extra_set,
            marker=marker,
        )
    return NamedRequirement(
        **where,
        name=req.name,
        canonical_name=canonicalize_name(req.name),
        extras=frozenset(req.extras),
        specifier=req.specifier,
        marker=marker,
        url=req.url,
    )


def _editable(where: _Where, value: str) -> PathRequirement:
    """pip's `parse_editable`: `name @ url`, a local path (assumed a directory), a `file:`
    URL, or a VCS URL with `#egg=name`."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    try:
        req: Requirement | None = Requirement(value)
    except InvalidRequirement:
        req = None
    if req is not None and req.url:
        return PathRequirement(
            **where,
            target=req.url,
            is_url=True,
            editable=True,
            name=canonicalize_name(req.name),
            extras=frozenset(req.extras),
            marker=req.marker,
        )
    bare, extras = opts.strip_extras(value)
    is_file_url = bare.lower().startswith("file:")
    if not value or (len(opts.url_scheme(bare)) > 1 and not is_file_url):
        url = opts.vcs_url(value)
        if opts.url_scheme(url) not in opts.VCS_SCHEMES:
            raise ValueError(f"{value!r} is not an editable path, file: URL or VCS URL")
        egg = opts.egg_name(url)
        if egg is None:
            raise ValueError(f"cannot tell the name of {value!r}: add #egg=name or use name @ url")
        return PathRequirement(**where, target=url, is_url=True, editable=True, name=egg)
    return PathRequirement(
        **where,
        target=bare,
        is_url=is_file_url,
        editable=True,
        name=opts.egg_name(bare),
        extras=opts.parse_extras(extras),
    )


MAX_INCLUDE_DEPTH = 100
MAX_FILE_VISITS = 10_000  # diamonds re-read files (pip does); this bounds a blow-up


IncludeStatus = Literal["ok", "missing", "cycle", "url", "absolute", "env", "outside", "depth"]


@dataclass(frozen=True)
class IncludeEdge:
    """One `-r`/`-c` line met while reading the install set, and what became of it.

    status: "ok" (read), "missing", "cycle" (target is a file that includes it), "url",
    "absolute", "env" (holds `${NAME}`), "outside" (above the repository root), "depth".
    Only "ok" targets are followed.
    """

    source: str
    line: int
    column: int
    target: str  # as written
    path: str | None  # resolved against the including file's directory, POSIX, normalised
    constraint: bool
    status: IncludeStatus


@dataclass(frozen=True)
class InstallEntry:
    path: str  # the file the entry is in
    entry: Entry
    constraint: bool  # read through a -c include: it constrains, it does not install


@dataclass(frozen=True)
class IncludeGraph:
    start: str
    files: Mapping[str, RequirementsFile]  # every file read, by path
    edges: tuple[IncludeEdge, ...]  # in reading order, once per (source, line)
    entries: tuple[InstallEntry, ...]  # non-include entries in pip's reading order
    truncated: bool = False  # a depth or visit bound stopped an include

    @property
    def missing(self) -> tuple[IncludeEdge, ...]:
        return tuple(e for e in self.edges if e.status == "missing")

    @property
    def cycles(self) -> tuple[IncludeEdge, ...]:
        return tuple(e for e in self.edges if e.status == "cycle")


def resolve_includes(
    start: str,
    read: Callable[[str], str | None],
    parsed: Callable[[str], RequirementsFile | None] | None = None,
) -> IncludeGraph:
    """Read `start` and its includes as pip does, depth first, an include where it stands.

    `read(path)` returns a file's decoded text or None when it does not exist; `parsed`,
    when given, returns the parsed file instead (a caller's cache). A target is
    resolved against the including file's directory (req_file._parse_and_recurse); pip
    refuses a target already on the include chain, so a file included twice through
    different branches is read twice, and a cycle is reported at the line closing it.
    """
    start = posixpath.normpath(start)
    cache: dict[str, RequirementsFile | None] = {}

    def load(path: str) -> RequirementsFile | None:
        if path not in cache:
            if parsed is not None:
                cache[path] = parsed(path)
            else:
                text = read(path)
                cache[path] = None if text is None else parse_requirements(text)[0]
        return cache[path]

    first = load(start)
    if first is None:
        return IncludeGraph(start, {}, (), ())
    edges: dict[tuple[str, int], IncludeEdge] = {}
    entries: list[InstallEntry] = []
    # (path, constraint, entries iterator, include chain)
    stack = [(start, False, iter(first.entries), frozenset({start}))]
    visits, truncated = 1, False
    while stack:
        path, constraint, pending, chain = stack[-1]
        entry = next(pending, None)
        if entry is None:
            stack.pop()
            continue
        if not isinstance(entry, Include):
            entries.append(InstallEntry(path, entry, constraint))
            continue
        target, status = _resolve(path, entry)
        if target is not None and target in chain:
            status = "cycle"
        elif target is not None and (included := load(target)) is None:
            status = "missing"
        elif target is not None and included is not None:
            if len(stack) >= MAX_INCLUDE_DEPTH or visits >= MAX_FILE_VISITS:
                status, truncated = "depth", True
            else:
                visits += 1
                stack.append((target, entry.constraint, iter(included.entries), chain | {target}))
        edge = IncludeEdge(
            path, entry.line, entry.column, entry.target, target, entry.constraint, status
        )
        edges.setdefault((path, entry.line), edge)
    files = {p: f for p, f in cache.items() if f is not None}
    return IncludeGraph(start, files, tuple(edges.values()), tuple(entries), truncated)


def _resolve(source: str, include: Include) -> tuple[str | None, IncludeStatus]:
    target = include.target
    if ENV_VAR_RE.search(target):
        return None, "env"
    if include.is_url:
        return None, "url"
    if target.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", target):
        return None, "absolute"
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    if path == ".." or path.startswith("../"):
        return None, "outside"
    return path, "ok"
