"""The file index: what git tracks, what lies beside it, and where the environments are.

Built once per run. In a git work tree it comes from three `git ls-files` calls run side by
side; elsewhere from an `os.scandir` walk pruned by `.gitignore`. It never descends into an
environment, `node_modules` or `.git`, and never follows a symlink.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

NEVER_DESCEND = frozenset({".git", "node_modules", ".hg", ".svn"})
# How deep a walk of an ignored directory looks for environments (`.tox/py312` is depth 2).
IGNORED_SCAN_DEPTH = 3
IGNORED_SCAN_MAX_ENTRIES = 20_000
# git listing a large tree takes well under a second; beyond this it is stuck: walk instead.
GIT_TIMEOUT_SECONDS = 20.0
GIT_STUCK = "`git ls-files` {}; walked the tree instead"

TRACKED = "tracked"
UNTRACKED = "untracked"
IGNORED = "ignored"

# Where an environment's markers sit relative to its root.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cfg", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/pyvenv\.cfg$")),
    ("interpreter", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/bin/python[0-9.]*t?$")),
    ("interpreter", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/Scripts/python[0-9.]*t?w?\.exe$", re.I)),
    ("conda-interpreter", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/python\.exe$", re.I)),
    ("site-packages", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/lib/python[0-9.]+t?/site-packages/")),
    ("win-site-packages", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/Lib/site-packages/")),
    ("activate", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/bin/activate$")),
    ("win-activate", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/Scripts/activate[^/]*$", re.I)),
    ("conda", re.compile(r"^(?P<root>(?:.*/)?[^/]+)/conda-meta/history$")),
)


_MAYBE_MARKER = re.compile(
    r"/(?:pyvenv\.cfg$|bin/|Scripts/|lib/python|Lib/site|conda-meta/|python\.exe$)"
)


def venv_kind(markers: Iterable[str]) -> str | None:
    """The kind of environment a set of markers proves, or None (RULES.md EL101)."""
    m = set(markers)
    if "cfg" in m and ({"interpreter", "site-packages", "win-site-packages"} & m):
        return "venv"
    if "activate" in m and "site-packages" in m:
        return "venv"
    if "win-activate" in m and "win-site-packages" in m:
        return "venv"
    if "conda" in m and ({"interpreter", "conda-interpreter"} & m):
        return "conda"
    return None


def markers_of(paths: Iterable[str]) -> dict[str, set[str]]:
    """Candidate environment roots and the markers found under each."""
    found: dict[str, set[str]] = {}
    for path in paths:
        if not _MAYBE_MARKER.search(path):
            continue
        for name, pattern in _MARKERS:
            match = pattern.match(path)
            if match:
                found.setdefault(match.group("root"), set()).add(name)
    return found


@dataclass(frozen=True)
class Venv:
    """An environment root found in the tree."""

    path: str
    kind: str  # "venv" or "conda"
    state: str  # TRACKED, UNTRACKED or IGNORED
    has_cfg: bool
    tracked_files: int = 0


@dataclass
class FileIndex:
    root: Path
    is_git: bool
    tracked: dict[str, str] = field(default_factory=dict)  # path -> git mode ("100755")
    untracked: set[str] = field(default_factory=set)  # on disk, not tracked, not ignored
    ignored: set[str] = field(default_factory=set)  # ignored files; directories end with "/"
    venvs: dict[str, Venv] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # why the index is less than asked for

    def visible(self) -> list[str]:
        """Tracked and untracked-not-ignored files, outside environments, sorted."""
        inside = tuple(v + "/" for v in self.venvs)
        return sorted(p for p in set(self.tracked) | self.untracked if not p.startswith(inside))

    def is_tracked(self, path: str) -> bool:
        return path in self.tracked

    def is_executable(self, path: str) -> bool:
        return self.tracked.get(path) == "100755"

    def is_ignored(self, path: str) -> bool:
        if path in self.ignored:
            return True
        parts = path.split("/")
        return any("/".join(parts[:i]) + "/" in self.ignored for i in range(1, len(parts)))

    def state_of(self, path: str) -> str | None:
        if path in self.tracked:
            return TRACKED
        if path in self.untracked:
            return UNTRACKED
        if self.is_ignored(path):
            return IGNORED
        return None


def build_index(root: Path, *, use_git: bool = True) -> FileIndex:
    notes: list[str] = []
    if use_git:
        git_index = _git_index(root, notes)
        if git_index is not None:
            return git_index
    index = _walk_index(root)
    index.notes.extend(notes)
    return index


# --- git ------------------------------------------------------------------------------------


def _git_index(root: Path, notes: list[str]) -> FileIndex | None:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0")
    # core.fsmonitor names a command the repository chooses: never run it (static only).
    base = ["git", "-c", "core.quotePath=false", "-c", "core.fsmonitor=false", "ls-files", "-z"]
    calls = {
        "tracked": [*base, "--stage"],
        "untracked": [*base, "--others", "--exclude-standard"],
        "ignored": [*base, "--others", "--ignored", "--exclude-standard", "--directory"],
    }
    try:
        procs = {
            key: subprocess.Popen(
                argv,
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for key, argv in calls.items()
        }
    except OSError:  # git is not installed
        return None
    outputs = _collect(procs, notes)
    if outputs is None:
        return None

    index = FileIndex(root=root, is_git=True)
    for record in _split_z(outputs["tracked"]):
        meta, _, path = record.partition("\t")
        mode = meta.split(" ", 1)[0]
        if mode == "160000":  # a submodule: not a file of this repository
            continue
        index.tracked[path] = mode
    index.untracked = set(_split_z(outputs["untracked"]))
    index.ignored = set(_split_z(outputs["ignored"]))
    _find_venvs(index)
    return index


def _collect(
    procs: dict[str, subprocess.Popen[bytes]], notes: list[str]
) -> dict[str, bytes] | None:
    """The processes' outputs, or None when one failed, hung or blocked on a FIFO."""
    deadline = time.monotonic() + GIT_TIMEOUT_SECONDS
    outputs: dict[str, bytes] = {}
    try:
        for key, proc in procs.items():
            while True:
                try:
                    outputs[key] = proc.communicate(timeout=0.1)[0]
                    break
                except subprocess.TimeoutExpired:
                    if any(map(_blocked_on_fifo, procs.values())):
                        notes.append(GIT_STUCK.format("is blocked opening a FIFO"))
                        return None
                    if time.monotonic() > deadline:
                        notes.append(GIT_STUCK.format(f"took over {GIT_TIMEOUT_SECONDS:.0f} s"))
                        return None
            if proc.returncode != 0:
                return None
        return outputs
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.kill()
                proc.wait()
            for pipe in (proc.stdout, proc.stderr):  # a grandchild may hold them open
                if pipe is not None:
                    pipe.close()


def _blocked_on_fifo(proc: subprocess.Popen[bytes]) -> bool:
    """Whether git sleeps opening a FIFO (a `.gitignore` FIFO blocks `git status` too).

    Linux names that kernel wait `wait_for_partner` (fs/pipe.c); elsewhere the timeout ends it.
    """
    try:
        with open(f"/proc/{proc.pid}/wchan", encoding="ascii", errors="replace") as handle:
            return handle.read(64) == "wait_for_partner"
    except OSError:
        return False


def _split_z(data: bytes) -> Iterator[str]:
    for raw in data.split(b"\0"):
        if raw:
            yield os.fsdecode(raw)


# --- walking --------------------------------------------------------------------------------


def _walk_index(root: Path) -> FileIndex:
    from envlint.gitignore import IgnoreStack

    index = FileIndex(root=root, is_git=False)
    ignores = IgnoreStack(root)
    stack: list[tuple[str, int]] = [("", 0)]
    seen_dirs: set[tuple[int, int]] = set()
    while stack:
        rel_dir, depth = stack.pop()
        abs_dir = root / rel_dir if rel_dir else root
        try:
            st = abs_dir.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen_dirs or depth > 64:
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        ignores.enter(rel_dir)
        try:
            entries = sorted(os.scandir(abs_dir), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir and entry.name in NEVER_DESCEND:
                continue
            if ignores.ignored(rel, is_dir):
                index.ignored.add(rel + "/" if is_dir else rel)
                continue
            if is_dir:
                if _disk_venv_kind(entry.path) is not None:
                    index.untracked.update(_venv_listing(rel, entry.path))
                    continue
                stack.append((rel, depth + 1))
            else:
                index.untracked.add(rel)
    _find_venvs(index)
    return index


def _venv_listing(rel: str, abs_path: str) -> list[str]:
    """The marker files of an environment, enough to recognise it without walking it."""
    names: list[str] = []
    for sub in ("pyvenv.cfg", "conda-meta/history", "bin/activate"):
        if os.path.lexists(os.path.join(abs_path, sub)):
            names.append(f"{rel}/{sub}")
    return names


# --- environments ---------------------------------------------------------------------------


def _find_venvs(index: FileIndex) -> None:
    kinds = {
        root: (kind, "cfg" in marks)
        for root, marks in markers_of(index.tracked).items()
        if (kind := venv_kind(marks)) is not None
    }
    counts = dict.fromkeys(kinds, 0)
    if kinds:
        for path in index.tracked:
            for root in _ancestors(path):
                if root in counts:
                    counts[root] += 1
    for root, (kind, has_cfg) in kinds.items():
        index.venvs[root] = Venv(root, kind, TRACKED, has_cfg, counts[root])
    # Untracked environments: EL102 looks at them by their pyvenv.cfg.
    for path in index.untracked:
        if path.endswith("/pyvenv.cfg") or path == "pyvenv.cfg":
            root = path.rpartition("/")[0]
            if root and root not in index.venvs and _disk_venv_kind(str(index.root / root)):
                index.venvs[root] = Venv(root, "venv", UNTRACKED, True)
        elif path.endswith("/conda-meta/history"):
            root = path[: -len("/conda-meta/history")]
            kind = _disk_venv_kind(str(index.root / root))
            if root and root not in index.venvs and kind:
                index.venvs[root] = Venv(root, kind, UNTRACKED, False)
    _drop_nested(index)
    _find_ignored_venvs(index)


def _ancestors(path: str) -> Iterator[str]:
    """`a/b/c` -> `a/b`, `a`."""
    while "/" in path:
        path = path.rpartition("/")[0]
        yield path


def _drop_nested(index: FileIndex) -> None:
    for root in sorted(index.venvs):
        parts = root.split("/")
        if any("/".join(parts[:i]) in index.venvs for i in range(1, len(parts))):
            del index.venvs[root]


def _find_ignored_venvs(index: FileIndex) -> None:
    budget = [IGNORED_SCAN_MAX_ENTRIES]
    for entry in sorted(index.ignored):
        if not entry.endswith("/"):
            continue
        rel = entry.rstrip("/")
        if any(rel == v or rel.startswith(v + "/") for v in index.venvs):
            continue
        _scan_ignored(index, rel, 0, budget)


def _scan_ignored(index: FileIndex, rel: str, depth: int, budget: list[int]) -> None:
    abs_path = str(index.root / rel)
    kind = _disk_venv_kind(abs_path)
    if kind is not None:
        index.venvs[rel] = Venv(rel, kind, IGNORED, os.path.exists(abs_path + "/pyvenv.cfg"))
        return
    if depth >= IGNORED_SCAN_DEPTH or budget[0] <= 0:
        return
    try:
        entries = list(os.scandir(abs_path))
    except OSError:
        return
    budget[0] -= len(entries)
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name in NEVER_DESCEND or entry.name == "__pycache__":
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _scan_ignored(index, f"{rel}/{entry.name}", depth + 1, budget)
        except OSError:
            continue


def _disk_venv_kind(abs_path: str) -> str | None:
    """Recognise an environment on disk by EL101's markers, reading two directories at most."""
    try:
        names = set(os.listdir(abs_path))
    except OSError:
        return None
    marks: set[str] = set()
    if "pyvenv.cfg" in names:
        marks.add("cfg")
    if "conda-meta" in names and os.path.lexists(os.path.join(abs_path, "conda-meta", "history")):
        marks.add("conda")
    if "python.exe" in names:
        marks.add("conda-interpreter")
    for bindir, win in (("bin", False), ("Scripts", True)):
        if bindir not in names:
            continue
        try:
            bin_names = os.listdir(os.path.join(abs_path, bindir))
        except OSError:
            continue
        for name in bin_names:
            low = name.lower()
            if low.startswith("python") and (not win or low.endswith(".exe")):
                marks.add("interpreter")
            if low.startswith("activate"):
                marks.add("win-activate" if win else "activate")
    if "lib" in names:
        try:
            for name in os.listdir(os.path.join(abs_path, "lib")):
                if name.startswith("python") and os.path.isdir(
                    os.path.join(abs_path, "lib", name, "site-packages")
                ):
                    marks.add("site-packages")
        except OSError:
            pass
    if "Lib" in names and os.path.isdir(os.path.join(abs_path, "Lib", "site-packages")):
        marks.add("win-site-packages")
    return venv_kind(marks)
