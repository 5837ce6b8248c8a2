"""Whether a Dockerfile uses a venv it creates, and the bare pip installs that miss it.

A venv at P counts as used when anything after its creation could reach it: a word of a
RUN command or of CMD/ENTRYPOINT/SHELL/… that names P or a path inside it (`P/bin/pip`,
`. P/bin/activate`, `--python=P/bin/python`, `export PATH=P/bin:$PATH`), an ENV value
naming it (`VIRTUAL_ENV=P`, `PATH=P/bin:…`, `BASH_ENV=P/bin/activate`), a `COPY --from` or
`RUN --mount=…,from=` of P, a parent or a part of it, or, for a venv uv or Poetry made,
any later uv/Poetry command (`uv run`, `poetry run` find it by themselves). Words that
cannot be expanded and may name it count as uses too.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Sequence

from envlint.dockerenv import norm_path
from envlint.dockerflow import descendants, source_paths, stage_copies, under
from envlint.dockerinfo import VenvMade, mount_fields, run_env, venvs_made
from envlint.dockerstage import StageView, State, Step
from envlint.parsers.dockerfile_args import copy_words, env_pairs
from envlint.parsers.shell_options import basename, unwrap
from envlint.parsers.shell_pip import PipInstall, recognize_pip
from envlint.parsers.shell_venv import recognize_venv

# pip options and their environment variables that send an install elsewhere, or make pip
# refuse to run outside a venv.
REDIRECTS = ("--python", "--target", "--prefix", "--user", "--root", "--require-virtualenv")
REDIRECT_ENV = frozenset({"PIP_PYTHON", "PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_ROOT",
                          "PIP_REQUIRE_VIRTUALENV", "VIRTUAL_ENV"})  # fmt: skip
_SPLIT = re.compile(r"[\s:=,;\"']+")
_HARMLESS = frozenset({"mkdir", "chown", "chmod", "chgrp"})
_IMPLICIT = frozenset({"uv", "uvx", "poetry"})


def bare_installs(view: StageView, made: VenvMade) -> Iterator[tuple[Step, PipInstall]]:
    """RUNs of the stage after the venv's creation that run a bare `pip install` into
    whatever interpreter `pip` resolves to; at most one per RUN."""
    started = False
    others = {m.path for v in view.chain for m in venvs_made(v)}
    for step in view.steps:
        started = started or step is made.step
        if not started or step.script is None:
            continue
        commands = {c.index: c for c in step.script.commands}
        for index, variables, _ in run_env(step)[1]:
            if step is made.step and index <= (made.command or 0):
                continue
            pip = recognize_pip(commands[index])
            if pip is None or pip.installer != "pip" or "/" in pip.executable:
                continue
            env = {**variables, **dict(pip.assignments)}
            if any(pip.has(o) for o in REDIRECTS) or REDIRECT_ENV & env.keys():
                continue
            path_dirs = set(env.get("PATH", "").split(":"))
            if any(f"{other}/bin" in path_dirs for other in others):
                continue  # another venv's pip comes first
            yield step, pip
            break


def used(views: list[StageView], view: StageView, made: VenvMade, named: frozenset[str]) -> bool:
    """Whether anything in the stage, the stages built from it, or a later COPY reaches P."""
    scope = descendants(views, view)
    implicit = made.tool in ("uv", "uv sync", "poetry")
    for current in scope:
        for step in current.steps:
            if any(_names(v, made.path, None) for v in step.before.env.values()):
                return True
            if _step_uses(step, made, implicit):
                return True
    for copy in stage_copies(views, named):
        if any(copy.source is v for v in scope):
            for source in source_paths(copy):
                if source is None or under(made.path, source) or under(source, made.path):
                    return True
    return any(_mounts(step, scope, made.path) for v in views for step in v.steps)


def _step_uses(step: Step, made: VenvMade, implicit: bool) -> bool:
    instr = step.instruction
    keyword = instr.keyword
    if keyword == "ENV":
        for _, raw in env_pairs(instr):
            value = step.before.expand(raw)
            if value is None or _names(value, made.path, None):
                return True
        return False
    if keyword == "RUN" and step.script is not None:
        commands = {c.index: c for c in step.script.commands}
        for index, variables, cwd in run_env(step)[1]:
            command = commands[index]
            if step is made.step and index == made.command:
                continue
            _, argv = unwrap(command)
            name = basename(argv[0]) if argv else ""
            if name in _HARMLESS or recognize_venv(command) is not None:
                continue
            if implicit and name in _IMPLICIT:
                return True
            texts = [*argv, *(v for _, v in command.assignments)]
            texts += [target for _, target in command.redirects]
            if _any_names(texts, made.path, State(env=variables, workdir=cwd)):
                return True
        return False
    if keyword in ("COPY", "ADD"):
        words = copy_words(instr)[-1:]
    elif instr.json is not None:
        words = list(instr.json)
    else:
        words = instr.args.split()
        if keyword == "RUN":  # a shell envlint does not read
            words += [doc.body for doc in instr.heredocs]
    if implicit and any(basename(w) in _IMPLICIT for w in words[:1]):
        return True
    return _any_names(words, made.path, step.before)


def _any_names(words: Sequence[str], path: str, state: State) -> bool:
    for i, word in enumerate(words):
        value = state.expand(word) if "$" in word else word
        if value is None:
            if i == 0 or "bin/" in word or "activate" in word:
                return True  # an unknown word that may well be P/bin/…
            continue
        if _names(value, path, state.workdir):
            return True
    return False


def _names(text: str, path: str, cwd: str | None) -> bool:
    """`text` holds P or a path inside it, absolute or relative to `cwd`."""
    for piece in _SPLIT.split(text):
        if piece.startswith("/"):
            resolved = norm_path(piece)
        elif cwd is not None and piece and not piece.startswith(("-", "$", "~")):
            resolved = norm_path(posixpath.join(cwd, piece))
        else:
            continue
        if under(resolved, path):
            return True
    return False


def _mounts(step: Step, scope: Iterable[StageView], path: str) -> bool:
    """A `RUN --mount=…,from=<stage in scope>` of P, a parent or a part of it."""
    names = {v.stage.name or str(v.index) for v in scope} | {str(v.index) for v in scope}
    for mount in step.instruction.flag_values("mount"):
        fields = mount_fields(mount)
        if fields.get("from", "").lower() not in names:
            continue
        source = posixpath.normpath("/" + fields.get("source", fields.get("src", "")).lstrip("/"))
        if under(path, source) or under(source, path):
            return True
    return False
