"""What the repository's Dockerfiles build: facts several rule families share."""

from __future__ import annotations

import re

from envlint.project import Project

_CREATE = re.compile(
    r"(?:-m\s+venv|\bvirtualenv|\buv\s+venv)(?:\s+-{1,2}[\w-]+(?:[= ]\S+)?)*\s+(/[\w./-]+)"
)


def created_venv_paths(project: Project) -> frozenset[str]:
    from envlint.artifacts import is_dockerfile_name

    paths: set[str] = set()
    for path in project.files_where(is_dockerfile_name):
        data = project.read_bytes(path) or b""
        paths.update(
            m.group(1).rstrip("/") for m in _CREATE.finditer(data.decode("utf-8", "replace"))
        )
    return frozenset(paths)
