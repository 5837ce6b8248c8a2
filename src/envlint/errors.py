"""The one exception envlint expects: it becomes one line on stderr and exit 2."""

from __future__ import annotations


class EnvlintError(Exception):
    pass
