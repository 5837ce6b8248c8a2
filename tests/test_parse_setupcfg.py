"""setup.cfg: `[options]` dependencies and python_requires, as setuptools reads them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from envlint.model import ParseError
from envlint.parsers.setupcfg import SetupCfg, parse_setup_cfg, setuptools_lines

SETUP_CFG = """\
[metadata]
name = demo

[options]
python_requires = >=3.9
install_requires =
    requests>=2
    # a comment
    ; another comment
    importlib-metadata; python_version<"3.10"

    rich  # pretty output
    not a req!!

[options.extras_require]
test = pytest>=8; coverage
docs =
    sphinx
"""


def summary(entries: object) -> object:
    if entries is None:
        return None
    assert isinstance(entries, tuple)
    return [(e.raw, e.line, e.kind, e.group) for e in entries]


def test_setup_cfg() -> None:
    cfg, errors = parse_setup_cfg(SETUP_CFG)
    assert errors == []
    assert cfg.name == "demo"
    assert cfg.python_requires is not None
    assert (cfg.python_requires.raw, cfg.python_requires.line) == (">=3.9", 5)
    assert cfg.python_requires.specifier == SpecifierSet(">=3.9")
    assert summary(cfg.install_requires) == [
        ("requests>=2", 7, "requirement", None),
        ('importlib-metadata; python_version<"3.10"', 10, "requirement", None),
        ("rich", 12, "requirement", None),
        ("not a req!!", 13, "invalid", None),
    ]
    # One line: setuptools splits on `;` (_parse_list_semicolon), so `coverage` is its own.
    assert summary(cfg.extras_require) == [
        ("pytest>=8", 16, "requirement", "test"),
        ("coverage", 16, "requirement", "test"),
        ("sphinx", 18, "requirement", "docs"),
    ]


@pytest.mark.parametrize(
    ("options", "install", "python"),
    [
        pytest.param(
            "install_requires = a; b",
            [("a", 2, "requirement", None), ("b", 2, "requirement", None)],
            None,
            id="one line splits on semicolons",
        ),
        pytest.param(
            'install_requires = foo; python_version<"3.8"',
            [("foo", 2, "requirement", None), ('python_version<"3.8"', 2, "invalid", None)],
            None,
            id="a marker on one line is split off, as setuptools does",
        ),
        pytest.param(
            "install_requires = file: requirements.txt", None, None, id="file: is unknown"
        ),
        pytest.param("python-requires = >=3.8", [], ">=3.8", id="dashed key"),
        pytest.param("python_requires = 3.8", [], "3.8", id="invalid specifier kept raw"),
        pytest.param(
            "install_requires =\n  a%(b)s",
            [("a%(b)s", 3, "invalid", None)],
            None,
            id="no interpolation",
        ),
        pytest.param(
            "install_requires =\n  a\n  a",
            [("a", 3, "requirement", None), ("a", 4, "requirement", None)],
            None,
            id="duplicates keep their own lines",
        ),
        pytest.param("Install_Requires = a", [], None, id="keys are case-sensitive"),
    ],
)
def test_options(options: str, install: object, python: str | None) -> None:
    cfg, errors = parse_setup_cfg(f"[options]\n{options}\n")
    assert errors == []
    assert summary(cfg.install_requires) == install
    assert (cfg.python_requires.raw if cfg.python_requires else None) == python


def test_extra_names_are_not_patterns() -> None:
    cfg, errors = parse_setup_cfg("[options.extras_require]\na+(b = x\n")
    assert errors == []
    assert summary(cfg.extras_require) == [("x", 2, "requirement", "a+(b")]


def test_extras_file_directive_is_unknown() -> None:
    cfg, _ = parse_setup_cfg("[options.extras_require]\na = x\nb = file: b.txt\n")
    assert cfg.extras_require is None


def test_no_options() -> None:
    assert parse_setup_cfg("[flake8]\nmax-line-length = 100\n") == (SetupCfg(), [])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            "install_requires = a\n",
            ParseError("invalid setup.cfg: File contains no section headers.", 1),
            id="no section header",
        ),
        pytest.param(
            "[options]\nname = a\nname = b\n",
            ParseError("invalid setup.cfg: option 'name' in section 'options' already exists", 3),
            id="duplicate option",
        ),
        pytest.param(
            "[options]\n[options]\n",
            ParseError("invalid setup.cfg: section 'options' already exists", 2),
            id="duplicate section",
        ),
        pytest.param(
            "[options]\njust words\n",
            ParseError("invalid setup.cfg: not a section header or `key = value` line: ", 2),
            id="not key = value",
        ),
    ],
)
def test_errors(text: str, error: ParseError) -> None:
    cfg, errors = parse_setup_cfg(text)
    assert cfg == SetupCfg()
    assert len(errors) == 1
    assert (errors[0].line, errors[0].column) == (error.line, error.column)
    assert errors[0].message.startswith(error.message)


@pytest.mark.parametrize(
    ("strings", "expected"),
    [
        pytest.param(["a\n# c\n\nb  # x\n"], ["a", "b"], id="comments and blanks"),
        pytest.param(["a", "b>=1"], ["a", "b>=1"], id="several strings"),
        pytest.param(["a#b"], ["a#b"], id="# needs a space before it"),
        pytest.param(["a \\\n>=1"], ["a>=1"], id="continuation"),
        pytest.param(["a \\"], [], id="continuation at the end"),
    ],
)
def test_setuptools_lines(strings: list[str], expected: list[str]) -> None:
    assert setuptools_lines(strings) == expected


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", "replace"))))
def test_arbitrary_text_never_raises(text: str) -> None:
    cfg, errors = parse_setup_cfg(text)
    assert isinstance(cfg, SetupCfg)
    assert all(isinstance(e, ParseError) for e in errors)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("[]=:;#%()+*? \n\tab\\"), max_size=60))
def test_config_like_text_never_raises(text: str) -> None:
    cfg, errors = parse_setup_cfg("[options]\ninstall_requires =\n" + text)
    assert isinstance(cfg, SetupCfg)
    assert all(isinstance(e, ParseError) for e in errors)
    cfg, errors = parse_setup_cfg("[options.extras_require]\n" + text)
    assert isinstance(cfg, SetupCfg)
    assert all(isinstance(e, ParseError) for e in errors)
