"""pyvenv.cfg, read as tolerantly as Python's site.py reads it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from envlint.model import ParseError
from envlint.parsers.pythonversion import DeclaredPython, version_spec

# virtualenv writes sys.version_info in full (`3.12.4.final.0`); venv and uv write `3.12.4`.
_VERSION = re.compile(
    r"(?P<release>\d{1,9}\.\d{1,9}\.\d{1,9})"
    r"(?:(?P<pre>a|b|rc)(?P<n>\d{1,9})|\.(?P<level>alpha|beta|candidate|final)\.(?P<serial>\d{1,9}))?"
    r"(?!\d)"
)
_LEVELS = {"alpha": "a", "beta": "b", "candidate": "rc", "final": ""}


@dataclass(frozen=True)
class PyvenvCfg:
    """All `key = value` pairs (keys lower-cased, the last one wins) and what they declare."""

    values: Mapping[str, str] = field(default_factory=dict)
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def home(self) -> str | None:
        return self.values.get("home")

    @property
    def version(self) -> str | None:
        """`version = 3.12.4`, as the venv module writes it."""
        return self.values.get("version")

    @property
    def version_info(self) -> str | None:
        """`version_info = 3.12.4` (uv) or `3.12.4.final.0` (virtualenv)."""
        return self.values.get("version_info")

    @property
    def implementation(self) -> str | None:
        """`cpython`, `pypy`, ... when written (virtualenv and uv write it; venv does not)."""
        value = self.values.get("implementation")
        return value.lower() if value else None

    @property
    def include_system_site_packages(self) -> bool | None:
        # site.py: only "true" (any case) turns the system site-packages on.
        value = self.values.get("include-system-site-packages")
        return None if value is None else value.lower() == "true"

    @property
    def prompt(self) -> str | None:
        return self.values.get("prompt")

    @property
    def uv(self) -> str | None:
        """The uv version that made the environment."""
        return self.values.get("uv")

    @property
    def virtualenv(self) -> str | None:
        """The virtualenv version that made the environment."""
        return self.values.get("virtualenv")

    @property
    def python(self) -> DeclaredPython | None:
        """The environment's interpreter as a declared release (`==3.12.4`), if readable."""
        key = "version_info" if "version_info" in self.values else "version"
        match = _VERSION.match(self.values.get(key, "").strip())
        if match is None:
            return None
        pre = match["pre"] + match["n"] if match["pre"] else ""
        if match["level"]:
            pre = _LEVELS[match["level"]] + (match["serial"] if match["level"] != "final" else "")
        text = match["release"] + pre
        major, minor = (int(part) for part in match["release"].split(".")[:2])
        executable = self.values.get("executable", self.values.get("base-executable", ""))
        return DeclaredPython(
            specifier=version_spec(text),
            text=text,
            line=self.lines.get(key),
            source="pyvenv.cfg",
            minor=(major, minor),
            implementation=self.implementation,
            free_threaded=re.search(r"python\d+\.\d+t(?:\.exe)?$", executable) is not None,
        )


def parse_pyvenv_cfg(text: str) -> tuple[PyvenvCfg, list[ParseError]]:
    """site.py: every line holding `=` is `key = value`; other lines are ignored. Never fails."""
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    # site.py iterates a text-mode file: universal newlines.
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if "=" in line:
            key, _, value = line.partition("=")
            key = key.strip().lower()
            values[key], lines[key] = value.strip(), number
    return PyvenvCfg(values, lines), []
