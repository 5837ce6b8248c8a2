"""Reading a command's argv: wrappers (`sudo`, `env`), `python -m`, and options.

Options that take a value consume it, in both `--opt=value` and `--opt value` forms, so
a value is never mistaken for a positional argument. A word after an *unknown* option may
be its value: it is set apart as ambiguous, never guessed to be positional.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from envlint.parsers.shell_split import Command

Option = tuple[str, "str | None"]
_ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", re.DOTALL)
_PYTHON = re.compile(r"(?:python|pypy)(?:[0-9]+(?:\.[0-9]+)*t?)?")
# CPython's command line: options that take a value, and those that do not.
_PY_VALUE = frozenset("WX")
_PY_FLAGS = frozenset("bBdEhiIOPqsSuvVxR")


def basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def is_python(word: str) -> bool:
    """`python`, `python3`, `python3.12`, `python3.13t`, `pypy3`, `/opt/venv/bin/python`."""
    return _PYTHON.fullmatch(basename(word)) is not None


def unwrap(command: Command) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The assignments and argv of what actually runs, looking through `sudo [-u U]`,
    `env [-i] [K=V]…`, `command`, `exec`, `time [-p]` and `nohup`."""
    assignments = list(command.assignments)
    words = list(command.words)
    for _ in range(len(words)):
        name = basename(words[0]) if words else ""
        takes_value: frozenset[str]
        if name == "sudo":
            takes_value = frozenset({"-u", "-g", "-C", "-p", "-r", "-t", "-U", "-D", "-h"})
        elif name == "env":
            takes_value = frozenset({"-u", "--unset", "-C", "--chdir"})
        elif name == "exec":
            takes_value = frozenset({"-a"})
        elif name in ("time", "nohup") or (
            name == "command" and words[1:2] not in (["-v"], ["-V"])
        ):
            takes_value = frozenset()
        else:
            break
        i = 1
        while i < len(words):
            word = words[i]
            if word == "--":
                i += 1
                break
            if name == "env" and (match := _ASSIGNMENT.fullmatch(word)):
                assignments.append((match.group(1), match.group(2)))
            elif not word.startswith("-") or word == "-":
                break
            elif name == "env" and word.startswith(("-S", "--split-string")):
                return tuple(assignments), ()  # `env -S "…"`: not read
            elif word in takes_value:
                i += 1
            i += 1
        words = words[i:]
    return tuple(assignments), tuple(words)


def python_module(words: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """For `python [opts] -m MOD ARGS…`: MOD and ARGS; None for anything else."""
    if not words or not is_python(words[0]):
        return None
    i = 1
    while i < len(words):
        word = words[i]
        i += 1
        if not word.startswith("-") or word.startswith("--") or word == "-":
            return None
        for j, letter in enumerate(word[1:], 1):
            rest = word[j + 1 :]
            if letter == "m":
                if rest:
                    return rest, tuple(words[i:])
                return (words[i], tuple(words[i + 1 :])) if i < len(words) else None
            if letter in _PY_VALUE:
                i += 0 if rest else 1
                break
            if letter not in _PY_FLAGS:
                return None
    return None


@dataclass(frozen=True)
class OptionTable:
    """A program's options: long names with dashes; aliases map to the canonical name."""

    values: frozenset[str]
    flags: frozenset[str]
    short: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    abbreviations: bool = False  # optparse: a unique prefix names the option
    short_equals: bool = False  # clap: `-r=file`

    def resolve(self, name: str) -> str | None:
        name = self.aliases.get(name, name)
        if name in self.values or name in self.flags:
            return name
        if not self.abbreviations:
            return None
        matches = [n for n in (*self.values, *self.flags, *self.aliases) if n.startswith(name)]
        return self.aliases.get(matches[0], matches[0]) if len(matches) == 1 else None


def table(
    values: str,
    flags: str,
    short: str = "",
    aliases: str = "",
    *,
    abbreviations: bool = False,
    short_equals: bool = False,
) -> OptionTable:
    """Build a table from space-separated lists; `short` and `aliases` as `-r=--requirement`."""

    def pairs(text: str) -> dict[str, str]:
        return dict(item.split("=", 1) for item in text.split())

    return OptionTable(
        frozenset(values.split()), frozenset(flags.split()), pairs(short), pairs(aliases),
        abbreviations, short_equals,
    )  # fmt: skip


@dataclass(frozen=True)
class Parsed:
    options: tuple[Option, ...]  # (canonical name, value or None), in order
    positionals: tuple[str, ...]
    unknown: tuple[str, ...] = ()  # options not in the table
    ambiguous: tuple[str, ...] = ()  # words that may be an unknown option's value

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.options)

    def values(self, name: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.options if k == name and v is not None)


def parse_options(words: Sequence[str], spec: OptionTable) -> Parsed:
    options: list[Option] = []
    positionals: list[str] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    i, n = 0, len(words)

    def take_value() -> str | None:
        nonlocal i
        i += 1
        return words[i - 1] if i - 1 < n else None

    def unknown_option(name: str, value_attached: bool) -> None:
        nonlocal i
        unknown.append(name)
        if not value_attached and i < n and not words[i].startswith("-"):
            ambiguous.append(words[i])
            i += 1

    while i < n:
        word = words[i]
        i += 1
        if word == "--":
            positionals.extend(words[i:])
            break
        if word.startswith("--"):
            name, eq, value = word.partition("=")
            canon = spec.resolve(name)
            if canon is None:
                options.append((name, value if eq else None))
                unknown_option(name, bool(eq))
            elif canon in spec.values:
                options.append((canon, value if eq else take_value()))
            else:
                options.append((canon, value if eq else None))
        elif word.startswith("-") and len(word) > 1:
            for j in range(1, len(word)):
                canon = spec.short.get("-" + word[j])
                rest = word[j + 1 :]
                if canon is None:
                    options.append(("-" + word[j], rest or None))
                    unknown_option("-" + word[j], bool(rest))
                    break
                if canon in spec.values:
                    if spec.short_equals and rest.startswith("="):
                        rest = rest[1:]
                    options.append((canon, rest if rest else take_value()))
                    break
                options.append((canon, None))
        else:
            positionals.append(word)
    return Parsed(tuple(options), tuple(positionals), tuple(unknown), tuple(ambiguous))
