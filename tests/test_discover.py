"""Discovery on real git repositories and on plain directories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from envlint.discover import IGNORED, TRACKED, UNTRACKED, build_index
from harness import Case, make_repo

CFG = "home = /usr/bin\n"


def test_git_index_states(tmp_path: Path) -> None:
    files = {
        "a.py": "",
        "run.sh": "#!/bin/sh\n",
        "new.py": "",
        "build/out.txt": "",
        "_gitignore": "",
        ".gitignore": "/build/\n/.venv/\n",
        ".venv/pyvenv.cfg": CFG,
        ".venv/bin/python": "",
        "venv2/pyvenv.cfg": CFG,
        "venv2/lib/python3.12/site-packages/x.py": "",
        ".tox/py312/pyvenv.cfg": CFG,
        ".tox/py312/bin/python": "",
    }
    case = Case(
        untracked=["new.py", "build", ".venv", "venv2", ".tox"],
        ignored=[".tox/"],
        executable=["run.sh"],
    )
    index = build_index(make_repo(tmp_path / "r", files, case))
    assert index.is_git
    assert index.tracked["run.sh"] == "100755"
    assert index.tracked["a.py"] == "100644"
    assert "new.py" in index.untracked
    assert "build/" in index.ignored
    assert {p: v.state for p, v in index.venvs.items()} == {
        ".venv": IGNORED,
        "venv2": UNTRACKED,
        ".tox/py312": IGNORED,
    }
    assert "venv2/lib/python3.12/site-packages/x.py" not in index.visible()
    assert index.state_of("build/out.txt") == IGNORED


def test_tracked_venv_counts_files(tmp_path: Path) -> None:
    files = {"e/pyvenv.cfg": CFG, "e/bin/python3.12": "", "e/bin/pip": "", "x.py": ""}
    index = build_index(make_repo(tmp_path / "r", files, Case()))
    assert index.venvs["e"].state == TRACKED
    assert index.venvs["e"].tracked_files == 3
    assert index.visible() == ["x.py"]


def test_walk_prunes_gitignore_and_venvs(tmp_path: Path) -> None:
    files = {
        ".gitignore": "*.log\n/dist/\n",
        "sub/.gitignore": "secret.txt\n!keep.log\n",
        "sub/secret.txt": "",
        "sub/keep.log": "",
        "top.log": "",
        "dist/a.whl": "",
        "env/pyvenv.cfg": CFG,
        "env/bin/python": "",
        "env/lib/python3.12/site-packages/big.py": "",
        "node_modules/x/index.js": "",
        "app.py": "",
    }
    index = build_index(make_repo(tmp_path / "r", files, Case(no_git=True)), use_git=False)
    assert not index.is_git
    assert index.visible() == [".gitignore", "app.py", "sub/.gitignore", "sub/keep.log"]
    assert set(index.venvs) == {"env"}
    assert {"top.log", "dist/", "sub/secret.txt"} <= index.ignored


def test_walk_survives_symlink_loops(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a/b.py": ""}, Case(no_git=True))
    os.symlink("..", repo / "a" / "loop")
    os.symlink(str(tmp_path), repo / "outside")
    index = build_index(repo, use_git=False)
    assert index.visible() == ["a/b.py", "a/loop", "outside"]


def test_outside_git_falls_back_to_walk(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": ""}, Case(no_git=True))
    index = build_index(repo, use_git=True)
    assert not index.is_git
    assert index.visible() == ["a.py"]


def test_missing_git_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": ""}, Case())
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    index = build_index(repo)
    assert not index.is_git
    assert index.visible() == ["a.py"]


def test_subdirectory_of_a_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"svc/a.py": "", "other/b.py": ""}, Case())
    index = build_index(repo / "svc")
    assert index.is_git
    assert index.visible() == ["a.py"]
