"""The real pre-commit framework and a plain git hook, refusing a commit that adds a venv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import GIT_ENV, git

CHECKOUT = Path(__file__).resolve().parent.parent
SNAPSHOT_PARTS = ("src", "pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "hooks")
VENV_FILES = {".venv/pyvenv.cfg": "home = /usr/bin\n", ".venv/bin/python": ""}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(GIT_ENV)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout's current files as a git repository pre-commit can install from."""
    snapshot = tmp_path_factory.mktemp("envlint-hook-repo")
    for part in SNAPSHOT_PARTS:
        source = CHECKOUT / part
        if source.is_dir():
            shutil.copytree(source, snapshot / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, snapshot / part)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "-m", "snapshot")
    return snapshot, git(snapshot, "rev-parse", "HEAD").strip()


def _target(tmp_path: Path, config: str | None) -> Path:
    repo = tmp_path / "target"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "app.py").write_text("print('hello')\n")
    if config is not None:
        (repo / ".pre-commit-config.yaml").write_text(config)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "initial")
    return repo


def _commit(
    repo: Path, env: dict[str, str], files: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    for rel, content in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(content)
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "commit", "-m", "change"],
        cwd=repo, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_pre_commit_framework_refuses_a_venv(
    hook_repo: tuple[Path, str], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    snapshot, rev = hook_repo
    config = f"repos:\n- repo: {snapshot}\n  rev: {rev}\n  hooks:\n  - id: envlint\n"
    repo = _target(tmp_path, config)
    home = tmp_path_factory.getbasetemp() / "pre-commit-home"
    env = _env(PRE_COMMIT_HOME=str(home))
    bindir = Path(sys.executable).parent
    pre_commit = shutil.which("pre-commit", path=str(bindir)) or shutil.which("pre-commit")
    assert pre_commit, "pre-commit is a test dependency"
    subprocess.run([pre_commit, "install"], cwd=repo, env=env, check=True, capture_output=True)

    clean = _commit(repo, env, {"lib.py": "x = 1\n"})
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "envlint....." in clean.stderr and "Passed" in clean.stderr

    refused = _commit(repo, env, VENV_FILES)
    assert refused.returncode != 0
    output = refused.stdout + refused.stderr
    assert "envlint....." in output and "Failed" in output
    assert ".venv: EL101 [error] virtualenv `.venv/` is committed" in output
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"


def test_plain_git_hook_refuses_a_venv(tmp_path: Path) -> None:
    repo = _target(tmp_path, None)
    hook = repo / ".git" / "hooks" / "pre-commit"
    shutil.copy2(CHECKOUT / "hooks" / "pre-commit", hook)
    hook.chmod(0o755)
    bindir = str(Path(sys.executable).parent)
    env = _env(PATH=bindir + os.pathsep + os.environ.get("PATH", ""))

    clean = _commit(repo, env, {"lib.py": "x = 1\n"})
    assert clean.returncode == 0, clean.stdout + clean.stderr

    refused = _commit(repo, env, VENV_FILES)
    assert refused.returncode != 0
    assert ".venv: EL101 [error]" in refused.stdout + refused.stderr
    assert git(repo, "rev-list", "--count", "HEAD").strip() == "2"
