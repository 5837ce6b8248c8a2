"""Where the venvs a Dockerfile creates end up: in the creating stage, the stages built
FROM it, and wherever a `COPY --from=<stage>` carries them.

COPY semantics (Dockerfile reference, "COPY"): a `--from` source is a path in the source
stage's root file system (its WORKDIR does not apply); a directory source copies its
*contents* into the destination, so `COPY --from=b /opt/venv /opt/` puts `bin/` straight
into `/opt`; the destination is resolved against the copying stage's WORKDIR. Sources with
wildcards or unresolved variables, `--parents` and `--exclude` copies are unknown.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from envlint.dockerenv import norm_path
from envlint.dockerinfo import VenvMade, resolve_in, run_env, venvs_made
from envlint.dockerstage import StageView, Step
from envlint.parsers.dockerfile_args import CopyArgs, copy_args
from envlint.parsers.shell_commands import recognize_rm
from envlint.parsers.shell_options import basename, unwrap

_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class Origin:
    """A venv and the stage whose RUN created it."""

    made: VenvMade
    view: StageView

    @property
    def path(self) -> str:
        return self.made.path


@dataclass(frozen=True)
class Present:
    """A venv in a stage's file system, at `path` (its creation path unless copied)."""

    origin: Origin
    path: str


@dataclass(frozen=True)
class Placed:
    """A venv that a `COPY --from` puts into `target`."""

    origin: Origin
    was: str  # where it sat in the source stage
    path: str  # where the COPY puts it
    step: Step  # the COPY
    source: StageView
    target: StageView


@dataclass(frozen=True)
class StageCopy:
    """A `COPY --from` of a stage of the same Dockerfile (not an image or named context)."""

    step: Step
    args: CopyArgs
    source: StageView
    target: StageView


def copy_source(step: Step) -> str | None:
    """The `--from` value of a COPY as BuildKit reads it; None otherwise. BuildKit does not
    expand variables there ("variable expansion is not supported for --from", dockerfile2llb
    `toCommand`): a `$` fails the build, so such a value names no stage here."""
    instr = step.instruction
    if instr.keyword != "COPY":
        return None
    return instr.flag("from")


def stage_copies(views: list[StageView], named: frozenset[str]) -> list[StageCopy]:
    """Every `COPY --from=<earlier stage>`, in file order."""
    out: list[StageCopy] = []
    for view in views:
        for step in view.steps:
            ref = copy_source(step)
            args = copy_args(step.instruction)
            if ref is None or args is None or ref.lower() in named:
                continue
            stage = view.dockerfile.stage(ref, before=view.index)
            if stage is not None:
                out.append(StageCopy(step, args, views[stage.index], view))
    return out


def source_paths(copy: StageCopy) -> list[str | None]:
    """Each source as an absolute path in the source stage; None when unknown."""
    out: list[str | None] = []
    escape = copy.target.dockerfile.escape
    for source in copy.args.sources:
        value = None if source.is_heredoc else copy.step.before.expand(source.path, escape)
        if value is None or _GLOB & set(value):
            out.append(None)
        else:
            out.append(posixpath.normpath("/" + value.lstrip("/")))
    return out


def dest_dir(copy: StageCopy) -> str | None:
    instr = copy.step.instruction
    if instr.has_flag("parents") or instr.has_flag("exclude"):
        return None
    return norm_path(copy.step.before.resolve(copy.args.dest, copy.target.dockerfile.escape))


def under(path: str, root: str) -> bool:
    """`path` is `root` or inside it."""
    return root in (path, "/") or path.startswith(root + "/")


def placements(views: list[StageView], named: frozenset[str]) -> list[Placed]:
    """Every venv every `COPY --from` of a stage carries, with its new path. Each stage is
    walked in order: creations add a venv (a second one at the same path reuses the first's
    directory), `rm -r`/`mv` of it or a parent take it away, a COPY onto a path replaces
    what was there."""
    present: dict[int, dict[str, Present]] = {}
    copies = {id(c.step): c for c in stage_copies(views, named)}
    placed: list[Placed] = []
    for view in views:
        here = dict(present.get(view.parent.index, {})) if view.parent else {}
        made = venvs_made(view)
        for step in view.steps:
            events: list[tuple[int, int, str, VenvMade | None]] = [
                (m.command or 0, 1, m.path, m) for m in made if m.step is step
            ]
            events += [(index, 0, path, None) for index, path in removals(step)]
            for _, _, path, venv in sorted(events, key=lambda e: e[:2]):
                if venv is None:
                    here = {k: v for k, v in here.items() if not under(k, path)}
                else:
                    here.setdefault(path, Present(Origin(venv, view), path))
            copy = copies.get(id(step))
            if copy is not None:
                for item in _carried(copy, present.get(copy.source.index, {})):
                    placed.append(item)
                    here[item.path] = Present(item.origin, item.path)
        present[view.index] = here
    return placed


def _carried(copy: StageCopy, there: dict[str, Present]) -> list[Placed]:
    dest = dest_dir(copy)
    out: list[Placed] = []
    for item in there.values():
        for source in source_paths(copy):
            if dest is None or source is None or not under(item.path, source):
                continue
            path = norm_path(posixpath.join(dest, posixpath.relpath(item.path, source)))
            out.append(Placed(item.origin, item.path, path, copy.step, copy.source, copy.target))
    return out


def removals(step: Step) -> list[tuple[int, str]]:
    """(command index, path) for what a RUN deletes (`rm -r`) or moves away (`mv`)."""
    if step.script is None:
        return []
    commands = {c.index: c for c in step.script.commands}
    out: list[tuple[int, str]] = []
    for index, variables, cwd in run_env(step)[1]:
        command = commands[index]
        _, words = unwrap(command)
        removed = recognize_rm(command)
        if removed is not None and removed.recursive:
            paths: tuple[str, ...] = removed.paths
        elif words and basename(words[0]) == "mv":
            paths = tuple(w for w in words[1:-1] if not w.startswith("-"))
        else:
            continue
        for path in paths:
            resolved = resolve_in(cwd, variables, path)
            if resolved is not None and not _GLOB & set(resolved):
                out.append((index, resolved))
    return out


def descendants(views: list[StageView], view: StageView) -> list[StageView]:
    """`view` and every stage built FROM it, directly or through others."""
    return [v for v in views if any(c is view for c in v.chain)]
