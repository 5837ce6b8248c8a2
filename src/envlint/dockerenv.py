"""What a RUN sees besides its own text: the working directory (known or not), paths
normalised as the build does, and settings an earlier `poetry config` or pip
configuration wrote."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from typing import overload

from envlint.dockerstage import StageView, Step
from envlint.parsers.dockerfile_args import copy_args
from envlint.parsers.shell_options import basename, python_module, unwrap
from envlint.parsers.shell_split import Command

PIP_CONFIG_FILES = frozenset({"pip.conf", "pip.ini"})
_PIP = re.compile(r"pip[0-9.]*")


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
    own WORKDIR, which a Dockerfile does not show; see `dockerstage.stage_views`)."""
    return step.before.workdir is not None


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


def pip_configured(view: StageView, until: Step, before: int) -> bool:
    """Whether the chain, before command `before` of `until`, configures pip: `pip config
    set …no-cache-dir`, or a `pip.conf`/`pip.ini` copied into the image or written by a
    redirect (its content is unknown here)."""
    for current in reversed(view.chain):
        for step in current.steps:
            args = copy_args(step.instruction)
            if args is not None and any(
                basename(p.rstrip("/")) in PIP_CONFIG_FILES
                for p in (args.dest, *(s.path for s in args.sources))
            ):
                return True
            for command in step.script.commands if step.script else ():
                if step is until and command.index >= before:
                    return False
                if _configures_pip(command):
                    return True
            if step is until:
                return False
    return False


def _configures_pip(command: Command) -> bool:
    if any(basename(target) in PIP_CONFIG_FILES for _, target in command.redirects):
        return True
    _, words = unwrap(command)
    module = python_module(words)
    args = module[1] if module is not None and module[0] == "pip" else None
    if args is None and words and _PIP.fullmatch(basename(words[0])):
        args = tuple(words[1:])
    if not args or "config" not in args:
        return False
    rest = args[args.index("config") + 1 :]
    return "set" in rest and any(w.endswith(".no-cache-dir") for w in rest)
