from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.model import ParseError
from envlint.parsers.dockerignore import (
    DockerIgnore,
    IgnorePattern,
    _compile,
    _linear_match,
    _translate,
    ignore_file_for,
    parse_dockerignore,
)


def _ignore(text: str) -> DockerIgnore:
    ignore, errors = parse_dockerignore(text)
    assert errors == []
    return ignore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("venv", [IgnorePattern(1, "venv")], id="plain"),
        pytest.param("/venv", [IgnorePattern(1, "venv")], id="leading slash stripped"),
        pytest.param("./venv", [IgnorePattern(1, "venv")], id="dot slash cleaned"),
        pytest.param("venv/", [IgnorePattern(1, "venv")], id="trailing slash cleaned"),
        pytest.param("a//b/./c/../d", [IgnorePattern(1, "a/b/d")], id="filepath.Clean"),
        pytest.param("  venv \t", [IgnorePattern(1, "venv")], id="whitespace trimmed"),
        pytest.param("# c\n\n   \nvenv", [IgnorePattern(4, "venv")], id="comment and blanks"),
        pytest.param("  # not a comment", [IgnorePattern(1, "# not a comment")], id="hash col 2"),
        pytest.param("!venv/keep", [IgnorePattern(1, "venv/keep", True)], id="negated"),
        pytest.param("! /venv/keep/", [IgnorePattern(1, "venv/keep", True)], id="negated clean"),
        pytest.param("\ufeffvenv", [IgnorePattern(1, "venv")], id="utf-8 bom"),
        pytest.param(
            "venv\r\n*.pyc\r\n",
            [IgnorePattern(1, "venv"), IgnorePattern(2, "*.pyc")],
            id="crlf",
        ),
        pytest.param("**/", [IgnorePattern(1, "**")], id="double star slash"),
        pytest.param("../x", [IgnorePattern(1, "../x")], id="outside the context kept"),
        pytest.param(".", [IgnorePattern(1, ".")], id="dot kept, matches nothing"),
    ],
)
def test_parse_patterns(text: str, expected: list[IgnorePattern]) -> None:
    ignore, errors = parse_dockerignore(text)
    assert errors == []
    assert list(ignore.patterns) == expected


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        pytest.param("!", [ParseError('illegal exclusion pattern: "!"', 1)], id="bang alone"),
        pytest.param(
            "venv\n!/", [ParseError('illegal exclusion pattern: "!"', 2)], id="bang slash"
        ),
        pytest.param("[", [ParseError("syntax error in pattern: '['", 1)], id="open class"),
        pytest.param("a[]b", [ParseError("syntax error in pattern: 'a[]b'", 1)], id="empty"),
        pytest.param("[^]", [ParseError("syntax error in pattern: '[^]'", 1)], id="neg empty"),
        pytest.param("[a-]", [ParseError("syntax error in pattern: '[a-]'", 1)], id="range"),
        pytest.param("a\\", [ParseError("syntax error in pattern: 'a\\\\'", 1)], id="backslash"),
        pytest.param(
            "x\n\\q", [ParseError("invalid escape sequence \\q: '\\\\q'", 2)], id="escape"
        ),
        pytest.param(
            "a" * 65536, [ParseError("line longer than Docker's 64 KiB limit", 1)], id="long"
        ),
    ],
)
def test_parse_errors(text: str, errors: list[ParseError]) -> None:
    assert parse_dockerignore(text)[1] == errors


def test_invalid_regexp_is_an_error() -> None:
    (error,) = parse_dockerignore("[z-a]")[1]
    assert error.line == 1
    assert error.message.startswith("invalid pattern (bad character range z-a")


def test_errors_keep_the_other_patterns() -> None:
    ignore, errors = parse_dockerignore("venv\n[\n*.pyc")
    assert ignore.patterns == (IgnorePattern(1, "venv"), IgnorePattern(3, "*.pyc"))
    assert errors == [ParseError("syntax error in pattern: '['", 2)]


@pytest.mark.parametrize(
    ("text", "path", "is_dir", "excluded", "line"),
    [
        # Where Docker differs from .gitignore.
        pytest.param(".venv", ".venv", True, True, 1, id="root venv"),
        pytest.param(".venv", "lib/.venv", True, False, None, id="name not matched deeper"),
        pytest.param(".venv", "lib/.venv/bin/python", False, False, None, id="deeper file"),
        pytest.param("*.pyc", "a.pyc", False, True, 1, id="star at root"),
        pytest.param("*.pyc", "pkg/a.pyc", False, False, None, id="star only at root"),
        pytest.param("**/*.pyc", "pkg/sub/a.pyc", False, True, 1, id="double star anywhere"),
        pytest.param("**/*.pyc", "a.pyc", False, True, 1, id="double star at root"),
        pytest.param("/venv", "venv/bin/python", False, True, 1, id="slash venv is venv"),
        pytest.param("./venv", "venv/bin/python", False, True, 1, id="dot slash venv"),
        pytest.param("venv/", "venv/bin/python", False, True, 1, id="venv slash"),
        pytest.param("venv/**", "venv", True, False, None, id="dir/** not the dir itself"),
        pytest.param("venv/**", "venv/x", False, True, 1, id="dir/** below"),
        pytest.param("**/__pycache__", "a/b/__pycache__/m.pyc", False, True, 1, id="pycache"),
        pytest.param("**/.git", ".git/config", False, True, 1, id="git dir"),
        # A matched directory excludes everything below it.
        pytest.param("venv", "venv/lib/python3.12/site-packages/x.py", False, True, 1, id="in"),
        pytest.param("venv", "venvs/x", False, False, None, id="prefix is not a parent"),
        # `!` re-includes; the last match wins.
        pytest.param("venv\n!venv/keep", "venv/keep", False, False, 2, id="reinclude"),
        pytest.param("venv\n!venv/keep", "venv/keep/a/b", False, False, 2, id="reinclude in"),
        pytest.param("venv\n!venv/keep", "venv/other", False, True, 1, id="sibling excluded"),
        pytest.param("venv\n!venv/keep", "venv", False, True, 1, id="dir entry excluded"),
        pytest.param("venv\n!venv/keep", "venv", True, False, 1, id="dir kept for keep"),
        pytest.param("!venv/keep\nvenv", "venv/keep", False, True, 2, id="order matters"),
        pytest.param("!venv/keep\nvenv", "venv", True, True, 2, id="earlier bang no help"),
        pytest.param("venv\n!**/*.md", "venv", True, False, 1, id="glob bang may reach"),
        pytest.param("venv\n!**/*.md", "venv/a.md", False, False, 2, id="glob bang reaches"),
        pytest.param("venv\n!**/*.md", "venv/a.py", False, True, 1, id="glob bang misses"),
        pytest.param("venv\n!docs/*.md", "venv", True, True, 1, id="bang elsewhere"),
        pytest.param("venv\n!venv/*.md", "venv", True, False, 1, id="bang inside"),
        pytest.param("*\n!requirements*.txt", ".venv", True, True, 1, id="allowlist"),
        pytest.param("*\n!requirements*.txt", "requirements.txt", False, False, 2, id="allow"),
        pytest.param("*\n!src", "src/app/main.py", False, False, 2, id="allow dir"),
        pytest.param("*\n!src", "README.md", False, True, 1, id="allowlist excludes"),
        pytest.param("**\n!keep", "keep/x", False, False, 2, id="everything but keep"),
        # The Docker docs' examples.
        pytest.param(
            "*.md\n!README*.md\nREADME-secret.md",
            "README-secret.md",
            False,
            True,
            3,
            id="docs secret excluded",
        ),
        pytest.param(
            "*.md\n!README*.md\nREADME-secret.md",
            "README.md",
            False,
            False,
            2,
            id="docs readme kept",
        ),
        pytest.param(
            "*.md\nREADME-secret.md\n!README*.md",
            "README-secret.md",
            False,
            False,
            3,
            id="docs last line wins",
        ),
        pytest.param("*/temp*", "somedir/temporary.txt", False, True, 1, id="docs one level"),
        pytest.param("*/temp*", "temp", False, False, None, id="docs not at root"),
        pytest.param("*/*/temp*", "a/b/temp.txt", False, True, 1, id="docs two levels"),
        pytest.param("temp?", "tempa", False, True, 1, id="docs question mark"),
        pytest.param("temp?", "temp", False, False, None, id="docs question needs one"),
        pytest.param(".", "x", False, False, None, id="dot pattern ignored"),
        # patternmatcher details.
        pytest.param("a\\*b", "a*b", False, True, 1, id="escaped star"),
        pytest.param("a\\*b", "axb", False, False, None, id="escaped star literal"),
        pytest.param("[abc].py", "b.py", False, True, 1, id="class"),
        pytest.param("[!x].py", "!.py", False, True, 1, id="bang in class is literal"),
        pytest.param("**file", "dirfile", False, True, 1, id="suffix match quirk"),
        pytest.param("a(b)+c", "a(b)+c", False, True, 1, id="regexp chars escaped"),
        # BuildKit's walker (fsutil + MatchesUsingParentResults) keeps a/b here, where
        # "last match wins" over a/b and its parents would drop it.
        pytest.param("a\n!a/b\na", "a/b", False, False, 2, id="walker quirk"),
        pytest.param("a\n!a/b\na", "a/c", False, True, 1, id="walker quirk sibling"),
        # Paths are normalised like the context's.
        pytest.param("venv", "./venv/x", False, True, 1, id="dot path"),
        pytest.param("venv", "/venv", False, True, 1, id="absolute path"),
        pytest.param("**", ".", True, False, None, id="root never excluded"),
        pytest.param("", "anything", False, False, None, id="empty file"),
    ],
)
def test_excludes(text: str, path: str, is_dir: bool, excluded: bool, line: int | None) -> None:
    ignore = _ignore(text)
    assert ignore.excludes(path, is_dir=is_dir) is excluded
    assert ignore.matching_line(path) == line


@pytest.mark.parametrize(
    ("dockerfile", "names"),
    [
        pytest.param("Dockerfile", ["Dockerfile.dockerignore", ".dockerignore"], id="default"),
        pytest.param(
            "docker/build.Dockerfile",
            ["build.Dockerfile.dockerignore", ".dockerignore"],
            id="in a subdirectory: beside it, by basename",
        ),
        pytest.param(
            "Dockerfile.prod", ["Dockerfile.prod.dockerignore", ".dockerignore"], id="suffix"
        ),
        pytest.param("-", [".dockerignore"], id="stdin"),
        pytest.param("", [".dockerignore"], id="none"),
    ],
)
def test_ignore_file_for(dockerfile: str, names: list[str]) -> None:
    assert ignore_file_for(dockerfile) == names


def test_many_wildcards_stay_fast() -> None:
    ignore = _ignore("*a*a*a*a*a*a*a*b\n**/**/**/**/**/x")
    assert ignore.excludes("a" * 250) is False
    assert ignore.excludes("a/" * 300 + "y") is False


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_never_raises(text: str) -> None:
    ignore, errors = parse_dockerignore(text)
    assert all(isinstance(e, ParseError) for e in errors)
    ignore.excludes(text[:50], is_dir=True)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_parse_decoded_bytes_never_raises(data: bytes) -> None:
    parse_dockerignore(data.decode("utf-8", "surrogateescape"))


_GLOB = st.text(alphabet="ab/*?.[]^-!\\\n ", max_size=12)
_PATH = st.text(alphabet="ab/.!\n", max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(_GLOB, max_size=4), _PATH, st.booleans())
def test_excludes_never_raises(lines: list[str], path: str, is_dir: bool) -> None:
    ignore, _ = parse_dockerignore("\n".join(lines))
    assert ignore.excludes(path, is_dir) in (True, False)


@settings(max_examples=200, deadline=None)
@given(_GLOB, _PATH)
def test_linear_matcher_agrees_with_regexp(pattern: str, path: str) -> None:
    ignore, errors = parse_dockerignore(pattern)
    if errors or not ignore.patterns:
        return
    matcher = _compile(ignore.patterns[0].pattern)
    if matcher.regex is not None and matcher.atoms is not None:
        assert _linear_match(matcher.atoms, path) is (matcher.regex.match(path) is not None)
    assert _translate(ignore.patterns[0].pattern)[0] == matcher.kind


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[a-z*?]{1,4}(/[a-z*?]{1,4}){0,2}", fullmatch=True), _PATH)
def test_slashes_around_a_pattern_do_not_matter(pattern: str, path: str) -> None:
    plain = _ignore(pattern)
    for variant in (f"/{pattern}", f"{pattern}/", f"./{pattern}"):
        assert _ignore(variant).excludes(path) is plain.excludes(path)
