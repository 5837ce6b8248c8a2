"""Weird repositories: no crash, no hang, no traceback, nothing changed on disk."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envlint import discover
from envlint.cli import main
from envlint.gitignore import bounded
from envlint.parsers.dockerfile import MAX_INSTRUCTIONS, MAX_STAGES, parse_dockerfile
from envlint.parsers.setuppy import parse_setuppy
from envlint.parsers.shell_lex import MAX_SCRIPT_CHARS, tokenize
from envlint.project import read_regular_file
from envlint.runner import lint, printable
from harness import Case, git, make_repo

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and symlinks")
FORMATS = (
    ["--format", "text"],
    ["--format", "json"],
    ["--format", "sarif"],
    ["--format", "github"],
)
DOCKERFILE = "FROM python:3.12\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
# Every file type envlint reads.
ARTIFACTS = (
    "Dockerfile", ".dockerignore", "requirements.txt", "requirements/dev.in", "pyproject.toml",
    "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock",
    "compose.yaml", ".python-version", "runtime.txt", ".tool-versions", ".venv/pyvenv.cfg",
    ".vscode/settings.json",
)  # fmt: skip


def snapshot(root: Path) -> list[tuple[str, int, int, int]]:
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            st = os.lstat(os.path.join(dirpath, name))
            entries.append((os.path.join(dirpath, name), st.st_size, st.st_mtime_ns, st.st_mode))
    return sorted(entries)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process: a hang fails the test instead of blocking it."""
    command = [sys.executable, "-m", "envlint", *args]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, env=full_env, check=False
    )


def assert_clean_runs(repo: Path, *extra: str, env: dict[str, str] | None = None) -> None:
    before = snapshot(repo)
    for options in (*FORMATS, ["--no-git"]):
        start = time.monotonic()
        done = cli(str(repo), *options, *extra, env=env)
        assert time.monotonic() - start < 10, options
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert snapshot(repo) == before


@POSIX
def test_fifos_named_like_artifacts_never_block(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"app.py": "x = 1\n"}, Case())
    for name in (*ARTIFACTS, ".gitignore", "envlint.toml", "run.sh"):
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(repo / name)
    assert_clean_runs(repo)


@POSIX
@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="Linux names the wait")
def test_git_blocked_on_a_fifo_gitignore_falls_back_to_the_walk(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"requirements.txt": "flask\n"}, Case())
    os.mkfifo(repo / ".gitignore")  # `git status` itself blocks here
    start = time.monotonic()
    outcome = lint(repo, environ={})
    assert time.monotonic() - start < 5
    assert outcome.notes == ["`git ls-files` is blocked opening a FIFO; walked the tree instead"]


@POSIX
def test_a_stuck_git_is_killed_and_the_tree_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "git").write_text("#!/bin/sh\nexec sleep 30\n")
    (bindir / "git").chmod(0o755)
    repo = make_repo(tmp_path / "r", {"requirements.txt": "flask\n"}, Case(no_git=True))
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(discover, "GIT_TIMEOUT_SECONDS", 0.5)
    index = discover.build_index(repo)
    assert (index.is_git, sorted(index.untracked)) == (False, ["requirements.txt"])
    assert index.notes == ["`git ls-files` took over 0 s; walked the tree instead"]


def test_git_never_runs_the_repositorys_fsmonitor(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"requirements.txt": "flask\n"}, Case())
    marker = tmp_path / "ran"
    git(repo, "config", "core.fsmonitor", f"touch '{marker}'; false")
    assert discover.build_index(repo).is_git
    assert not marker.exists()


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({"PATH": ""}, id="git not on PATH"),
        pytest.param({"GIT_DIR": "/nonexistent"}, id="GIT_DIR elsewhere"),
        pytest.param({"GIT_INDEX_FILE": "Dockerfile"}, id="GIT_INDEX_FILE not an index"),
        pytest.param({"GIT_INDEX_FILE": "/nonexistent/index"}, id="GIT_INDEX_FILE missing"),
        pytest.param({"GIT_WORK_TREE": "/"}, id="GIT_WORK_TREE elsewhere"),
    ],
)
def test_git_environment_variables(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "r", {"Dockerfile": DOCKERFILE, "requirements.txt": "a\n"}, Case())
    assert_clean_runs(repo, env=env)


@POSIX
def test_links_out_loops_and_devices_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "base.txt").write_text("flask\n")
    links = {
        "requirements.txt": "/dev/zero", "pyproject.toml": "/dev/urandom", "setup.py": "/dev/zero",
        "compose.yaml": "loop", "loop": "compose.yaml", "sub/self": "../sub", "etc": str(outside),
        "Dockerfile.missing": "/nonexistent/dir/Dockerfile",
    }  # fmt: skip
    files = {"Dockerfile": DOCKERFILE, "requirements-dev.txt": "-r etc/base.txt\n"}
    repo = make_repo(tmp_path / "r", files, Case(symlinks=links))
    assert_clean_runs(repo)
    outcome = lint(repo, environ={})
    unread = [
        (f.path, f.message.rpartition(": ")[2]) for f in outcome.findings if f.code == "EL001"
    ]
    assert unread == [  # a dangling link or a loop is unreadable; a link out is not read
        ("Dockerfile.missing", "No such file or directory"),
        ("compose.yaml", "Too many levels of symbolic links"),
    ]


@POSIX
def test_read_regular_file_opens_only_regular_files(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "file").write_bytes(b"0123456789")
    assert read_regular_file(tmp_path / "fifo", 10) is None
    assert read_regular_file("/dev/zero", 10) is None
    assert read_regular_file(tmp_path, 10) is None
    assert read_regular_file(tmp_path / "file", 4) == b"0123"


@POSIX
def test_file_names_that_are_not_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "r"
    for directory in ("a\udcff", "nl\ndir", "-rf", "sp ace", "esc\x1b[31m"):
        (repo / directory).mkdir(parents=True)
        (repo / directory / "Dockerfile").write_text("FROM python:3.12\n")
    make_repo(repo, {}, Case())
    assert_clean_runs(repo)
    assert_clean_runs(repo, env={"PYTHONIOENCODING": "ascii"})
    paths = [f.path for f in lint(repo, environ={}).findings]
    assert paths == [
        "-rf/Dockerfile", "a\\xff/Dockerfile", "esc\\x1b[31m/Dockerfile", "nl\\x0adir/Dockerfile",
        "sp ace/Dockerfile",
    ]  # fmt: skip
    assert main([str(repo), "--format", "sarif"]) == 0
    assert main(["--", str(repo / "-rf")]) == 0
    assert "\x1b" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        pytest.param("a\udcff/Dockerfile", "a\\xff/Dockerfile", id="undecodable byte"),
        pytest.param("nl\ndir", "nl\\x0adir", id="newline"),
        pytest.param("\x1b[31mred", "\\x1b[31mred", id="terminal escape"),
        pytest.param("tab\tand é …", "tab\tand é …", id="tab and non-ASCII kept"),
        pytest.param("lone \ud800", "lone \\ud800", id="lone surrogate from JSON"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


@pytest.mark.parametrize("name", ARTIFACTS)
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\x00" * 64, id="NUL bytes"),
        pytest.param(b"FROM python:3.12\x00\nflask==1\x00\n[project]\x00\n", id="NUL inside"),
        pytest.param(b"\xff\xfe\xfa\n\xc3\x28\n", id="invalid UTF-8"),
        pytest.param(bytes(range(256)), id="every byte"),
        pytest.param("requests\nFROM x\n".encode("utf-16"), id="UTF-16"),
    ],
)
def test_binary_content_in_every_artifact(tmp_path: Path, name: str, content: bytes) -> None:
    files: dict[str, str | bytes] = {
        name: content,
        ".venv/bin/python": "",
        "docker-compose.yml": "services: {a: {build: .}}\n",
    }
    files.setdefault(
        "Dockerfile", "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"
    )
    repo = make_repo(tmp_path / "r", files, Case())
    outcome = lint(repo, environ={})
    assert outcome.internal_errors == []
    assert all("\x00" not in f.message for f in outcome.findings)


def test_an_oversized_file_is_skipped_with_a_note(tmp_path: Path) -> None:
    big = b"flask==1.0\n" * ((5 << 20) // 11)
    repo = make_repo(tmp_path / "r", {"requirements.txt": big}, Case(no_git=True))
    outcome = lint(repo, use_git=False, environ={})
    assert (outcome.findings, outcome.notes) == (
        [],
        ["requirements.txt: larger than 4 MiB, skipped"],
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(
            ["--config", "/dev/zero"], "--config /dev/zero: not a regular file", id="device"
        ),
        pytest.param(["--config", "."], "--config .: Is a directory", id="directory"),
        pytest.param(
            ["--config", "bin.toml"], "bin.toml: invalid TOML: 'utf-8' codec", id="binary"
        ),
        pytest.param(["--config", "deep.toml"], "deep.toml: invalid TOML: nested too", id="deep"),
        pytest.param([""], "'': not a directory", id="empty path"),
    ],
)
def test_bad_arguments_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    args: list[str], error: str,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bin.toml").write_bytes(b"\xcf\xff\x00" * 100)
    (tmp_path / "deep.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    path = [] if args == [""] else [str(tmp_path)]
    assert main([*path, *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"envlint: error: {error}") and err.count("\n") == 1


def test_config_dev_null_is_an_empty_config(tmp_path: Path) -> None:
    assert main([str(tmp_path), "--config", os.devnull]) == 0


def test_output_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dockerfile = "FROM python:3.12\nCOPY . .\nRUN pip install -r requirements.txt\n"
    files = {"Dockerfile": dockerfile, "requirements.txt": ""}
    repo = make_repo(tmp_path / "r", files, Case(no_git=True))
    ascii_out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", ascii_out)
    assert main([str(repo), "--no-git"]) == 1
    assert b"\\u2026" in ascii_out.buffer.getvalue()
    if Path("/dev/full").exists():
        assert main([str(repo), "--no-git", "--output-file", "/dev/full"]) == 2
        assert capsys.readouterr().err.startswith("envlint: error: --output-file /dev/full: ")


def test_an_internal_error_is_one_short_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise ValueError("x\n" * 10_000)

    monkeypatch.setattr("envlint.runner.lint", broken)
    monkeypatch.delenv("ENVLINT_DEBUG", raising=False)
    assert main([str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 300 and err.startswith("envlint: internal error")


# --- bounds on work: each of these took from 7 s to minutes ---------------------------------


def test_catastrophic_gitignore_patterns_in_a_walk(tmp_path: Path) -> None:
    deep = "/".join(["a"] * 40) + "/" + "a" * 200 + "c"
    patterns = "**/a/**/a/**/a/**/a/**/a/**/a/**/b\n" + "a*" * 2000 + "b\n[[[[\n" + "\\" * 99
    files = {deep: "x\n", ".gitignore": patterns, "Dockerfile": "FROM python:3.12\nCOPY . .\n"}
    repo = make_repo(tmp_path / "r", files, Case(no_git=True))
    start = time.monotonic()
    index = discover.build_index(repo, use_git=False)
    assert time.monotonic() - start < 5
    assert sorted(index.untracked) == [".gitignore", "Dockerfile", deep]


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        pytest.param("**/a/**/b/**/c", "**/c", id="middle dropped: a superset"),
        pytest.param("x/**/a/**/b/**", "x/**", id="trailing double star"),
        pytest.param("!**/a/**/b/**/c", "", id="a re-include of a superset is dropped"),
        pytest.param("**/a/**/b", "**/a/**/b", id="two are kept"),
        pytest.param("a**/b**/c**/d", "a**/b**/c**/d", id="stars inside a name"),
    ],
)
def test_bounded_gitignore_line(line: str, pattern: str) -> None:
    assert bounded(line) == pattern


def test_setup_py_too_large_for_libcst_is_unknown() -> None:
    text = "from setuptools import setup\nR = []\n" + "R = R + ['a']\n" * 4000
    start = time.monotonic()
    result, errors = parse_setuppy(text + "setup(name='x', install_requires=R)\n")
    assert time.monotonic() - start < 2
    assert (result.install_requires, result.name, errors) == (None, None, [])


def test_a_long_shell_script_is_not_read() -> None:
    assert tokenize("echo " + "a" * MAX_SCRIPT_CHARS) is None
    assert tokenize("echo a && echo b") is not None


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param(
            "FROM python:3.12 AS s0\n" + "".join(f"FROM s{i} AS s{i + 1}\n" for i in range(9999)),
            (f"more than {MAX_STAGES} build stages: too large to check", MAX_STAGES + 1),
            id="10,000 stages",
        ),
        pytest.param(
            "FROM python:3.12\n" + "RUN . /v/bin/activate\nCOPY . .\n" * 5000,
            (
                f"more than {MAX_INSTRUCTIONS} instructions: too large to check",
                MAX_INSTRUCTIONS + 1,
            ),
            id="10,000 instructions",
        ),
    ],
)
def test_dockerfile_bounds(text: str, error: tuple[str, int]) -> None:
    _, errors = parse_dockerfile(text)
    assert [(e.message, e.line) for e in errors] == [error]


@pytest.mark.parametrize(
    "dockerfile",
    [
        pytest.param("FROM python:3.12\nRUN echo " + "a" * 1_000_000 + "\n", id="1 MB word"),
        pytest.param("FROM python:3.12\nRUN true" + " && pip install x" * 60_000, id="1 MB RUN"),
        pytest.param(
            "FROM python:3.12 AS a\nCOPY --from=b /v /v\nFROM python:3.12 AS b\n"
            "COPY --from=a /v /v\nFROM b AS c\nCOPY --from=c /v /w\n",
            id="COPY --from cycle",
        ),
        pytest.param(
            "FROM python:3.12 AS s0\nRUN python -m venv /v\n"
            + "".join(f"FROM s{i} AS s{i + 1}\nCOPY --from=s{i} /v /v\n" for i in range(127)),
            id="128 chained stages",
        ),
    ],
)
def test_large_dockerfiles_lint_quickly(tmp_path: Path, dockerfile: str) -> None:
    repo = make_repo(tmp_path / "r", {"Dockerfile": dockerfile}, Case(no_git=True))
    start = time.monotonic()
    outcome = lint(repo, use_git=False, environ={})
    assert time.monotonic() - start < 5
    assert outcome.internal_errors == []
