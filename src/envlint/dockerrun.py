"""RUN-level facts for EL202 and EL206 (EL207's are in `dockercache`): an activation a
RUN ends with, the requirements its installs leave unpinned, and the RUNs and the names
set before each command that all three rules walk."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from envlint.dockerctx import dockerfile_paths
from envlint.dockerinfo import resolve_in, run_env, views
from envlint.dockerstage import StageView, Step
from envlint.parsers.baseimage import parse_image_ref, python_of
from envlint.parsers.dockerfile_args import arg_decls, env_pairs
from envlint.parsers.shell import script_from_exec
from envlint.parsers.shell_commands import (
    Activation,
    recognize_activation,
    recognize_export,
    recognize_pip,
)
from envlint.parsers.shell_options import basename
from envlint.parsers.shell_pip import PipInstall, RequirementArg, classify_requirement
from envlint.parsers.shell_split import Command
from envlint.project import Project

# Installer tooling: pinning it is a choice, not a reproducibility hole (PEP 503 names).
TOOLING = frozenset({
    "pip", "setuptools", "wheel", "uv", "pip-tools", "pipenv", "pipx", "poetry",
    "poetry-plugin-export", "pdm", "virtualenv", "hatch",
})  # fmt: skip
UNKNOWN = "\0unknown"  # a variable that is set, to a value envlint cannot know
_DATE = re.compile(r"\s*[0-9]{4}-[0-9]{2}-[0-9]{2}")  # pip's and uv's ISO 8601 dates
_VARIABLE = re.compile(
    r"\$(?:(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\})"
)  # a word that is one variable: `$PIP_ARGS`, `${PIP_ARGS}`


def runs(project: Project) -> Iterator[tuple[str, StageView, Step, Known]]:
    """Every RUN whose shell is read (RULES.md "RUN shell"), in every Dockerfile."""
    for path in dockerfile_paths(project):
        for view in views(project, path):
            for step, known in stage_runs(view):
                yield path, view, step, known


def stage_runs(view: StageView) -> Iterator[tuple[Step, Known]]:
    """The stage's RUNs whose shell is read, each with the names set before it."""
    first: dict[str, int] = {}
    for parent in view.chain[1:]:
        for step in parent.steps:
            first.update(dict.fromkeys((n for n, _ in env_pairs(step.instruction)), -1))
    for i, step in enumerate(view.steps):
        if step.instruction.keyword == "RUN" and step.script is not None:
            # `first` keeps growing, but only with indexes >= i, which Known(…, i) ignores.
            yield step, Known(first, i)
        for name in [n for n, _ in env_pairs(step.instruction)] + [
            d.name for d in arg_decls(step.instruction)
        ]:
            first.setdefault(name, i)


@dataclass(frozen=True)
class Known:
    """Names an ENV of the chain or an ARG of the stage sets before step `index` (ENV
    values envlint cannot expand are dropped from `State.env`, and an ARG without default
    may come from `--build-arg`), plus names a RUN `export`s before a command."""

    first: Mapping[str, int]  # name -> index of the step that first sets it (-1: a parent)
    index: int
    exported: frozenset[str] = frozenset()

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self.exported or self.first.get(name, self.index) < self.index


def commands(step: Step, known: Known) -> Iterator[tuple[Command, dict[str, str], Known]]:
    """Each command of a RUN with the variables it sees and the names known to be set."""
    by_index = {c.index: c for c in step.script.commands} if step.script else {}
    exported: set[str] = set()
    for index, variables, _ in run_env(step)[1]:
        command = by_index[index]
        yield command, variables, replace(known, exported=frozenset(exported))
        export = recognize_export(command)
        if export is not None and not command.subshell:
            exported.update(name for name, value in export.pairs if value is not None)


def lookup(name: str, env: Mapping[str, str], known: Known) -> str | None:
    """A variable's value; None when unset, UNKNOWN when set to something unknown."""
    if name in env:
        return env[name]
    return UNKNOWN if name in known else None


@dataclass(frozen=True)
class DeadActivation:
    activation: Activation
    text: str  # the command as written
    venv: str | None  # the activated venv, absolute; None for conda or when unknown
    dash: bool  # `source` sent to dash, Debian's /bin/sh


def dead_activation(view: StageView, step: Step) -> DeadActivation | None:
    """The activation a RUN ends with, unless a stage ENV already puts it on PATH."""
    instr = step.instruction
    if instr.json is not None and script_from_exec(instr.json) is None:
        return None  # exec form without a shell: nothing is sourced
    last = step.script.last() if step.script else None
    activation = recognize_activation(last) if last is not None else None
    if last is None or activation is None or activation.kind == "deactivate":
        return None
    _, variables, cwd = run_env(step)[1][-1]
    venv = None
    if activation.kind == "venv" and activation.target is not None:
        venv = resolve_in(cwd, variables, activation.target)
    if _on_path(view, step, activation, venv):
        return None
    dash = activation.command == "source" and _runs_in_dash(view, step)
    return DeadActivation(activation, " ".join(last.words), venv, dash)


def _on_path(view: StageView, step: Step, activation: Activation, venv: str | None) -> bool:
    """Whether an ENV PATH (before the RUN, or at the stage's end) holds the activated
    environment's `bin`; for an unknown venv, whether ENV put any directory on PATH. A PATH
    that an ENV made unknown may hold it."""
    for state in (step.before, view.final):
        if "PATH" not in state.env:
            return True  # an ENV set PATH to something unknown, which may hold it
        path = state.env["PATH"]
        entries = [posixpath.normpath(e) for e in path.split(":") if e[:1] == "/"]
        if activation.kind == "venv":
            if (venv is None and entries) or f"{venv}/bin" in entries:
                return True
            continue
        env = activation.target
        if env is None or env == "base":
            if any(e.endswith("/bin") and ("conda" in e or "mamba" in e) for e in entries):
                return True
        elif f"{env}/bin" in entries or any(e.endswith(f"/envs/{env}/bin") for e in entries):
            return True
    return False


def _runs_in_dash(view: StageView, step: Step) -> bool:
    """The RUN's script goes to the `/bin/sh` of a Debian-based image, which is dash."""
    instr = step.instruction
    shell = step.before.shell
    # dockerfile2llb `dispatchRun`: only a heredoc with a shebang runs as its own file;
    # any other heredoc goes to the shell like the rest of the RUN.
    if instr.json is not None or any(d.content.startswith("#!") for d in instr.heredocs):
        return False
    if shell is not None and (not shell or basename(shell[0]) not in ("sh", "dash")):
        return False
    ref = parse_image_ref(view.image) if view.image else None
    if ref is None:
        return False
    if ref.registry == "docker.io" and ref.path in ("library/debian", "library/ubuntu"):
        return True
    python = python_of(ref)
    return python is not None and python.libc == "glibc"


def unpinned_requirements(step: Step, known: Known) -> Iterator[tuple[PipInstall, RequirementArg]]:
    """Each named requirement a pip/`uv pip` install of the RUN leaves unpinned."""
    for command, variables, names in commands(step, known):
        pip = recognize_pip(command)
        if pip is None or pip.installer == "pip-sync" or pip.subcommand != "install":
            continue
        if _versions_fixed(pip, {**variables, **dict(pip.assignments)}, names):
            continue
        for raw in pip.requirements:
            req = _unpinned(raw)
            if req is not None:
                yield pip, req


def _versions_fixed(pip: PipInstall, env: Mapping[str, str], known: Known) -> bool:
    """A constraints or overrides file, or an index-free install from local links."""

    def is_set(name: str) -> bool:
        return bool(lookup(name, env, known))

    uv = pip.installer == "uv"
    if pip.constraint_files or pip.values("--overrides"):
        return True
    cutoff = "--exclude-newer" if uv else "--uploaded-prior-to"
    variable = "UV_EXCLUDE_NEWER" if uv else "PIP_UPLOADED_PRIOR_TO"
    if any(_DATE.match(v) for v in (*pip.values(cutoff), lookup(variable, env, known) or "")):
        return True  # an absolute upload cutoff fixes each version (a duration does not)
    for word in pip.requirements:
        ref = _VARIABLE.fullmatch(word)
        value = lookup(ref["name"] or ref["braced"], env, known) if ref else None
        if value == UNKNOWN or any(w.startswith("-") for w in (value or "").split()):
            return True  # `pip install $PIP_ARGS flask`: the options may hold `-c`
    if is_set("UV_CONSTRAINT" if uv else "PIP_CONSTRAINT") or (uv and is_set("UV_OVERRIDE")):
        return True
    no_index = pip.has("--no-index") or is_set("UV_NO_INDEX" if uv else "PIP_NO_INDEX")
    links = pip.has("--find-links") or is_set("UV_FIND_LINKS" if uv else "PIP_FIND_LINKS")
    return no_index and links


def _unpinned(raw: str) -> RequirementArg | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.utils import canonicalize_name

    req = classify_requirement(raw)
    if req.kind != "named" or req.url is not None or req.name is None:
        return None
    if canonicalize_name(req.name) in TOOLING:
        return None
    try:
        specifiers = SpecifierSet(req.specifier)
    except InvalidSpecifier:
        return None
    return None if any(s.operator in ("==", "===") for s in specifiers) else req
