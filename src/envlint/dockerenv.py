"""What a RUN sees besides its own text: the working directory (known or not), paths
normalised as the build does, and settings an earlier `poetry config` wrote."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import overload

from envlint.dockerstage import StageView, Step
from envlint.parsers.baseimage import parse_image_ref
from envlint.parsers.shell_options import basename, unwrap

# Images whose WORKDIR is `/` (they set none): docker-library bases and uv's images.
ROOT_WORKDIR_IMAGES = frozenset(
    [f"docker.io/library/{name}" for name in ("python", "pypy", "debian", "ubuntu", "alpine",
     "buildpack-deps", "fedora", "centos", "rockylinux", "almalinux", "amazonlinux")]
    + ["ghcr.io/astral-sh/uv"]
)  # fmt: skip


@overload
def norm_path(path: str) -> str: ...
@overload
def norm_path(path: None) -> None: ...
def norm_path(path: str | None) -> str | None:
    """`posixpath.normpath`, also folding a leading `//` (which POSIX lets it keep, and
    which `/` + a relative path produces) into `/`."""
    if path is None:
        return None
    value = posixpath.normpath(path)
    return "/" + value.lstrip("/") if value.startswith("//") else value


def workdir_known(view: StageView, step: Step) -> bool:
    """Whether the working directory before `step` is known: a WORKDIR along the chain set
    it, or the chain starts at an image known to leave it at `/` (another image may set its
    own WORKDIR, which a Dockerfile does not show)."""
    for current in view.chain:
        for earlier in current.steps:
            if earlier is step:
                break
            if earlier.instruction.keyword == "WORKDIR":
                return True
    image = parse_image_ref(view.image) if view.image else None
    return image is not None and image.name in ROOT_WORKDIR_IMAGES


def unknown_workdir(step: Step) -> Step:
    return replace(step, before=replace(step.before, workdir=None))


def poetry_config(view: StageView, until: Step, before: int) -> dict[str, str]:
    """Settings that `poetry config KEY VALUE` commands set along the chain before command
    `before` of `until` (`--unset` removes one)."""
    settings: dict[str, str] = {}
    for current in reversed(view.chain):
        for step in current.steps:
            if step.script is None:
                continue
            for command in step.script.commands:
                if step is until and command.index >= before:
                    return settings
                _, words = unwrap(command)
                if len(words) < 3 or basename(words[0]) != "poetry" or words[1] != "config":
                    continue
                rest = [w for w in words[2:] if not w.startswith("-")]
                if "--unset" in words and rest:
                    settings.pop(rest[0], None)
                elif len(rest) >= 2:
                    settings[rest[0]] = rest[1]
    return settings
