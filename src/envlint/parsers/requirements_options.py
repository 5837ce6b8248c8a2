"""What pip (22 to 26), pip-compile and uv make of the words of a requirements line.

pip reads a requirements line in two halves (pip/_internal/req/req_file.py): the words up to
the first one starting with `-` are the requirement, the rest is shlex-split and given to an
optparse parser that knows only the options allowed in requirements files. The option table
below follows `SUPPORTED_OPTIONS` and `SUPPORTED_OPTIONS_REQ` of each pip release; a line is
valid when some release from 22.0 on accepts it.
"""

from __future__ import annotations

import functools
import posixpath
import re
import shlex
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import optparse

_Version = tuple[int, int]
_NEVER: _Version = (999, 0)


@dataclass(frozen=True)
class PipOption:
    """One option of a requirements line: its long name (`--index-url` for `-i`) and value."""

    name: str
    value: str | None = None


class OptionError(ValueError):
    """pip rejects the options of a line; the message is the reason."""


@dataclass(frozen=True)
class _Spec:
    flags: tuple[str, ...]
    takes_value: bool = True
    since: _Version = (22, 0)
    until: _Version = _NEVER  # first release without it

    @property
    def name(self) -> str:
        return next(f for f in self.flags if f.startswith("--"))


_SPECS = (
    _Spec(("-i", "--index-url", "--pypi-url")),
    _Spec(("--extra-index-url",)),
    _Spec(("--no-index",), takes_value=False),
    _Spec(("-c", "--constraint")),
    _Spec(("-r", "--requirement")),
    _Spec(("-e", "--editable")),
    _Spec(("-f", "--find-links")),
    _Spec(("--no-binary",)),
    _Spec(("--only-binary",)),
    _Spec(("--prefer-binary",), takes_value=False),
    _Spec(("--require-hashes",), takes_value=False),
    _Spec(("--no-require-hashes",), takes_value=False, since=(26, 2)),
    _Spec(("--pre",), takes_value=False),
    _Spec(("--all-releases",), since=(26, 0)),
    _Spec(("--only-final",), since=(26, 0)),
    _Spec(("--trusted-host",)),
    _Spec(("--use-feature",)),
    _Spec(("--hash",)),
    _Spec(("--install-option",), until=(23, 1)),
    _Spec(("--global-option",), until=(25, 3)),
    _Spec(("-C", "--config-settings"), since=(23, 1)),
)
# `--use-feature` choices per release (cmdoptions.use_new_feature + ALWAYS_ENABLED_FEATURES).
_FEATURES: dict[str, tuple[_Version, _Version]] = {
    "2020-resolver": ((22, 0), (22, 3)),
    "in-tree-build": ((22, 0), (22, 1)),
    "fast-deps": ((22, 0), _NEVER),
    "truststore": ((22, 2), _NEVER),
    "no-binary-enable-wheel-cache": ((22, 3), _NEVER),
    "build-constraint": ((25, 3), _NEVER),
    "inprocess-build-deps": ((26, 0), _NEVER),
    "venv-isolation": ((26, 2), _NEVER),
}
_ERAS: tuple[_Version, ...] = tuple(
    sorted(
        {v for s in _SPECS for v in (s.since, s.until) if v != _NEVER}
        | {v for span in _FEATURES.values() for v in span if v != _NEVER},
        reverse=True,
    )
)
STRONG_HASHES = ("sha256", "sha384", "sha512")


_SHELL_SPECIAL = frozenset("\"'\\")
_SHLEX_SPACE = re.compile(r"[ \t\r\n]+")


def split_args_options(line: str) -> tuple[str, str]:
    """pip's `break_args_options`: split on spaces (not tabs) at the first word starting `-`."""
    tokens = line.split(" ")
    for i, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(tokens[:i]), " ".join(tokens[i:])
    return line, ""


def parse_options(options: str) -> tuple[PipOption, ...]:
    """The options of a line in order, or OptionError when no pip from 22.0 on accepts them."""
    if not options:
        return ()
    if not _SHELL_SPECIAL.intersection(options):
        # what shlex.split gives (its whitespace is " \t\r\n"), without its char-by-char cost
        words = [w for w in _SHLEX_SPACE.split(options) if w]
    else:
        try:
            words = shlex.split(options)
        except ValueError:
            raise OptionError(f"could not split options: {options}") from None
    first: OptionError | None = None
    for era in _ERAS:  # newest first, so the reported reason is today's
        try:
            return _parse_in(era, words)
        except OptionError as exc:
            first = first or exc
    assert first is not None
    raise first


def _parse_in(era: _Version, words: Sequence[str]) -> tuple[PipOption, ...]:
    import optparse

    values = optparse.Values({"found": []})
    _parser(era).parse_args(list(words), values)
    return tuple(values.found)


def _check(name: str, value: str, era: _Version) -> str | None:
    """The reason pip's option callback rejects `value`, if it does."""
    if name == "--hash":
        algo, sep, _ = value.partition(":")
        if not sep:
            return "arguments to --hash must be a hash name followed by a value, like sha256:…"
        if algo not in STRONG_HASHES:
            return f"allowed hash algorithms for --hash are {', '.join(STRONG_HASHES)}"
    elif name == "--config-settings" and "=" not in value:
        return "arguments to --config-settings must be of the form KEY=VAL"
    elif name in ("--no-binary", "--only-binary", "--all-releases", "--only-final"):
        if value.startswith("-"):
            return f"{name} option requires 1 argument"
    elif name == "--use-feature":
        choices = sorted(f for f, (lo, hi) in _FEATURES.items() if lo <= era < hi)
        if value not in choices:
            return f"--use-feature: invalid choice {value!r} (choose from {', '.join(choices)})"
    return None


@functools.cache
def _parser(era: _Version) -> optparse.OptionParser:
    import optparse

    class Parser(optparse.OptionParser):
        def error(self, msg: str) -> NoReturn:
            raise OptionError(msg)

        def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
            raise OptionError(msg or "invalid options")

    def record(spec: _Spec) -> Callable[..., None]:
        def callback(
            option: object, opt: str, value: str | None, parser: optparse.OptionParser
        ) -> None:
            if value is not None and (reason := _check(spec.name, value, era)):
                raise optparse.OptionValueError(reason)
            assert parser.values is not None
            parser.values.found.append(PipOption(spec.name, value))

        return callback

    parser = Parser(add_help_option=False)
    for spec in _SPECS:
        if spec.since <= era < spec.until:
            parser.add_option(
                *spec.flags,
                action="callback",
                callback=record(spec),
                type="string" if spec.takes_value else None,
            )
    return parser


# pip/_internal/vcs/*.py `schemes`, and vcs.versioncontrol.is_url.
VCS_SCHEMES = frozenset(
    f"{vcs}+{scheme}"
    for vcs, schemes in (
        ("git", "http https ssh git file"),
        ("hg", "file http https ssh static-http"),
        ("svn", "ssh http https svn file"),
        ("bzr", "http https ssh sftp ftp lp file"),
    )
    for scheme in schemes.split()
)
_URL_SCHEMES = VCS_SCHEMES | {"http", "https", "file", "ftp"}
# pip/_internal/utils/filetypes.py ARCHIVE_EXTENSIONS
_ARCHIVES = frozenset(
    {".zip", ".whl", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}
    | {".tar.gz", ".tgz", ".tar"}
)
_EGG = re.compile(r"[#&]egg=([^&]*)")


def url_scheme(text: str) -> str:
    try:
        return urllib.parse.urlsplit(text).scheme
    except ValueError:  # "Invalid IPv6 URL"
        return ""


def is_url(text: str) -> bool:
    return url_scheme(text) in _URL_SCHEMES


def looks_like_path(text: str) -> bool:
    # Either platform's separator: a line valid for pip on Windows is not flagged.
    return "/" in text or "\\" in text or text.startswith(".")


def strip_extras(text: str) -> tuple[str, str | None]:
    """pip's `strip_extras` (`^(.+)(\\[[^\\]]+\\])$`), without its quadratic backtracking."""
    if text.endswith("]"):
        end = len(text) - 1
        start = max(text.rfind("]", 0, end) + 1, 1)
        i = text.rfind("[", start, end - 1)
        if i != -1:
            return text[:i].rstrip(), text[i:]
    return text, None


def is_archive(path: str) -> bool:
    base, ext = posixpath.splitext(path)
    if base.lower().endswith(".tar"):
        ext = base[-4:] + ext
    return ext.lower() in _ARCHIVES


def wheel_name(filename: str) -> str:
    """The project name of a wheel file name; ValueError when no pip from 22.0 on reads it."""
    from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

    try:
        return parse_wheel_filename(filename)[0]
    except InvalidWheelFilename:
        pass
    # pip < 25 took `name-ver[-build]-py-abi-plat.whl` with non-empty name, py, abi, plat.
    stem = filename.removesuffix(".whl")
    d1 = stem.find("-", 1)
    d2 = stem.find("-", d1 + 1) if d1 > 0 else -1
    d3 = stem.find("-", d2 + 2) if d2 > 0 else -1
    d4 = stem.find("-", d3 + 2) if d3 > 0 else -1
    if not filename.endswith(".whl") or d4 < 0 or d4 > len(stem) - 2:
        raise ValueError(f"{filename} is not a valid wheel filename")
    return canonicalize_name(stem[:d1].replace("_", "-"))


def egg_name(url: str) -> str | None:
    """The PEP 503 name in a URL's `#egg=` fragment; ValueError when not a requirement."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    match = _EGG.search(url)
    if match is None:
        return None
    if not match.group(1):
        raise ValueError(f"empty #egg= fragment in {url}")
    return canonicalize_name(Requirement(match.group(1)).name)


def parse_extras(text: str | None) -> frozenset[str]:
    """pip's `_convert_extras` of a stripped `[a,b]`; ValueError when malformed."""
    from packaging.requirements import Requirement

    return frozenset(Requirement("placeholder" + text.lower()).extras) if text else frozenset()


def url_filename(url: str) -> str:
    """pip's `Link.filename`: the unquoted last segment of the URL's path."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path).rstrip("/")
    return posixpath.basename(path)


def vcs_url(value: str) -> str:
    """pip adds the VCS prefix to `git:`/`hg:`/`svn:`/`bzr:` editable URLs."""
    for vcs in ("git", "hg", "svn", "bzr"):
        if value.lower().startswith(f"{vcs}:"):
            return f"{vcs}+{value}"
    return value


# Options of pip-compile and uv whose value may look like an input file name.
_VALUE_OPTIONS = frozenset(
    {"-o", "--output-file", "-c", "--constraint", "--constraints", "--override", "--overrides"}
    | {"-b", "--build-constraint", "--build-constraints", "--config-file", "--config"}
    | {"--pip-args", "-f", "--find-links", "-p", "--python", "--cache-dir", "--cert"}
    | {"--custom-compile-command", "--project", "--directory", "--script", "--group"}
    | {"--package", "-P", "--upgrade-package", "--src-dir"}
)
_METADATA_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
# pip-tools scripts/compile.py DEFAULT_REQUIREMENTS_FILES, in its order
PIP_COMPILE_DEFAULT_INPUTS = ("requirements.in", "setup.py", "pyproject.toml", "setup.cfg")


def command_inputs(tool: str, words: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(inputs named, implicit inputs) of a generator command's arguments after the tool.

    Implicit inputs are read when none is named: pip-compile takes the first of its defaults
    that exists; `uv export` reads the project's pyproject.toml.
    """
    inputs: list[str] = []
    values: dict[str, str] = {}
    expect: str | None = None
    only_positional = False
    for word in words:
        if expect is not None:
            values[expect], expect = word, None
        elif word == "--" and not only_positional:
            only_positional = True
        elif word.startswith("-") and len(word) > 1 and not only_positional:
            name, sep, value = word.partition("=")
            if sep:
                values[name] = value
            elif name in _VALUE_OPTIONS:
                expect = name
        elif word.endswith((".in", ".txt")) or posixpath.basename(word) in _METADATA_FILES:
            inputs.append(word)
    cwd = values.get("--directory", "")  # uv resolves relative paths against it
    implicit: list[str] = []
    if tool == "uv export" and "--script" in values:
        inputs.append(values["--script"])
    elif tool == "uv export" and "--package" not in values:
        implicit.append(posixpath.join(values.get("--project", ""), "pyproject.toml"))
    elif tool == "uv pip compile" and "--group" in values:
        path, colon, _ = values["--group"].rpartition(":")  # `[path:]group`
        (inputs if colon else implicit).append(path or "pyproject.toml")
    elif tool == "pip-compile" and not inputs:
        implicit.extend(PIP_COMPILE_DEFAULT_INPUTS)
    return (
        tuple(posixpath.join(cwd, i) for i in inputs),
        () if inputs else tuple(posixpath.join(cwd, i) for i in implicit),
    )


def comment(line: str) -> str | None:
    """The text after a `#` that starts a comment: at line start or after whitespace."""
    i = line.find("#")
    while i > 0 and not line[i - 1].isspace():
        i = line.find("#", i + 1)
    return None if i < 0 else line[i + 1 :]


@dataclass(frozen=True)
class Generator:
    """The tool whose header opens the file, and the inputs its command names."""

    tool: str  # "pip-compile", "uv pip compile", "uv export", or "uv" (custom command)
    line: int
    command: str | None  # the command line as written (a custom one names no inputs)
    inputs: tuple[str, ...] = ()  # as written, relative to where the command ran
    implicit_inputs: tuple[str, ...] = ()  # read when none is named (first existing one)


_PIP_COMPILE = "This file is autogenerated by pip-compile"
_UV = "This file was autogenerated by uv via the following command:"
_HEADER_FILLERS = ("", "To update, run:", "by the following command:")


def find_generator(lines: list[tuple[int, str]]) -> Generator | None:
    """The pip-compile or uv header in the leading comment block, with its command."""
    tool: str | None = None
    start = 0
    for number, line in lines[:40]:
        body = line.strip()
        if not body.startswith("#"):
            if body:
                break
            continue
        body = body[1:].strip()
        if tool is None:
            if body.startswith(_PIP_COMPILE) or body == _UV:
                tool, start = ("pip-compile" if body.startswith(_PIP_COMPILE) else "uv"), number
        elif body not in _HEADER_FILLERS:
            try:
                words = shlex.split(body)
            except ValueError:
                words = body.split()
            for prefix in (("pip-compile",), ("uv", "pip", "compile"), ("uv", "export")):
                if tuple(words[: len(prefix)]) == prefix:
                    name = " ".join(prefix)
                    inputs, implicit = command_inputs(name, words[len(prefix) :])
                    return Generator(name, start, body, inputs, implicit)
            return Generator(tool, start, body)
    return Generator(tool, start, None) if tool else None


def is_via(comment: str | None) -> bool:
    words = comment.split(maxsplit=1) if comment else []
    return bool(words) and words[0] == "via"
