"""The argument shapes of Dockerfile instructions: COPY/ADD, ENV, ARG, WORKDIR, USER, SHELL.

Values are returned as written (quotes kept); pass them through `expand` with the stage's
environment to get what BuildKit uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from envlint.parsers.dockerfile_lines import parse_heredoc_word, parse_words, split_whitespace
from envlint.parsers.dockerfile_model import ArgDecl, Heredoc, Instruction
from envlint.parsers.dockerfile_words import LexError

Pair = tuple[str, "str | None"]
_SPLIT_WS = re.compile(r"[\t\v\f\r ]+")
_TOP_KEY = re.compile(r"([A-Za-z_][\w.-]*)[ \t]*:(?:[ \t]|$)")
_COMPOSE_KEYS = frozenset(
    {"services", "version", "name", "volumes", "networks", "secrets", "configs", "include"}
)


def name_values(rest: str, escape: str, keyword: str) -> tuple[tuple[Pair, ...], str | None]:
    """ENV/LABEL pairs (BuildKit's `parseNameVal`): `k=v k2="v 2"`, or legacy `k v w`."""
    words = parse_words(rest, escape)
    if not words:
        return (), f"{keyword} requires at least one argument"
    if "=" not in words[0]:
        parts = _SPLIT_WS.split(rest, maxsplit=1)
        if len(parts) < 2:
            return (), f"{keyword} must have two arguments"
        return ((parts[0], parts[1]),), None
    pairs: list[Pair] = []
    for word in words:
        if "=" not in word:
            message = f"Syntax error - can't find = in {word!r}. Must be of the form: name=value"
            return tuple(pairs), message
        key, value = word.split("=", 1)
        if not key:
            return tuple(pairs), f"{keyword} names can not be blank"
        pairs.append((key, value))
    return tuple(pairs), None


def arg_pairs(rest: str, escape: str) -> tuple[tuple[Pair, ...], str | None]:
    """ARG names with their default or None (BuildKit's `parseArg`); several per ARG."""
    pairs: list[Pair] = []
    for word in parse_words(rest, escape):
        key, eq, value = word.partition("=")
        if eq and not key:
            return tuple(pairs), "ARG names can not be blank"
        pairs.append((key, value if eq else None))
    if not pairs:
        return (), "ARG requires at least one argument"
    return tuple(pairs), None


@dataclass(frozen=True)
class CopySource:
    path: str  # as written; for a heredoc, the file name it creates (its delimiter)
    is_heredoc: bool = False
    heredoc: Heredoc | None = None


@dataclass(frozen=True)
class CopyArgs:
    sources: tuple[CopySource, ...]
    dest: str
    from_: str | None  # `--from` value, raw
    exec_form: bool


def copy_words(instr: Instruction) -> list[str]:
    """COPY/ADD arguments: the JSON array, or the text split on whitespace (BuildKit does
    not honour quotes here: `COPY "a b" c` is three words)."""
    return list(instr.json) if instr.json is not None else split_whitespace(instr.args)


def copy_args(instr: Instruction) -> CopyArgs | None:
    """Sources, destination and `--from` of a COPY/ADD; None for anything else."""
    if instr.keyword not in ("COPY", "ADD"):
        return None
    words = copy_words(instr)
    if len(words) < 2:
        return None
    by_name = {doc.name: doc for doc in instr.heredocs}
    sources = []
    for word in words[:-1]:
        try:
            spec = parse_heredoc_word(word)
        except LexError:
            spec = None
        if spec is None:
            sources.append(CopySource(word))
        else:
            sources.append(CopySource(spec.name, True, by_name.get(spec.name)))
    return CopyArgs(tuple(sources), words[-1], instr.flag("from"), instr.json is not None)


def env_pairs(instr: Instruction) -> tuple[tuple[str, str], ...]:
    """ENV's (name, raw value) pairs; empty for other instructions."""
    if instr.keyword != "ENV":
        return ()
    return tuple((key, value or "") for key, value in instr.pairs)


def arg_decls(instr: Instruction) -> tuple[ArgDecl, ...]:
    """ARG's declarations (name, raw default or None); empty for other instructions."""
    if instr.keyword != "ARG":
        return ()
    return tuple(ArgDecl(key, value, instr.start_line) for key, value in instr.pairs)


def workdir(instr: Instruction) -> str | None:
    """WORKDIR's raw path."""
    return instr.args or None if instr.keyword == "WORKDIR" else None


def user(instr: Instruction) -> str | None:
    """USER's raw `user[:group]`."""
    return instr.args or None if instr.keyword == "USER" else None


def shell(instr: Instruction) -> tuple[str, ...] | None:
    """SHELL's argv (BuildKit accepts only the JSON form)."""
    return instr.json if instr.keyword == "SHELL" else None


def looks_like_compose_yaml(text: str) -> bool:
    """True when the text reads as a compose file: its first meaningful line is a
    top-level compose key and a top-level `services:` (or `include:`) exists."""
    first_checked = False
    for line in text.lstrip("\ufeff").split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue
        if line[0] in " \t-":
            continue
        match = _TOP_KEY.match(line)
        key = match.group(1) if match else ""
        if not first_checked:
            if key not in _COMPOSE_KEYS and not key.startswith("x-"):
                return False
            first_checked = True
        if key in ("services", "include"):
            return True
    return False
