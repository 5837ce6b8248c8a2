"""Make real git repositories from fixture folders and file tables, and lint them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

from envlint.model import Finding
from envlint.runner import lint

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
# Fixture files named like this are renamed on copy, so that they do not act on this repository.
RENAMES = {"_gitignore": ".gitignore", "_git": ".git"}
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_ENV)
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=repo, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip


@dataclass
class Case:
    untracked: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    executable: list[str] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)
    no_git: bool = False
    config: dict[str, Any] = field(default_factory=dict)
    today: str | None = None
    select: list[str] | None = None


def make_repo(dest: Path, files: Mapping[str, str | bytes], case: Case) -> Path:
    for rel, content in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    finish_repo(dest, case)
    return dest


def finish_repo(dest: Path, case: Case) -> None:
    for rel in case.executable:
        (dest / rel).chmod(0o755)
    for rel, target in case.symlinks.items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).symlink_to(target)
    if case.no_git:
        return
    git(dest, "init", "-q")
    if case.ignored:
        (dest / ".git" / "info").mkdir(parents=True, exist_ok=True)
        (dest / ".git" / "info" / "exclude").write_text("\n".join(case.ignored) + "\n")
    leave = {p.rstrip("/") for p in case.untracked + case.ignored}
    to_add = [
        p for p in _all_files(dest)
        if not any(p == x or p.startswith(x + "/") for x in leave)
    ]  # fmt: skip
    for start in range(0, len(to_add), 500):
        git(dest, "add", "-f", "--", *to_add[start : start + 500])
    if to_add:
        git(dest, "commit", "-q", "--no-verify", "-m", "fixture")


def _all_files(root: Path) -> list[str]:
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not (dirpath == str(root) and d == ".git")]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            out.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return sorted(out)


def copy_fixture(src: Path, dest: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        target_dir = dest / _renamed(rel_dir)
        target_dir.mkdir(parents=True, exist_ok=True)
        for name in filenames:
            shutil.copyfile(os.path.join(dirpath, name), target_dir / RENAMES.get(name, name))
        dirnames.sort()


def _renamed(rel: str) -> str:
    if rel == ".":
        return ""
    return "/".join(RENAMES.get(p, p) for p in rel.split("/"))


def load_case(folder: Path) -> Case:
    path = folder / "case.toml"
    if not path.exists():
        return Case()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Case(**data)


def run_lint(repo: Path, case: Case, select: Sequence[str] | None = None) -> list[Finding]:
    config_path = None
    if case.config:
        config_path = str(repo.parent / "envlint-case.toml")
        Path(config_path).write_text(_to_toml(case.config), encoding="utf-8")
    today = date.fromisoformat(case.today) if case.today else date(2026, 11, 28)
    outcome = lint(
        repo,
        use_git=not case.no_git,
        config_path=config_path,
        select=list(select) if select else case.select,
        today=today,
        environ={},
    )
    assert not outcome.internal_errors, outcome.internal_errors
    return outcome.findings


def _to_toml(table: Mapping[str, Any], prefix: str = "") -> str:
    import json

    plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
    nested = {k: v for k, v in table.items() if isinstance(v, dict)}
    lines = [f"[{prefix}]"] if prefix and plain else []
    lines += [f"{json.dumps(k)} = {json.dumps(v)}" for k, v in plain.items()]
    for key, value in nested.items():
        name = f"{prefix}.{json.dumps(key)}" if prefix else json.dumps(key)
        lines.append(_to_toml(value, name))
    return "\n".join(lines) + "\n"


def as_lines(findings: Sequence[Finding]) -> list[str]:
    return sorted(
        f"{f.code} {f.path}:{f.line}" if f.line is not None else f"{f.code} {f.path}"
        for f in findings
    )


def read_expected(folder: Path) -> list[str]:
    path = folder / "expected.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))
