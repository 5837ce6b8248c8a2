"""Benchmark envlint against reference commands on synthetic repositories.

    python bench/run.py [--sizes 1000,10000,100000] [--runs 7] [--hadolint PATH]

Builds git repositories of N files (sources, a few manifests, Dockerfiles, an ignored venv),
then times `envlint` (this interpreter's console script) next to `git ls-files` and
`python -I -c pass`, and prints medians and ratios. With --hadolint, also times one envlint
run and one hadolint run over the same 50 Dockerfiles. Timing lives here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "b",
    "GIT_AUTHOR_EMAIL": "b@example.invalid",
    "GIT_COMMITTER_NAME": "b",
    "GIT_COMMITTER_EMAIL": "b@example.invalid",
}
DOCKERFILE = """\
# syntax=docker/dockerfile:1
ARG PY=3.12
FROM python:${{PY}}-slim AS build
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt
COPY . .
FROM python:3.12-slim
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY . .
USER 1000
CMD ["python", "-m", "svc{n}"]
"""


def make_repo(root: Path, files: int, dockerfiles: int = 5) -> None:
    root.mkdir(parents=True)
    per_dir = 100
    for i in range(files):
        d = root / "src" / f"pkg{i // per_dir}"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"mod{i % per_dir}.py").write_text(f"VALUE = {i}\n")
    for n in range(dockerfiles):
        svc = root / "services" / f"svc{n}"
        svc.mkdir(parents=True, exist_ok=True)
        (svc / "Dockerfile").write_text(DOCKERFILE.format(n=n))
        (svc / "requirements.txt").write_text("flask==3.1.2\ngunicorn==23.0.0\n")
        (svc / ".dockerignore").write_text(".venv\n__pycache__\n")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "bench"\nversion = "1"\nrequires-python = ">=3.10"\n'
        'dependencies = ["packaging>=23"]\n'
    )
    (root / ".gitignore").write_text("/.venv/\n__pycache__/\n")
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.3\n")
    (venv / "bin" / "python").write_text("")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=ENV)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=ENV)
    subprocess.run(["git", "commit", "-qm", "bench"], cwd=root, check=True, env=ENV)


def median_ms(argv: list[str], cwd: Path, runs: int) -> float:
    times = []
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False)  # warm the caches
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--hadolint", help="path to a hadolint binary for the Dockerfile race")
    args = parser.parse_args()
    envlint = shutil.which("envlint", path=str(Path(sys.executable).parent))
    if envlint is None:
        print("envlint is not installed next to this interpreter", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        base = median_ms([sys.executable, "-I", "-c", "pass"], Path(tmp), args.runs)
        print(f"python -I -c pass: {base:.1f} ms")
        header = ("files", "envlint", "git ls-files", "envlint/git", "envlint/python")
        print("{:>8} {:>10} {:>13} {:>12} {:>15}".format(*header))
        for size in (int(s) for s in args.sizes.split(",")):
            repo = Path(tmp) / f"repo{size}"
            make_repo(repo, size)
            lint = median_ms([envlint, "."], repo, args.runs)
            ls = median_ms(["git", "ls-files"], repo, args.runs)
            print(f"{size:>8} {lint:>8.1f}ms {ls:>11.1f}ms {lint / ls:>12.1f} {lint / base:>15.1f}")
        if args.hadolint:
            repo = Path(tmp) / "docker50"
            make_repo(repo, 10, dockerfiles=50)
            files = sorted(str(p) for p in repo.glob("services/*/Dockerfile"))
            lint = median_ms([envlint, "."], repo, args.runs)
            hado = median_ms([args.hadolint, "--no-fail", *files], repo, args.runs)
            print(f"50 Dockerfiles: envlint {lint:.1f} ms, hadolint {hado:.1f} ms, "
                  f"ratio {lint / hado:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
