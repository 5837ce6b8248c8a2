from __future__ import annotations

import textwrap
import time

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.model import ParseError
from envlint.parsers.compose import (
    Build,
    ComposeFile,
    Service,
    Text,
    Volume,
    WatchRule,
    context_kind,
    is_compose_filename,
    merge_compose,
    override_base,
    parse_compose,
)


def _parse(text: str, file: str = "") -> ComposeFile:
    compose, errors = parse_compose(textwrap.dedent(text), file)
    assert errors == []
    return compose


def _service(text: str, name: str = "app") -> Service:
    service = _parse(text).service(name)
    assert service is not None
    return service


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            """\
            services:
              app:
                build: ./app
            """,
            Build(3, Text("./app", 3, 12)),
            id="short form is the context",
        ),
        pytest.param(
            """\
            services:
              app:
                build:
                  context: ..
                  dockerfile: docker/Dockerfile.prod
                  target: runtime
            """,
            Build(
                3,
                Text("..", 4, 16),
                Text("docker/Dockerfile.prod", 5, 19),
                None,
                Text("runtime", 6, 15),
            ),
            id="long form",
        ),
        pytest.param(
            """\
            services:
              app:
                build:
                  dockerfile_inline: |
                    FROM python:3.12
            """,
            Build(3, dockerfile_inline=Text("FROM python:3.12\n", 4, 26)),
            id="inline dockerfile, default context",
        ),
        pytest.param(
            """\
            services:
              app:
                build:
                  context: .
                  additional_contexts:
                    base: docker-image://python:3.12
                    shared: ../shared
            """,
            Build(
                3,
                Text(".", 4, 16),
                additional_contexts=(
                    ("base", Text("docker-image://python:3.12", 6, 15)),
                    ("shared", Text("../shared", 7, 17)),
                ),
            ),
            id="additional contexts as a mapping",
        ),
        pytest.param(
            """\
            services:
              app:
                build:
                  additional_contexts:
                    - base=service:base
                    - broken
                    - base=docker-image://x
            """,
            Build(3, additional_contexts=(("base", Text("docker-image://x", 7, 11)),)),
            id="additional contexts as a list, last one wins",
        ),
        pytest.param(
            """\
            services:
              app:
                build: ${CTX:-.}
            """,
            Build(3, Text("${CTX:-.}", 3, 12)),
            id="variable kept raw",
        ),
        pytest.param(
            """\
            services:
              app:
                image: python:3.12
            """,
            None,
            id="image only",
        ),
    ],
)
def test_build(text: str, expected: Build | None) -> None:
    assert _service(text).build == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(".:/app", Volume(3, "bind", ".", "/app"), id="bind dot"),
        pytest.param("./src:/app/src:ro", Volume(3, "bind", "./src", "/app/src", True), id="ro"),
        pytest.param("../x:/x:rw,z", Volume(3, "bind", "../x", "/x"), id="rw and selinux"),
        pytest.param("/abs:/abs", Volume(3, "bind", "/abs", "/abs"), id="absolute"),
        pytest.param("~/c:/root/.cache", Volume(3, "bind", "~/c", "/root/.cache"), id="home"),
        pytest.param("data:/data", Volume(3, "volume", "data", "/data"), id="named volume"),
        pytest.param(
            "src:/app/src",
            Volume(3, "volume", "src", "/app/src"),
            id="relative path without a dot is a volume name",
        ),
        pytest.param("/app/.venv", Volume(3, "volume", None, "/app/.venv"), id="anonymous"),
        pytest.param("ab", Volume(3, "volume", None, "ab"), id="two characters"),
        pytest.param("C:\\data:/data", Volume(3, "bind", "C:\\data", "/data"), id="drive"),
        pytest.param(
            "${SRC:-.}:/app", Volume(3, None, "${SRC:-.}", "/app"), id="variable hides the type"
        ),
        pytest.param("$$HOME:/h", Volume(3, "volume", "$$HOME", "/h"), id="escaped dollar"),
    ],
)
def test_short_volume(value: str, expected: Volume) -> None:
    service = _service(f"services:\n  app:\n    volumes: ['{value}']\n")
    assert service.volumes == (expected,)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("ab::c", "empty section between colons", id="empty section"),
        pytest.param("a::b", None, id="one letter then colon is a drive, as in compose-go"),
        pytest.param(":/x", "empty section between colons", id="empty source"),
        pytest.param("ab:/c:ro:x", "too many colons", id="too many colons"),
        pytest.param("${A:/x", "unterminated variable", id="unterminated"),
    ],
)
def test_short_volume_errors(value: str, message: str | None) -> None:
    compose, errors = parse_compose(f"services:\n  app:\n    volumes: ['{value}']\n")
    if message is None:
        assert errors == []
        assert compose.services[0].volumes == (Volume(3, "bind", "a:", "b"),)
        return
    where = "services.app.volumes"
    assert errors == [ParseError(f"{where}: invalid volume {value!r}: {message}", 3, 15)]
    assert compose.services[0].volumes == ()


def test_long_volumes_and_unicity() -> None:
    service = _service(
        """\
        services:
          app:
            volumes:
              - type: bind
                source: .
                target: /app
                read_only: true
              - type: volume
                target: /app/.venv
              - type: tmpfs
                target: /tmp
              - ./other:/app
        """
    )
    # compose-go keeps one volume per target: the later one, in the earlier one's place.
    assert service.volumes == (
        Volume(12, "bind", "./other", "/app"),
        Volume(8, "volume", None, "/app/.venv"),
        Volume(10, "tmpfs", None, "/tmp"),
    )


def test_long_volume_without_target_is_an_error() -> None:
    _, errors = parse_compose("services:\n  app:\n    volumes:\n      - type: bind\n")
    message = "services.app.volumes: a long-syntax volume needs a `type` and a `target`"
    assert errors == [ParseError(message, 4, 9)]


def test_watch_rules() -> None:
    service = _service(
        """\
        services:
          app:
            build: .
            develop:
              watch:
                - action: sync+restart
                  path: ./src
                  target: /app/src
                  ignore:
                    - .venv/
                    - "**/__pycache__"
                  include: "*.py"
                - action: rebuild
                  path: pyproject.toml
        """
    )
    assert service.watch == (
        WatchRule(
            6,
            Text("sync+restart", 6, 19),
            Text("./src", 7, 17),
            Text("/app/src", 8, 19),
            (Text(".venv/", 10, 15), Text("**/__pycache__", 11, 15)),
            (Text("*.py", 12, 20),),
        ),
        WatchRule(13, Text("rebuild", 13, 19), Text("pyproject.toml", 14, 17)),
    )


def test_anchors_merge_keys_and_extensions() -> None:
    compose = _parse(
        """\
        x-build: &build
          context: .
          dockerfile: Dockerfile
        x-common: &common
          build: *build
          volumes: [".:/app"]
        services:
          web:
            <<: *common
            image: web
          worker:
            <<: [*common]
            build:
              <<: *build
              target: worker
        """
    )
    web, worker = compose.services
    assert web.build == Build(5, Text(".", 2, 12), Text("Dockerfile", 3, 15))
    assert web.volumes == (Volume(6, "bind", ".", "/app"),)
    assert web.image == Text("web", 10, 12)
    assert worker.build == Build(
        13, Text(".", 2, 12), Text("Dockerfile", 3, 15), None, Text("worker", 15, 15)
    )
    assert worker.volumes == web.volumes


def test_own_keys_win_over_merged_ones_and_first_source_wins() -> None:
    service = _service(
        """\
        x-a: &a {image: a, build: a}
        x-b: &b {image: b, build: b, volumes: ["/v"]}
        services:
          app:
            <<: [*a, *b]
            image: own
        """
    )
    assert (service.image, service.build, service.volumes) == (
        Text("own", 6, 12),
        Build(1, Text("a", 1, 27)),  # where the merged `build` key is written
        (Volume(2, "volume", None, "/v"),),
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("- a\n", ParseError("top-level object must be a mapping", 1, 1), id="a list"),
        pytest.param(
            "hello\n", ParseError("top-level object must be a mapping", 1, 1), id="a scalar"
        ),
        pytest.param(
            "---\n", ParseError("top-level object must be a mapping", 2, 1), id="an empty document"
        ),
        pytest.param(
            "services: []\n", ParseError("services must be a mapping", 1, 11), id="services a list"
        ),
        pytest.param(
            "services:\n  app: x\n",
            ParseError("services.app must be a mapping", 2, 8),
            id="service a scalar",
        ),
        pytest.param(
            "services:\n  a: {}\n  a: {}\n",
            ParseError("services: key 'a' already defined at line 2", 3, 3),
            id="duplicate key",
        ),
        pytest.param(
            "services:\n  a:\n    build: [x]\n",
            ParseError("services.a.build must be a mapping", 3, 12),
            id="build a list",
        ),
        pytest.param(
            "services:\n  a:\n    image: {x: 1}\n",
            ParseError("services.a.image must be a string", 3, 12),
            id="image a mapping",
        ),
    ],
)
def test_errors(text: str, error: ParseError) -> None:
    assert parse_compose(text)[1] == [error]


@pytest.mark.parametrize(
    ("text", "line", "column", "start"),
    [
        pytest.param("services: [\n", 2, 1, "while parsing a flow node: ", id="unclosed"),
        pytest.param("services:\n  a: 1\n b: 2\n", 3, 2, "", id="bad indentation"),
        pytest.param(
            "a: 1\nb: \x07\n", 2, 4, "unacceptable character #x0007: ", id="control character"
        ),
    ],
)
def test_yaml_syntax_errors(text: str, line: int, column: int, start: str) -> None:
    (error,) = parse_compose(text)[1]
    assert (error.line, error.column) == (line, column)
    assert error.message.startswith(start)


def test_empty_file_has_no_services() -> None:
    assert parse_compose("") == (ComposeFile(), [])
    assert parse_compose("# only a comment\n") == (ComposeFile(), [])


def test_documents_merge_in_order() -> None:
    compose = _parse(
        """\
        services:
          app:
            image: one
        ---
        services:
          app:
            build: .
          db:
            image: postgres
        """
    )
    assert [s.name for s in compose.services] == ["app", "db"]
    assert compose.services[0].image == Text("one", 3, 12)
    assert compose.services[0].build == Build(7, Text(".", 7, 12))


def test_file_label_reaches_every_value() -> None:
    service = _service("services:\n  app:\n    build: .\n", "app")
    assert service.build is not None and service.build.context is not None
    assert service.build.context.file == ""
    compose, _ = parse_compose("services:\n  app:\n    build: .\n", "deploy/compose.yaml")
    app = compose.services[0]
    assert (app.file, app.build and app.build.file) == ("deploy/compose.yaml",) * 2


BASE = """\
services:
  app:
    build:
      context: .
      dockerfile: Dockerfile
      additional_contexts: {a: ./a}
    image: app
    volumes:
      - .:/app
      - /app/.venv
    develop:
      watch:
        - {action: sync, path: ., target: /app}
  db:
    image: postgres
"""


@pytest.mark.parametrize(
    ("override", "check"),
    [
        pytest.param(
            "services:\n  app:\n    build: ./other\n",
            lambda s: (
                s.build
                == Build(
                    3,
                    Text("./other", 3, 12, "o"),
                    Text("Dockerfile", 5, 19, "b"),
                    additional_contexts=(("a", Text("./a", 6, 32, "b")),),
                    file="o",
                )
            ),
            id="short build overrides only the context",
        ),
        pytest.param(
            "services:\n  app:\n    build:\n      target: dev\n"
            "      additional_contexts: [b=./b]\n",
            lambda s: (
                s.build is not None
                and s.build.target == Text("dev", 4, 15, "o")
                and s.build.context == Text(".", 4, 16, "b")
                and s.build.file == "b"
                and [k for k, _ in s.build.additional_contexts] == ["a", "b"]
            ),
            id="build merged key by key",
        ),
        pytest.param(
            "services:\n  app:\n    image: app:dev\n",
            lambda s: s.image == Text("app:dev", 3, 12, "o"),
            id="image replaced",
        ),
        pytest.param(
            "services:\n  app:\n    volumes: ['./src:/app', 'cache:/root/.cache']\n",
            lambda s: (
                s.volumes
                == (
                    Volume(3, "bind", "./src", "/app", file="o"),
                    Volume(10, "volume", None, "/app/.venv", file="b"),
                    Volume(3, "volume", "cache", "/root/.cache", file="o"),
                )
            ),
            id="volumes merged by container path",
        ),
        pytest.param(
            "services:\n  app:\n    develop:\n      watch: [{action: rebuild, path: x}]\n",
            lambda s: [r.action.value for r in s.watch if r.action] == ["sync", "rebuild"],
            id="watch rules appended",
        ),
        pytest.param(
            "services:\n  app:\n    volumes: !reset []\n    build: !reset\n",
            lambda s: (s.volumes, s.build, s.image) == ((), None, Text("app", 7, 12, "b")),
            id="reset",
        ),
        pytest.param(
            "services:\n  app:\n    volumes: !override ['/x']\n",
            lambda s: s.volumes == (Volume(3, "volume", None, "/x", file="o"),),
            id="override replaces",
        ),
        pytest.param(
            "services:\n  app:\n    build:\n      dockerfile: !reset\n",
            lambda s: (
                s.build is not None
                and s.build.dockerfile is None
                and s.build.context == Text(".", 4, 16, "b")
            ),
            id="reset a build key",
        ),
        pytest.param(
            "services:\n  app: !reset {}\n",
            lambda s: s is None,
            id="reset a service",
        ),
    ],
)
def test_merge_compose(override: str, check: object) -> None:
    base, errors = parse_compose(BASE, "b")
    assert errors == []
    other, errors = parse_compose(override, "o")
    assert errors == []
    merged = merge_compose(base, other)
    assert merged.service("db") == base.service("db")
    assert callable(check) and check(merged.service("app"))


def test_merge_adds_new_services_after_existing_ones() -> None:
    base, _ = parse_compose("services:\n  a: {image: a}\n  b: {image: b}\n")
    other, _ = parse_compose("services:\n  c: {image: c}\n  a: {image: a2}\n")
    assert [s.name for s in merge_compose(base, other).services] == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        pytest.param(".", "local", id="dot"),
        pytest.param("../app", "local", id="parent"),
        pytest.param("/srv/app", "absolute", id="absolute"),
        pytest.param("C:\\src", "absolute", id="windows drive"),
        pytest.param("~/src", "home", id="home"),
        pytest.param("https://github.com/a/b.git#main:dir", "remote", id="https"),
        pytest.param("git@github.com:a/b.git", "remote", id="git ssh"),
        pytest.param("github.com/a/b", "remote", id="github shorthand"),
        pytest.param("docker-image://python:3.12", "image", id="image"),
        pytest.param("service:base", "service", id="service"),
        pytest.param("oci-layout://./layout", "other", id="other scheme"),
    ],
)
def test_context_kind(value: str, kind: str) -> None:
    assert context_kind(value) == kind


@pytest.mark.parametrize(
    ("build", "project_dir", "context", "dockerfile"),
    [
        pytest.param(Build(1), "", ".", "Dockerfile", id="defaults"),
        pytest.param(
            Build(1, Text("app", 1)),
            "deploy",
            "deploy/app",
            "deploy/app/Dockerfile",
            id="relative to the project directory",
        ),
        pytest.param(
            Build(1, Text("..", 1), Text("docker/x.Dockerfile", 1)),
            "deploy",
            ".",
            "docker/x.Dockerfile",
            id="dockerfile relative to the context",
        ),
        pytest.param(Build(1, Text("../..", 1)), "deploy", None, None, id="outside the root"),
        pytest.param(Build(1, Text("/srv", 1)), "", None, None, id="absolute"),
        pytest.param(Build(1, Text("https://h/r.git", 1)), "", None, None, id="remote"),
        pytest.param(Build(1, Text("$CTX", 1)), "", None, None, id="variable context"),
        pytest.param(Build(1, dockerfile=Text("${DF}", 1)), "", ".", None, id="variable file"),
        pytest.param(Build(1, dockerfile_inline=Text("FROM x", 1)), "", ".", None, id="inline"),
    ],
)
def test_resolved_paths(
    build: Build, project_dir: str, context: str | None, dockerfile: str | None
) -> None:
    assert build.context_dir(project_dir) == context
    assert build.dockerfile_path(project_dir) == dockerfile


@pytest.mark.parametrize(
    ("name", "is_compose", "bases"),
    [
        pytest.param("compose.yaml", True, (), id="compose.yaml"),
        pytest.param("docker-compose.yml", True, (), id="docker-compose.yml"),
        pytest.param("sub/compose.yml", True, (), id="in a directory"),
        pytest.param(
            "docker-compose.override.yml",
            True,
            ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"),
            id="override: compose's own discovery order",
        ),
        pytest.param(
            "compose.prod.yaml",
            True,
            ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"),
            id="named override",
        ),
        pytest.param(
            "docker-compose.dev.yml",
            True,
            ("docker-compose.yml", "docker-compose.yaml", "compose.yaml", "compose.yml"),
            id="named docker-compose override",
        ),
        pytest.param("docker-compose-dev.yml", False, (), id="dash form is not"),
        pytest.param("compose.json", False, (), id="json"),
        pytest.param("mycompose.yaml", False, (), id="prefix"),
        pytest.param("compose..yaml", False, (), id="empty middle"),
    ],
)
def test_compose_names(name: str, is_compose: bool, bases: tuple[str, ...]) -> None:
    assert is_compose_filename(name) is is_compose
    assert override_base(name) == bases


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
            + "services:\n  app:\n    volumes: *i\n",
            id="billion laughs",
        ),
        pytest.param(
            "x: &a {k: 1}\n"
            + "".join(
                f"x{i}: &a{i} {{<<: [*a{i - 1 if i > 1 else ''}, *a]}}\n" for i in range(1, 40)
            )
            + "services:\n  app:\n    <<: *a39\n",
            id="merge diamonds",
        ),
        pytest.param("a: &a [*a]\nservices:\n  app:\n    volumes: *a\n", id="cyclic alias"),
        pytest.param("x: &m {<<: *m}\nservices:\n  app: *m\n", id="cyclic merge"),
        pytest.param("[" * 10_000 + "]" * 10_000, id="deep nesting"),
        pytest.param("a:\n" + "".join("  " * i + "- \n" for i in range(1, 3000)), id="deep block"),
    ],
)
def test_hostile_yaml_is_fast(text: str) -> None:
    start = time.perf_counter()
    compose, errors = parse_compose(text)
    assert time.perf_counter() - start < 2
    assert all(isinstance(e, ParseError) for e in errors)
    assert isinstance(compose, ComposeFile)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_on_text(text: str) -> None:
    compose, errors = parse_compose(text)
    assert isinstance(compose, ComposeFile)
    assert all(isinstance(e, ParseError) for e in errors)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \n-:[]{}&*!<>|'\"#$,.~/abcx", max_size=200))
def test_never_raises_on_yaml_punctuation(text: str) -> None:
    parse_compose(text)


_KEYS = st.sampled_from(
    [
        "services",
        "app",
        "build",
        "context",
        "dockerfile",
        "dockerfile_inline",
        "target",
        "additional_contexts",
        "image",
        "volumes",
        "develop",
        "watch",
        "path",
        "action",
        "ignore",
        "include",
        "type",
        "source",
        "read_only",
        "<<",
        "x-a",
        "extends",
    ]
)
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([".", "/app", ".:/app", "a::b", "${X}", "x=y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=4), st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_never_raises_on_compose_shaped_documents(
    first: dict[str, object], second: dict[str, object]
) -> None:
    base, _ = parse_compose(yaml.safe_dump({"services": {"app": first}}))
    other, _ = parse_compose(yaml.safe_dump({"services": {"app": second}}))
    merged = merge_compose(base, other)
    for service in merged.services:
        if service.build is not None:
            service.build.context_dir("")
            service.build.dockerfile_path("sub")


@pytest.mark.parametrize(
    ("value", "has_variable"),
    [
        pytest.param("${TAG}", True, id="braces"),
        pytest.param("app:${TAG:-latest}", True, id="default"),
        pytest.param("$TAG", True, id="bare"),
        pytest.param("$$TAG", False, id="escaped"),
        pytest.param("$$$TAG", True, id="escaped then variable"),
        pytest.param("price$", False, id="trailing dollar"),
        pytest.param("$1", False, id="not a name"),
    ],
)
def test_has_variable(value: str, has_variable: bool) -> None:
    assert Text(value, 1).has_variable is has_variable


def test_flags_and_reset_paths() -> None:
    compose = _parse(
        """\
        include: [other/compose.yaml]
        services:
          app:
            extends: {file: base.yaml, service: app}
            image: !reset
            build:
              context: !override ./x
          gone: !reset {}
        """
    )
    assert compose.include is True
    assert [(s.name, s.extends, s.image) for s in compose.services] == [("app", True, None)]
    assert compose.resets == {("app", "image"), ("app", "build", "context"), ("gone",)}
