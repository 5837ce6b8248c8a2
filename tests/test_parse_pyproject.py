"""pyproject.toml: PEP 621, PEP 735, Poetry (constraints too), PDM, uv; TOML errors and lines."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet

from envlint.model import ParseError
from envlint.parsers.poetry import poetry_constraint
from envlint.parsers.pyproject import DependencyEntry, Pyproject, make_entry, parse_pyproject
from envlint.parsers.toml_text import TomlLines, load_toml

FULL = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "demo"
requires-python = ">=3.10"
dynamic = ["version"]
dependencies = [
    "requests>=2",
    "not a req!!",
    'flask[async] ; python_version >= "3.11"',
    "requests>=2",
]

[project.optional-dependencies]
test = ["pytest>=8", "requests>=2"]

[dependency-groups]
lint = ["ruff"]
dev = [
  {include-group = "lint"},
  "mypy",
]

[tool.mypy]
python_version = "3.9"

[tool.ruff]
target-version = "py38"
"""


def parsed(text: str) -> Pyproject:
    result, errors = parse_pyproject(text)
    assert errors == []
    return result


def entries(found: tuple[DependencyEntry, ...]) -> list[tuple[object, ...]]:
    return [(e.raw, e.line, e.kind, e.group) for e in found]


def test_project_fields() -> None:
    project = parsed(FULL)
    assert (project.name, project.build_backend, project.has_project) == (
        "demo",
        "hatchling.build",
        True,
    )
    assert project.dynamic == ("version",)
    assert project.requires_python is not None
    assert project.requires_python.raw == ">=3.10"
    assert project.requires_python.line == 7
    assert project.requires_python.specifier == SpecifierSet(">=3.10")
    assert entries(project.dependencies) == [
        ("requests>=2", 10, "requirement", None),
        ("not a req!!", 11, "invalid", None),
        ('flask[async] ; python_version >= "3.11"', 12, "requirement", None),
        ("requests>=2", 13, "requirement", None),
    ]
    assert entries(project.optional_dependencies) == [
        ("pytest>=8", 17, "requirement", "test"),
        ("requests>=2", 17, "requirement", "test"),
    ]
    assert entries(project.dependency_groups) == [
        ("ruff", 20, "requirement", "lint"),
        ("lint", 21, "include", "dev"),
        ("mypy", 23, "requirement", "dev"),
    ]
    # Tool settings are not version declarations.
    assert (project.poetry, project.uv, project.pdm_dev_dependencies) == (None, None, ())


def test_entry_parses_pep_508() -> None:
    entry = make_entry('flask[async] ; python_version >= "3.11"', 3, "web")
    assert entry.requirement is not None
    assert (entry.requirement.name, entry.requirement.extras) == ("flask", {"async"})
    assert str(entry.requirement.marker) == 'python_version >= "3.11"'
    invalid = make_entry("not a req!!", 4)
    assert (invalid.kind, invalid.requirement) == ("invalid", None)
    assert invalid.reason == "Expected semicolon (after name with no version specifier) or end"
    assert make_entry("-e ./lib", 5, editable=True).kind == "editable"
    assert make_entry("-e ./lib", 5).kind == "invalid"
    huge = make_entry("a>=1" + "0" * 5000, 6)
    assert (huge.kind, huge.requirement) == ("invalid", None)


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        pytest.param(
            "[project]\ndependencies = 'x'\n",
            [ParseError("`project.dependencies` must be an array", 2)],
            id="dependencies not an array",
        ),
        pytest.param(
            "[project]\nrequires-python = 3\nname = 1\n",
            [
                ParseError("`project.name` must be a string", 3),
                ParseError("`project.requires-python` must be a string", 2),
            ],
            id="wrong scalar types",
        ),
        pytest.param(
            "[project]\noptional-dependencies = 1\n[dependency-groups]\nx = 'y'\n",
            [
                ParseError("`project.optional-dependencies` must be a table", 2),
                ParseError("`dependency-groups.x` must be an array", 4),
            ],
            id="wrong table types",
        ),
        pytest.param("[tool.pdm]\ndev-dependencies = 1\n", [], id="tool tables are lenient"),
    ],
)
def test_structure_errors(text: str, errors: list[ParseError]) -> None:
    assert parse_pyproject(text)[1] == errors


def test_non_string_entry_is_invalid() -> None:
    project = parsed('[project]\ndependencies = ["a", 3]\n')
    assert entries(project.dependencies) == [
        ("a", 2, "requirement", None),
        ("3", 2, "invalid", None),
    ]
    assert project.dependencies[1].reason == "expected a string, got int"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("[project\nname = 'x'\n", 1, 9, id="unclosed header"),
        pytest.param('[a]\nx = "\\q"\n', 2, 8, id="bad escape"),
        pytest.param("[a]\n[a]\n", 2, 3, id="table declared twice"),
        pytest.param('a = "\x00"\n', 1, 6, id="NUL"),
        pytest.param("a = 1 b = 2\n", 1, 7, id="two statements"),
    ],
)
def test_toml_errors_are_located(text: str, line: int, column: int | None) -> None:
    project, errors = parse_pyproject(text)
    assert project == Pyproject()
    assert [(e.line, e.column) for e in errors] == [(line, column)]


def test_error_at_end_of_document_has_its_line() -> None:
    # tomllib gives no column there, tomli (Python 3.10) gives one: only the line is ours.
    project, errors = parse_pyproject("a = 1\nb = ")
    assert project == Pyproject()
    assert [e.line for e in errors] == [2]
    assert errors[0].message.startswith("invalid TOML: ")
    assert "(at " not in errors[0].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("^1.2.3", ">=1.2.3,<2.0.0", id="caret"),
        pytest.param("^1.2", ">=1.2,<2.0", id="caret X.Y"),
        pytest.param("^1", ">=1,<2", id="caret X"),
        pytest.param("^0.2.3", ">=0.2.3,<0.3.0", id="caret 0.Y.Z"),
        pytest.param("^0.0.3", ">=0.0.3,<0.0.4", id="caret 0.0.Z"),
        pytest.param("^0.0", ">=0.0,<0.1", id="caret 0.0"),
        pytest.param("^0", ">=0,<1", id="caret 0"),
        pytest.param("~1.2.3", ">=1.2.3,<1.3.0", id="tilde X.Y.Z"),
        pytest.param("~1.2", ">=1.2,<1.3", id="tilde X.Y"),
        pytest.param("~1", ">=1,<2", id="tilde X"),
        pytest.param("~ 1.2", ">=1.2,<1.3", id="tilde with a space"),
        pytest.param("~=1.2", "~=1.2", id="PEP 440 compatible release"),
        pytest.param("*", "", id="any"),
        pytest.param("1.2.*", "==1.2.*", id="wildcard"),
        pytest.param("1.x", "==1.*", id="x wildcard"),
        pytest.param("!=1.2.*", "!=1.2.*", id="excluded wildcard"),
        pytest.param(">=1,<2", ">=1,<2", id="comma is and"),
        pytest.param(">= 1.2, < 1.5", ">=1.2,<1.5", id="spaces after operators"),
        pytest.param(">=1.2 <1.5", ">=1.2,<1.5", id="space is and"),
        pytest.param(">=1.0,", ">=1.0", id="trailing comma"),
        pytest.param("1.2.3", "==1.2.3", id="bare version is exact"),
        pytest.param("=1.2.3", "==1.2.3", id="single ="),
        pytest.param("<>1.0", "!=1.0", id="<> is !="),
        pytest.param("^v1.2", ">=1.2,<2.0", id="leading v"),
        pytest.param("^1.2.3b1", ">=1.2.3b1,<2.0.0", id="caret pre-release"),
        pytest.param("^1.2 || ^2.0", ">=1.2,<3.0", id="adjacent alternatives join"),
        pytest.param(">=3.8,<3.9 || >=3.9,<4", ">=3.8,<4", id="python split range joins"),
        pytest.param("^1 || *", ">=0", id="any absorbs"),
        pytest.param("~2.7 || ^3.5", None, id="gap: not representable"),
        pytest.param(">=1<2", None, id="clauses need a separator"),
        pytest.param("", None, id="empty"),
        pytest.param("dev", None, id="dev"),
        pytest.param(">=*", None, id="operator on any"),
        pytest.param("<1.2.*", None, id="wildcard with <"),
        pytest.param("^1.0+local", None, id="local in a range"),
        pytest.param("^1" + "0" * 5000, None, id="digits past the int limit"),
        pytest.param(">=1" + "0" * 5000, None, id="bound past the int limit"),
    ],
)
def test_poetry_constraint(text: str, expected: str | None) -> None:
    assert poetry_constraint(text) == (None if expected is None else SpecifierSet(expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("3.8", "==3.8.*", id="bare X.Y is the series"),
        pytest.param("3", "==3.*", id="bare X is the major"),
        pytest.param("==3.8", "==3.8.*", id="== X.Y is the series"),
        pytest.param("3.8.10", "==3.8.10", id="X.Y.Z is exact"),
        pytest.param("^3.8", ">=3.8,<4.0", id="caret"),
    ],
)
def test_poetry_python_constraint(text: str, expected: str) -> None:
    assert poetry_constraint(text, python=True) == SpecifierSet(expected)


POETRY = """\
[tool.poetry]
name = "demo"

[tool.poetry.dependencies]
python = "^3.10"
requests = "^2.31"
local = { path = "../local", develop = true }
vcs = { git = "https://example.com/x.git", branch = "main" }
web = { version = "~1.2", extras = ["a"], optional = true, markers = "os_name == 'nt'" }
multi = [
  { version = "<2", python = "<3.11" },
  { version = "^2", python = ">=3.11" },
]

[tool.poetry.dev-dependencies]
black = "*"

[tool.poetry.group.test.dependencies]
pytest = "~8.1"
"""


def test_poetry() -> None:
    poetry = parsed(POETRY).poetry
    assert poetry is not None
    assert poetry.name == "demo"
    assert poetry.python is not None
    assert (poetry.python.raw, poetry.python.line) == ("^3.10", 5)
    assert poetry.python.specifier == SpecifierSet(">=3.10,<4.0")
    found = [
        (d.name, d.group, d.line, d.constraint, d.specifier, d.source, d.python, d.optional)
        for d in poetry.dependencies
    ]
    assert found == [
        ("requests", "main", 6, "^2.31", SpecifierSet(">=2.31,<3.0"), "version", None, False),
        ("local", "main", 7, None, None, "path", None, False),
        ("vcs", "main", 8, None, None, "git", None, False),
        ("web", "main", 9, "~1.2", SpecifierSet(">=1.2,<1.3"), "version", None, True),
        ("multi", "main", 10, "<2", SpecifierSet("<2"), "version", "<3.11", False),
        ("multi", "main", 10, "^2", SpecifierSet(">=2,<3"), "version", ">=3.11", False),
        ("black", "dev", 16, "*", SpecifierSet(), "version", None, False),
        ("pytest", "test", 19, "~8.1", SpecifierSet(">=8.1,<8.2"), "version", None, False),
    ]
    web = poetry.dependencies[3]
    assert (web.extras, web.markers) == (("a",), "os_name == 'nt'")


def test_poetry_python_not_representable() -> None:
    poetry = parsed('[tool.poetry.dependencies]\npython = "~2.7 || ^3.5"\n').poetry
    assert poetry is not None and poetry.python is not None
    assert (poetry.python.specifier, poetry.python.reason) == (None, "not representable in PEP 440")


PDM_UV = """\
[tool.pdm.dev-dependencies]
test = ["-e file:///${PROJECT_ROOT}/sub", "pytest"]

[tool.uv]
dev-dependencies = ["coverage>=7"]

[tool.uv.workspace]
members = ["packages/*"]
exclude = ["packages/legacy"]

[tool.uv.sources]
sub = { workspace = true }
other = [{ git = "https://example.com/o.git", marker = "sys_platform == 'linux'" }, { path = "o" }]
odd = { workspace = false }
"""


def test_pdm_and_uv() -> None:
    project = parsed(PDM_UV)
    assert project.has_project is False
    assert entries(project.pdm_dev_dependencies) == [
        ("-e file:///${PROJECT_ROOT}/sub", 2, "editable", "test"),
        ("pytest", 2, "requirement", "test"),
    ]
    uv = project.uv
    assert uv is not None
    assert entries(uv.dev_dependencies) == [("coverage>=7", 5, "requirement", "dev")]
    assert (uv.workspace_members, uv.workspace_exclude) == (("packages/*",), ("packages/legacy",))
    assert [(s.name, s.kinds, s.line) for s in uv.sources] == [
        ("sub", ("workspace",), 12),
        ("other", ("git", "path"), 13),
        ("odd", ("other",), 14),
    ]


def test_uv_without_workspace() -> None:
    uv = parsed("[tool.uv]\npackage = false\n").uv
    assert uv is not None
    assert (uv.workspace_members, uv.workspace_exclude, uv.sources) == (None, (), ())


@pytest.mark.parametrize(
    ("text", "path", "values", "lines"),
    [
        pytest.param(
            'project.dependencies = [\n  "a",\n  "b",\n]\n[project]\nname = "x"\n',
            ("project", "dependencies"),
            ["a", "b"],
            [2, 3],
            id="dotted key at the root",
        ),
        pytest.param(
            '[ tool . "uv" ]\ndev-dependencies = [\n  "x",\n]\n',
            ("tool", "uv", "dev-dependencies"),
            ["x"],
            [3],
            id="quoted header key with spaces",
        ),
        pytest.param(
            "[project]\ndependencies = ['a', \"a\", 'a']\n",
            ("project", "dependencies"),
            ["a", "a", "a"],
            [2, 2, 2],
            id="literal and basic strings, repeated",
        ),
        pytest.param(
            '[project]\ndependencies = [\n  "a",  # "b"\n  "b",\n]\n',
            ("project", "dependencies"),
            ["a", "b"],
            [3, 3],
            id="a comment can fool the light scan",
        ),
        pytest.param(
            '[project]\ndependencies = [\n  "quote\\"d",\n]\n',
            ("project", "dependencies"),
            ['quote"d'],
            [3],
            id="escaped quote",
        ),
        pytest.param(
            "[project]\nname = 'x'\n",
            ("project", "dependencies"),
            ["zzz"],
            [1],
            id="missing key falls back to the table",
        ),
        pytest.param(
            "[[tool.x]]\na = 1\n[[tool.x]]\nb = ['v']\n",
            ("tool", "x", "b"),
            ["v"],
            [4],
            id="array of tables",
        ),
        pytest.param('[other]\nk = "v"\n', ("project", "k"), ["v"], [None], id="absent table"),
    ],
)
def test_toml_lines(
    text: str, path: tuple[str, ...], values: list[str], lines: list[int | None]
) -> None:
    located = TomlLines(text)
    assert [located.line(path, value) for value in values] == lines


def test_load_toml() -> None:
    assert load_toml('a = "b"\n') == ({"a": "b"}, [])


SAFE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@settings(max_examples=200, deadline=None)
@given(st.lists(SAFE_TEXT, max_size=6), st.lists(SAFE_TEXT, max_size=3))
def test_generated_dependencies_round_trip(main: list[str], extra: list[str]) -> None:
    text = "[project]\nname = 'p'\ndependencies = [\n"
    text += "".join(f"  {toml_string(item)},\n" for item in main)
    text += "]\n[project.optional-dependencies]\nx = [" + ", ".join(map(toml_string, extra)) + "]\n"
    project = parsed(text)
    assert [e.raw for e in project.dependencies] == main
    assert [e.line for e in project.dependencies] == list(range(4, 4 + len(main)))
    assert [e.raw for e in project.optional_dependencies] == extra
    assert {e.line for e in project.optional_dependencies} <= {6 + len(main)}
    assert all(e.kind in ("requirement", "invalid") for e in project.dependencies)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", "replace"))))
def test_arbitrary_text_never_raises(text: str) -> None:
    project, errors = parse_pyproject(text)
    assert isinstance(project, Pyproject)
    assert all(isinstance(e, ParseError) for e in errors)
    TomlLines(text).line(("project", "dependencies"), text[:5])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_poetry_constraint_never_raises(text: str) -> None:
    result = poetry_constraint(text)
    assert result is None or isinstance(result, SpecifierSet)
