"""EL207's facts: whether an installer command of a RUN leaves its download cache in the
image layer, or something keeps it out (a cache mount, an option, a variable, pip's
configuration, or a later clean-up in the same RUN)."""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

from envlint.dockerenv import PIP_CONFIG_FILES, pip_configured
from envlint.dockerinfo import mount_fields
from envlint.dockerrun import Known, commands, lookup
from envlint.dockerstage import StageView, State, Step
from envlint.parsers.shell_commands import (
    recognize_cache_clean,
    recognize_pip,
    recognize_project_install,
    recognize_rm,
)
from envlint.parsers.shell_options import basename
from envlint.parsers.shell_split import Command

# clap's BoolishValueParser: these mean false, so `UV_NO_CACHE=0` keeps uv's cache.
FALSY = frozenset({"", "0", "n", "no", "f", "false", "off"})


@dataclass(frozen=True)
class CachedInstall:
    label: str  # "pip install", "uv pip sync", "uv sync"
    tool: str  # "pip" or "uv"


def cached_install(step: Step, known: Known, view: StageView | None = None) -> CachedInstall | None:
    """The first installer command of a RUN that leaves its cache in the layer. With the
    RUN's stage `view`, a pip configuration written before it (`pip config set
    global.no-cache-dir …`, a copied or written `pip.conf`) counts as an opt-out."""
    pip_config = False
    for mount in step.instruction.flag_values("mount"):
        fields = mount_fields(mount)
        target = fields.get("target") or fields.get("dst") or fields.get("destination") or ""
        kind = fields.get("type")
        if kind == "cache" or (kind == "tmpfs" and ".cache" in target):
            return None
        if basename(target) in PIP_CONFIG_FILES:
            pip_config = True  # a secret or bind mount of pip's configuration
    for command, variables, names in commands(step, known):
        found = _installer(command)
        if found is None:
            continue
        install, opted_out, assignments, cache_dirs = found
        env = {**variables, **dict(assignments)}
        if opted_out or _env_opts_out(install.tool, env, names):
            continue
        if install.tool == "pip" and (
            pip_config
            or lookup("PIP_CONFIG_FILE", env, names) not in (None, "/dev/null")
            or (view is not None and pip_configured(view, step, command.index))
        ):
            continue  # pip reads a configuration envlint does not see
        variable = "UV_CACHE_DIR" if install.tool == "uv" else "PIP_CACHE_DIR"
        dirs = [*cache_dirs, *([env[variable]] if variable in env else [])]
        if step.script is not None and _cleaned_later(
            install.tool, step.script.after(command.index), _absolute(dirs, env)
        ):
            continue
        return install
    return None


def _installer(
    command: Command,
) -> tuple[CachedInstall, bool, tuple[tuple[str, str], ...], tuple[str, ...]] | None:
    """pip, `uv pip` or `uv sync`: (what, has its no-cache option, inline assignments,
    `--cache-dir` values)."""
    pip = recognize_pip(command)
    if pip is not None and pip.installer in ("pip", "uv"):
        uv = pip.installer == "uv"
        label = f"uv pip {pip.subcommand}" if uv else f"pip {pip.subcommand}"
        # pip's caches hold index downloads and wheels built from them; `--no-index` has
        # neither (uv still unpacks local wheels into its cache).
        opted_out = (
            pip.has("--no-cache") if uv else pip.has("--no-cache-dir") or pip.has("--no-index")
        )
        cache_dirs = pip.values("--cache-dir")
        return CachedInstall(label, pip.installer), opted_out, pip.assignments, cache_dirs
    install = recognize_project_install(command)
    if install is not None and install.tool == "uv":
        found = CachedInstall("uv sync", "uv")
        return found, install.has("--no-cache"), install.assignments, install.values("--cache-dir")
    return None


def _absolute(paths: list[str], env: Mapping[str, str]) -> tuple[str, ...]:
    out = []
    for path in paths:
        value = State(env=dict(env)).expand(path)
        if value is not None and value.startswith("/"):
            out.append(posixpath.normpath(value))
    return tuple(out)


def _env_opts_out(tool: str, env: Mapping[str, str], known: Known) -> bool:
    if tool == "pip":
        # pip's `_handle_no_cache_dir`: every valid value disables the cache, "false" too.
        return lookup("PIP_NO_CACHE_DIR", env, known) is not None
    value = lookup("UV_NO_CACHE", env, known)
    return value is not None and value.strip().lower() not in FALSY


def _cleaned_later(tool: str, later: tuple[Command, ...], cache_dirs: tuple[str, ...]) -> bool:
    """A later cache clean, or an `rm` of a cache: a path naming `.cache`/`CACHE_DIR`, or
    the install's own cache directory (`--cache-dir`, `PIP_CACHE_DIR`) or a parent."""
    for command in later:
        clean = recognize_cache_clean(command)
        if clean is not None and clean.installer == tool:
            return True
        remove = recognize_rm(command)
        if remove is None:
            continue
        for path in remove.paths:
            if ".cache" in path or "CACHE_DIR" in path or "cache dir" in path:
                return True
            removed = posixpath.normpath(path) if path.startswith("/") else None
            if removed is not None and any(
                d == removed or d.startswith(removed.rstrip("/") + "/") for d in cache_dirs
            ):
                return True
    return False
