"""Rules family module (being written)."""

from __future__ import annotations
