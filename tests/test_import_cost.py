"""Start-up cost as a pre-commit hook: which modules a run imports (never how long it takes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness import Case, make_repo

# No Dockerfile, compose file or setup.py: nothing here needs a Docker, YAML or libcst parser.
FILES = {
    "app.py": "print('hi')\n",
    "README.md": "# app\n",
    "requirements/dev.txt": "pytest==8.3.3\n",
    "docs/index.md": "docs\n",
}
NOT_IMPORTED = (
    "libcst",
    "yaml",
    "envlint.dockerinfo",
    "envlint.parsers.dockerfile",
    "envlint.parsers.shell",
)


def test_repository_without_dockerfile_imports_no_docker_module(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES, Case())
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "envlint", str(repo)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    # -X importtime writes `import time: <self> | <cumulative> | <indented module name>`.
    imported = {
        line.rpartition("|")[2].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "envlint.rules.docker_run" in imported  # every rule module was loaded and run
    assert "envlint.parsers.requirements" in imported
    assert [name for name in NOT_IMPORTED if name in imported] == []
