"""Stage-level facts for EL208 and EL209: the final stage of each build (compose's
`build.target`, else the last stage), where dependency installs stand against a COPY of
the whole context, and the user the final stage runs as."""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass

from envlint.dockerctx import compose_builds, dockerfile, dockerfile_paths
from envlint.dockerinfo import mount_fields, views
from envlint.dockerstage import StageView, Step, final_view
from envlint.parsers.baseimage import runs_as_root_by_default
from envlint.parsers.dockerfile_args import copy_args
from envlint.parsers.shell_commands import recognize_pip, recognize_project_install
from envlint.project import Project

PROJECT_MANIFESTS = {
    "uv": ("pyproject.toml", "uv.lock"),
    "poetry": ("pyproject.toml", "poetry.lock"),
    "pipenv": ("Pipfile", "Pipfile.lock"),
    "pdm": ("pyproject.toml", "pdm.lock"),
}
ROOT_USERS = frozenset({"root", "0"})


def final_stages(project: Project) -> list[tuple[str, StageView]]:
    """(Dockerfile, final stage) of each build; a `build.target` written with a variable
    is unknown, so that build is skipped."""
    out: list[tuple[str, StageView]] = []
    declared: set[str] = set()
    for cb in compose_builds(project):
        if cb.dockerfile is None or dockerfile(project, cb.dockerfile) is None:
            continue
        declared.add(cb.dockerfile)
        spec = cb.service.build
        if spec is not None and spec.target is not None and spec.target.has_variable:
            continue
        view = final_view(views(project, cb.dockerfile, cb.named_contexts), cb.target)
        if view is not None:
            out.append((cb.dockerfile, view))
    for path in dockerfile_paths(project):
        view = None if path in declared else final_view(views(project, path))
        if view is not None:
            out.append((path, view))
    return out


@dataclass(frozen=True)
class LateInstall:
    install: Step
    text: str  # the install command as written
    copy: Step  # the whole-context COPY/ADD before it
    manifests: tuple[str, ...]


def late_install(view: StageView) -> LateInstall | None:
    """This stage's first install from a manifest, when a whole-context COPY precedes it
    (the FROM chain read as one sequence) and nothing narrower provided the manifest."""
    sequence = [step for current in reversed(view.chain) for step in current.steps]
    for i, step in enumerate(sequence):
        found = _manifest_install(step)
        if found is None:
            continue
        if not any(own is step for own in view.steps):
            return None  # a parent stage's install: that stage reports it
        whole = next((j for j in range(i) if whole_copy(sequence[j])), None)
        if whole is None or any(_provides(s, found[1]) for s in sequence[:whole]):
            return None
        return LateInstall(step, found[0], sequence[whole], found[1])
    return None


def _manifest_install(step: Step) -> tuple[str, tuple[str, ...]] | None:
    """(command text, manifests) of the first install from a manifest in a RUN."""
    if step.instruction.keyword != "RUN" or step.script is None:
        return None
    for command in step.script.commands:
        text = " ".join(command.words)
        pip = recognize_pip(command)
        if pip is not None:
            if pip.subcommand == "sync" or pip.requirement_files:
                return text, pip.requirement_files
            if pip.has("--group"):
                return text, ("pyproject.toml",)
            continue
        install = recognize_project_install(command)
        if install is not None and not (install.tool == "pipenv" and install.args):
            return text, PROJECT_MANIFESTS[install.tool]  # `pipenv install flask` adds one
    return None


def whole_copy(step: Step) -> bool:
    """A COPY/ADD of the whole build context: source `.`, `./`, `./.` or `/`."""
    args = copy_args(step.instruction)
    if args is None or args.from_ is not None:
        return False
    return any(not s.is_heredoc and posixpath.normpath(s.path) in (".", "/") for s in args.sources)


def _provides(step: Step, manifests: tuple[str, ...]) -> bool:
    """Whether a COPY/ADD, or a RUN's bind mount, may make one of the manifests available."""
    instr = step.instruction
    args = copy_args(instr)
    if args is not None:
        dest = posixpath.basename(args.dest.rstrip("/"))
        return any(_names_manifest(s.path, manifests) for s in args.sources) or any(
            dest == posixpath.basename(m) for m in manifests
        )
    for mount in instr.flag_values("mount") if instr.keyword == "RUN" else ():
        fields = mount_fields(mount)
        if fields.get("type", "bind") != "bind":
            continue
        source = fields.get("source") or fields.get("src") or ""
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        if source in ("", ".", "./") or _names_manifest(source, manifests):
            return True
        if _names_manifest(target, manifests):
            return True
    return False


def _names_manifest(path: str, manifests: tuple[str, ...]) -> bool:
    """A path naming a manifest, by name or pattern, or a directory that holds it."""
    if "$" in path or any("$" in m for m in manifests):
        return True  # unknown: maybe
    name = posixpath.basename(path.rstrip("/"))
    for manifest in manifests:
        parts = posixpath.normpath(manifest).split("/")
        if fnmatch.fnmatchcase(parts[-1], name) or (name and name in parts[:-1]):
            return True
    return False


@dataclass(frozen=True)
class RootUser:
    line: int  # of the last USER, or of the final stage's FROM
    user: str | None  # the USER value; None when no USER is set
    image: str  # the image at the end of the chain, or "" when unknown


def root_user(final: StageView) -> RootUser | None:
    """How the final stage comes to run as root, or None when it does not or is unknown."""
    last_user = None
    for view in reversed(final.chain):
        for step in view.steps:
            if step.instruction.keyword == "USER":
                last_user = step
    if last_user is not None:
        user = final.final.user
        if user is None or "$" in user or user.split(":", 1)[0].strip() not in ROOT_USERS:
            return None
        return RootUser(last_user.instruction.start_line, user, final.image or "")
    if final.image is None or runs_as_root_by_default(final.image) is not True:
        return None
    return RootUser(final.stage.line, None, final.image)
