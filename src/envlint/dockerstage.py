"""Stages and what is in effect at each instruction: ENV, ARG, WORKDIR, USER, SHELL.

ENV, WORKDIR, USER and SHELL carry along a stage's FROM chain; an ARG is in scope only in the
stage that declares it (a global ARG only after the stage redeclares it), as the Dockerfile
reference says. Values are expanded as BuildKit expands them; what cannot be known statically
(a build argument without default, the base image's environment) is unknown, never guessed.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from envlint.parsers.baseimage import initial_workdir
from envlint.parsers.dockerfile import arg_decls, env_pairs, expand
from envlint.parsers.dockerfile_model import Dockerfile, Instruction, Stage
from envlint.parsers.shell import Script, read_run

if TYPE_CHECKING:
    from envlint.parsers.baseimage import ImagePython

# Seeded so that `ENV PATH=/opt/venv/bin:$PATH` keeps its own text for what the base set.
INHERITED = {"PATH": "$PATH"}


def absolute(path: str) -> str:
    """A normalised absolute path (`posixpath.normpath` keeps a leading `//`)."""
    normal = posixpath.normpath(path)
    return "/" + normal.lstrip("/") if normal.startswith("//") else normal


@dataclass(frozen=True)
class State:
    """What is in effect before an instruction runs."""

    env: Mapping[str, str] = field(default_factory=lambda: dict(INHERITED))  # ENV, expanded
    args: Mapping[str, str] = field(default_factory=dict)  # ARGs in scope with known values
    workdir: str | None = "/"  # absolute; None when unknown
    shell: tuple[str, ...] | None = None  # None: the default ["/bin/sh", "-c"]
    user: str | None = None  # the last USER, expanded when possible

    @property
    def variables(self) -> dict[str, str]:
        """What `$NAME` means here: ENV wins over an ARG of the same name."""
        return {**self.args, **self.env}

    def expand(self, text: str, escape: str = "\\") -> str | None:
        return expand(text, self.variables, escape)

    def resolve(self, path: str, escape: str = "\\") -> str | None:
        """A path as the build resolves it against the working directory; None if unknown."""
        value = self.expand(path, escape)
        if value is None:
            return None
        if value.startswith("/"):
            return absolute(value)
        return None if self.workdir is None else absolute(f"{self.workdir}/{value}")


@dataclass(frozen=True)
class Step:
    instruction: Instruction
    before: State
    script: Script | None = None  # a RUN's commands, when its shell is read


@dataclass(frozen=True)
class StageView:
    dockerfile: Dockerfile
    stage: Stage
    parent: StageView | None  # the stage it is built FROM, within this Dockerfile
    image: str | None  # the image at the end of the chain; None when unresolved or a stage
    steps: tuple[Step, ...]
    final: State  # what is in effect after its last instruction

    @property
    def index(self) -> int:
        return self.stage.index

    @property
    def chain(self) -> tuple[StageView, ...]:
        """This stage and the stages it is built from, nearest first."""
        views: list[StageView] = []
        view: StageView | None = self
        while view is not None:
            views.append(view)
            view = view.parent
        return tuple(views)

    @property
    def python(self) -> ImagePython | None:
        from envlint.parsers.baseimage import python_of

        return python_of(self.image) if self.image else None

    def step_at(self, instruction: Instruction) -> Step | None:
        return next((s for s in self.steps if s.instruction is instruction), None)


def stage_views(
    dockerfile: Dockerfile, named_contexts: frozenset[str] = frozenset()
) -> list[StageView]:
    """A view of every stage, in order."""
    views: list[StageView] = []
    for stage in dockerfile.stages:
        parent = _parent(dockerfile, stage, views, named_contexts)
        image = None
        if parent is not None:
            image = parent.image
        elif stage.image is not None and stage.image.lower() not in named_contexts:
            image = stage.image
        if parent is not None:
            start = replace(parent.final, args={})
        else:  # an image may set its own WORKDIR, which the Dockerfile does not show
            start = State(workdir=initial_workdir(image) if image is not None else None)
        steps, final = _walk(dockerfile, stage, start)
        views.append(StageView(dockerfile, stage, parent, image, steps, final))
    return views


def _parent(
    dockerfile: Dockerfile, stage: Stage, views: list[StageView], named: frozenset[str]
) -> StageView | None:
    if stage.image is None or stage.image.lower() in named:
        return None
    earlier = dockerfile.base_stage(stage.image, before=stage.index)
    return views[earlier.index] if earlier is not None else None


def _walk(dockerfile: Dockerfile, stage: Stage, state: State) -> tuple[tuple[Step, ...], State]:
    escape = dockerfile.escape
    globals_ = {a.name: a.default for a in dockerfile.global_args}
    global_values = dict(dockerfile.global_env)
    steps: list[Step] = []
    for instr in stage.instructions:
        script = read_run(instr, state.shell) if instr.keyword == "RUN" else None
        steps.append(Step(instr, state, script))
        state = _apply(instr, state, escape, globals_, global_values)
    return tuple(steps), state


def _apply(
    instr: Instruction,
    state: State,
    escape: str,
    globals_: Mapping[str, str | None],
    global_values: Mapping[str, str],
) -> State:
    keyword = instr.keyword
    if keyword == "ENV":
        env = dict(state.env)
        # BuildKit expands every value against the environment before the instruction:
        # in `ENV V=/opt/venv PATH=$V/bin:$PATH`, `$V` is the earlier V (reference, "ENV").
        before = state.variables
        for name, raw in env_pairs(instr):
            value = expand(raw, before, escape)
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return replace(state, env=env)
    if keyword == "ARG":
        args = dict(state.args)
        for decl in arg_decls(instr):
            if decl.default is not None:
                value = expand(decl.default, {**args, **state.env}, escape)
            elif decl.name in globals_:
                value = global_values.get(decl.name)
            else:
                value = None
            if value is None:
                args.pop(decl.name, None)
            else:
                args[decl.name] = value
        return replace(state, args=args)
    if keyword == "WORKDIR":
        return replace(state, workdir=state.resolve(instr.args, escape))
    if keyword == "USER":
        return replace(state, user=state.expand(instr.args, escape) or instr.args)
    if keyword == "SHELL" and instr.json:
        return replace(state, shell=tuple(instr.json))
    return state


def final_view(views: list[StageView], target: str | None = None) -> StageView | None:
    """The stage a build produces: compose's `build.target` when set, else the last."""
    if not views:
        return None
    if target is not None:
        wanted = target.lower()
        return next((v for v in views if v.stage.name == wanted), None)
    return views[-1]
