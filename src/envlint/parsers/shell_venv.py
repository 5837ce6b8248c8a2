"""Virtual environments and project installs in a RUN: `python -m venv`, `virtualenv`,
`uv venv`, `uv sync`, `poetry install|sync`, `pipenv install|sync`, `pdm install|sync`.
"""

from __future__ import annotations

from dataclasses import dataclass

from envlint.parsers.shell_options import (
    Option,
    basename,
    parse_options,
    python_module,
    table,
    unwrap,
)
from envlint.parsers.shell_pip import UV
from envlint.parsers.shell_split import Command

VENV = table(
    "--prompt",
    "--system-site-packages --symlinks --copies --clear --upgrade --without-pip --upgrade-deps"
    " --without-scm-ignore-files --help",
    "-h=--help",
)
VIRTUALENV = table(
    "--python --creator --seeder --activators --prompt --app-data --pip --setuptools --wheel"
    " --extra-search-dir --discovery --try-first-with",
    "--version --with-traceback --reset-app-data --upgrade-embed-wheels --read-only-app-data"
    " --clear --no-vcs-ignore --system-site-packages --symlinks --copies --no-download"
    " --never-download --download --no-pip --no-setuptools --no-wheel --no-periodic-update"
    " --symlink-app-data --quiet --verbose --help --no-seed",
    "-p=--python -q=--quiet -v=--verbose -h=--help",
    "--always-copy=--copies --without-pip=--no-seed",
)
POETRY = table(
    "--directory --project --without --with --only --extras",
    "--quiet --verbose --no-interaction --ansi --no-ansi --no-plugins --no-cache --version"
    " --help --sync --no-root --no-directory --only-root --dry-run --all-extras --all-groups"
    " --compile --no-dev --remove-untracked",
    "-C=--directory -P=--project -E=--extras -q=--quiet -v=--verbose -n=--no-interaction"
    " -V=--version -h=--help",
)
PIPENV = table(
    "--python --categories --requirements --index --extra-pip-args --editable --pypi-mirror",
    "--system --deploy --ignore-pipfile --skip-lock --dev --pre --site-packages --clear"
    " --verbose --quiet --selective-upgrade --keep-outdated --dry-run --help",
    "-d=--dev -r=--requirements -e=--editable -i=--index -v=--verbose -q=--quiet -h=--help",
)
PDM = table(
    "--group --project --lockfile --venv --skip --override",
    "--prod --production --dev --no-editable --no-self --no-default --frozen-lockfile --check"
    " --fail-fast --global --verbose --quiet --plugins --no-isolation --dry-run --help",
    "-G=--group -p=--project -L=--lockfile -d=--dev -g=--global -v=--verbose -q=--quiet"
    " -k=--skip -h=--help",
)


@dataclass(frozen=True)
class VenvCreate:
    """`python -m venv P`, `virtualenv [-p X] P`, `uv venv [P] [--python X]`."""

    index: int
    tool: str  # "venv", "virtualenv" or "uv"
    paths: tuple[str, ...]  # as written; uv's default (".venv") when none was given
    path_given: bool  # False: the tool's default. `uv venv` in a project uses the project's env
    interpreter: str | None  # the creating Python: `python3.11` of `-m venv`, `-p`/`--python`
    options: tuple[Option, ...]
    unknown_options: tuple[str, ...] = ()
    assignments: tuple[tuple[str, str], ...] = ()  # inline env: `UV_PYTHON=3.12 uv venv`

    @property
    def path(self) -> str:
        return self.paths[0]

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.options)


@dataclass(frozen=True)
class ProjectInstall:
    """`uv sync`, `poetry install|sync`, `pipenv install|sync`, `pdm install|sync`."""

    index: int
    tool: str  # "uv", "poetry", "pipenv" or "pdm"
    subcommand: str
    args: tuple[str, ...]  # positional arguments (`pipenv install flask`)
    options: tuple[Option, ...]
    unknown_options: tuple[str, ...] = ()
    assignments: tuple[tuple[str, str], ...] = ()

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.options)

    def values(self, name: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.options if k == name and v is not None)


def _argv(command: Command) -> tuple[str, tuple[str, ...], tuple[str, ...], str | None]:
    """(tool, arguments, words, interpreter) with `python -m tool` seen as the tool."""
    _, words = unwrap(command)
    module = python_module(words)
    if module is not None:
        return module[0], module[1], words, words[0]
    return (basename(words[0]) if words else ""), words[1:], words, None


def recognize_venv(command: Command) -> VenvCreate | None:
    tool, args, _, interpreter = _argv(command)
    assignments, _ = unwrap(command)
    if tool == "venv" and interpreter is not None:
        parsed = parse_options(args, VENV)
        if not parsed.positionals:
            return None
        return VenvCreate(command.index, "venv", parsed.positionals, True, interpreter,
                          parsed.options, parsed.unknown, assignments)  # fmt: skip
    if tool == "virtualenv":
        parsed = parse_options(args, VIRTUALENV)
        if not parsed.positionals:
            return None
        python = (parsed.values("--python") or (interpreter,))[-1]
        return VenvCreate(command.index, "virtualenv", parsed.positionals[:1], True, python,
                          parsed.options, parsed.unknown, assignments)  # fmt: skip
    if tool == "uv":
        parsed = parse_options(args, UV)
        if parsed.positionals[:1] != ("venv",):
            return None
        given = parsed.positionals[1:2]
        python = (parsed.values("--python") or (None,))[-1]
        return VenvCreate(command.index, "uv", given or (".venv",), bool(given), python,
                          parsed.options, parsed.unknown, assignments)  # fmt: skip
    return None


def recognize_project_install(command: Command) -> ProjectInstall | None:
    tool, args, _, _ = _argv(command)
    spec = {"uv": UV, "poetry": POETRY, "pipenv": PIPENV, "pdm": PDM}.get(tool)
    if spec is None:
        return None
    parsed = parse_options(args, spec)
    sub = parsed.positionals[:1]
    wanted = (("sync",),) if tool == "uv" else (("install",), ("sync",))
    if sub not in wanted:
        return None
    assignments, _ = unwrap(command)
    return ProjectInstall(command.index, tool, sub[0], parsed.positionals[1:], parsed.options,
                          parsed.unknown, assignments)  # fmt: skip
