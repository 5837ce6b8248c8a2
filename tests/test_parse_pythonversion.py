"""Python version sources: .python-version, runtime.txt, .tool-versions, pyvenv.cfg, helpers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from envlint.parsers.pythonversion import (
    DeclaredPython,
    parse_python_version_file,
    parse_runtime_txt,
    parse_tool_versions,
    requires_python,
    specifiers_intersect,
    version_spec,
)
from envlint.parsers.pyvenv import parse_pyvenv_cfg


def spec(text: str | None) -> SpecifierSet | None:
    return None if text is None else SpecifierSet(text)


def summary(found: tuple[DeclaredPython, ...]) -> list[tuple[object, ...]]:
    """(text, specifier, line, free_threaded, index, minor) of each declaration."""
    return [
        (d.text, None if d.specifier is None else str(d.specifier), d.line, d.free_threaded, *extra)
        for d in found
        for extra in [(d.index, d.minor)]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3.12", "==3.12.*", id="X.Y is the series"),
        pytest.param("3.12.4", "==3.12.4", id="X.Y.Z is the release"),
        pytest.param(" 3.11 ", "==3.11.*", id="surrounding spaces"),
        pytest.param("3.13.0rc1", "==3.13.0rc1", id="pre-release"),
        pytest.param("3", None, id="a major alone is unknown"),
        pytest.param("3.12.4.1", None, id="four parts"),
        pytest.param("3.12t", None, id="suffix is not a plain version"),
        pytest.param("latest", None, id="word"),
        pytest.param("", None, id="empty"),
    ],
)
def test_version_spec(text: str, expected: str | None) -> None:
    assert version_spec(text) == spec(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3.12\n", [("3.12", "==3.12.*", 1, False, 0, (3, 12))], id="series"),
        pytest.param("3.12.4", [("3.12.4", "==3.12.4", 1, False, 0, (3, 12))], id="release"),
        pytest.param("3.13t\n", [("3.13t", "==3.13.*", 1, True, 0, (3, 13))], id="free-threaded"),
        pytest.param(
            "3.13+freethreaded\n",
            [("3.13+freethreaded", "==3.13.*", 1, True, 0, (3, 13))],
            id="uv free-threaded spelling",
        ),
        pytest.param("3\n", [("3", None, 1, False, 0, None)], id="major only is unknown"),
        pytest.param("system\n", [], id="system skipped"),
        pytest.param("myenv\n", [], id="pyenv env name skipped"),
        pytest.param("pypy3.10-7.3.12\n", [], id="pypy skipped"),
        pytest.param("miniconda3-latest\n", [], id="conda skipped"),
        pytest.param("3.12\r\n", [("3.12", "==3.12.*", 1, False, 0, (3, 12))], id="CRLF"),
        pytest.param(
            "# pinned\n\n3.12.1 trailing words\n3.11\n",
            [
                ("3.12.1", "==3.12.1", 3, False, 0, (3, 12)),
                ("3.11", "==3.11.*", 4, False, 1, (3, 11)),
            ],
            id="comments, blank lines, first word, several versions",
        ),
        pytest.param(
            "system\n3.12\n",
            [("3.12", "==3.12.*", 2, False, 1, (3, 12))],
            id="second version keeps its index",
        ),
        pytest.param(
            "../3.12\n3.11\n",
            [("3.11", "==3.11.*", 2, False, 0, (3, 11))],
            id="pyenv drops words with a slash",
        ),
        pytest.param(
            "cpython@3.12\n", [("cpython@3.12", "==3.12.*", 1, False, 0, (3, 12))], id="uv cpython@"
        ),
        pytest.param(
            "cpython-3.12.4-linux-x86_64-gnu\n",
            [("cpython-3.12.4-linux-x86_64-gnu", "==3.12.4", 1, False, 0, (3, 12))],
            id="uv installation key",
        ),
        pytest.param(
            ">=3.11,<3.13\n",
            [(">=3.11,<3.13", "<3.13,>=3.11", 1, False, 0, None)],
            id="uv specifier set",
        ),
        pytest.param(">=3.11,<<\n", [], id="broken specifier skipped"),
        pytest.param("3.14-dev\n", [("3.14-dev", "==3.14.*", 1, False, 0, (3, 14))], id="dev"),
        pytest.param("3." + "9" * 5000 + "\n", [], id="digits past the int limit"),
        pytest.param(">=" + "9" * 5000 + "\n", [], id="specifier past the int limit"),
        pytest.param("", [], id="empty file"),
    ],
)
def test_python_version_file(text: str, expected: list[tuple[object, ...]]) -> None:
    found, errors = parse_python_version_file(text)
    assert summary(found) == expected
    assert errors == []
    assert all(d.source == ".python-version" and d.implementation == "cpython" for d in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("python-3.12.4\n", [("3.12.4", "==3.12.4", 1, False, 0, (3, 12))], id="X.Y.Z"),
        pytest.param("python-3.12", [("3.12", "==3.12.*", 1, False, 0, (3, 12))], id="X.Y"),
        pytest.param(
            "\n  python-3.11.9  \n",
            [("3.11.9", "==3.11.9", 2, False, 0, (3, 11))],
            id="blank line and spaces",
        ),
        pytest.param("3.12.4\n", [], id="no prefix"),
        pytest.param("pypy3.6-7.3.1\n", [], id="pypy"),
        pytest.param("python-3.12.4\npython-3.11\n", [], id="two lines is not a runtime"),
        pytest.param("python-3\n", [], id="major only"),
    ],
)
def test_runtime_txt(text: str, expected: list[tuple[object, ...]]) -> None:
    found, errors = parse_runtime_txt(text)
    assert summary(found) == expected
    assert errors == []
    assert all(d.source == "runtime.txt" for d in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "nodejs 20.1.0\npython 3.12.4 3.11.9 # both\n",
            [
                ("3.12.4", "==3.12.4", 2, False, 0, (3, 12)),
                ("3.11.9", "==3.11.9", 2, False, 1, (3, 11)),
            ],
            id="several versions, comment",
        ),
        pytest.param(
            "python system 3.12\n",
            [("3.12", "==3.12.*", 1, False, 1, (3, 12))],
            id="system skipped, index kept",
        ),
        pytest.param(
            "python 3.12.1\npython 3.11.0\n",
            [("3.12.1", "==3.12.1", 1, False, 0, (3, 12))],
            id="first python line",
        ),
        pytest.param("python\n", [], id="no version"),
        pytest.param("# python 3.12\n", [], id="commented out"),
        pytest.param("python3 3.12\n", [], id="another tool"),
        pytest.param(
            "python 3.13t\n", [("3.13t", "==3.13.*", 1, True, 0, (3, 13))], id="free-threaded"
        ),
    ],
)
def test_tool_versions(text: str, expected: list[tuple[object, ...]]) -> None:
    found, errors = parse_tool_versions(text)
    assert summary(found) == expected
    assert errors == []


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param("==3.12.*", ">=3.10", True, id="series within a floor"),
        pytest.param("==3.12.*", ">=3.12.4", True, id="series holds later micros"),
        pytest.param("==3.11.*", ">=3.12", False, id="series below the floor"),
        pytest.param("==3.12.4", ">=3.12.5", False, id="release below the floor"),
        pytest.param("==3.8.*", ">=3.8,<3.9", True, id="series equals the range"),
        pytest.param("<3.0", ">=3.8", False, id="disjoint ranges"),
        pytest.param(">3.12.4,<3.12.6", "!=3.12.5", False, id="only an excluded micro between"),
        pytest.param("!=3.12.*", ">=3.12,<3.14", True, id="next minor after an exclusion"),
        pytest.param("~=3.12", "<3.12", False, id="compatible release above a ceiling"),
        pytest.param(">3.12", "==3.12.*", True, id="3.12.1 is above 3.12"),
        pytest.param("<=3.12", "==3.12.0", True, id="<= includes the padded release"),
        pytest.param(">=3.25", "<3.30", True, id="beyond the base grid"),
        pytest.param(">=4", "<5", True, id="next major"),
        pytest.param("", "==2.7.*", True, id="empty set admits everything"),
        pytest.param(">3.14.0a1", "<3.14.0b1", True, id="next pre-release"),
        pytest.param(">3.14.0a1,<3.14.0", "<3.14.0b1", False, id="<X excludes X's pre-releases"),
        pytest.param(">=3.14.0rc1", "<3.14.0", False, id="< excludes pre-releases of itself"),
        pytest.param("===3.12.4", ">=3", None, id="arbitrary equality is unsure"),
        pytest.param(">=" + "9" * 5000, ">=3", None, id="past the int limit is unsure"),
    ],
)
def test_specifiers_intersect(a: str, b: str, expected: bool | None) -> None:
    assert specifiers_intersect(SpecifierSet(a), SpecifierSet(b)) is expected
    assert specifiers_intersect(SpecifierSet(b), SpecifierSet(a)) is expected


_GRID = [f"{x}.{y}.{z}" for x in (2, 3, 4) for y in range(12) for z in range(8)]
_CLAUSE = st.builds(
    lambda op, version, wildcard: (
        f"{op}{'.'.join(version.split('.')[:2])}.*"
        if wildcard and op in ("==", "!=")
        else op + version
    ),
    st.sampled_from(["==", "!=", ">=", "<=", ">", "<", "~="]),
    st.sampled_from(_GRID),
    st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_CLAUSE, min_size=1, max_size=3), st.lists(_CLAUSE, min_size=1, max_size=3))
def test_specifiers_intersect_is_sound(a: list[str], b: list[str]) -> None:
    left, right = SpecifierSet(",".join(a)), SpecifierSet(",".join(b))
    witness = next((v for v in _GRID if left.contains(v) and right.contains(v)), None)
    result = specifiers_intersect(left, right)
    # Sound: whenever some release satisfies both, the answer is never "disjoint".
    if witness is not None:
        assert result is True, witness


@pytest.mark.parametrize(
    ("raw", "specifier", "reason"),
    [
        pytest.param(">=3.8", ">=3.8", None, id="valid"),
        pytest.param(">=3.8, <4", "<4,>=3.8", None, id="spaces"),
        pytest.param("", "", None, id="empty admits all"),
        pytest.param("3.8", None, "Invalid specifier: '3.8'", id="bare version"),
        pytest.param(">=3.8.*", None, "Invalid specifier: '>=3.8.*'", id="wildcard with >="),
        pytest.param(
            ">=1" + "0" * 5000, None, "Invalid specifier: '>=1" + "0" * 37 + "'", id="int limit"
        ),
    ],
)
def test_requires_python(raw: str, specifier: str | None, reason: str | None) -> None:
    result = requires_python(raw, 7)
    assert (result.raw, result.line, result.reason) == (raw, 7, reason)
    assert result.specifier == spec(specifier)


VENV = "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n"
VENV += "executable = /usr/bin/python3.11\ncommand = /usr/bin/python3 -m venv /app/.venv\n"
VIRTUALENV = "home = /usr/bin\nimplementation = CPython\nversion_info = 3.12.4.final.0\n"
VIRTUALENV += "virtualenv = 20.25.0\ninclude-system-site-packages = false\n"
UV = "home = /opt/python/bin\nimplementation = CPython\nuv = 0.4.18\nversion_info = 3.12.4\n"
UV += "include-system-site-packages = false\nprompt = demo\n"


@pytest.mark.parametrize(
    ("text", "fields", "python"),
    [
        pytest.param(
            VENV,
            ("/usr/bin", "3.11.7", None, None, False, None, None, None),
            ("3.11.7", "==3.11.7", 3, (3, 11), None, False),
            id="venv module",
        ),
        pytest.param(
            VIRTUALENV,
            ("/usr/bin", None, "3.12.4.final.0", "cpython", False, None, None, "20.25.0"),
            ("3.12.4", "==3.12.4", 3, (3, 12), "cpython", False),
            id="virtualenv",
        ),
        pytest.param(
            UV,
            ("/opt/python/bin", None, "3.12.4", "cpython", False, "demo", "0.4.18", None),
            ("3.12.4", "==3.12.4", 4, (3, 12), "cpython", False),
            id="uv",
        ),
        pytest.param(
            "version_info = 3.13.0.candidate.2\nbase-executable = /usr/bin/python3.13t\n",
            (None, None, "3.13.0.candidate.2", None, None, None, None, None),
            ("3.13.0rc2", "==3.13.0rc2", 1, (3, 13), None, True),
            id="release candidate, free-threaded interpreter",
        ),
        pytest.param(
            "HOME=/a\r\nInclude-System-Site-Packages = TRUE\r\nnot a pair\r\nhome = /b\r\n",
            ("/b", None, None, None, True, None, None, None),
            None,
            id="CRLF, keys lower-cased, last wins, junk ignored",
        ),
        pytest.param(
            "version = three\n",
            (None, "three", None, None, None, None, None, None),
            None,
            id="unreadable version",
        ),
        pytest.param("", (None,) * 8, None, id="empty"),
        pytest.param(
            "version = 3.12." + "9" * 5000 + "\n",
            (None, "3.12." + "9" * 5000, None, None, None, None, None, None),
            None,
            id="digits past the int limit",
        ),
    ],
)
def test_pyvenv_cfg(
    text: str, fields: tuple[object, ...], python: tuple[object, ...] | None
) -> None:
    cfg, errors = parse_pyvenv_cfg(text)
    assert errors == []
    assert (
        cfg.home,
        cfg.version,
        cfg.version_info,
        cfg.implementation,
        cfg.include_system_site_packages,
        cfg.prompt,
        cfg.uv,
        cfg.virtualenv,
    ) == fields
    declared = cfg.python
    if python is None:
        assert declared is None
    else:
        assert declared is not None
        assert (
            declared.text,
            str(declared.specifier),
            declared.line,
            declared.minor,
            declared.implementation,
            declared.free_threaded,
        ) == python
        assert declared.source == "pyvenv.cfg"


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", "replace"))))
def test_version_parsers_never_raise(text: str) -> None:
    for parser in (parse_python_version_file, parse_runtime_txt, parse_tool_versions):
        found, errors = parser(text)
        assert errors == []
        assert all(isinstance(item, DeclaredPython) for item in found)
    cfg, errors = parse_pyvenv_cfg(text)
    assert errors == []
    _ = cfg.python, cfg.include_system_site_packages
    version_spec(text)
