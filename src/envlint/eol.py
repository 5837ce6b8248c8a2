"""End-of-life dates of CPython minors (RULES.md EL402) and the run date they are checked on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

# RULES.md EL402's embedded table, written as the table writes it (month-only where the
# release PEP gives only a month, e.g. PEP 619 for 3.10).
EOL_TABLE: Mapping[tuple[int, int], str] = {
    (2, 7): "2020-01-01",
    (3, 6): "2021-12-23",
    (3, 7): "2023-06-27",
    (3, 8): "2024-10-07",
    (3, 9): "2025-10-31",
    (3, 10): "2026-10",
    (3, 11): "2027-10",
    (3, 12): "2028-10",
    (3, 13): "2029-10",
    (3, 14): "2030-10",
}
# The oldest minor each major's table starts at: every earlier minor of that major is past its
# end of life too (3.5 ended in 2020, 2.6 in 2013), even though the table does not list them.
_OLDEST_LISTED = {2: 7, 3: 6}


def eol_date(minor: tuple[int, int]) -> str | None:
    """The end-of-life date as the table writes it (`2024-10-07`, `2026-10`), else None."""
    return EOL_TABLE.get(minor)


def eol_effective(minor: tuple[int, int]) -> date | None:
    """The first day the minor counts as past its end of life, else None (unlisted)."""
    text = EOL_TABLE.get(minor)
    if text is None:
        return None
    year, month, *day = (int(part) for part in text.split("-"))
    if day:
        # An exact date is the last day of support: the minor is past it the day after.
        return date(year, month, day[0]) + timedelta(days=1)
    # A month-only date ends with that month: past it on the first day of the next month.
    return date(year + month // 12, month % 12 + 1, 1)


def is_end_of_life(minor: tuple[int, int], today: date) -> bool:
    """Whether CPython `minor` is past its end of life on `today`; False for unknown minors."""
    major, number = minor
    if major in _OLDEST_LISTED and number < _OLDEST_LISTED[major]:
        return True
    effective = eol_effective(minor)
    return effective is not None and today >= effective


def run_date(environ: Mapping[str, str]) -> date:
    """Today in UTC, or the UTC date of `SOURCE_DATE_EPOCH` when it holds a valid timestamp.

    reproducible-builds.org: the value is an integer count of seconds since the epoch.
    """
    value = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if re.fullmatch(r"[0-9]+", value, flags=re.ASCII):
        try:
            return datetime.fromtimestamp(int(value), tz=timezone.utc).date()
        except (OverflowError, OSError, ValueError):
            pass
    return datetime.now(tz=timezone.utc).date()
