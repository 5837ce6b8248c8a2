"""Dockerfile parser: text in, `(Dockerfile, errors)` out, read the way BuildKit reads it.

Built to Docker's Dockerfile reference and checked against BuildKit's own parser
(`frontend/dockerfile/parser`, `.../instructions`): parser directives only at the top,
comment lines dropped inside continuations, empty continuation lines allowed, a trailing
escape at end of file accepted, heredocs on RUN/COPY/ADD (an unterminated one is an
error), invalid JSON in exec form falling back to shell form. An error is reported where
BuildKit would refuse to build; the data is still returned, best effort.
"""

from __future__ import annotations

from envlint.model import ParseError
from envlint.parsers.dockerfile_args import (
    CopyArgs,
    CopySource,
    arg_decls,
    copy_args,
    env_pairs,
    looks_like_compose_yaml,
    shell,
    user,
    workdir,
)
from envlint.parsers.dockerfile_expand import expand
from envlint.parsers.dockerfile_lines import LineReader, heredocs_in_line, split_whitespace
from envlint.parsers.dockerfile_model import ArgDecl, Dockerfile, Heredoc, Instruction, Stage
from envlint.parsers.dockerfile_nodes import KEYWORDS, Node, make_node, problem
from envlint.parsers.dockerfile_words import LexError

__all__ = [
    "ArgDecl",
    "CopyArgs",
    "CopySource",
    "Dockerfile",
    "Heredoc",
    "Instruction",
    "Stage",
    "arg_decls",
    "copy_args",
    "env_pairs",
    "expand",
    "looks_like_compose_yaml",
    "parse_dockerfile",
    "shell",
    "user",
    "workdir",
]

_HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})
# Bounds no Dockerfile a person wrote reaches (moby's own has ~50 stages), past which the
# checks between stages and instructions would take minutes: such a file is not read.
MAX_INSTRUCTIONS = 5000
MAX_STAGES = 500
_EMPTY = Dockerfile((), (), (), "\\", (), ())


def _read_heredocs(
    reader: LineReader, line: str, node: Node, start: int, errors: list[ParseError]
) -> tuple[Heredoc, ...]:
    target = node.trigger or node
    if target.keyword not in _HEREDOC_KEYWORDS or target.json is not None or "<<" not in line:
        return ()
    try:
        specs = heredocs_in_line(line)
    except LexError as exc:
        errors.append(ParseError(str(exc), start))
        return ()
    docs = []
    for spec in specs:
        got = reader.read_heredoc(spec.name, spec.strip_tabs)
        if got is None:
            errors.append(ParseError(f"unterminated heredoc <<{spec.name}", start))
            break
        body, first, last = got
        docs.append(Heredoc(spec.name, body, first, last, spec.strip_tabs, spec.expand, spec.fd))
    return tuple(docs)


def _instruction(
    node: Node,
    lines: tuple[int, int],
    heredocs: tuple[Heredoc, ...],
    stage: tuple[int, str | None],
) -> Instruction:
    trigger = None if node.trigger is None else _instruction(node.trigger, lines, heredocs, stage)
    return Instruction(
        node.keyword, node.flags, node.args, node.json, lines[0], lines[1], stage[0], stage[1],
        heredocs, node.pairs, trigger,
    )  # fmt: skip


def parse_dockerfile(text: str) -> tuple[Dockerfile, list[ParseError]]:
    """Parse a decoded Dockerfile (a leading BOM and CRLF line ends are fine). Never raises."""
    try:
        return _parse(text)
    except (ValueError, RecursionError) as exc:
        return _EMPTY, [ParseError(f"cannot read Dockerfile: {exc}")]


def _parse(text: str) -> tuple[Dockerfile, list[ParseError]]:
    if not text:
        return _EMPTY, [ParseError("the Dockerfile cannot be empty")]
    reader = LineReader(text)
    errors: list[ParseError] = []
    nodes: list[tuple[Node, int, int, tuple[Heredoc, ...]]] = []
    stage_count = 0
    while (logical := reader.next_logical()) is not None:
        line, start = logical
        node = make_node(line, reader.escape)
        stage_count += node.keyword == "FROM"
        if len(nodes) == MAX_INSTRUCTIONS or stage_count > MAX_STAGES:
            what = "instructions" if len(nodes) == MAX_INSTRUCTIONS else "build stages"
            bound = MAX_INSTRUCTIONS if len(nodes) == MAX_INSTRUCTIONS else MAX_STAGES
            return _EMPTY, [ParseError(f"more than {bound} {what}: too large to check", start)]
        heredocs = _read_heredocs(reader, line, node, start, errors)
        nodes.append((node, start, reader.line, heredocs))
    errors.extend(reader.errors)
    if not nodes:
        errors.append(ParseError("file with no instructions"))

    instructions: list[Instruction] = []
    stages: list[tuple[Instruction, list[Instruction]]] = []
    global_args: list[ArgDecl] = []
    env: dict[str, str] = {}
    stage_name: str | None = None
    for node, start, end, heredocs in nodes:
        kw = node.keyword
        refused = problem(node)
        if refused:
            errors.append(ParseError(refused, start))
        if kw == "FROM":
            words = split_whitespace(node.args)
            named = len(words) == 3 and words[1].lower() == "as"
            stage_name = words[2].lower() if named else None
        elif not stages and kw != "ARG" and kw in KEYWORDS:
            errors.append(ParseError("no build stage in current context", start))
        index = len(stages) - (0 if kw == "FROM" else 1)
        instr = _instruction(node, (start, end), heredocs, (index, stage_name))
        instructions.append(instr)
        if kw == "FROM":
            stages.append((instr, []))
        elif stages:
            stages[-1][1].append(instr)
        elif kw == "ARG":
            for name, default in node.pairs:
                global_args.append(ArgDecl(name, default, start))
                value = None if default is None else expand(default, env, reader.escape)
                if value is not None:
                    env[name] = value
                elif default is not None:
                    env.pop(name, None)
    if nodes and not stages:
        errors.append(ParseError("dockerfile contains no stages to build"))

    built = tuple(_stage(i, fr, body, env, reader.escape) for i, (fr, body) in enumerate(stages))
    dockerfile = Dockerfile(
        tuple(instructions), built, tuple(global_args), reader.escape,
        tuple(reader.directives), tuple(env.items()),
    )  # fmt: skip
    errors.sort(key=lambda e: e.line or 0)
    return dockerfile, errors


def _stage(
    index: int, from_: Instruction, body: list[Instruction], env: dict[str, str], escape: str
) -> Stage:
    """FROM [--platform=…] image [AS name], the image resolved with global ARG defaults.

    Only global ARGs reach FROM; anything else it names (BuildKit's TARGETPLATFORM & co.,
    or a build argument without a default) is unknown, so the image stays unresolved.
    """
    words = split_whitespace(from_.args)
    base = words[0] if words else ""
    image = expand(base, env, escape) if base else None
    return Stage(
        index, from_.stage_name, base, image or None, from_.flag("platform"), from_, tuple(body)
    )
