"""parse_lockfile against lock files made by poetry, uv, pdm and pipenv (tests/data/lockfiles)."""

from __future__ import annotations

import json
from itertools import starmap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from envlint.model import ParseError
from envlint.parsers.lockfiles import LOCKFILE_KINDS, LockedPackage, LockFile, parse_lockfile

DATA = Path(__file__).parent / "data" / "lockfiles"
P = LockedPackage
SIX_URL = "https://files.pythonhosted.org/packages/b7/ce/149a00dd41f10bc29e5921b496af8b574d8413afcd5e30dfa0ed46c2cc5e/six-1.17.0-py2.py3-none-any.whl"
MAIN, DEFAULT, DEV = ("main",), ("default",), ("develop",)
# fmt: off
REAL = {
    "poetry/poetry.lock": LockFile("poetry.lock", (
        P("attrs", "26.1.0", MAIN),
        P("demo-lib", "0.2.0", MAIN, editable=True, path="libs/demo-lib"),
        P("idna", "3.20", MAIN), P("python-dateutil", "2.9.0.post0", MAIN),
        P("six", "1.17.0", ("main", "dev")), P("tomli", "2.0.2", MAIN),
    ), poetry_python_versions=">=3.10"),
    "poetry-empty/poetry.lock": LockFile("poetry.lock", poetry_python_versions=">=3.12"),
    "uv/uv.lock": LockFile("uv.lock", (
        P("attrs", "26.1.0"), P("demo-lib", "0.2.0", path="libs/demo-lib"),
        P("demo-uv", "0.1.0", editable=True, path=".", is_project=True),
        P("idna", "3.20"), P("python-dateutil", "2.9.0.post0"), P("six", "1.17.0"),
        P("tomli", "2.0.2"),
    ), requires_python=">=3.10"),
    "uv-workspace/uv.lock": LockFile("uv.lock", (
        P("demo-api", "1.1.0", editable=True, path="packages/api"),
        P("demo-core", "1.0.0", editable=True, path="packages/core"),
        P("demo-workspace", "0.1.0", virtual=True, path=".", is_project=True),
        P("idna", "3.20"),
        P("six", "1.17.0", url=SIX_URL),
    ), requires_python=">=3.11", members=("demo-api", "demo-core", "demo-workspace")),
    "uv-empty/uv.lock": LockFile("uv.lock", (
        P("empty-uv", "0.1.0", virtual=True, path=".", is_project=True),
    ), requires_python=">=3.11"),
    "pdm/pdm.lock": LockFile("pdm.lock", (
        P("attrs", "26.1.0", DEFAULT), P("demo-lib", "0.2.0", DEFAULT, path="./libs/demo-lib"),
        P("demo-tools", "0.3.0", ("tools",), editable=True, path="./libs/demo-tools"),
        P("idna", "3.20", DEFAULT), P("python-dateutil", "2.9.0.post0", ("dates",)),
        P("six", "1.17.0", ("default", "dates", "dev")), P("tomli", "2.0.2", DEFAULT),
    ), groups=("default", "dates", "dev", "tools")),
    "pdm-empty/pdm.lock": LockFile("pdm.lock", groups=DEFAULT),
    "pipenv/Pipfile.lock": LockFile("Pipfile.lock", (
        P("attrs", "26.1.0", DEFAULT),
        P("demo-lib", None, DEFAULT, editable=True, path="./libs/demo-lib"),
        P("idna", "3.20", DEFAULT), P("six", "1.17.0", ("default", "develop")),
        P("tomli", None, DEFAULT),  # pipenv wrote "version": "*"
        P("python-dateutil", "2.9.0.post0", ("develop",)),
    ), pipfile_python_version="3.11"),
    "pipenv-empty/Pipfile.lock": LockFile("Pipfile.lock", pipfile_python_full_version="3.11.7"),
}
# fmt: on
BOM_ERROR = "invalid TOML: a UTF-8 byte order mark starts the file; poetry and pdm reject it"


@pytest.mark.parametrize("newline", [pytest.param("\n", id="LF"), pytest.param("\r\n", id="CRLF")])
@pytest.mark.parametrize("path", [pytest.param(p, id=p) for p in REAL])
def test_real_lock_files(path: str, newline: str) -> None:
    kind, text = Path(path).name, (DATA / path).read_text(encoding="utf-8")
    assert parse_lockfile(kind, text.replace("\n", newline)) == (REAL[path], [])


@pytest.mark.parametrize(
    ("path", "errors"),
    [
        pytest.param("uv/uv.lock", [], id="uv skips a BOM"),
        pytest.param("pipenv/Pipfile.lock", [], id="pipenv skips a BOM"),
        pytest.param("poetry/poetry.lock", [ParseError(BOM_ERROR, 1, 1)], id="poetry rejects it"),
        pytest.param("pdm/pdm.lock", [ParseError(BOM_ERROR, 1, 1)], id="pdm rejects it"),
    ],
)
def test_bom(path: str, errors: list[ParseError]) -> None:
    kind, text = Path(path).name, (DATA / path).read_text(encoding="utf-8")
    lock, found = parse_lockfile(kind, "\ufeff" + text)
    assert found == errors
    assert lock == (REAL[path] if not errors else LockFile(kind))


def test_helpers_normalise_names() -> None:
    poetry = REAL["poetry/poetry.lock"]
    assert poetry.has("Python_Dateutil") and poetry.version_of("TOMLI") == "2.0.2"
    assert not poetry.has("demo-poetry") and poetry.version_of("flask") is None
    assert [p.name for p in poetry.in_group("dev")] == ["six"]
    pipenv = REAL["pipenv/Pipfile.lock"]
    assert pipenv.version_of("tomli") is None and pipenv.has("tomli")
    assert [p.name for p in pipenv.in_group("develop")] == ["six", "python-dateutil"]
    assert REAL["uv-empty/uv.lock"].is_empty and REAL["uv-empty/uv.lock"].has("empty-uv")
    assert REAL["poetry-empty/poetry.lock"].is_empty and not REAL["uv/uv.lock"].is_empty
    forked = LockFile("uv.lock", (P("a", "1"), P("a", "2"), P("b", "1"), P("b", "1")))
    assert forked.version_of("a") is None and forked.version_of("b") == "1"


def one(fields: str) -> str:
    return f'package = [{{name = "a", {fields}}}]'


# fmt: off
OK_CASES = [  # (kind, text, the packages it holds, id)
    ("uv.lock", "", (), "empty file"),
    ("pdm.lock", " \n\n", (), "blank file"),
    ("poetry.lock", "package = []\nfuture = 1\n[tool.x]\ny = 2\n", (), "unknown top-level keys"),
    ("uv.lock", one('version = "1", x = {b = 1}, source = {new = "x"}'), (P("a", "1"),),
     "unknown package and source keys"),
    ("uv.lock", one('source = {editable = "./"}'),
     (P("a", None, editable=True, path="./", is_project=True),), "no version, root spelt ./"),
    ("uv.lock", one("source = {workspace = true}"), (P("a", None, is_project=True),), "workspace"),
    ("uv.lock", one('source = {git = "g?rev=v1#0"}'), (P("a", None, git="g?rev=v1#0"),), "uv git"),
    ("uv.lock", one('source = {path = "d/a.whl"}'), (P("a", None, path="d/a.whl"),), "uv archive"),
    ("uv.lock", 'package = [{name = "a", version = "1"}, {name = "a", version = "2"}]',
     (P("a", "1"), P("a", "2")), "uv forked versions"),
    ("poetry.lock", 'package = [{name = "A_B", version = "1", category = "dev"}]',
     (P("a-b", "1", ("dev",)),), "poetry 1.x category"),
    ("poetry.lock", one('source = {type = "git", url = "g"}'), (P("a", None, git="g"),),
     "poetry git"),
    ("poetry.lock", one('source = {type = "url", url = "u"}'), (P("a", None, url="u"),),
     "poetry url"),
    ("poetry.lock", one('develop = true, source = {type = "file", url = "x"}'),
     (P("a", None, path="x"),), "poetry file, develop ignored"),
    ("pdm.lock", one('git = "g", url = "u"'), (P("a", None, git="g", url="u"),), "pdm git and url"),
    ("Pipfile.lock", '{"default": {"a": {"version": "===1.0"}, "b": {"version": ">=1"}}}',
     (P("a", "1.0", DEFAULT), P("b", None, DEFAULT)), "=== pins, a range does not"),
    ("Pipfile.lock", '{"develop": {"a": {"git": "g"}, "b": {"file": "u"}}}',
     (P("a", None, DEV, git="g"), P("b", None, DEV, url="u")), "git, file"),
    ("Pipfile.lock", '{"default": {"a": {"version": "==1"}}, "develop": {"a": {"version": "==2"}}}',
     (P("a", "1", DEFAULT), P("a", "2", DEV)), "sections disagree"),
    ("Pipfile.lock", '{"docs": {"a": {"version": "==1"}}, "_x": {"b": {}}, "n": 1}',
     (P("a", "1", ("docs",)),), "pipenv category"),
]
# fmt: on


@pytest.mark.parametrize(
    ("kind", "text", "packages"), [pytest.param(*c[:3], id=c[3]) for c in OK_CASES]
)
def test_odd_but_valid(kind: str, text: str, packages: tuple[LockedPackage, ...]) -> None:
    assert parse_lockfile(kind, text) == (LockFile(kind, packages), [])


# fmt: off
SYNTAX_CASES = [  # (kind, text, message, line, column)
    ("Pipfile.lock", "", "invalid JSON: Expecting value", 1, 1),
    ("Pipfile.lock", "[]", "invalid Pipfile.lock: expected a JSON object", 1, 1),
    ("Pipfile.lock", '{"default": {,}}',
     "invalid JSON: Expecting property name enclosed in double quotes", 1, 14),
    ("poetry.lock", '[[package]]\nname = "a"\nversion = \n', "invalid TOML: Invalid value", 3, 11),
    ("uv.lock", "package = [\n  {name = 'a'},\n", "invalid TOML: Invalid value", 3, 1),
    ("pip.lock", "", "unknown lock file kind 'pip.lock'", None, None),
]
DOCUMENT_CASES = [  # (kind, text, message)
    ("uv.lock", "package = 1", "package: expected an array, got an integer"),
    ("uv.lock", "package = [1]", "package[0]: expected a table, got an integer"),
    ("uv.lock", 'package = [{version = "1"}]', "package[0].name: missing"),
    ("uv.lock", "requires-python = 3.1", "requires-python: expected a string, got a float"),
    ("uv.lock", "manifest = []", "manifest: expected a table, got an array"),
    ("uv.lock", "manifest = {members = 'a'}", "manifest.members: expected an array, got a string"),
    ("uv.lock", "manifest.members = ['a', 1]",
     "manifest.members[1]: expected a string, got an integer"),
    ("poetry.lock", "package = [{name = 'a', groups = [true]}]",
     "package[0].groups[0]: expected a string, got true or false"),
    ("poetry.lock", "metadata = 1", "metadata: expected a table, got an integer"),
    ("poetry.lock", "metadata.python-versions = 3",
     "metadata.python-versions: expected a string, got an integer"),
    ("pdm.lock", "metadata.groups = 'default'", "metadata.groups: expected an array, got a string"),
    ("Pipfile.lock", '{"_meta": []}', "_meta: expected an object, got an array"),
    ("Pipfile.lock", '{"_meta": {"requires": "3"}}',
     "_meta.requires: expected an object, got a string"),
    ("Pipfile.lock", '{"_meta": {"requires": {"python_version": 3.1}}}',
     "_meta.requires.python_version: expected a string, got a float"),
    ("Pipfile.lock", '{"_meta": {"requires": {"python_full_version": 3}}}',
     "_meta.requires.python_full_version: expected a string, got an integer"),
    ("Pipfile.lock", '{"default": []}', "default: expected an object, got an array"),
    ("Pipfile.lock", '{"develop": {"a": "==1"}}', "develop.a: expected an object, got a string"),
    ("Pipfile.lock", '{"default": {"": {}}}', "default: empty package name"),
]
FIELD_CASES = [  # (kind, field of the first package, its value, the error after "field: ")
    ("uv.lock", "name", "1", "expected a string, got an integer"),
    ("uv.lock", "version", "1.5", "expected a string, got a float"),
    ("uv.lock", "source", '"x"', "expected a table, got a string"),
    ("uv.lock", "source.editable", "1", "expected a string, got an integer"),
    ("uv.lock", "source.virtual", "1", "expected a string, got an integer"),
    ("uv.lock", "source.directory", "1", "expected a string, got an integer"),
    ("uv.lock", "source.workspace", '"true"', "expected true or false, got a string"),
    ("uv.lock", "source.git", "[]", "expected a string, got an array"),
    ("uv.lock", "source.url", "1", "expected a string, got an integer"),
    ("poetry.lock", "groups", '"main"', "expected an array, got a string"),
    ("poetry.lock", "category", "1", "expected a string, got an integer"),
    ("poetry.lock", "develop", '"yes"', "expected true or false, got a string"),
    ("poetry.lock", "source.type", "1", "expected a string, got an integer"),
    ("poetry.lock", "source.url", "1", "expected a string, got an integer"),
    ("pdm.lock", "groups", "1", "expected an array, got an integer"),
    ("pdm.lock", "editable", "1", "expected true or false, got an integer"),
    ("pdm.lock", "path", "1", "expected a string, got an integer"),
    ("pdm.lock", "git", "{}", "expected a string, got a table"),
    ("pdm.lock", "url", "1", "expected a string, got an integer"),
    ("Pipfile.lock", "version", "1", "expected a string, got an integer"),
    ("Pipfile.lock", "editable", '"true"', "expected true or false, got a string"),
    ("Pipfile.lock", "path", "1", "expected a string, got an integer"),
    ("Pipfile.lock", "file", "1", "expected a string, got an integer"),
    ("Pipfile.lock", "git", "true", "expected a string, got true or false"),
]
# fmt: on


def field_case(kind: str, field: str, value: str, error: str) -> tuple[str, str, str]:
    if kind == "Pipfile.lock":
        text = json.dumps({"default": {"a": {field: json.loads(value)}}})
        return kind, text, f"default.a.{field}: {error}"
    name = "" if field == "name" else 'name = "a", '
    return kind, f"package = [{{{name}{field} = {value}}}]", f"package[0].{field}: {error}"


ERROR_CASES = [pytest.param(k, t, [ParseError(m, ln, c)], id=m) for k, t, m, ln, c in SYNTAX_CASES]
DOCUMENT_CASES += starmap(field_case, FIELD_CASES)
ERROR_CASES += [pytest.param(k, t, [ParseError(m)], id=m) for k, t, m in DOCUMENT_CASES]


@pytest.mark.parametrize(("kind", "text", "errors"), ERROR_CASES)
def test_errors(kind: str, text: str, errors: list[ParseError]) -> None:
    lock, found = parse_lockfile(kind, text)
    assert found == errors
    assert lock.kind == kind


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    # tomllib says "maximum recursion depth exceeded", tomli (Python 3.10) "nested more than
    # the allowed 400 levels": the wording is the TOML library's, the location is unknown.
    lock, found = parse_lockfile("uv.lock", "a = " + "[" * 100_000)
    assert lock == LockFile("uv.lock")
    assert len(found) == 1
    assert found[0].message.startswith("invalid TOML: ")
    assert (found[0].line, found[0].column) == (None, None)


def test_wrong_field_is_ignored_and_the_rest_kept() -> None:
    lock, errors = parse_lockfile("uv.lock", 'package = [{name = "A", version = 2}, {name = "b"}]')
    assert lock.packages == (P("a", None), P("b", None))
    assert errors == [ParseError("package[0].version: expected a string, got an integer")]


def check(kind: str, text: str) -> list[ParseError]:
    lock, errors = parse_lockfile(kind, text)
    assert lock.kind == kind and hash(lock) is not None
    assert all(n is None or n >= 1 for e in errors for n in (e.line, e.column))
    assert all(p.name == canonicalize_name(p.name) and lock.has(p.name) for p in lock.packages)
    return errors


KINDS = [pytest.param(kind, id=kind) for kind in LOCKFILE_KINDS]
chars = st.characters(blacklist_categories=("Cs", "Cc"))  # TOML forbids raw control chars
names = st.sampled_from(["a", "A_b", "", "name", "version", "source"]) | st.text(chars, max_size=4)
scalars = st.sampled_from([".", "==1.0", "*"]) | st.text(chars, max_size=8)
leaves = scalars | st.booleans() | st.integers(-5, 5) | st.floats(-1e9, 1e9)
values = st.recursive(
    leaves, lambda c: st.lists(c, max_size=3) | st.dictionaries(names, c, max_size=3), max_leaves=8
)
FIELDS = "version editable virtual directory path git url file workspace type develop category"
FIELDS += " groups members requires python_version python_full_version python-versions"
field_names = st.sampled_from(FIELDS.split())
entries = st.fixed_dictionaries(
    {"name": names | leaves},
    optional={"source": st.dictionaries(field_names, leaves) | values}
    | dict.fromkeys(FIELDS.split(), leaves | values),
)
sections = st.dictionaries(names, entries | values, max_size=3)
TOP = ["metadata", "manifest", "requires-python", "_meta", "default", "develop", "docs"]
documents = st.fixed_dictionaries(
    {},
    optional={"package": st.lists(entries, max_size=3) | values}
    | dict.fromkeys(TOP, entries | sections | values),
)


def toml(value: object) -> str:
    """TOML inline syntax; strings, numbers and booleans are spelt as in JSON."""
    if isinstance(value, list):
        return "[" + ", ".join(map(toml, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml(k)} = {toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=200, deadline=None)
@given(text=st.text() | st.binary().map(lambda b: b.decode("utf-8", "surrogateescape")))
def test_any_text_or_bytes_never_raise(kind: str, text: str) -> None:
    check(kind, text)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=200, deadline=None)
@given(document=documents)
def test_any_structure_never_raises(kind: str, document: dict[str, object]) -> None:
    if kind == "Pipfile.lock":
        errors = check(kind, json.dumps(document))
    else:
        errors = check(kind, "".join(f"{toml(k)} = {toml(v)}\n" for k, v in document.items()))
    assert not [e for e in errors if e.message.startswith(("invalid TOML", "invalid JSON"))]
