"""envlint: lint a Python repository's environment, across its files."""

from __future__ import annotations

__version__ = "0.1.0"
