"""Package installs in a RUN: pip, `python -m pip`, `uv pip install|sync`, `pip-sync`.

Option tables follow pip's `cmdoptions.py`/`commands/install.py` (pip 25; optparse, so a
unique prefix of a long option counts: `--no-cache` is `--no-cache-dir`), uv's `uv-cli`
(clap; `--no-cache` has the alias `--no-cache-dir` and the short `-n`, and is global) and
pip-tools' `pip-sync`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from envlint.parsers.shell_options import (
    Option,
    OptionTable,
    basename,
    parse_options,
    python_module,
    table,
    unwrap,
)
from envlint.parsers.shell_split import Command

PIP = table(
    "--python --log --proxy --retries --resume-retries --timeout --exists-action --trusted-host"
    " --cert --client-cert --cache-dir --use-feature --use-deprecated --keyring-provider"
    " --progress-bar --index-url --extra-index-url --find-links --uploaded-prior-to --constraint"
    " --build-constraint --requirement --requirements-from-script --editable --src --no-binary"
    " --only-binary --all-releases --only-final --platform --python-version --implementation"
    " --abi --refresh-package --group --config-settings --root-user-action --report --target"
    " --root --prefix --upgrade-strategy --install-option --global-option --build-option --build",
    "--help --debug --isolated --require-virtualenv --break-system-packages --verbose --no-color"
    " --version --quiet --no-input --no-proxy-env --no-index --prefer-binary --no-cache-dir"
    " --no-deps --only-deps --ignore-requires-python --no-build-isolation"
    " --check-build-dependencies --use-pep517 --no-use-pep517 --no-clean --pre"
    " --disable-pip-version-check --require-hashes --no-require-hashes"
    " --no-python-version-warning --dry-run --user --no-user --upgrade --force-reinstall"
    " --ignore-installed --compile --no-compile --no-warn-script-location --no-warn-conflicts",
    "-h=--help -v=--verbose -V=--version -q=--quiet -i=--index-url -f=--find-links"
    " -c=--constraint -r=--requirement -e=--editable -C=--config-settings -t=--target"
    " -U=--upgrade -I=--ignore-installed -b=--build",
    "--require-venv=--require-virtualenv --log-file=--log --local-log=--log"
    " --default-timeout=--timeout --pypi-url=--index-url --source=--src --source-dir=--src"
    " --source-directory=--src --no-dependencies=--no-deps --only-dependencies=--only-deps",
    abbreviations=True,
)

UV = table(
    "--cache-dir --color --allow-insecure-host --preview-features --directory --project"
    " --config-file --python-preference --python-fetch --requirements --editable"
    " --no-editable-package --constraints --overrides --excludes --build-constraints --extra"
    " --no-extra --group --no-group --only-group --python --target --prefix --no-binary"
    " --only-binary --python-version --python-platform --torch-backend --index --default-index"
    " --index-url --extra-index-url --find-links --upgrade-package --upgrade-group"
    " --reinstall-package --index-strategy --keyring-provider --resolution --prerelease"
    " --prerelease-package --fork-strategy --config-setting --config-settings-package"
    " --no-build-isolation-package --exclude-newer --exclude-newer-package --link-mode"
    " --no-sources-package --refresh-package --no-build-package --no-binary-package"
    " --python-executable --pip-args --client-cert --prompt --output-format"
    " --no-install-package --only-install-package --package --script",
    "--no-cache --quiet --verbose --no-color --native-tls --no-native-tls --system-certs"
    " --no-system-certs --offline --no-offline --preview --no-preview --isolated --show-settings"
    " --no-progress --no-installer-metadata --managed-python --no-managed-python"
    " --allow-python-downloads --no-python-downloads --no-config --help --version --no-editable"
    " --editable-mode --all-extras --no-all-extras --no-deps --deps --require-hashes"
    " --no-require-hashes --verify-hashes --no-verify-hashes --system --no-system"
    " --break-system-packages --no-break-system-packages --no-build --build --inexact --exact"
    " --strict --no-strict --dry-run --upgrade --no-upgrade --reinstall --no-reinstall --pre"
    " --no-build-isolation --build-isolation --compile-bytecode --no-compile-bytecode"
    " --no-sources --refresh --no-refresh --no-index --allow-empty-requirements"
    " --no-allow-empty-requirements --disable-pip-version-check --user --ask --seed --force"
    " --allow-existing --clear --no-clear --system-site-packages --relocatable --no-relocatable"
    " --no-project --no-seed --no-pip --no-setuptools --no-wheel --dev --no-dev --only-dev"
    " --all-groups --no-default-groups --active --no-active --no-install-project"
    " --only-install-project --no-install-workspace --only-install-workspace"
    " --no-install-local --only-install-local --locked --frozen --all-packages --check"
    " --no-check",
    "-n=--no-cache -q=--quiet -v=--verbose -h=--help -V=--version -r=--requirements"
    " -e=--editable -c=--constraints -b=--build-constraints -p=--python -t=--target"
    " -U=--upgrade -P=--upgrade-package -i=--index-url -f=--find-links -C=--config-setting",
    "--no-cache-dir=--no-cache --trusted-host=--allow-insecure-host"
    " --preview-feature=--preview-features --requirement=--requirements"
    " --constraint=--constraints --override=--overrides --exclude=--excludes"
    " --build-constraint=--build-constraints --config-settings=--config-setting"
    " --force-reinstall=--reinstall --compile=--compile-bytecode"
    " --no-compile=--no-compile-bytecode --no-workspace=--no-project",
    short_equals=True,
)

PIP_SYNC = table(
    "--python-executable --index-url --extra-index-url --find-links --trusted-host --cert"
    " --client-cert --pip-args --config",
    "--ask --dry-run --force --no-index --user --quiet --verbose --no-config --help --version",
    "-a=--ask -n=--dry-run -i=--index-url -f=--find-links -q=--quiet -v=--verbose -h=--help",
)

_PIP_NAME = re.compile(r"pip[0-9]*(?:\.[0-9]+)*")
_ARCHIVES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz")
_ARCHIVES_MORE = (".tlz", ".tar.lz", ".tar.lzma")
_URL_SCHEMES = frozenset({"http", "https", "file", "ftp"})
_VCS = frozenset({"git", "hg", "svn", "bzr"})


@dataclass(frozen=True)
class PipInstall:
    index: int  # the command's index in its Script
    installer: str  # "pip", "uv" (`uv pip`), "pip-sync"
    subcommand: str  # "install" or "sync"
    executable: str  # the word that runs: "pip3", "/opt/venv/bin/pip", "python3.12", "uv"
    interpreter: str | None  # "python3.12" in `python3.12 -m pip`
    requirements: tuple[str, ...]  # positional specs as written: "flask==3.1", ".", "x.whl"
    requirement_files: tuple[str, ...]  # -r/--requirement(s); for sync, its file arguments
    constraint_files: tuple[str, ...]
    editables: tuple[str, ...]
    options: tuple[Option, ...]  # canonical long names in order: ("--no-cache-dir", None)
    unknown_options: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()  # words after an unknown option: maybe its value
    assignments: tuple[tuple[str, str], ...] = ()  # inline env: `PIP_NO_CACHE_DIR=1 pip …`

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.options)

    def values(self, name: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.options if k == name and v is not None)

    @property
    def prefix(self) -> str | None:
        """The directory whose `bin/` holds the executable: `/opt/venv` for
        `/opt/venv/bin/pip`, `/usr/local` for `/usr/local/bin/python3`; None for a bare name."""
        head, sep, tail = self.executable.rpartition("/bin/")
        return None if not sep or "/" in tail else head or "/"


@dataclass(frozen=True)
class CacheClean:
    """`pip cache purge|remove …`, `uv cache clean|prune`."""

    index: int
    installer: str  # "pip" or "uv"
    action: str
    args: tuple[str, ...]


def _program(command: Command) -> tuple[str, str, str | None, tuple[str, ...]] | None:
    """(installer, executable, interpreter, arguments) for pip, uv and pip-sync."""
    _, words = unwrap(command)
    if not words:
        return None
    name = basename(words[0])
    if _PIP_NAME.fullmatch(name):
        return "pip", words[0], None, words[1:]
    if name in ("uv", "pip-sync"):
        return name, words[0], None, words[1:]
    module = python_module(words)
    if module is None:
        return None
    mod, args = module
    if mod == "piptools" and args[:1] == ("sync",):
        return "pip-sync", words[0], words[0], args[1:]
    if mod in ("pip", "uv"):
        return mod, words[0], words[0], args
    return None


def recognize_pip(command: Command) -> PipInstall | None:
    """A pip/uv/pip-sync install or sync, or None."""
    program = _program(command)
    if program is None:
        return None
    installer, executable, interpreter, args = program
    spec: OptionTable = {"pip": PIP, "uv": UV, "pip-sync": PIP_SYNC}[installer]
    parsed = parse_options(args, spec)
    positionals = parsed.positionals
    if installer == "pip-sync":
        subcommand, targets = "sync", positionals or ("requirements.txt",)
    elif installer == "uv":
        if positionals[:1] != ("pip",) or positionals[1:2] not in (("install",), ("sync",)):
            return None
        subcommand, targets = positionals[1], positionals[2:]
    else:
        if positionals[:1] != ("install",):
            return None
        subcommand, targets = "install", positionals[1:]
    is_sync = subcommand == "sync"
    req_option = "--requirements" if installer == "uv" else "--requirement"
    constraint_option = "--constraints" if installer == "uv" else "--constraint"
    assignments, _ = unwrap(command)
    return PipInstall(
        command.index, installer, subcommand, executable, interpreter,
        () if is_sync else targets,
        (targets if is_sync else ()) + parsed.values(req_option),
        parsed.values(constraint_option), parsed.values("--editable"), parsed.options,
        parsed.unknown, parsed.ambiguous, assignments,
    )  # fmt: skip


def recognize_cache_clean(command: Command) -> CacheClean | None:
    program = _program(command)
    if program is None or program[0] == "pip-sync":
        return None
    installer, _, _, args = program
    parsed = parse_options(args, PIP if installer == "pip" else UV)
    words = parsed.positionals
    if installer == "pip" and words[:1] == ("cache",) and words[1:2] in (("purge",), ("remove",)):
        return CacheClean(command.index, "pip", words[1], words[2:])
    if installer == "uv" and words[:1] == ("cache",) and words[1:2] in (("clean",), ("prune",)):
        return CacheClean(command.index, "uv", words[1], words[2:])
    return None


@dataclass(frozen=True)
class RequirementArg:
    """A requirement given on the command line, classified as pip classifies it."""

    raw: str
    kind: str  # "named" (PEP 508, maybe `name @ url`), "url", "path", or "unknown"
    name: str | None = None  # as written; compare after packaging's canonicalize_name
    specifier: str = ""  # "==3.1.2", "" when none
    url: str | None = None
    marker: str | None = None
    extras: tuple[str, ...] = ()


def _is_url(text: str) -> bool:
    """pip's `is_url`: a scheme pip downloads from or a VCS (`git+https:`)."""
    scheme, colon, _ = text.partition(":")
    scheme = scheme.lower()
    return bool(colon) and (scheme in _URL_SCHEMES or scheme.split("+")[0] in _VCS)


def classify_requirement(raw: str) -> RequirementArg:
    """pip's `parse_req_from_line`, statically: a URL, a local path/archive, or PEP 508.

    A word that needs a file system check (`./pkg` could be a directory) counts as a path;
    text `packaging` cannot parse (`flask==$VERSION`) is "unknown".
    """
    from packaging.requirements import InvalidRequirement, Requirement

    text = raw.strip()
    url_like = _is_url(text)
    body = text.split("; " if url_like else ";", 1)[0].strip()
    if url_like:
        return RequirementArg(raw, "url", url=body)
    looks_like_path = "/" in body or "\\" in body or body.startswith(".")
    before_at = body.split("@", 1)[0]
    pep508_url = "@" in body and not ("/" in before_at or before_at.startswith("."))
    bare = body[: body.rfind("[")] if body.endswith("]") and "[" in body else body
    if not pep508_url and (looks_like_path or bare.lower().endswith(_ARCHIVES + _ARCHIVES_MORE)):
        return RequirementArg(raw, "path")
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return RequirementArg(raw, "unknown")
    marker = str(req.marker) if req.marker is not None else None
    extras = tuple(sorted(req.extras))
    return RequirementArg(raw, "named", req.name, str(req.specifier), req.url, marker, extras)
