from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from envlint.parsers.baseimage import (
    ImagePython,
    ImageRef,
    parse_image_ref,
    python_of,
    runs_as_root_by_default,
)

SHA = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        pytest.param("python", ImageRef("python", "docker.io", "library/python"), id="bare"),
        pytest.param(
            "python:3.12-slim",
            ImageRef("python:3.12-slim", "docker.io", "library/python", "3.12-slim"),
            id="tag",
        ),
        pytest.param(
            "library/python:3.12",
            ImageRef("library/python:3.12", "docker.io", "library/python", "3.12"),
            id="library prefix",
        ),
        pytest.param(
            "docker.io/python:3.12",
            ImageRef("docker.io/python:3.12", "docker.io", "library/python", "3.12"),
            id="docker.io without library",
        ),
        pytest.param(
            "index.docker.io/library/python",
            ImageRef("index.docker.io/library/python", "docker.io", "library/python"),
            id="legacy index domain",
        ),
        pytest.param(
            "astral-sh/uv:0.5",
            ImageRef("astral-sh/uv:0.5", "docker.io", "astral-sh/uv", "0.5"),
            id="hub user repo",
        ),
        pytest.param(
            "ghcr.io/astral-sh/uv:python3.12-bookworm-slim",
            ImageRef(
                "ghcr.io/astral-sh/uv:python3.12-bookworm-slim",
                "ghcr.io",
                "astral-sh/uv",
                "python3.12-bookworm-slim",
            ),
            id="registry with dot",
        ),
        pytest.param(
            "localhost:5000/app:1.2",
            ImageRef("localhost:5000/app:1.2", "localhost:5000", "app", "1.2"),
            id="port is not a tag",
        ),
        pytest.param(
            "localhost/app", ImageRef("localhost/app", "localhost", "app"), id="localhost"
        ),
        pytest.param(
            "registry:5000/team/app",
            ImageRef("registry:5000/team/app", "registry:5000", "team/app"),
            id="colon before the last slash is a port",
        ),
        pytest.param(
            "[::1]:5000/app:v1",
            ImageRef("[::1]:5000/app:v1", "[::1]:5000", "app", "v1"),
            id="ipv6 registry",
        ),
        pytest.param(
            "Registry/app", ImageRef("Registry/app", "Registry", "app"), id="uppercase domain"
        ),
        pytest.param(
            f"python@{SHA}",
            ImageRef(f"python@{SHA}", "docker.io", "library/python", None, SHA),
            id="digest",
        ),
        pytest.param(
            f"image:latest@{SHA}",
            ImageRef(f"image:latest@{SHA}", "docker.io", "library/image", "latest", SHA),
            id="tag and digest",
        ),
        pytest.param("scratch", ImageRef("scratch", "docker.io", "library/scratch"), id="scratch"),
        pytest.param(
            "a__b-c/e--f.g:T_1.x-y",
            ImageRef("a__b-c/e--f.g:T_1.x-y", "docker.io", "a__b-c/e--f.g", "T_1.x-y"),
            id="separators",
        ),
        pytest.param("a_b.io/app", None, id="underscore in a registry"),
        pytest.param("", None, id="empty"),
        pytest.param("Python:3.12", None, id="uppercase repository"),
        pytest.param("team/App", None, id="uppercase path"),
        pytest.param("python:", None, id="empty tag"),
        pytest.param("python:-x", None, id="tag starts with dash"),
        pytest.param("python:" + "a" * 129, None, id="tag too long"),
        pytest.param("python@sha256:abc", None, id="short digest"),
        pytest.param("python@md5:" + "a" * 32, None, id="unsupported digest algorithm"),
        pytest.param("python@sha256:" + "A" * 64, None, id="uppercase digest"),
        pytest.param("0123456789abcdef" * 4, None, id="bare image id"),
        pytest.param("a//b", None, id="empty component"),
        pytest.param("$BASE", None, id="unresolved variable"),
        pytest.param("a___b", None, id="three underscores"),
        pytest.param("x/" + "a" * 300, None, id="path too long"),
    ],
)
def test_parse_image_ref(ref: str, expected: ImageRef | None) -> None:
    assert parse_image_ref(ref) == expected


@pytest.mark.parametrize(
    ("ref", "name", "familiar", "scratch"),
    [
        pytest.param("python:3", "docker.io/library/python", "python", False, id="official"),
        pytest.param("astral-sh/uv", "docker.io/astral-sh/uv", "astral-sh/uv", False, id="hub"),
        pytest.param("ghcr.io/a/b", "ghcr.io/a/b", "ghcr.io/a/b", False, id="other registry"),
        pytest.param("scratch", "docker.io/library/scratch", "scratch", True, id="scratch"),
        pytest.param(
            "scratch:latest",
            "docker.io/library/scratch",
            "scratch",
            False,
            id="scratch with a tag is an image name",
        ),
    ],
)
def test_image_names(ref: str, name: str, familiar: str, scratch: bool) -> None:
    image = parse_image_ref(ref)
    assert image is not None
    assert (image.name, image.familiar_name, image.is_scratch) == (name, familiar, scratch)


def _py(
    version: str | None,
    series: bool = True,
    libc: str | None = "glibc",
    impl: str = "cpython",
    free: bool = False,
) -> ImagePython:
    return ImagePython(
        impl,  # type: ignore[arg-type]
        None if version is None else Version(version),
        series,
        free,
        libc,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        pytest.param("python:3.12-slim-bookworm", _py("3.12"), id="slim bookworm"),
        pytest.param("python:3.12", _py("3.12"), id="bare series"),
        pytest.param("python:3.12.4", _py("3.12.4", series=False), id="release"),
        pytest.param("python:3.12.4-slim", _py("3.12.4", series=False), id="release slim"),
        pytest.param("python:3.11-bullseye", _py("3.11"), id="bullseye"),
        pytest.param("python:3.13-trixie", _py("3.13"), id="trixie"),
        pytest.param("python:3.8-buster", _py("3.8"), id="buster"),
        pytest.param("python:3", _py(None, series=False), id="major only"),
        pytest.param("python:3-slim", _py(None, series=False), id="major slim"),
        pytest.param("python", _py(None, series=False, libc=None), id="no tag"),
        pytest.param("python:latest", _py(None, series=False, libc=None), id="latest"),
        pytest.param("python:slim", _py(None, series=False), id="slim alone"),
        pytest.param("python:alpine", _py(None, series=False, libc="musl"), id="alpine alone"),
        pytest.param("python:bookworm", _py(None, series=False), id="codename alone"),
        pytest.param("python:3.12-alpine3.20", _py("3.12", libc="musl"), id="alpine"),
        pytest.param("python:3.13t-slim", _py("3.13", free=True), id="free-threaded"),
        pytest.param("python:3.14-rc-slim", _py("3.14"), id="rc series"),
        pytest.param("python:3.14.0rc1", _py("3.14.0rc1", series=False), id="rc release"),
        pytest.param(
            "python:3.12-windowsservercore-ltsc2022",
            _py("3.12", libc=None),
            id="windows is not glibc",
        ),
        pytest.param("python:3.12-nanoserver", _py("3.12", libc=None), id="nanoserver"),
        pytest.param("python:3.12-foo", _py("3.12", libc=None), id="unknown variant"),
        pytest.param("library/python:3.11", _py("3.11"), id="library"),
        pytest.param("docker.io/library/python:3.11", _py("3.11"), id="docker.io library"),
        pytest.param(f"python:3.11@{SHA}", _py("3.11"), id="tag with digest"),
        pytest.param(f"python@{SHA}", _py(None, series=False, libc=None), id="digest only"),
        pytest.param("pypy:3.10", _py("3.10", impl="pypy"), id="pypy"),
        pytest.param("pypy:3.10-7.3.16-slim", _py("3.10", impl="pypy"), id="pypy version"),
        pytest.param("pypy:3.10-7.3.16", _py("3.10", impl="pypy"), id="pypy bare"),
        pytest.param("pypy:3", _py(None, series=False, impl="pypy"), id="pypy major"),
        pytest.param(
            "ghcr.io/astral-sh/uv:python3.12-bookworm-slim", _py("3.12"), id="uv bookworm"
        ),
        pytest.param(
            "ghcr.io/astral-sh/uv:python3.11-alpine", _py("3.11", libc="musl"), id="uv alpine"
        ),
        pytest.param(
            "ghcr.io/astral-sh/uv:0.5-python3.13t-trixie",
            _py("3.13", free=True),
            id="uv tagged version",
        ),
        pytest.param("example/py:python3.12", _py("3.12", libc=None), id="distro unknown"),
        pytest.param("localhost:5000/python:3.12", None, id="private python is unknown"),
        pytest.param("ghcr.io/astral-sh/uv:0.5", None, id="no python in tag"),
        pytest.param("ubuntu:24.04", None, id="ubuntu"),
        pytest.param("scratch", None, id="scratch"),
        pytest.param("$BASE", None, id="unresolved"),
    ],
)
def test_python_of(ref: str, expected: ImagePython | None) -> None:
    assert python_of(ref) == expected


@pytest.mark.parametrize(
    ("ref", "minor", "specifier"),
    [
        pytest.param("python:3.12-slim", (3, 12), "==3.12.*", id="series"),
        pytest.param("python:3.12.4", (3, 12), "==3.12.4", id="release"),
        pytest.param("python:3", None, None, id="unknown"),
    ],
)
def test_python_minor_and_specifier(
    ref: str, minor: tuple[int, int] | None, specifier: str | None
) -> None:
    python = python_of(ref)
    assert python is not None
    assert (python.minor, python.specifier) == (minor, specifier)


def test_python_of_accepts_a_parsed_ref() -> None:
    image = parse_image_ref("python:3.12")
    assert image is not None
    assert python_of(image) == _py("3.12")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        pytest.param("python:3.12-slim", True, id="python"),
        pytest.param("docker.io/library/pypy:3.10", True, id="pypy"),
        pytest.param("debian:bookworm", True, id="debian"),
        pytest.param("ubuntu", True, id="ubuntu"),
        pytest.param("library/alpine:3.20", True, id="alpine"),
        pytest.param("mambaorg/micromamba:1.5", None, id="micromamba unknown"),
        pytest.param("gcr.io/distroless/python3:nonroot", None, id="distroless unknown"),
        pytest.param("ghcr.io/library/python:3.12", None, id="other registry"),
        pytest.param("jupyter/base-notebook", None, id="jupyter unknown"),
        pytest.param("$BASE", None, id="unparsable"),
    ],
)
def test_runs_as_root_by_default(ref: str, expected: bool | None) -> None:
    assert runs_as_root_by_default(ref) is expected


# No "." in a component: a first component holding one is a registry.
_COMPONENT = st.from_regex(r"[a-z0-9]{1,5}([_-][a-z0-9]{1,5}){0,2}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["", "ghcr.io/", "localhost:5000/", "reg.example.com:443/"]),
    st.lists(_COMPONENT, min_size=1, max_size=3),
    st.none() | st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True),
)
def test_valid_references_round_trip(registry: str, parts: list[str], tag: str | None) -> None:
    ref = registry + "/".join(parts) + (f":{tag}" if tag else "")
    image = parse_image_ref(ref)
    assert image is not None
    assert image.tag == tag
    assert image.path.endswith("/".join(parts))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    start = time.perf_counter()
    image = parse_image_ref(text)
    python_of(text)
    runs_as_root_by_default(text)
    if image is not None:
        python_of(image)
    assert time.perf_counter() - start < 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="a0._-/:@", max_size=1100))
def test_grammar_characters_stay_fast(text: str) -> None:
    start = time.perf_counter()
    parse_image_ref(text)
    assert time.perf_counter() - start < 1
