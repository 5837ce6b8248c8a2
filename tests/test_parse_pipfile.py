"""Pipfile: packages, dev-packages and `[requires]` Python, with lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from envlint.model import ParseError
from envlint.parsers.pipfile import Pipfile, parse_pipfile

PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
django = "==4.2"
flask = {version = ">=2", extras = ["async"]}
mylib = {path = "./lib", editable = true}
tool = {git = "https://example.com/tool.git", ref = "v1"}
socks = {extras = ["socks"]}
bare = "1.0"
win = {version = "*", markers = "os_name == 'nt'"}

[dev-packages]
pytest = "*"

[requires]
python_version = "3.12"
"""


def test_packages() -> None:
    pipfile, errors = parse_pipfile(PIPFILE)
    assert errors == []
    found = [
        (p.name, p.section, p.line, p.version, p.specifier, p.source, p.editable)
        for p in pipfile.packages
    ]
    assert found == [
        ("requests", "packages", 7, "*", SpecifierSet(), "version", False),
        ("django", "packages", 8, "==4.2", SpecifierSet("==4.2"), "version", False),
        ("flask", "packages", 9, ">=2", SpecifierSet(">=2"), "version", False),
        ("mylib", "packages", 10, None, None, "path", True),
        ("tool", "packages", 11, None, None, "git", False),
        ("socks", "packages", 12, None, SpecifierSet(), "version", False),
        ("bare", "packages", 13, "1.0", None, "version", False),
        ("win", "packages", 14, "*", SpecifierSet(), "version", False),
        ("pytest", "dev-packages", 17, "*", SpecifierSet(), "version", False),
    ]
    assert pipfile.packages[2].extras == ("async",)
    assert pipfile.packages[7].markers == "os_name == 'nt'"


@pytest.mark.parametrize(
    ("requires", "expected"),
    [
        pytest.param('python_version = "3.12"', [("3.12", "==3.12.*", 2)], id="series"),
        pytest.param('python_full_version = "3.12.4"', [("3.12.4", "==3.12.4", 2)], id="release"),
        pytest.param(
            'python_version = "3.12"\npython_full_version = "3.12.4"',
            [("3.12.4", "==3.12.4", 3), ("3.12", "==3.12.*", 2)],
            id="both: the full version first",
        ),
        pytest.param('python_version = "3"', [("3", None, 2)], id="major only is unknown"),
        pytest.param('python_version = "pypy"', [], id="not a version"),
        pytest.param("python_version = 3.12", [], id="not a string"),
        pytest.param("", [], id="empty"),
    ],
)
def test_requires(requires: str, expected: list[tuple[object, ...]]) -> None:
    pipfile, errors = parse_pipfile(f"[requires]\n{requires}\n")
    assert errors == []
    assert [
        (d.text, None if d.specifier is None else str(d.specifier), d.line) for d in pipfile.python
    ] == expected
    assert all(d.source == "Pipfile" for d in pipfile.python)


def test_requires_raw_values() -> None:
    pipfile, _ = parse_pipfile(
        '[requires]\npython_version = "3.11"\npython_full_version = "3.11.2"\n'
    )
    assert (pipfile.python_version, pipfile.python_full_version) == ("3.11", "3.11.2")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            "[packages\n",
            ParseError("invalid TOML: Expected ']' at the end of a table declaration", 1, 10),
            id="unclosed header",
        ),
        pytest.param(
            '[packages]\nrequests = "*"\nrequests = "*"\n',
            ParseError("invalid TOML: Cannot overwrite a value", 3, 15),
            id="duplicate key",
        ),
    ],
)
def test_errors(text: str, error: ParseError) -> None:
    pipfile, errors = parse_pipfile(text)
    assert pipfile == Pipfile()
    assert [(e.line, e.column) for e in errors] == [(error.line, error.column)]
    assert errors[0].message.startswith("invalid TOML: ")


def test_version_past_the_int_limit_is_unknown() -> None:
    pipfile, _ = parse_pipfile(f'[packages]\na = ">=1{"0" * 5000}"\n')
    assert [(p.name, p.specifier) for p in pipfile.packages] == [("a", None)]


def test_odd_shapes_are_tolerated() -> None:
    pipfile, errors = parse_pipfile("packages = 1\n[dev-packages]\nx = 3\n")
    assert errors == []
    assert [(p.name, p.source, p.specifier) for p in pipfile.packages] == [("x", "other", None)]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", "replace"))))
def test_arbitrary_text_never_raises(text: str) -> None:
    pipfile, errors = parse_pipfile(text)
    assert isinstance(pipfile, Pipfile)
    assert all(isinstance(e, ParseError) for e in errors)
