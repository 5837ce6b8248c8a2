"""What the repository's Dockerfiles build: stage views, the venvs each stage creates, and
where a file in the image came from. Facts several rule families share, computed once."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, replace

from envlint.dockerctx import Build, dockerfile, dockerfile_paths
from envlint.dockerenv import norm_path, poetry_config, unknown_workdir, workdir_known
from envlint.dockerstage import StageView, State, Step, stage_views
from envlint.parsers.dockerfile_args import copy_args
from envlint.parsers.shell_commands import recognize_activation, recognize_cd, recognize_export
from envlint.parsers.shell_venv import (
    ProjectInstall,
    VenvCreate,
    recognize_project_install,
    recognize_venv,
)
from envlint.project import Project

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
POETRY_TRUE = frozenset({"1", "true"})
# `UV_PROJECT_ENVIRONMENT` set to the interpreter's own prefix installs into it: no venv.
SYSTEM_PREFIXES = frozenset({"/usr", "/usr/local", "/opt/conda", "/"})


def views(project: Project, path: str, named: frozenset[str] = frozenset()) -> list[StageView]:
    """Every stage of the Dockerfile at `path` (empty when it does not parse)."""

    def build() -> list[StageView]:
        parsed = dockerfile(project, path)
        return [] if parsed is None else stage_views(parsed, named)

    return project.memo(("stage_views", path, named), build)


def build_views(project: Project, build: Build) -> list[StageView]:
    return views(project, build.dockerfile, build.named_contexts)


@dataclass(frozen=True)
class VenvMade:
    """A virtualenv a RUN creates, at an absolute path inside the image."""

    path: str
    step: Step
    tool: str  # venv, virtualenv, uv, uv sync, poetry
    interpreter: str | None  # as the command names it ("python3.11", "3.11"); None: the stage's
    relocatable: bool
    command: int | None = None  # index of the creating command in the RUN's script

    @property
    def line(self) -> int:
        return self.step.instruction.start_line


def run_env(step: Step) -> tuple[dict[str, str], list[tuple[int, dict[str, str], str | None]]]:
    """Variables and working directory before each command of a RUN: `cd` and `export`
    applied in order. Returns the RUN's base variables and, per command index,
    (index, variables, cwd)."""
    variables = step.before.variables
    cwd = step.before.workdir
    out: list[tuple[int, dict[str, str], str | None]] = []
    script = step.script
    if script is None:
        return variables, out
    for command in script.commands:
        out.append((command.index, dict(variables), cwd))
        if command.subshell:
            continue
        change = recognize_cd(command)
        if change is not None:
            cwd = _cd(cwd, change.path, variables)
        export = recognize_export(command)
        if export is not None:
            for name, value in export.pairs:
                if value is not None:
                    expanded = State(env=variables).expand(value)
                    if expanded is None:
                        variables.pop(name, None)
                    else:
                        variables[name] = expanded
    return step.before.variables, out


def _cd(cwd: str | None, target: str | None, variables: dict[str, str]) -> str | None:
    if target is None:
        return None
    value = State(env=variables).expand(target)
    if value is None or value.startswith("~") or value == "-":
        return None
    if value.startswith("/"):
        return norm_path(value)
    return None if cwd is None else norm_path(f"{cwd}/{value}")


def resolve_in(cwd: str | None, variables: dict[str, str], path: str) -> str | None:
    value = State(env=variables).expand(path)
    if value is None:
        return None
    if value.startswith("/"):
        return norm_path(value)
    return None if cwd is None else norm_path(f"{cwd}/{value}")


def venvs_made(view: StageView) -> list[VenvMade]:
    """The venvs this stage's own RUNs create (not its parents')."""
    made: list[VenvMade] = []
    for step in view.steps:
        if step.instruction.keyword != "RUN" or step.script is None:
            continue
        _, per_command = run_env(step if workdir_known(view, step) else unknown_workdir(step))
        commands = {c.index: c for c in step.script.commands}
        activated: dict[str, str] = {}
        for index, variables, cwd in per_command:
            command = commands[index]
            env = {**variables, **activated, **dict(command.assignments)}
            activation = recognize_activation(command)
            if activation is not None and activation.kind == "venv" and not command.subshell:
                # `activate` exports VIRTUAL_ENV, which Poetry then installs into.
                activated["VIRTUAL_ENV"] = activation.target or ""
                continue
            created = recognize_venv(command)
            found: list[VenvMade] = []
            if created is not None:
                found = _from_venv_command(view, created, env, cwd, step)
            else:
                install = recognize_project_install(command)
                if install is not None:
                    found = _from_project_install(view, install, env, cwd, step)
            made.extend(replace(m, command=index) for m in found)
    return made


def _relocatable(env: dict[str, str], has_flag: bool) -> bool:
    preview = env.get("UV_PREVIEW_FEATURES", "")
    return (
        has_flag
        or env.get("UV_VENV_RELOCATABLE", "").lower() in TRUE_VALUES
        or "relocatable-envs-default" in preview
    )


def _from_venv_command(
    view: StageView, created: VenvCreate, env: dict[str, str], cwd: str | None, step: Step
) -> list[VenvMade]:
    if created.tool == "uv" and not created.path_given:
        path = _uv_venv_default(view, created, env, cwd, step)
    else:
        path = resolve_in(cwd, dict(env), created.path)
    if path is None or path in SYSTEM_PREFIXES:
        return []
    interpreter = created.interpreter
    if created.tool == "uv":
        interpreter = interpreter or env.get("UV_PYTHON")
    relocatable = created.tool == "uv" and _relocatable(env, created.has("--relocatable"))
    return [VenvMade(path, step, created.tool, interpreter, relocatable)]


def _uv_venv_default(
    view: StageView, created: VenvCreate, env: dict[str, str], cwd: str | None, step: Step
) -> str | None:
    """`uv venv` without a path: `.venv` in the working directory, except that at a
    project's root it honours `UV_PROJECT_ENVIRONMENT` (uv PR #6835)."""
    if cwd is None:
        return None
    target = env.get("UV_PROJECT_ENVIRONMENT")
    if target is None or created.has("--no-project"):
        return posixpath.join(cwd, ".venv")
    root = project_root(view, step, cwd)
    if root is None:
        return None  # whether cwd is the project root decides between the two
    return resolve_in(root, dict(env), target) if root == cwd else posixpath.join(cwd, ".venv")


def _from_project_install(
    view: StageView, install: ProjectInstall, env: dict[str, str], cwd: str | None, step: Step
) -> list[VenvMade]:
    for option in ("--directory", "--project"):  # uv and poetry: where the project is found
        for value in install.values(option):
            cwd = resolve_in(cwd, dict(env), value)
    if install.tool == "uv" and install.subcommand == "sync":
        root = project_root(view, step, cwd)
        target = env.get("UV_PROJECT_ENVIRONMENT")
        if target is not None:
            # A relative value is resolved against the project root, which must be known.
            path = resolve_in(root, dict(env), target)
        else:
            path = None if root is None else posixpath.join(root, ".venv")
        if path is None or path in SYSTEM_PREFIXES or install.has("--active"):
            return []
        interpreter = (install.values("--python") or (env.get("UV_PYTHON"),))[-1]
        relocatable = _relocatable(env, False)
        return [VenvMade(path, step, "uv sync", interpreter, relocatable)]
    if install.tool == "poetry" and install.subcommand in ("install", "sync"):
        if "VIRTUAL_ENV" in env:
            return []  # Poetry installs into the active environment
        config = poetry_config(view, step, install.index)
        create = env.get("POETRY_VIRTUALENVS_CREATE", config.get("virtualenvs.create", "true"))
        in_project = env.get(
            "POETRY_VIRTUALENVS_IN_PROJECT", config.get("virtualenvs.in-project", "")
        )
        # Poetry's `boolean_normalizer`: only "true" and "1" are true.
        if create.lower() not in POETRY_TRUE or in_project.lower() not in POETRY_TRUE:
            return []
        root = project_root(view, step, cwd)
        return [] if root is None else [VenvMade(posixpath.join(root, ".venv"), step,
                                                 "poetry", None, False)]  # fmt: skip
    return []


def project_root(view: StageView, step: Step, cwd: str | None) -> str | None:
    """The nearest directory at or above `cwd` that holds a pyproject.toml copied or
    bind-mounted there before (or by) `step`; None when none is known."""
    if cwd is None:
        return None
    present = pyproject_dirs(view, step)
    directory = cwd
    while True:
        if directory in present:
            return directory
        if directory == "/":
            return None
        directory = posixpath.dirname(directory)


def pyproject_dirs(view: StageView, until: Step) -> set[str]:
    """Image directories known to hold a pyproject.toml by the time `until` runs."""
    found: set[str] = set()
    for current in reversed(view.chain):
        for step in current.steps:
            instr = step.instruction
            if instr.keyword in ("COPY", "ADD"):
                args = copy_args(instr)
                if args is not None and args.from_ is None:
                    known = workdir_known(current, step) or args.dest.startswith("/")
                    dest = norm_path(step.before.resolve(args.dest)) if known else None
                    for source in args.sources:
                        name = posixpath.basename(source.path.rstrip("/"))
                        if dest is None:
                            continue
                        if name == "pyproject.toml":
                            is_dir = args.dest.endswith("/") or len(args.sources) > 1
                            target = (
                                dest
                                if is_dir or not dest.endswith(".toml")
                                else (posixpath.dirname(dest))
                            )
                            found.add(target)
                        elif source.path in (".", "./", "/") or name in ("*",):
                            found.add(dest)
            if step is until:
                found |= _bind_mounted(view, step)
                return found
    return found


def mount_fields(mount: str) -> dict[str, str]:
    """A `--mount` value's `key=value` fields (a bare key has an empty value)."""
    fields: dict[str, str] = {}
    for part in mount.split(","):
        key, _, value = part.partition("=")
        fields[key.strip().lower()] = value.strip()
    return fields


def _bind_mounted(view: StageView, step: Step) -> set[str]:
    dirs: set[str] = set()
    for mount in step.instruction.flag_values("mount"):
        fields = mount_fields(mount)
        # Dockerfile reference: `type` defaults to bind; `from` mounts another stage or image.
        if fields.get("type", "bind") != "bind" or "from" in fields:
            continue
        target = fields.get("target") or fields.get("dst") or fields.get("destination")
        source = fields.get("source") or fields.get("src") or ""
        if not target:
            continue
        known = workdir_known(view, step) or target.startswith("/")
        resolved = norm_path(step.before.resolve(target)) if known else None
        if resolved is None:
            continue
        if posixpath.basename(target) == "pyproject.toml":
            dirs.add(posixpath.dirname(resolved))
        elif source in ("", ".", "./"):
            dirs.add(resolved)
    return dirs


def created_venv_paths(project: Project) -> frozenset[str]:
    """Every venv path any Dockerfile of the repository creates."""

    def build() -> frozenset[str]:
        paths: set[str] = set()
        for path in dockerfile_paths(project):
            for view in views(project, path):
                paths.update(made.path for made in venvs_made(view))
        return frozenset(paths)

    return project.memo("created_venv_paths", build)
