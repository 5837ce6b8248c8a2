"""Recognisers for the commands envlint cares about, each returning a frozen value or None.

`recognize(command)` tries them all. Package installs live in `shell_pip`.
"""

from __future__ import annotations

from dataclasses import dataclass

from envlint.parsers.shell_options import basename, unwrap
from envlint.parsers.shell_pip import CacheClean, PipInstall, recognize_cache_clean, recognize_pip
from envlint.parsers.shell_split import Command
from envlint.parsers.shell_venv import (
    ProjectInstall,
    VenvCreate,
    recognize_project_install,
    recognize_venv,
)


@dataclass(frozen=True)
class Activation:
    index: int
    kind: str  # "venv", "conda" or "deactivate"
    command: str  # ".", "source", "conda", "mamba", "micromamba", "deactivate"
    target: str | None  # venv root (/opt/venv/bin/activate → /opt/venv), conda env, or None
    script: str | None = None  # the file sourced by `.`/`source`


@dataclass(frozen=True)
class ChangeDir:
    index: int
    path: str | None  # None: `cd` alone (home) or `cd -`


@dataclass(frozen=True)
class Export:
    index: int
    pairs: tuple[tuple[str, str | None], ...]  # `export K=V K2` → (("K", "V"), ("K2", None))


@dataclass(frozen=True)
class Remove:
    index: int
    paths: tuple[str, ...]
    recursive: bool
    force: bool


@dataclass(frozen=True)
class Echo:
    """`echo`/`printf`: its arguments are text, never commands."""

    index: int
    args: tuple[str, ...]


Recognized = (
    PipInstall | CacheClean | VenvCreate | ProjectInstall | Activation | ChangeDir | Export
    | Remove | Echo
)  # fmt: skip


def recognize_activation(command: Command) -> Activation | None:
    words = command.words
    if not words:
        return None
    name = words[0]
    if name in (".", "source") and len(words) > 1:
        script = words[1]
        if script == "bin/activate" or script.endswith("/bin/activate"):
            return Activation(command.index, "venv", name, script[:-13] or ".", script)
        if script == "activate":  # conda's legacy `source activate ENV`
            return Activation(
                command.index, "conda", name, words[2] if len(words) > 2 else None, script
            )
        return None
    if name == "deactivate":
        return Activation(command.index, "deactivate", name, None)
    tool = basename(name)
    if tool in ("conda", "mamba", "micromamba") and len(words) > 1:
        if words[1] == "deactivate":
            return Activation(command.index, "deactivate", tool, None)
        if words[1] == "activate":
            rest = [w for w in words[2:] if not w.startswith("-")]
            return Activation(command.index, "conda", tool, rest[0] if rest else None)
    return None


def recognize_cd(command: Command) -> ChangeDir | None:
    if command.name not in ("cd", "pushd"):
        return None
    args = [w for w in command.words[1:] if w not in ("-L", "-P", "-e", "-@", "--")]
    path = args[0] if args else None
    return ChangeDir(command.index, None if path == "-" else path)


def recognize_export(command: Command) -> Export | None:
    if command.name != "export":
        return None
    pairs: list[tuple[str, str | None]] = []
    for word in command.words[1:]:
        if word.startswith("-"):
            continue
        key, eq, value = word.partition("=")
        pairs.append((key, value if eq else None))
    return Export(command.index, tuple(pairs))


def recognize_rm(command: Command) -> Remove | None:
    _, words = unwrap(command)
    if not words or basename(words[0]) != "rm":
        return None
    recursive = force = False
    paths: list[str] = []
    for i, word in enumerate(words[1:], 1):
        if word == "--":
            paths.extend(words[i + 1 :])
            break
        if word in ("--recursive", "--force"):
            recursive |= word == "--recursive"
            force |= word == "--force"
        elif word.startswith("-") and len(word) > 1 and not word.startswith("--"):
            recursive |= "r" in word or "R" in word
            force |= "f" in word
        elif not word.startswith("--"):
            paths.append(word)
    return Remove(command.index, tuple(paths), recursive, force)


def recognize_echo(command: Command) -> Echo | None:
    if command.name not in ("echo", "printf"):
        return None
    return Echo(command.index, command.words[1:])


def recognize(command: Command) -> Recognized | None:
    """The first recogniser that knows this command, or None."""
    for recognizer in (
        recognize_pip, recognize_cache_clean, recognize_venv, recognize_project_install,
        recognize_activation, recognize_cd, recognize_export, recognize_rm, recognize_echo,
    ):  # fmt: skip
        found = recognizer(command)
        if found is not None:
            return found
    return None


__all__ = [
    "Activation",
    "CacheClean",
    "ChangeDir",
    "Echo",
    "Export",
    "PipInstall",
    "ProjectInstall",
    "Recognized",
    "Remove",
    "VenvCreate",
    "recognize",
    "recognize_activation",
    "recognize_cache_clean",
    "recognize_cd",
    "recognize_echo",
    "recognize_export",
    "recognize_pip",
    "recognize_project_install",
    "recognize_rm",
    "recognize_venv",
]
