"""EL5xx: scope and scale. Services, compose builds and what a bind mount hides.

Module-level imports stay light (the hook runs on every commit): each rule imports libcst,
PyYAML and the Docker layer only after its cheap early returns.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from envlint.model import Severity
from envlint.project import Project
from envlint.rules import Hit, rule

if TYPE_CHECKING:
    from envlint.parsers.compose import Build as ComposeBuildSpec
    from envlint.parsers.compose import Service as ComposeService
    from envlint.parsers.compose import Volume, WatchRule
    from envlint.parsers.dockerfile_model import Dockerfile
    from envlint.parsers.dockerignore import DockerIgnore

MSG_MULTI_SERVICE = (
    "the repository holds {count} services ({names}) and no deployment definition: no "
    "Dockerfile, compose file, Procfile, app.yaml, fly.toml, serverless.yml or SAM template"
)
HELP_MULTI_SERVICE = (
    "Give each service a Dockerfile (and a compose file to run them together) or a platform "
    "file, so that each runs from its declared dependencies instead of a developer's venv. "
    "If they are not deployed, `exclude` them or raise `min-services`."
)
MSG_CONTEXT_MISSING = "compose service `{service}` builds context `{context}`, which does not exist"
MSG_DOCKERFILE_MISSING = (
    "compose service `{service}` builds with Dockerfile `{dockerfile}`, which does not exist"
)
HELP_BUILD_MISSING = (
    "Fix the path or add the missing file: `context` is relative to the compose file's "
    "directory, `dockerfile` to the context. `docker compose build` fails on it as it is."
)
MSG_NOT_CONTAINERIZED = (
    "service `{label}` ({kind} in `{path}`) is in no build context: no Dockerfile copies it "
    "and no compose `build.context` holds it"
)
HELP_NOT_CONTAINERIZED = (
    "Build it like the other services (a Dockerfile that copies it, or a compose service "
    "with `build: {label}`), add a Procfile or platform file if it is deployed another way, "
    "or `exclude` it if it is not deployed."
)
MSG_BIND_HIDES_VENV = (
    "compose service `{service}` bind-mounts `{source}` over `{target}`, hiding the venv "
    "`{venv}` that {origin} puts in the image"
)
MSG_WATCH_SYNCS_VENV = (
    "compose service `{service}` `develop.watch` ({action}) syncs `{host}` over the venv "
    "`{venv}` that {origin} puts in the image"
)
HELP_HIDDEN_VENV = (
    "Keep the venv outside the mounted path (e.g. `ENV UV_PROJECT_ENVIRONMENT=/opt/venv`), or "
    "declare a volume at it (`- {venv}` under `volumes`) and recreate that volume with "
    "`docker compose up -V` after each rebuild."
)
HELP_WATCH_VENV = (
    "Keep the venv outside the synced path (e.g. `ENV UV_PROJECT_ENVIRONMENT=/opt/venv`), or "
    "add `{ignore}/` to this rule's `ignore` (or `.venv` to the context's .dockerignore)."
)
SYNC_ACTIONS = frozenset({"sync", "sync+restart", "sync+exec"})


@rule(
    code="EL501",
    name="multi-service-without-container",
    severity=Severity.WARNING,
    options={"min-services": 2},
)
def multi_service_without_container(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a repository that holds at least `min-services` services and no deployment
    definition at all: no Dockerfile, compose file, Procfile, `app.yaml`, `fly.toml`,
    `serverless.yml` or SAM `template.yaml`. A service is a directory with its own
    dependency manifest (`requirements*.txt`, `pyproject.toml`, `Pipfile`) and an entry
    point: a `manage.py`, an ASGI/WSGI module defining `application`, a module that
    constructs a FastAPI, Flask, Starlette, Celery, Sanic, aiohttp or Quart application
    (found with libcst through import aliases, never by running it), a `__main__.py` that
    a Procfile, compose file or Dockerfile runs, or a Procfile.

    ## Why is this bad?
    Several services that each run from a developer's virtualenv are bound to that
    machine's paths, interpreter and platform. Nothing declares how they run together or
    where; each new machine rebuilds them by hand and they drift apart.

    ## Example
    ```
    api/requirements.txt     api/main.py      (app = FastAPI())
    worker/pyproject.toml    worker/tasks.py  (app = Celery("tasks"))
    ```
    Use instead: `api/Dockerfile`, `worker/Dockerfile` and a `compose.yaml` that builds
    both (or a platform file per service).

    ## How to fix
    Add a Dockerfile per service and a compose file, or the platform's deployment file.

    ## Configuration
    `[tool.envlint.options.EL501] min-services = 2` (the default). Directories named
    `tests`, `docs`, `examples`, `scripts`, `tools`, `benchmarks`, `notebooks`, `fixtures`
    and the like are never services; `exclude` others.

    ## Derived from
    The comparison's "Scope and Scale": a virtualenv isolates one project on one machine,
    while containers are how several services are built, run and scaled together.
    """
    from envlint import services as svc

    minimum = max(1, int(project.options("EL501").get("min-services", 2)))
    if svc.deployment_files(project):
        return  # something deploys the repository; EL503 checks it covers every service
    if len(svc.manifest_dirs(project)) < minimum:
        return  # too few directories with a manifest: no Python needs parsing
    found = svc.services(project)
    if len(found) < minimum:
        return
    names = ", ".join(f"`{s.label}`" for s in found[:5])
    names += f" and {len(found) - 5} more" if len(found) > 5 else ""
    first = found[0].entry
    message = MSG_MULTI_SERVICE.format(count=len(found), names=names)
    yield Hit(first.path, first.line, message, HELP_MULTI_SERVICE)


@rule(code="EL502", name="compose-build-missing", severity=Severity.ERROR)
def compose_build_missing(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a compose service whose `build` context or `dockerfile` does not exist, after
    merging override files onto their base and resolving paths (`context` against the base
    compose file's directory, `dockerfile` against the context). Reported at the
    `dockerfile` key when it names the missing file, else at the `build` key.

    ## Why is this bad?
    `docker compose build` (and `up --build`) fails for the whole project. Usually a
    directory was renamed or moved and the compose file was left behind.

    ## Example
    ```yaml
    services:
      api:
        build:
          context: ./backend      # the directory is now ./api
          dockerfile: Dockerfile.prod
    ```
    Use instead: `context: ./api`, with `api/Dockerfile.prod` present.

    ## How to fix
    Correct the path, or add the missing Dockerfile.

    ## Configuration
    None. Not reported: `image:`-only services, `dockerfile_inline`, remote (URL),
    absolute and home contexts, values with `${VAR}`, paths outside the linted root, and
    services using `extends` (the other file may supply the build).

    ## Derived from
    The comparison's "Purpose and Functionality": an image is built from declared
    inputs; a declaration that names nothing builds nothing.
    """
    from envlint.dockerctx import compose_paths

    if not compose_paths(project):
        return  # no compose file: nothing to check, and no YAML to import
    from envlint.dockerctx import compose_projects

    for directory, compose in compose_projects(project):
        for service in compose.services:
            spec = service.build
            if spec is None or service.extends:
                continue
            context = spec.context_dir(directory)
            written = [t.value for t in (spec.context, spec.dockerfile) if t is not None]
            if context is None or any("$" in value for value in written):
                continue  # remote, absolute, `${VAR}` (or `$$`), outside the root: unknown
            where = spec.file or service.file
            if context not in ("", ".") and not project.exists(context):
                shown = spec.context.value if spec.context else "."
                message = MSG_CONTEXT_MISSING.format(service=service.name, context=shown)
                yield Hit(where, spec.line, message, HELP_BUILD_MISSING)
                continue
            dockerfile = compose_dockerfile(project, directory, spec)
            if dockerfile is None or project.exists(dockerfile):
                continue
            message = MSG_DOCKERFILE_MISSING.format(service=service.name, dockerfile=dockerfile)
            if spec.dockerfile is not None:
                yield Hit(spec.dockerfile.file or where, spec.dockerfile.line, message,
                          HELP_BUILD_MISSING)  # fmt: skip
            else:
                yield Hit(where, spec.line, message, HELP_BUILD_MISSING)


def compose_dockerfile(project: Project, directory: str, spec: ComposeBuildSpec) -> str | None:
    """The Dockerfile a compose `build` uses; the default `Dockerfile` falls back to a
    lowercase `dockerfile` as BuildKit does. None with `dockerfile_inline` or when unknown."""
    path = spec.dockerfile_path(directory)
    if path is not None and spec.dockerfile is None and not project.exists(path):
        lower = path[: -len("Dockerfile")] + "dockerfile"
        return lower if project.exists(lower) else path
    return path


@rule(code="EL503", name="service-not-containerized", severity=Severity.WARNING)
def service_not_containerized(project: Project) -> Iterator[Hit]:
    """## What it does
    In a repository that builds containers (a Dockerfile, or a compose service with
    `build`), reports a service (see EL501) that lies outside every build: no known build
    context's COPY/ADD source (or `RUN --mount` bind source) takes it, no compose
    `build.context` or `additional_contexts` directory holds it, and no Dockerfile sits in
    it; and it has no deployment definition of its own (a `Procfile`, `app.yaml`,
    `fly.toml` or `serverless.yml` in its directory). Reported at its entry point.

    ## Why is this bad?
    The other services run from images built from declared inputs; this one can only run
    from somebody's virtualenv, bound to that machine's path, interpreter and platform.
    It is the part of the system nobody can rebuild.

    ## Example
    ```
    Dockerfile               COPY api/ /app/
    api/requirements.txt     api/main.py      (app = FastAPI())
    worker/requirements.txt  worker/tasks.py  (app = Celery("tasks"))
    ```
    Use instead: a `worker/Dockerfile` (or a compose service with `build: ./worker`).

    ## How to fix
    Build the service like the others, give it a platform file if it is deployed another
    way, or `exclude` it if it is not deployed at all.

    ## Configuration
    None. Not reported: services a Dockerfile copies (`COPY . .` from the root context
    takes them all), repositories whose compose services only pull images (Dockerfiles
    under `tests/`, `docs/`, `examples/`, `.devcontainer/` and other hidden directories do
    not count as building the application), services with their own Procfile or platform
    file. A COPY source with an unresolved variable, or a compose context with `${VAR}`,
    may take anything: the rule is then silent.

    ## Derived from
    The comparison's "Scope and Scale": containers let each service of a larger system be
    built and run on its own terms; one left out still depends on a local virtualenv.
    """
    from envlint.artifacts import is_dockerfile_name
    from envlint.dockerctx import compose_paths

    if not project.files_where(is_dockerfile_name) and not compose_paths(project):
        return  # no Dockerfile and no compose file: the repository builds no container
    from envlint import services as svc
    from envlint.dockerctx import compose_builds, dockerfile_paths

    if not any(map(_deploys, dockerfile_paths(project))) and not compose_builds(project):
        return  # compose services only pull images; Dockerfiles serve tests, docs, editors
    taken = taken_paths(project)
    if taken is None:
        return  # a source or context that cannot be resolved may take any service
    found = svc.services(project)
    for service in found:
        if svc.own_platform_file(project, service.directory) or service.entry.kind == "Procfile":
            continue  # deployed by its own platform file
        prefix = f"{service.directory}/" if service.directory else ""
        nested = [s.directory for s in found if s is not service and s.directory.startswith(prefix)]
        if any(takes(pattern, service.directory, nested) for pattern in taken):
            continue
        entry = service.entry
        where = entry.path if entry.line is None else f"{entry.path}:{entry.line}"
        message = MSG_NOT_CONTAINERIZED.format(label=service.label, kind=entry.kind, path=where)
        yield Hit(entry.path, entry.line, message, HELP_NOT_CONTAINERIZED.format(
            label=service.label))  # fmt: skip


def _deploys(dockerfile: str) -> bool:
    """Not a Dockerfile for tests, docs or examples, nor one in a hidden directory
    (`.devcontainer/`, `.github/actions/`): those build tools, not the application."""
    from envlint.services import never_service

    return not never_service(dockerfile) and not any(
        part.startswith(".") for part in dockerfile.split("/")[:-1]
    )


def taken_paths(project: Project) -> list[str] | None:
    """Repository paths (globs allowed, "" the root) some build takes: compose contexts and
    named contexts, Dockerfiles themselves, and the COPY/ADD and bind-mount sources of each
    build (relative to its context; with an unknown context, to the Dockerfile's directory
    and to the root). None when a variable hides one: anything may be taken."""
    from envlint import dockerctx
    from envlint.parsers.compose import context_kind

    taken: list[str] = []
    for directory, compose in dockerctx.compose_projects(project):
        for service in compose.services:
            spec = service.build
            if spec is None:
                continue
            named = [text for _, text in spec.additional_contexts]
            if any(t.has_variable for t in ([spec.context] if spec.context else []) + named):
                return None
            context = spec.context_dir(directory)
            if context is not None:
                taken.append(_clamp(context))
            for text in named:
                if context_kind(text.value) == "local":
                    taken.append(_clamp(posixpath.join(directory, text.value)))
    for build in dockerctx.builds(project):
        parsed = dockerctx.dockerfile(project, build.dockerfile)
        if parsed is None:
            continue
        taken.append(build.dockerfile)
        folder = build.dockerfile.rpartition("/")[0]
        bases = [build.context] if build.context is not None else [folder, ""]
        for source in _context_sources(parsed):
            if "$" in source:
                return None
            taken.extend(_clamp(posixpath.join(base, source.lstrip("/"))) for base in bases)
    return taken


def _context_sources(parsed: Dockerfile) -> Iterator[str]:
    """What COPY/ADD (without `--from`) and `RUN --mount=type=bind` read from the context."""
    from envlint.dockerinfo import mount_fields
    from envlint.parsers.dockerfile_args import copy_args

    for instr in parsed.instructions:
        args = copy_args(instr)
        if args is not None and args.from_ is None:
            for source in args.sources:
                text = source.path
                if source.is_heredoc or "://" in text or text.startswith("git@"):
                    continue
                yield text.replace("/./", "/", 1) if instr.has_flag("parents") else text
        for mount in instr.flag_values("mount") if instr.keyword == "RUN" else ():
            fields = mount_fields(mount)
            if fields.get("type", "bind") == "bind" and "from" not in fields:
                yield fields.get("source") or fields.get("src") or "."


def _clamp(path: str) -> str:
    """A normalised repository path; "" for the root and for anything that climbs out."""
    normal = posixpath.normpath(path or ".")
    return "" if normal in (".", "..") or normal.startswith("../") else normal


def takes(pattern: str, directory: str, nested: list[str]) -> bool:
    """Whether a taken path (or glob) holds the service at `directory`, or lies inside it
    but not inside one of its `nested` services."""
    from fnmatch import fnmatchcase

    parts = pattern.split("/") if pattern else []
    dirs = directory.split("/") if directory else []
    for i, part in enumerate(parts):
        if part == "**":
            return True
        if i == len(dirs):  # deeper than the service: inside it
            return not any(parts[: len(n.split("/"))] == n.split("/") for n in nested)
        if not fnmatchcase(dirs[i], part):
            return False
    return True


@rule(code="EL504", name="bind-mount-hides-image-venv", severity=Severity.WARNING)
def bind_mount_hides_image_venv(project: Project) -> Iterator[Hit]:
    """## What it does
    Reports a compose service built from a Dockerfile whose built stage (the last, or
    `build.target`) leaves a venv at P (created there, or put there by `COPY --from`), when
    the service bind-mounts a host directory over P or a parent of P with no volume at P
    itself; or when a `develop.watch` rule with action `sync`, `sync+restart` or
    `sync+exec` syncs a path whose counterpart of P is excluded neither by the rule's
    `ignore` (relative to its `path`), nor by its `include`, nor by the build context's
    ignore file (watch honours `.dockerignore`).

    ## Why is this bad?
    At run time the container sees the host's directory instead of the image's venv: the
    host's `.venv` (built for another platform, interpreter and path) or none at all. The
    image built and tested fine; the service then fails to import, or silently runs other
    versions.

    ## Example
    ```yaml
    services:
      web:
        build: .            # Dockerfile: WORKDIR /app, RUN uv sync -> /app/.venv
        volumes:
          - .:/app
    ```
    Use instead:
    ```yaml
        volumes:
          - .:/app
          - /app/.venv      # recreate with `docker compose up -V` after rebuilds
    ```
    or keep the venv outside the mount: `ENV UV_PROJECT_ENVIRONMENT=/opt/venv`.

    ## How to fix
    Move the venv out of the mounted path, or declare a volume at P and recreate it with
    `docker compose up -V` after each rebuild; for `watch`, add the venv to the rule's
    `ignore` or to the context's `.dockerignore`.

    ## Configuration
    None. Not reported: a volume at P, P outside the mounted path, watch rules whose
    `ignore` or `include` or the context's ignore file keep P out, mounts or paths with
    `${VAR}`, build targets with `${VAR}`, and services using `extends`.

    ## Derived from
    The comparison's "Portability": a virtualenv is bound to the path, interpreter and
    platform where it was made, so the host's venv cannot stand in for the image's.
    """
    from envlint.dockerctx import compose_paths

    if not compose_paths(project):
        return  # no compose file: no mounts, and no YAML to import
    from envlint.dockerctx import compose_projects

    for directory, compose in compose_projects(project):
        for service in compose.services:
            spec = service.build
            if spec is None or service.extends or not (service.volumes or service.watch):
                continue
            if spec.target is not None and spec.target.has_variable:
                continue  # the built stage is unknown
            dockerfile = compose_dockerfile(project, directory, spec)
            if dockerfile is None:
                continue
            for venv, origin in sorted(image_venvs(project, dockerfile, spec).items()):
                yield from _mounted_over(service, venv, origin)
                for watch in service.watch:
                    if _syncs_venv(project, directory, spec, dockerfile, watch=watch, venv=venv):
                        yield _watch_hit(service, watch, directory, venv, origin)


def image_venvs(project: Project, dockerfile: str, spec: ComposeBuildSpec) -> dict[str, str]:
    """Venv paths in the built stage -> "Dockerfile:line" of the RUN or COPY that put it."""
    from envlint.dockerflow import placements
    from envlint.dockerinfo import venvs_made, views
    from envlint.dockerstage import final_view

    named = frozenset(name.lower() for name, _ in spec.additional_contexts)
    stages = views(project, dockerfile, named)
    built = final_view(stages, spec.target.value if spec.target else None)
    if built is None:
        return {}
    found: dict[str, str] = {}
    for view in built.chain:
        for made in venvs_made(view):
            found.setdefault(made.path, f"{dockerfile}:{made.line}")
    for placed in placements(stages, named):
        if any(placed.target is view for view in built.chain):
            found.setdefault(placed.path, f"{dockerfile}:{placed.step.instruction.start_line}")
    return found


def _mounted_over(service: ComposeService, venv: str, origin: str) -> Iterator[Hit]:
    """The deepest mount at or above the venv decides what the container sees there."""
    covering: list[tuple[str, Volume]] = []
    for volume in service.volumes:
        if volume.target is None or "$" in volume.target:
            return  # a mount whose target is unknown may be the volume at P
        target = _absolute(volume.target)
        if target is not None and _under(venv, target):
            covering.append((target, volume))
    if not covering:
        return
    target, deepest = max(covering, key=lambda pair: len(pair[0]))
    if target == venv or deepest.type != "bind":
        return
    message = MSG_BIND_HIDES_VENV.format(
        service=service.name, source=deepest.source, target=target, venv=venv, origin=origin
    )
    yield Hit(deepest.file or service.file, deepest.line, message,
              HELP_HIDDEN_VENV.format(venv=venv))  # fmt: skip


def _syncs_venv(
    project: Project, directory: str, spec: ComposeBuildSpec, dockerfile: str, *,
    watch: WatchRule, venv: str,
) -> bool:  # fmt: skip
    action = watch.action.value if watch.action else ""
    if action not in SYNC_ACTIONS or watch.path is None or watch.target is None:
        return False
    if watch.path.has_variable or watch.target.has_variable:
        return False
    target = _absolute(watch.target.value)
    if target is None or not _under(venv, target) or watch.path.value.startswith(("/", "~")):
        return False
    inside = posixpath.relpath(venv, target)  # P relative to the watched path
    ignore = _watch_matcher(watch.ignore)
    if ignore is None or (inside != "." and ignore.excludes(inside)):
        return False
    if watch.include:
        include = _watch_matcher(watch.include)
        prefix = "" if inside == "." else inside + "/"
        samples = ["pyvenv.cfg", "bin/python", "lib/python3/site-packages/x.py"]
        candidates = [inside, *(prefix + s for s in samples)] if prefix else samples
        if include is None or not any(include.excludes(c) for c in candidates):
            return False
    host = posixpath.normpath(posixpath.join(directory or ".", watch.path.value, inside))
    return (
        host != ".."
        and not host.startswith("../")
        and not _context_ignores(project, directory, spec, dockerfile, host)
    )


def _watch_matcher(patterns: tuple[object, ...]) -> DockerIgnore | None:
    """Watch patterns as compose reads them (moby patternmatcher); compose drops every
    pattern but the `!` ones when `*` is among them (pkg/watch/dockerignore.go). None when
    a pattern does not parse: unknown."""
    from envlint.parsers.dockerignore import parse_dockerignore

    values = [str(getattr(p, "value", p)) for p in patterns]
    if "*" in values:
        values = [v for v in values if v.startswith("!")]
    if any("\n" in v or v.startswith("#") for v in values):
        return None
    matcher, errors = parse_dockerignore("\n".join(values))
    return None if errors else matcher


def _context_ignores(
    project: Project, directory: str, spec: ComposeBuildSpec, dockerfile: str, host: str
) -> bool:
    """Whether the build context's ignore file keeps `host` out of the watch (or it cannot
    be known: a context or ignore file that cannot be read)."""
    from envlint.dockerctx import Build, ignore_file
    from envlint.parsers.dockerignore import DockerIgnore

    context = spec.context_dir(directory)
    if context is None:
        return True
    context = "" if context == "." else context
    found = ignore_file(project, Build(dockerfile, context, True))
    if found is None:
        return False
    matcher = found[1]
    if matcher is None:
        return True
    if any(p.pattern == "*" and not p.negated for p in matcher.patterns):
        matcher = DockerIgnore(tuple(p for p in matcher.patterns if p.negated))
    if context and not host.startswith(context + "/"):
        return False
    return matcher.excludes(host[len(context) + 1 :] if context else host)


def _watch_hit(
    service: ComposeService, watch: WatchRule, directory: str, venv: str, origin: str
) -> Hit:
    assert watch.path is not None and watch.target is not None and watch.action is not None
    inside = posixpath.relpath(venv, _absolute(watch.target.value) or "/")
    host = posixpath.normpath(posixpath.join(directory or ".", watch.path.value, inside))
    message = MSG_WATCH_SYNCS_VENV.format(
        service=service.name, action=watch.action.value, host=host, venv=venv, origin=origin
    )
    ignore = inside if inside != "." else posixpath.basename(venv)
    help_ = HELP_WATCH_VENV.format(ignore=ignore)
    return Hit(watch.file or service.file, watch.line, message, help_)


def _absolute(path: str) -> str | None:
    if not path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    return "/" + normal.lstrip("/")


def _under(path: str, root: str) -> bool:
    return root in (path, "/") or path.startswith(root + "/")
