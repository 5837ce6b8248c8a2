"""pip requirements files: decoding, lines, entries, generator headers and includes.

Expected values follow pip's own behaviour (pip/_internal/req/req_file.py and
req/constructors.py); lines marked "pip 22-24"/"pip 26" were checked against those releases.
"""

from __future__ import annotations

import codecs
import locale
import shlex
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.model import ParseError
from envlint.parsers.requirements import (
    Entry,
    Include,
    InstallEntry,
    InvalidLine,
    NamedRequirement,
    OptionLine,
    PathRequirement,
    RequirementsFile,
    UnresolvedLine,
    decode_requirements,
    parse_requirements,
    resolve_includes,
)
from envlint.parsers.requirements_options import Generator

HASH = "sha256:9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7"
Summary = tuple[object, ...]


def summary(entry: Entry) -> Summary:
    if isinstance(entry, NamedRequirement):
        marker = str(entry.marker) if entry.marker else None
        extras = tuple(sorted(entry.extras))
        spec = str(entry.specifier)
        return ("named", entry.canonical_name, extras, spec, marker, entry.url, entry.hashes)
    if isinstance(entry, PathRequirement):
        extras = tuple(sorted(entry.extras))
        return ("path", entry.target, entry.is_url, entry.editable, entry.name, extras)
    if isinstance(entry, Include):
        return ("include", entry.target, entry.constraint)
    if isinstance(entry, OptionLine):
        return ("option", *((o.name, o.value) for o in entry.options))
    return (entry.kind, entry.message)


def only(text: str) -> Entry:
    parsed, errors = parse_requirements(text)
    assert errors == []
    assert len(parsed.entries) == 1, parsed.entries
    return parsed.entries[0]


# --- decoding -------------------------------------------------------------------------------

TEXT = "six==1.0\r\n-r base.txt\r\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(TEXT.encode(), TEXT, id="plain utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode(), TEXT, id="utf-8 bom stripped"),
        pytest.param(TEXT.encode("utf-16"), TEXT, id="utf-16 with bom (PowerShell >)"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), TEXT, id="utf-16-be"),
        pytest.param(codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), TEXT, id="utf-32-le"),
        pytest.param(codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be"), TEXT, id="utf-32-be"),
        pytest.param(
            b"# -*- coding: latin-1 -*-\ncaf\xe9==1\n",
            "# -*- coding: latin-1 -*-\ncafé==1\n",
            id="pep 263 on line 1",
        ),
        pytest.param(
            b"pkg==1\n# vim: set fileencoding=cp1252 :\n\x93\n",
            "pkg==1\n# vim: set fileencoding=cp1252 :\n\u201c\n",
            id="pep 263 on line 2",
        ),
        pytest.param(b"pkg==1\nx\n# coding: latin-1\n", "pkg==1\nx\n# coding: latin-1\n", id="l3"),
        pytest.param(b"a\x00b\n", "a\x00b\n", id="nul bytes are valid utf-8"),
        pytest.param(b"", "", id="empty"),
    ],
)
def test_decode(data: bytes, expected: str) -> None:
    assert decode_requirements(data) == (expected, [])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            b"ok==1\npkg\xff==1\n",
            ParseError("not valid UTF-8 (invalid start byte at byte 9)", 2, 4),
            id="invalid utf-8, utf-8 locale",
        ),
        pytest.param(
            b"\xff\xfe\x00",
            ParseError(
                "not valid utf-16-le after its byte order mark: 'utf-16-le' codec can't "
                "decode byte 0x00 in position 0: truncated data"
            ),
            id="odd utf-16 after bom",
        ),
        pytest.param(
            b"# coding: nope\npkg\n",
            ParseError("cannot decode as its declared nope: unknown encoding: nope", 1),
            id="unknown declared coding",
        ),
        pytest.param(
            b"# coding: rot13\npkg\n",
            ParseError(
                "cannot decode as its declared rot13: 'rot13' is not a text encoding; "
                "use codecs.decode() to handle arbitrary codecs",
                1,
            ),
            id="declared codec that is not a text encoding",
        ),
    ],
)
def test_decode_errors(data: bytes, expected: ParseError, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "UTF-8")
    assert decode_requirements(data) == ("", [expected])


def test_decode_falls_back_to_the_locale_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "cp1252")
    assert decode_requirements(b"caf\xe9==1\n") == ("café==1\n", [])


def test_decode_names_a_failed_locale_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "ascii")
    assert decode_requirements(b"\xe9") == (
        "",
        [ParseError("not valid UTF-8 (unexpected end of data at byte 0) nor ascii", 1, 1)],
    )


# --- logical lines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a==1\r\nb==2\r\n", [(1, 1, "a==1"), (2, 1, "b==2")], id="crlf"),
        pytest.param("a==1\rb==2\r", [(1, 1, "a==1"), (2, 1, "b==2")], id="lone cr"),
        pytest.param("\n\n  a==1  \n", [(3, 3, "a==1")], id="blank lines and indent"),
        pytest.param(
            f"a==1 \\\n    --hash={HASH} \\\n    --hash=sha256:00\nb==2\n",
            [(1, 1, f"a==1     --hash={HASH}     --hash=sha256:00"), (4, 1, "b==2")],
            id="hash continuations keep the first line number",
        ),
        pytest.param("a\\\n==1\n", [(1, 1, "a==1")], id="backslash joins with no space"),
        pytest.param("a==1 \\\n", [(1, 1, "a==1")], id="backslash on the last line"),
        pytest.param(
            "a==1 \\\n# comment\nb==2\n",
            [(1, 1, "a==1"), (3, 1, "b==2")],
            id="a comment line ends a continuation",
        ),
        pytest.param(
            "a==1 # note \\\nb==2\nc==3\n",
            [(1, 1, "a==1"), (3, 1, "c==3")],
            id="trailing comment ending in backslash swallows the next line (as pip)",
        ),
        pytest.param(
            "\\\\a==1\\\\\nb\n", [(1, 1, "a==1b")], id="pip strips backslashes at both ends"
        ),
        pytest.param("# only\n   # indented\n", [], id="comments only"),
        pytest.param(
            "pkg @ https://h/p.whl#sha256=abc\n",
            [(1, 1, "pkg @ https://h/p.whl#sha256=abc")],
            id="fragment kept: # not after whitespace",
        ),
        pytest.param("a==1\t# tab comment\n", [(1, 1, "a==1")], id="tab before #"),
        pytest.param("a==1\x0cb==2\n", [(1, 1, "a==1"), (1, 6, "b==2")], id="form feed"),
    ],
)
def test_logical_lines(text: str, expected: list[tuple[int, int, str]]) -> None:
    parsed, errors = parse_requirements(text)
    assert errors == []
    assert [(e.line, e.column, e.text) for e in parsed.entries] == expected


def test_ten_thousand_line_continuation() -> None:
    text = "pkg==1.0 \\\n" + "".join(f"    --hash=sha256:{i:064x} \\\n" for i in range(10_000))
    entry = only(text + "    --hash=sha256:ff\n")
    assert isinstance(entry, NamedRequirement)
    assert (entry.line, entry.canonical_name, len(entry.hashes)) == (1, "pkg", 10_001)
    assert entry.hashes[0] == "sha256:" + "0" * 64
    assert parse_requirements(text + "x==1\n")[0].entries[-1].line == 1


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(" " * 200_000 + "x", id="long blank run (pip's comment regex is quadratic)"),
        pytest.param("[" * 100_000 + "]", id="many brackets (strip_extras regex is quadratic)"),
        pytest.param("a" * 100_000 + "-" * 100_000 + ".whl", id="long wheel name"),
        pytest.param("\\\n" * 20_000, id="continuations of nothing"),
    ],
)
def test_pathological_lines_finish(text: str) -> None:
    parse_requirements(text)


# --- entries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Flask== 3.1.2", ("named", "flask", (), "==3.1.2", None, None, ()), id="sp"),
        pytest.param(
            'pkg[extra]==1.0 ; python_version<"3.8"',
            ("named", "pkg", ("extra",), "==1.0", 'python_version < "3.8"', None, ()),
            id="extras and marker",
        ),
        pytest.param("pkg==1.0;", ("named", "pkg", (), "==1.0", None, None, ()), id="empty mk"),
        pytest.param("Django>=4,<5", ("named", "django", (), "<5,>=4", None, None, ()), id="range"),
        pytest.param("Foo.Bar_baz", ("named", "foo-bar-baz", (), "", None, None, ()), id="503"),
        pytest.param(
            "pkg @ https://h/p.whl#sha256=abc",
            ("named", "pkg", (), "", None, "https://h/p.whl#sha256=abc", ()),
            id="direct reference keeps its fragment",
        ),
        pytest.param(
            "pkg @ git+https://github.com/a/b.git ; python_version<'3'",
            ("named", "pkg", (), "", 'python_version < "3"', "git+https://github.com/a/b.git", ()),
            id="direct reference with marker",
        ),
        pytest.param(
            "pkg @ x.whl", ("named", "pkg", (), "", None, "x.whl", ()), id="name @ archive (26)"
        ),
        pytest.param(
            f"pkg==1.0 --hash={HASH} --hash sha256:00",
            ("named", "pkg", (), "==1.0", None, None, (HASH, "sha256:00")),
            id="hashes on the line",
        ),
        pytest.param(
            "pkg==1 --pre -r x.txt",
            ("named", "pkg", (), "==1", None, None, ()),
            id="global options on a requirement line are ignored by pip",
        ),
        pytest.param(
            "pkg -e .", ("named", "pkg", (), "", None, None, ()), id="words win over -e (pip<25)"
        ),
        pytest.param("pkg===foo/bar", ("named", "pkg", (), "===foo/bar", None, None, ()), id="==="),
        pytest.param(".", ("path", ".", False, False, None, ()), id="dot"),
        pytest.param("./pkg[extra]", ("path", "./pkg", False, False, None, ("extra",)), id="px"),
        pytest.param("../x", ("path", "../x", False, False, None, ()), id="parent path"),
        pytest.param(
            "./foo/bar==1", ("path", "./foo/bar==1", False, False, None, ()), id="maybe dir"
        ),
        pytest.param("pkg-1.0.tar.gz", ("path", "pkg-1.0.tar.gz", False, False, None, ()), id="sd"),
        pytest.param(
            "./dist/my_pkg-1.0-py3-none-any.whl",
            ("path", "./dist/my_pkg-1.0-py3-none-any.whl", False, False, "my-pkg", ()),
            id="wheel path names its project",
        ),
        pytest.param(
            "https://h/dist/pkg-1.0-py3-none-any.whl",
            ("path", "https://h/dist/pkg-1.0-py3-none-any.whl", True, False, "pkg", ()),
            id="wheel url",
        ),
        pytest.param(
            "git+https://github.com/a/b.git#egg=b",
            ("path", "git+https://github.com/a/b.git#egg=b", True, False, "b", ()),
            id="vcs url with egg",
        ),
        pytest.param(
            "git+https://github.com/a/b.git",
            ("path", "git+https://github.com/a/b.git", True, False, None, ()),
            id="unnamed vcs url",
        ),
        pytest.param(
            "https://x/y.tar.gz#egg=Foo[bar]",
            ("path", "https://x/y.tar.gz#egg=Foo[bar]", True, False, "foo", ()),
            id="egg with extras (pip 22-24)",
        ),
        pytest.param("file:./x", ("path", "file:./x", True, False, None, ()), id="file url"),
        pytest.param("-e .", ("path", ".", False, True, None, ()), id="-e ."),
        pytest.param("-e ./pkg[dev]", ("path", "./pkg", False, True, None, ("dev",)), id="-e px"),
        pytest.param("--editable=src/app", ("path", "src/app", False, True, None, ()), id="-e="),
        pytest.param(
            "-e git+https://github.com/org/repo.git@v1#egg=Repo_X&subdirectory=s",
            (
                "path",
                "git+https://github.com/org/repo.git@v1#egg=Repo_X&subdirectory=s",
                True,
                True,
                "repo-x",
                (),
            ),
            id="-e vcs with egg and subdirectory",
        ),
        pytest.param(
            "-e git:github.com/a/b#egg=b",
            ("path", "git+git:github.com/a/b#egg=b", True, True, "b", ()),
            id="-e git: gets its vcs prefix",
        ),
        pytest.param(
            '-e "pkg @ git+https://github.com/a/b.git"',
            ("path", "git+https://github.com/a/b.git", True, True, "pkg", ()),
            id="-e quoted name @ url",
        ),
        pytest.param("-e file:./x", ("path", "file:./x", True, True, None, ()), id="-e file:"),
        pytest.param(
            "-e C:\\src\\app",
            ("path", "C:srcapp", False, True, None, ()),
            id="shlex eats unquoted backslashes, as in pip",
        ),
        pytest.param(
            '-e "C:\\src\\app"', ("path", "C:\\src\\app", False, True, None, ()), id="quoted"
        ),
        pytest.param("-r base.txt", ("include", "base.txt", False), id="-r"),
        pytest.param("--requirement=x/y.txt", ("include", "x/y.txt", False), id="--requirement="),
        pytest.param("-rthird.txt", ("include", "third.txt", False), id="-rx"),
        pytest.param("--constraint c.txt", ("include", "c.txt", True), id="--constraint x"),
        pytest.param("-c https://h/c.txt", ("include", "https://h/c.txt", True), id="-c url"),
        pytest.param("--requirem base.txt", ("include", "base.txt", False), id="abbreviation"),
        pytest.param("-r a.txt -r b.txt", ("include", "a.txt", False), id="first -r only"),
        pytest.param("-c c.txt -r r.txt", ("include", "r.txt", False), id="-r before -c"),
        pytest.param('-r "my reqs.txt"', ("include", "my reqs.txt", False), id="shlex quoting"),
        pytest.param(
            "-i https://x/simple", ("option", ("--index-url", "https://x/simple")), id="i"
        ),
        pytest.param("--pypi-url=https://x", ("option", ("--index-url", "https://x")), id="pypi"),
        pytest.param("--extra-index https://x", ("option", ("--extra-index-url", "https://x"))),
        pytest.param("--no-index", ("option", ("--no-index", None)), id="--no-index"),
        pytest.param("-f ./wheels", ("option", ("--find-links", "./wheels")), id="-f"),
        pytest.param("--pre", ("option", ("--pre", None)), id="--pre"),
        pytest.param("--trusted-host h:8080", ("option", ("--trusted-host", "h:8080")), id="th"),
        pytest.param("--prefer-binary", ("option", ("--prefer-binary", None)), id="prefer"),
        pytest.param("--require-hashes", ("option", ("--require-hashes", None)), id="req hashes"),
        pytest.param("--only-binary=:all:", ("option", ("--only-binary", ":all:")), id="only-bin"),
        pytest.param("--no-binary :all:", ("option", ("--no-binary", ":all:")), id="no-binary"),
        pytest.param("--use-feature truststore", ("option", ("--use-feature", "truststore"))),
        pytest.param("-C a=b", ("option", ("--config-settings", "a=b")), id="-C (23.1+)"),
        pytest.param("--install-option=--x", ("option", ("--install-option", "--x")), id="<23.1"),
        pytest.param("--global-option=--x", ("option", ("--global-option", "--x")), id="<25.3"),
        pytest.param("--only :all:", ("option", ("--only-binary", ":all:")), id="abbrev <26"),
        pytest.param("--all-releases :all:", ("option", ("--all-releases", ":all:")), id="26.0+"),
        pytest.param("--no-require-hashes", ("option", ("--no-require-hashes", None)), id="26.2"),
        pytest.param(f"--hash={HASH}", ("option", ("--hash", HASH)), id="lone hash: ignored"),
        pytest.param("--pre foo", ("option", ("--pre", None)), id="stray word after an option"),
        pytest.param("-", ("option",), id="lone dash is a no-op"),
        pytest.param(
            "--index-url https://x --trusted-host x",
            ("option", ("--index-url", "https://x"), ("--trusted-host", "x")),
            id="several options",
        ),
    ],
)
def test_entries(text: str, expected: Summary) -> None:
    assert summary(only(text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("foo bar", "Expected semicolon", id="two words"),
        pytest.param("Flask=3", "(= is not a valid operator; did you mean ==?)", id="single ="),
        pytest.param("pkg[", "Expected matching RIGHT_BRACKET", id="open bracket"),
        pytest.param("'quoted'", "Expected package name", id="quoted"),
        pytest.param("pkg>=1.0.x", "Expected", id="legacy version (pip < 24.1 only)"),
        pytest.param("pkg==1.0\t--hash=sha256:00", "Expected", id="tab does not split options"),
        pytest.param("pkg==1 ; python_version<'3' ; x", "Expected", id="two markers"),
        pytest.param("pkg==1.0 ; python_version < ", "Expected", id="broken marker"),
        pytest.param("./x[bad extra]", "Expected comma between extra names", id="bad extras"),
        pytest.param("pkg.whl", "pkg.whl is not a valid wheel filename", id="bad wheel name"),
        pytest.param(
            "https://x/y.whl ; python_version<'3'", "y.whl is not a valid wheel filename", id="wh"
        ),
        pytest.param("https://x/y.tar.gz#egg=", "empty #egg= fragment in", id="empty egg"),
        pytest.param("--no-such-option", "no such option: --no-such-option", id="unknown"),
        pytest.param("pkg --foo", "no such option: --foo", id="unknown on requirement line"),
        pytest.param("-r", "-r option requires 1 argument", id="-r without target"),
        pytest.param("--index", "--index-url option requires 1 argument", id="abbrev no value"),
        pytest.param("--pre=1", "--pre option does not take a value", id="flag with value"),
        pytest.param("--re x", "ambiguous option: --re (", id="ambiguous abbreviation"),
        pytest.param(
            "--hash=md5:abc",
            "allowed hash algorithms for --hash are sha256, sha384, sha512",
            id="weak hash",
        ),
        pytest.param(
            "--hash=abc",
            "arguments to --hash must be a hash name followed by a value",
            id="hash without algorithm",
        ),
        pytest.param(
            "--config-settings a",
            "arguments to --config-settings must be of the form KEY=VAL",
            id="config settings without =",
        ),
        pytest.param("--no-binary -x", "--no-binary option requires 1 argument", id="dash value"),
        pytest.param(
            "--use-feature=nope",
            "--use-feature: invalid choice 'nope' (choose from build-constraint, fast-deps,"
            " inprocess-build-deps, no-binary-enable-wheel-cache, truststore, venv-isolation)",
            id="unknown feature",
        ),
        pytest.param("-r 'unclosed", "could not split options: -r 'unclosed", id="shlex error"),
        pytest.param(
            "--install-option=x -C a=b", "no such option: --install-option", id="no one pip"
        ),
        pytest.param(
            "-e https://x/y.tar.gz",
            "'https://x/y.tar.gz' is not an editable path, file: URL or VCS URL",
            id="editable plain url",
        ),
        pytest.param(
            "-e git+https://github.com/org/repo.git",
            "cannot tell the name of 'git+https://github.com/org/repo.git': "
            "add #egg=name or use name @ url",
            id="editable vcs without egg",
        ),
        pytest.param("a\x00b", "Expected", id="nul byte"),
        pytest.param("-Z", "no such option: -Z", id="-Z left pip long before 22"),
        pytest.param("--always-unzip", "no such option: --always-unzip", id="--always-unzip"),
        pytest.param("--src ./src", "no such option: --src", id="install-only option"),
        pytest.param("--upgrade", "no such option: --upgrade", id="install-only flag"),
    ],
)
def test_invalid_lines(text: str, message: str) -> None:
    entry = only(text)
    assert isinstance(entry, InvalidLine)
    assert message in entry.message
    assert (entry.line, entry.column, entry.text) == (1, 1, text.strip())


@pytest.mark.parametrize(
    ("text", "pinned", "hashed"),
    [
        pytest.param("a==1.0", True, False, id="=="),
        pytest.param("a===1.0", True, False, id="==="),
        pytest.param("a==1.0.*", False, False, id="wildcard is a range"),
        pytest.param("a>=1,==1.2", True, False, id="one == among others"),
        pytest.param("a==1,==2", False, False, id="two pins"),
        pytest.param("a>=1", False, False, id="range"),
        pytest.param("a", False, False, id="bare"),
        pytest.param("a @ https://h/a-1.0.tar.gz", False, False, id="url is not a pin"),
        pytest.param(f"a==1 --hash={HASH}", True, True, id="hashed"),
        pytest.param(f"a>=1 \\\n  --hash={HASH}", False, True, id="hash on continuation"),
    ],
)
def test_pinned_and_hashes(text: str, pinned: bool, hashed: bool) -> None:
    entry = only(text)
    assert isinstance(entry, NamedRequirement)
    assert (entry.is_pinned, entry.has_hashes) == (pinned, hashed)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "--index-url ${PIP_INDEX_URL}",
            ("option", ("--index-url", "${PIP_INDEX_URL}")),
            id="index url variable",
        ),
        pytest.param(
            "--extra-index-url https://${USER}:${TOKEN}@h/simple",
            ("option", ("--extra-index-url", "https://${USER}:${TOKEN}@h/simple")),
            id="credentials in url",
        ),
        pytest.param(
            "pkg @ git+https://${TOKEN}@github.com/o/r.git",
            ("named", "pkg", (), "", None, "git+https://${TOKEN}@github.com/o/r.git", ()),
            id="token in direct reference",
        ),
        pytest.param(
            "git+https://${TOKEN}@github.com/o/r.git#egg=r",
            ("path", "git+https://${TOKEN}@github.com/o/r.git#egg=r", True, False, "r", ()),
            id="token in vcs url",
        ),
        pytest.param("-r ${REQS}", ("include", "${REQS}", False), id="include variable"),
        pytest.param(
            "pkg==${VERSION}",
            ("unresolved", "Expected semicolon (after name with no version specifier) or end"),
            id="version from the environment",
        ),
        pytest.param(
            "--hash=${HASH}",
            (
                "unresolved",
                "arguments to --hash must be a hash name followed by a value, like sha256:…",
            ),
            id="option value from the environment",
        ),
    ],
)
def test_env_vars(text: str, expected: Summary) -> None:
    entry = only(text)
    assert entry.has_env_var
    assert summary(entry) == expected
    assert entry.text == text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("pkg==$VERSION", id="no braces"),
        pytest.param("pkg==${version}", id="lowercase is not expanded by pip"),
    ],
)
def test_not_env_vars(text: str) -> None:
    entry = only(text)
    assert isinstance(entry, InvalidLine)
    assert not entry.has_env_var


def test_url_requirement_keeps_its_marker() -> None:
    entry = only("https://h/pkg.tar.gz#egg=pkg ; python_version<'3'")
    assert isinstance(entry, PathRequirement)
    assert (entry.target, entry.name, str(entry.marker)) == (
        "https://h/pkg.tar.gz#egg=pkg",
        "pkg",
        'python_version < "3"',
    )


def test_entries_of_a_file() -> None:
    parsed, errors = parse_requirements(
        "--index-url https://x/simple\n\n-r base.txt\n  flask==3.1.2  # web\n-e .\nbad line\n"
    )
    assert errors == []
    assert [(e.kind, e.line, e.column) for e in parsed.entries] == [
        ("option", 1, 1),
        ("include", 3, 1),
        ("named", 4, 3),
        ("path", 5, 1),
        ("invalid", 6, 1),
    ]
    assert [r.canonical_name for r in parsed.requirements] == ["flask"]
    assert [i.target for i in parsed.includes] == ["base.txt"]
    assert [i.text for i in parsed.invalid] == ["bad line"]
    assert (parsed.generator, parsed.has_via_annotations, parsed.compiled) == (None, False, False)


def test_invalid_and_unresolved_are_distinct_types() -> None:
    entries = parse_requirements("x y\n${X} y\n")[0].entries
    assert [type(e) for e in entries] == [InvalidLine, UnresolvedLine]


# --- generator headers ----------------------------------------------------------------------

PIP_COMPILE_7 = """\
#
# This file is autogenerated by pip-compile with Python 3.11
# by the following command:
#
#    pip-compile --generate-hashes --output-file=requirements.txt pyproject.toml
#
iniconfig==2.3.1 \\
    --hash=sha256:9121e2c1fdb355232495be3194c8dfe87ccc2d5dee45947b78e68f499790d7a7
    # via demo (pyproject.toml)
"""
PIP_COMPILE_6 = """\
#
# This file is autogenerated by pip-compile with python 3.10
# To update, run:
#
#    pip-compile requirements/dev.in
#
six==1.17.0               # via -r requirements/dev.in
"""
UV_COMPILE = """\
# This file was autogenerated by uv via the following command:
#    uv pip compile --offline --no-index pyproject.toml -o requirements.txt
iniconfig==2.3.1
    # via demo (pyproject.toml)
"""
UV_EXPORT = """\
# This file was autogenerated by uv via the following command:
#    uv export --format requirements-txt --no-hashes -o requirements.txt
-e .
six==1.17.0
    # via demo
"""


@pytest.mark.parametrize(
    ("text", "generator", "vias"),
    [
        pytest.param(
            PIP_COMPILE_7,
            Generator(
                "pip-compile",
                2,
                "pip-compile --generate-hashes --output-file=requirements.txt pyproject.toml",
                ("pyproject.toml",),
            ),
            True,
            id="pip-tools 7",
        ),
        pytest.param(
            PIP_COMPILE_6,
            Generator(
                "pip-compile", 2, "pip-compile requirements/dev.in", ("requirements/dev.in",)
            ),
            True,
            id="pip-tools 6, line annotations",
        ),
        pytest.param(
            "#\n# This file is autogenerated by pip-compile with Python 3.12\n"
            "# by the following command:\n#\n#    pip-compile\n#\nsix==1\n",
            Generator(
                "pip-compile",
                2,
                "pip-compile",
                (),
                ("requirements.in", "setup.py", "pyproject.toml", "setup.cfg"),
            ),
            False,
            id="bare pip-compile reads its default inputs",
        ),
        pytest.param(
            "#\n# This file is autogenerated by pip-compile with Python 3.12\n"
            "# by the following command:\n#\n#    make requirements\n#\n",
            Generator("pip-compile", 2, "make requirements"),
            False,
            id="CUSTOM_COMPILE_COMMAND",
        ),
        pytest.param(
            "# This file is autogenerated by pip-compile\n# To update, run:\n#\n"
            "#    pip-compile --output-file requirements.txt setup.py base.in\n#\n",
            Generator(
                "pip-compile",
                1,
                "pip-compile --output-file requirements.txt setup.py base.in",
                ("setup.py", "base.in"),
            ),
            False,
            id="old pip-tools, option value after a space",
        ),
        pytest.param(
            UV_COMPILE,
            Generator(
                "uv pip compile",
                1,
                "uv pip compile --offline --no-index pyproject.toml -o requirements.txt",
                ("pyproject.toml",),
            ),
            True,
            id="uv pip compile",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv pip compile --universal -c constraints.txt requirements.in setup.cfg\n",
            Generator(
                "uv pip compile",
                1,
                "uv pip compile --universal -c constraints.txt requirements.in setup.cfg",
                ("requirements.in", "setup.cfg"),
            ),
            False,
            id="uv pip compile: a constraint is not an input",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv pip compile --directory svc pyproject.toml\n",
            Generator(
                "uv pip compile",
                1,
                "uv pip compile --directory svc pyproject.toml",
                ("svc/pyproject.toml",),
            ),
            False,
            id="uv --directory",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv pip compile --group pyproject.toml:docs -o docs.txt\n",
            Generator(
                "uv pip compile",
                1,
                "uv pip compile --group pyproject.toml:docs -o docs.txt",
                ("pyproject.toml",),
            ),
            False,
            id="uv pip compile --group path:group",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv pip compile --group docs\n",
            Generator("uv pip compile", 1, "uv pip compile --group docs", (), ("pyproject.toml",)),
            False,
            id="uv pip compile --group of the project",
        ),
        pytest.param(
            UV_EXPORT,
            Generator(
                "uv export",
                1,
                "uv export --format requirements-txt --no-hashes -o requirements.txt",
                (),
                ("pyproject.toml",),
            ),
            True,
            id="uv export reads the project",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv export --project services/api --frozen\n",
            Generator(
                "uv export",
                1,
                "uv export --project services/api --frozen",
                (),
                ("services/api/pyproject.toml",),
            ),
            False,
            id="uv export --project",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv export --script tool.py\n",
            Generator("uv export", 1, "uv export --script tool.py", ("tool.py",)),
            False,
            id="uv export --script",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n"
            "#    uv export --package api\n",
            Generator("uv export", 1, "uv export --package api"),
            False,
            id="uv export of a workspace member: inputs unknown",
        ),
        pytest.param(
            "# This file was autogenerated by uv via the following command:\n#    make reqs\n",
            Generator("uv", 1, "make reqs"),
            False,
            id="uv --custom-compile-command",
        ),
        pytest.param(
            "flask==3\n# This file is autogenerated by pip-compile\n",
            None,
            False,
            id="header must open the file",
        ),
        pytest.param("django==4.2\n    # via -r requirements.in\n", None, True, id="via only"),
        pytest.param("# viaduct==1\nvia==1 # vial\n", None, False, id="not a via"),
    ],
)
def test_generator(text: str, generator: Generator | None, vias: bool) -> None:
    parsed = parse_requirements(text)[0]
    assert (parsed.generator, parsed.has_via_annotations) == (generator, vias)
    assert parsed.compiled == (generator is not None or vias)


# --- includes -------------------------------------------------------------------------------

Files = dict[str, str]


def reader(files: Files) -> Callable[[str], str | None]:
    return files.get


def flat(entries: tuple[InstallEntry, ...]) -> list[tuple[str, int, str, bool]]:
    return [(e.path, e.entry.line, e.entry.text, e.constraint) for e in entries]


def test_includes_are_read_where_they_stand() -> None:
    files = {
        "requirements/dev.txt": "pytest==8\n-r base.txt\n-c ../constraints.txt\nruff==0.6\n",
        "requirements/base.txt": "flask==3\n",
        "constraints.txt": "werkzeug==3\n-r requirements/extra.txt\n",
        "requirements/extra.txt": "rich==13\n",
    }
    graph = resolve_includes("requirements/dev.txt", reader(files))
    assert flat(graph.entries) == [
        ("requirements/dev.txt", 1, "pytest==8", False),
        ("requirements/base.txt", 1, "flask==3", False),
        ("constraints.txt", 1, "werkzeug==3", True),
        # pip: an -r inside a constraints file installs (nested_constraint = False)
        ("requirements/extra.txt", 1, "rich==13", False),
        ("requirements/dev.txt", 4, "ruff==0.6", False),
    ]
    assert [(e.source, e.line, e.path, e.constraint, e.status) for e in graph.edges] == [
        ("requirements/dev.txt", 2, "requirements/base.txt", False, "ok"),
        ("requirements/dev.txt", 3, "constraints.txt", True, "ok"),
        ("constraints.txt", 2, "requirements/extra.txt", False, "ok"),
    ]
    assert sorted(graph.files) == sorted(files)
    assert isinstance(graph.files["constraints.txt"], RequirementsFile)
    assert (graph.missing, graph.cycles, graph.truncated) == ((), (), False)


@pytest.mark.parametrize(
    ("target", "path", "status"),
    [
        pytest.param("missing.txt", "app/missing.txt", "missing", id="missing"),
        pytest.param("./sub/../missing.txt", "app/missing.txt", "missing", id="normalised"),
        pytest.param("https://h/r.txt", None, "url", id="url"),
        pytest.param("FILE:///r.txt", None, "url", id="file url"),
        pytest.param("/app/requirements.txt", None, "absolute", id="absolute in image"),
        pytest.param('"C:\\r.txt"', None, "absolute", id="windows absolute"),
        pytest.param("${REQS}/base.txt", None, "env", id="environment variable"),
        pytest.param("../../up.txt", None, "outside", id="above the root"),
        pytest.param("ftp://h/r.txt", "app/ftp:/h/r.txt", "missing", id="pip opens ftp as path"),
    ],
)
def test_include_targets(target: str, path: str | None, status: str) -> None:
    graph = resolve_includes("app/r.txt", reader({"app/r.txt": f"a==1\n-r {target}\nb==2\n"}))
    assert [(e.source, e.line, e.column, e.target, e.path, e.status) for e in graph.edges] == [
        ("app/r.txt", 2, 1, shlex.split(target)[0], path, status)
    ]
    assert [e.entry.text for e in graph.entries] == ["a==1", "b==2"]


def test_backslash_target_is_shlex_split_as_pip_does() -> None:
    graph = resolve_includes("r.txt", reader({"r.txt": "-r ..\\base.txt\n"}))
    assert [(e.target, e.path, e.status) for e in graph.edges] == [
        ("..base.txt", "..base.txt", "missing")
    ]


def test_cycle_is_reported_once_at_the_closing_line() -> None:
    files = {"a.txt": "x==1\n-r b.txt\n", "b.txt": "y==1\n\n-r a.txt\n", "c.txt": "-r c.txt\n"}
    graph = resolve_includes("a.txt", reader(files))
    assert [(e.source, e.line, e.path, e.status) for e in graph.cycles] == [
        ("b.txt", 3, "a.txt", "cycle")
    ]
    assert [e.entry.text for e in graph.entries] == ["x==1", "y==1"]
    self_graph = resolve_includes("c.txt", reader(files))
    assert [(e.source, e.line, e.status) for e in self_graph.edges] == [("c.txt", 1, "cycle")]


def test_diamond_is_read_twice_but_reported_once() -> None:
    files = {
        "r.txt": "-r a.txt\n-r b.txt\n",
        "a.txt": "-r common.txt\n",
        "b.txt": "-r common.txt\n",
        "common.txt": "six==1\n-r gone.txt\n",
    }
    reads: list[str] = []

    def read(path: str) -> str | None:
        reads.append(path)
        return files.get(path)

    graph = resolve_includes("r.txt", read)
    assert [(e.path, e.entry.line) for e in graph.entries] == [
        ("common.txt", 1),
        ("common.txt", 1),
    ]
    assert [(e.source, e.line) for e in graph.missing] == [("common.txt", 2)]
    assert sorted(reads) == ["a.txt", "b.txt", "common.txt", "gone.txt", "r.txt"]


def test_include_depth_is_bounded() -> None:
    files = {f"r{i}.txt": f"p{i}==1\n-r r{i + 1}.txt\n" for i in range(150)}
    graph = resolve_includes("r0.txt", reader(files))
    assert len(graph.entries) == 100
    assert graph.truncated
    assert [(e.source, e.status) for e in graph.edges if e.status != "ok"] == [("r99.txt", "depth")]


def test_exponential_diamonds_are_bounded() -> None:
    files = {f"r{i}.txt": f"-r r{i + 1}.txt\n-r r{i + 1}.txt\n" for i in range(40)}
    files["r40.txt"] = "leaf==1\n"
    graph = resolve_includes("r0.txt", reader(files))
    assert graph.truncated
    assert len(graph.edges) == 80


def test_start_is_normalised() -> None:
    graph = resolve_includes("./r.txt", reader({"r.txt": "-r r.txt\n"}))
    assert [(e.source, e.status) for e in graph.edges] == [("r.txt", "cycle")]


def test_missing_start_gives_an_empty_graph() -> None:
    graph = resolve_includes("nope.txt", reader({}))
    assert (graph.files, graph.edges, graph.entries) == ({}, (), ())


# --- properties -----------------------------------------------------------------------------

TRICKY = st.lists(
    st.sampled_from(
        [
            *"-ercif=[]@#;\\ \t\n\r\x0c$ {}AZ_./:<>~!*'\"pkg019,",
            *("--hash=sha256:", "git+https://", "${TOKEN}", ".whl", ".tar.gz", "#egg=", " -r "),
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_parses(text: str) -> None:
    parsed, errors = parse_requirements(text)
    assert errors == []
    assert all(1 <= e.line <= text.count("\n") + text.count("\r") + 1 for e in parsed.entries)


@settings(max_examples=200, deadline=None)
@given(TRICKY)
def test_tricky_text_parses(text: str) -> None:
    parsed, _ = parse_requirements(text)
    assert all(e.column >= 1 and e.text for e in parsed.entries)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_any_bytes_decode_and_parse(data: bytes) -> None:
    text, errors = decode_requirements(data)
    assert (text == "") if errors else True
    parse_requirements(text)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["r.txt", "a.txt", "sub/b.txt", "c.txt"]),
        st.lists(
            st.sampled_from(
                [
                    "-r a.txt",
                    "-r sub/b.txt",
                    "-r ../a.txt",
                    "-c c.txt",
                    "-r r.txt",
                    "x==1",
                    "-r ${X}",
                    "-r /abs.txt",
                    "-c b.txt",
                    "bad line",
                ]
            ),
            max_size=6,
        ).map("\n".join),
    )
)
def test_any_include_graph_terminates(files: Files) -> None:
    graph = resolve_includes("r.txt", reader(files))
    assert len({(e.source, e.line) for e in graph.edges}) == len(graph.edges)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab-=:/ \t\r\n\x0b\x0c\xa0#"))))
def test_fast_option_split_agrees_with_shlex(text: str) -> None:
    import shlex

    from envlint.parsers.requirements_options import _SHLEX_SPACE

    assert [w for w in _SHLEX_SPACE.split(text) if w] == shlex.split(text)
