"""What a RUN's shell executes: its simple commands, in order.

Read shells: POSIX sh and its kin, `sh`, `bash`, `dash`, `ash`, `zsh` (the default
`/bin/sh -c`, a SHELL naming one of them, a heredoc whose shebang names one, exec form
`["sh", "-c", script]`). Not read: `powershell`/`pwsh`/`cmd` or any other SHELL, and
heredocs run by another interpreter (`#!/usr/bin/env python3`).

A script is tokenized by `shlex` (see `shell_lex`) and split into simple commands on `&&`,
`||`, `;`, `|`, `&` and newlines. Comments, quoted text and here-document bodies are never
commands; `$(…)` and backquotes stay opaque words. Reserved words (`if`, `then`, `do`, `!`,
`{`…) prefix the command after them; `for`/`case` headers and patterns are skipped.
Unbalanced quotes give None ("cannot read"); nothing here raises. Known limits: a
function body is listed where it is defined, not where it is called; `$(…)` contents are
not listed as commands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from envlint.parsers.dockerfile_lines import parse_heredoc_word
from envlint.parsers.dockerfile_model import Instruction
from envlint.parsers.shell_lex import tokenize
from envlint.parsers.shell_split import Command, Script, split

__all__ = [
    "POSIX_SHELLS",
    "Command",
    "Script",
    "is_posix_shell",
    "read_run",
    "read_script",
    "run_script",
    "script_from_exec",
]

POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})


def read_script(text: str) -> Script | None:
    """The simple commands of a POSIX shell script; None when it cannot be read."""
    tokens = tokenize(text)
    return None if tokens is None else split(tokens)


def _program(argv: Sequence[str]) -> tuple[str, int] | None:
    """The interpreter's name (`/usr/bin/env bash` → bash) and where its arguments start."""
    if not argv:
        return None
    name = re.split(r"[/\\]", argv[0])[-1].lower().removesuffix(".exe")
    if name != "env":
        return name, 1
    rest = [i for i, word in enumerate(argv[1:], 1) if not word.startswith("-")]
    return (re.split(r"[/\\]", argv[rest[0]])[-1].lower(), rest[0] + 1) if rest else None


def is_posix_shell(shell_json: Sequence[str] | None) -> bool:
    """Whether a SHELL (None: the default `["/bin/sh", "-c"]`) is one this module reads."""
    if shell_json is None:
        return True
    program = _program(shell_json)
    return program is not None and program[0] in POSIX_SHELLS


def script_from_exec(argv: Sequence[str]) -> str | None:
    """The script of `["sh"|"bash"|…, "-c", script]` (also `-ec`, `-o pipefail -c`)."""
    program = _program(argv)
    if program is None or program[0] not in POSIX_SHELLS:
        return None
    has_c = False
    i = program[1]
    while i < len(argv) and argv[i][:1] in "-+" and argv[i] not in ("-", "--", "+"):
        option = argv[i]
        if not option.startswith("--"):
            has_c |= "c" in option[1:]
            if option[1:] == "o" or option[1:] == "O":
                i += 1  # `-o pipefail`
        i += 1
    return argv[i] if has_c and i < len(argv) else None


def run_script(run: Instruction, shell: Sequence[str] | None = None) -> str | None:
    """The POSIX shell script a RUN executes, or None when it is not read.

    `shell` is the stage's SHELL argv (None for the default). BuildKit runs a RUN that is a
    single heredoc as the heredoc's content (as a file when it starts with `#!`); any other
    RUN with heredocs runs its line followed by the heredocs, for the shell to read.
    """
    if run.json is not None:
        return script_from_exec(run.json)
    if not is_posix_shell(shell):
        return None
    if not run.heredocs:
        return run.args
    try:
        single = parse_heredoc_word(run.args) if len(run.heredocs) == 1 else None
    except ValueError:
        single = None
    if single is None:
        return run.args + "".join("\n" + doc.body + doc.name for doc in run.heredocs)
    content = run.heredocs[0].content
    if content.startswith("#!"):
        program = _program(content[2:].split("\n", 1)[0].split())
        return content if program is not None and program[0] in POSIX_SHELLS else None
    return content


def read_run(run: Instruction, shell: Sequence[str] | None = None) -> Script | None:
    """The commands a RUN executes. Exec form without a shell is one command, its argv."""
    if run.json is not None and script_from_exec(run.json) is None:
        return Script((Command(0, run.json),)) if run.json and _program(run.json) else None
    script = run_script(run, shell)
    return None if script is None else read_script(script)
