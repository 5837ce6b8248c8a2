"""BuildKit's dispatch of a logical line (`parser.newNodeFromLine`) and the checks its
`instructions.Parse` makes before building: where BuildKit refuses an instruction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from envlint.parsers.dockerfile_args import arg_pairs, name_values
from envlint.parsers.dockerfile_lines import (
    NotStrings,
    parse_heredoc_word,
    parse_json_array,
    split_instruction,
    split_whitespace,
)
from envlint.parsers.dockerfile_model import Flag
from envlint.parsers.dockerfile_words import GO_SPACE, LexError

KEYWORDS = frozenset(
    {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"}
    | {"LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)
_MAYBE_JSON = frozenset({"CMD", "ENTRYPOINT", "RUN", "SHELL"})
_JSON_OR_LIST = frozenset({"ADD", "COPY", "VOLUME"})
_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")


@dataclass(frozen=True)
class Node:
    """One logical line split as BuildKit's parser does, before stages are known."""

    word: str  # the keyword as written
    flags: tuple[Flag, ...]
    args: str
    json: tuple[str, ...] | None
    pairs: tuple[Flag, ...]
    error: str | None
    trigger: Node | None

    @property
    def keyword(self) -> str:
        return self.word.upper()


def _flag(word: str) -> Flag:
    name, eq, value = word.partition("=")
    return (name[2:] if name.startswith("--") else name, value if eq else None)


def make_node(line: str, escape: str, nested: bool = False) -> Node:
    word, flag_words, args = split_instruction(line, escape)
    keyword = word.upper()
    json: tuple[str, ...] | None = None
    pairs: tuple[Flag, ...] = ()
    error: str | None = None
    trigger: Node | None = None
    try:
        if keyword in _MAYBE_JSON or keyword in _JSON_OR_LIST:
            json = parse_json_array(args) if args else None
        elif keyword == "HEALTHCHECK":
            rest = args.lstrip(GO_SPACE)
            cut = next((i for i, ch in enumerate(rest) if ch in GO_SPACE), len(rest))
            json = parse_json_array(rest[cut:]) if rest[cut:].strip(GO_SPACE) else None
    except NotStrings as exc:
        error = str(exc)
    if keyword in ("ENV", "LABEL"):
        pairs, issue = name_values(args, escape, keyword)
        error = error or issue
    elif keyword == "ARG":
        pairs, issue = arg_pairs(args, escape)
        error = error or issue
    elif keyword == "ONBUILD" and args and not nested:
        trigger = make_node(args, escape, nested=True)
        if trigger.error and trigger.args:
            error = error or trigger.error
    flags = tuple(_flag(w) for w in flag_words)
    return Node(word, flags, args, json, pairs, error, trigger)


def problem(node: Node) -> str | None:
    """Why BuildKit would refuse this instruction (`instructions.Parse`), if it would."""
    kw, args = node.keyword, node.args
    if node.error:
        return node.error
    if kw not in KEYWORDS:
        return f"unknown instruction: {node.word}"
    if kw in ("COPY", "ADD"):
        words = list(node.json) if node.json is not None else split_whitespace(args)
        if len(words) < 2:
            return (
                f"{kw} requires at least two arguments, but only one was provided."
                " Destination could not be determined"
            )
        if _is_heredoc(words[-1]):
            return f"{kw} cannot accept a heredoc as a destination"
    if kw == "FROM":
        words = split_whitespace(args)
        if not (len(words) == 1 or (len(words) == 3 and words[1].lower() == "as")):
            return "FROM requires either one or three arguments"
        if len(words) == 3 and not _STAGE_NAME.fullmatch(words[2].lower()):
            return (
                f'invalid name for build stage: "{words[2]}",'
                " name can't start with a number or contain symbols"
            )
    if kw in ("WORKDIR", "USER", "MAINTAINER", "STOPSIGNAL") and not args:
        return f"{kw} requires exactly one argument"
    if kw in ("EXPOSE", "VOLUME", "HEALTHCHECK", "ONBUILD", "SHELL") and not args:
        return f"{kw} requires at least one argument"
    if kw == "VOLUME" and node.json is not None:
        if not node.json:
            return "VOLUME requires at least one argument"
        if any(not v.strip(GO_SPACE) for v in node.json):
            return "VOLUME specified can not be an empty string"
    if kw == "SHELL":
        if node.json is None:
            return "SHELL requires the arguments to be in JSON form"
        if not node.json:
            return "SHELL requires at least one argument"
    if kw == "ONBUILD" and node.trigger is not None:
        inner = node.trigger.keyword
        if inner == "ONBUILD":
            return "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
        if inner in ("FROM", "MAINTAINER"):
            return f"{inner} isn't allowed as an ONBUILD trigger"
    if kw == "HEALTHCHECK":
        kind, rest = ([*args.split(None, 1), ""])[:2]
        kind = kind.upper()
        if kind == "NONE" and rest.strip(GO_SPACE):
            return "HEALTHCHECK NONE takes no arguments"
        if kind == "CMD" and not rest.strip(GO_SPACE):
            return "Missing command after HEALTHCHECK CMD"
        if kind not in ("NONE", "CMD"):
            return f'Unknown type "{kind}" in HEALTHCHECK (try CMD)'
    return None


def _is_heredoc(word: str) -> bool:
    try:
        return parse_heredoc_word(word) is not None
    except LexError:
        return False
