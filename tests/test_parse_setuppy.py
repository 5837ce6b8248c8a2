"""setup.py read with libcst, never executed: literal values or unknown, never invented."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from envlint.model import ParseError
from envlint.parsers.setuppy import KEYWORDS, SetupPy, parse_setuppy

ALL = frozenset(KEYWORDS)


def read(source: str) -> SetupPy:
    result, errors = parse_setuppy(textwrap.dedent(source))
    assert errors == []
    return result


def install(setup: SetupPy) -> list[tuple[str, int | None]] | None:
    if setup.install_requires is None:
        return None
    return [(e.raw, e.line) for e in setup.install_requires]


def test_literal_keywords() -> None:
    setup = read(
        """\
        from setuptools import setup

        setup(
            name="demo",
            python_requires=">=3.9",
            install_requires=[
                "requests>=2",
                "not a req!!",
            ],
            extras_require={"test": ["pytest"], "docs": "sphinx\\nfuro  # theme"},
        )
        """
    )
    assert (setup.calls, setup.line, setup.name, setup.unknown) == (1, 3, "demo", frozenset())
    assert setup.python_requires is not None
    assert (setup.python_requires.raw, setup.python_requires.line) == (">=3.9", 5)
    assert setup.python_requires.specifier == SpecifierSet(">=3.9")
    assert setup.install_requires is not None
    assert [(e.raw, e.line, e.kind) for e in setup.install_requires] == [
        ("requests>=2", 7, "requirement"),
        ("not a req!!", 8, "invalid"),
    ]
    assert setup.extras_require is not None
    assert [(e.raw, e.line, e.group) for e in setup.extras_require] == [
        ("pytest", 10, "test"),
        ("sphinx", 10, "docs"),
        ("furo", 10, "docs"),
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "import setuptools\nsetuptools.setup(install_requires=['a'])\n",
            [("a", 2)],
            id="setuptools.setup",
        ),
        pytest.param(
            "import setuptools as st\nst.setup(install_requires=['a'])\n",
            [("a", 2)],
            id="module alias",
        ),
        pytest.param(
            "from setuptools import setup as s\ns(install_requires=['a'])\n",
            [("a", 2)],
            id="function alias",
        ),
        pytest.param(
            "from distutils.core import setup\nsetup(install_requires=['a'])\n",
            [("a", 2)],
            id="distutils",
        ),
        pytest.param(
            "try:\n    from setuptools import setup\nexcept ImportError:\n"
            "    from distutils.core import setup\nsetup(install_requires=('a',))\n",
            [("a", 5)],
            id="fallback import, tuple",
        ),
        pytest.param(
            "from setuptools import setup\nif __name__ == '__main__':\n"
            "    setup(install_requires=['a'])\n",
            [("a", 3)],
            id="inside __main__ guard",
        ),
        pytest.param(
            "from setuptools import setup\nREQS = ['a', 'b']\nsetup(install_requires=REQS)\n",
            [("a", 2), ("b", 2)],
            id="module-level name",
        ),
        pytest.param(
            "from setuptools import setup\nREQS: list[str] = ['a']\nsetup(install_requires=REQS)\n",
            [("a", 2)],
            id="annotated name",
        ),
        pytest.param(
            "from setuptools import setup\nBASE = ['a']\nALL = BASE + ['b']\n"
            "setup(install_requires=ALL + [*BASE])\n",
            [("a", 2), ("b", 3), ("a", 2)],
            id="list concatenation and unpacking",
        ),
        pytest.param(
            "from setuptools import setup\nsetup(install_requires=['a' '>=1', 'b' + '<2'])\n",
            [("a>=1", 2), ("b<2", 2)],
            id="string concatenations",
        ),
        pytest.param(
            "from setuptools import setup\nsetup(install_requires='''\na\n# no\nb  # c\n''')\n",
            [("a", 3), ("b", 5)],
            id="one string of lines",
        ),
        pytest.param(
            "from setuptools import setup\nT = ('a',)\nprint(T)\nsetup(install_requires=T)\n",
            [("a", 2)],
            id="tuple used elsewhere stays known",
        ),
    ],
)
def test_install_requires(source: str, expected: list[tuple[str, int]]) -> None:
    setup = read(source)
    assert install(setup) == expected
    assert setup.unknown == frozenset()


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "from setuptools import setup\nR = ['a']\nR = ['b']\nsetup(install_requires=R)\n",
            id="bound twice",
        ),
        pytest.param(
            "from setuptools import setup\nR = ['a']\nR.append('b')\nsetup(install_requires=R)\n",
            id="mutated",
        ),
        pytest.param(
            "from setuptools import setup\nR = ['a']\ndef f():\n    R.extend(['b'])\n"
            "setup(install_requires=R)\n",
            id="mutated in a function",
        ),
        pytest.param(
            "from setuptools import setup\nR = ['a']\nadd(R)\nsetup(install_requires=R)\n",
            id="passed to a function",
        ),
        pytest.param(
            "from setuptools import setup\nR = ['a']\nR += ['b']\nsetup(install_requires=R)\n",
            id="augmented",
        ),
        pytest.param(
            "from setuptools import setup\nA = ['a']\nB = A\nsetup(install_requires=B)\n",
            id="alias",
        ),
        pytest.param(
            "from setuptools import setup\nif x:\n    R = ['a']\nsetup(install_requires=R)\n",
            id="bound under an if",
        ),
        pytest.param(
            "from setuptools import setup\ndef main():\n    R = ['a']\n"
            "    setup(install_requires=R)\n",
            id="local name",
        ),
        pytest.param(
            "from setuptools import setup\nA = B + []\nB = A + []\nsetup(install_requires=A)\n",
            id="cycle",
        ),
        pytest.param(
            "from setuptools import setup\n"
            "setup(install_requires=open('r.txt').read().splitlines())\n",
            id="read from a file",
        ),
        pytest.param(
            "from setuptools import setup\nv = '1'\nsetup(install_requires=[f'a=={v}'])\n",
            id="f-string",
        ),
        pytest.param(
            "from setuptools import setup\nsetup(install_requires=['a'] * 2)\n",
            id="other operator",
        ),
        pytest.param("from setuptools import setup\nsetup(install_requires=[b'a'])\n", id="bytes"),
    ],
)
def test_dynamic_install_requires_is_unknown(source: str) -> None:
    setup = read(source)
    assert setup.calls == 1
    assert setup.install_requires is None
    assert "install_requires" in setup.unknown


def test_mutation_only_poisons_the_mutated_keyword() -> None:
    setup = read(
        """\
        from setuptools import setup
        R = ['a']
        R.append('b')
        PY = '>=3.8'
        setup(name='x', python_requires=PY, install_requires=R, extras_require={'t': ['c']})
        """
    )
    assert setup.unknown == frozenset({"install_requires"})
    assert setup.python_requires is not None and setup.python_requires.raw == ">=3.8"
    assert setup.extras_require is not None
    assert [(e.raw, e.group) for e in setup.extras_require] == [("c", "t")]


def test_string_name_may_be_used_elsewhere() -> None:
    setup = read(
        """\
        from setuptools import setup
        NAME = 'demo'
        print(NAME.upper())
        setup(name=NAME)
        """
    )
    assert (setup.name, setup.unknown) == ("demo", frozenset())


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from setuptools import setup\nkw = {}\nsetup(name='x', **kw)\n",
            SetupPy(
                calls=1,
                line=3,
                name="x",
                install_requires=None,
                extras_require=None,
                unknown=frozenset({"python_requires", "install_requires", "extras_require"}),
            ),
            id="**kwargs may supply what is not written",
        ),
        pytest.param(
            "from setuptools import setup\nsetup(name=NAME, extras_require=dict(a=['b']))\n",
            SetupPy(
                calls=1,
                line=2,
                extras_require=None,
                unknown=frozenset({"name", "extras_require"}),
            ),
            id="dynamic name and extras",
        ),
        pytest.param(
            "from setuptools import setup\nif x:\n    setup(name='a')\n"
            "else:\n    setup(name='b')\n",
            SetupPy(calls=2, install_requires=None, extras_require=None, unknown=ALL),
            id="two calls: unknown",
        ),
        pytest.param(
            "def setup(**kw):\n    pass\nsetup(name='x')\n",
            SetupPy(),
            id="a local setup() is not setuptools'",
        ),
        pytest.param("print('hello')\n", SetupPy(), id="no setup call"),
        pytest.param(
            "x = " + "[" * 120 + "]" * 120 + "\n",
            SetupPy(install_requires=None, extras_require=None, unknown=ALL),
            id="nesting too deep to read: unknown, not an error",
        ),
    ],
)
def test_whole_result(source: str, expected: SetupPy) -> None:
    assert read(source) == expected


def test_deep_parentheses_do_not_crash() -> None:
    source = "x = " + "(" * 199 + "1" + ")" * 199 + "\n"
    source += "from setuptools import setup\nsetup(name='deep')\n"
    assert read(source).name == "deep"


@pytest.mark.parametrize(
    ("source", "line", "column"),
    [
        pytest.param("from setuptools import setup\nsetup(\n", 2, 6, id="unclosed call"),
        pytest.param("print 'hello'\n", 1, 1, id="Python 2"),
        pytest.param("x = 1\ny = '\x00'\n", 2, None, id="NUL byte"),
        pytest.param("x = " + "(" * 300 + ")" * 300 + "\n", 1, 205, id="too many parentheses"),
        pytest.param("x = " + "-" * 100_000 + "1\n", None, None, id="too deep for Python"),
    ],
)
def test_syntax_errors(source: str, line: int | None, column: int | None) -> None:
    setup, errors = parse_setuppy(source)
    assert setup == SetupPy()
    assert len(errors) == 1
    assert (errors[0].line, errors[0].column) == (line, column)
    assert errors[0].message.startswith("invalid Python: ")


REQUIREMENT_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"], exclude_characters="#\\"),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(REQUIREMENT_TEXT, max_size=5))
def test_generated_lists_round_trip(items: list[str]) -> None:
    source = "from setuptools import setup\nsetup(\n    install_requires=[\n"
    source += "".join(f"        {item!r},\n" for item in items)
    source += "    ],\n)\n"
    setup = read(source)
    assert setup.install_requires is not None
    found = [(e.raw, e.line) for e in setup.install_requires]
    assert found == [(item.strip(), 4 + i) for i, item in enumerate(items) if item.strip()]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", "replace"))))
def test_arbitrary_text_never_raises(text: str) -> None:
    setup, errors = parse_setuppy(text)
    assert isinstance(setup, SetupPy)
    assert all(isinstance(e, ParseError) for e in errors)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("()[]{}+'\"\\,=: \nsetup_requires"), max_size=80))
def test_python_like_text_never_raises(text: str) -> None:
    setup, errors = parse_setuppy("from setuptools import setup\nsetup(" + text)
    assert isinstance(setup, SetupPy)
    assert all(isinstance(e, ParseError) for e in errors)
