"""The embedded CPython end-of-life table and the run date (RULES.md EL402)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from envlint.eol import EOL_TABLE, eol_date, eol_effective, is_end_of_life, run_date


@pytest.mark.parametrize(
    ("minor", "today", "expected"),
    [
        pytest.param((2, 7), date(2020, 1, 1), False, id="2.7 on its last day"),
        pytest.param((2, 7), date(2020, 1, 2), True, id="2.7 the day after"),
        pytest.param((3, 6), date(2021, 12, 23), False, id="3.6 on 2021-12-23"),
        pytest.param((3, 6), date(2021, 12, 24), True, id="3.6 on 2021-12-24"),
        pytest.param((3, 7), date(2023, 6, 28), True, id="3.7 on 2023-06-28"),
        pytest.param((3, 8), date(2024, 10, 7), False, id="3.8 on its last day"),
        pytest.param((3, 8), date(2024, 10, 8), True, id="3.8 the day after"),
        pytest.param((3, 9), date(2025, 10, 31), False, id="3.9 on 2025-10-31"),
        pytest.param((3, 9), date(2025, 11, 1), True, id="3.9 on 2025-11-01"),
        pytest.param((3, 10), date(2026, 10, 31), False, id="month-only: last day of the month"),
        pytest.param((3, 10), date(2026, 11, 1), True, id="month-only: first of the next"),
        pytest.param((3, 11), date(2027, 11, 1), True, id="3.11 on 2027-11-01"),
        pytest.param((3, 12), date(2028, 10, 15), False, id="3.12 on 2028-10-15"),
        pytest.param((3, 13), date(2029, 11, 1), True, id="3.13 on 2029-11-01"),
        pytest.param((3, 14), date(2030, 10, 31), False, id="3.14 on 2030-10-31"),
        pytest.param((3, 14), date(2030, 11, 1), True, id="3.14 on 2030-11-01"),
        pytest.param((3, 5), date(2000, 1, 1), True, id="older than the table: 3.x"),
        pytest.param((2, 6), date(2000, 1, 1), True, id="older than the table: 2.x"),
        pytest.param((3, 15), date(2100, 1, 1), False, id="unlisted future minor is unknown"),
        pytest.param((4, 0), date(2100, 1, 1), False, id="unknown major"),
    ],
)
def test_is_end_of_life(minor: tuple[int, int], today: date, expected: bool) -> None:
    assert is_end_of_life(minor, today) is expected


@pytest.mark.parametrize(
    ("minor", "written", "effective"),
    [
        pytest.param((2, 7), "2020-01-01", date(2020, 1, 2), id="2.7 exact 2020-01-01"),
        pytest.param((3, 6), "2021-12-23", date(2021, 12, 24), id="3.6 exact 2021-12-23"),
        pytest.param((3, 7), "2023-06-27", date(2023, 6, 28), id="3.7 exact 2023-06-27"),
        pytest.param((3, 8), "2024-10-07", date(2024, 10, 8), id="3.8 exact 2024-10-07"),
        pytest.param((3, 9), "2025-10-31", date(2025, 11, 1), id="3.9 exact 2025-10-31"),
        pytest.param((3, 10), "2026-10", date(2026, 11, 1), id="3.10 month-only 2026-10"),
        pytest.param((3, 11), "2027-10", date(2027, 11, 1), id="3.11 month-only 2027-10"),
        pytest.param((3, 12), "2028-10", date(2028, 11, 1), id="3.12 month-only 2028-10"),
        pytest.param((3, 13), "2029-10", date(2029, 11, 1), id="3.13 month-only 2029-10"),
        pytest.param((3, 14), "2030-10", date(2030, 11, 1), id="3.14 month-only 2030-10"),
        pytest.param((3, 5), None, None, id="not in the table"),
        pytest.param((3, 15), None, None, id="future"),
    ],
)
def test_eol_dates(minor: tuple[int, int], written: str | None, effective: date | None) -> None:
    assert eol_date(minor) == written
    assert eol_effective(minor) == effective


def test_table_is_the_catalogs() -> None:
    assert len(EOL_TABLE) == 10


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("1700000000", date(2023, 11, 14), id="timestamp"),
        pytest.param("0", date(1970, 1, 1), id="epoch"),
        pytest.param("86399", date(1970, 1, 1), id="last second of a UTC day"),
        pytest.param("86400", date(1970, 1, 2), id="first second of the next"),
        pytest.param(" 1700000000\n", date(2023, 11, 14), id="surrounding whitespace"),
    ],
)
def test_run_date_from_source_date_epoch(value: str, expected: date) -> None:
    assert run_date({"SOURCE_DATE_EPOCH": value}) == expected


def _is_today(found: date) -> bool:
    # A run straddling midnight UTC may see either day.
    before = datetime.now(tz=timezone.utc).date()
    return found in (before, before - timedelta(days=1))


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param({}, id="unset"),
        pytest.param({"SOURCE_DATE_EPOCH": ""}, id="empty"),
        pytest.param({"SOURCE_DATE_EPOCH": "abc"}, id="not a number"),
        pytest.param({"SOURCE_DATE_EPOCH": "1.5"}, id="fraction"),
        pytest.param({"SOURCE_DATE_EPOCH": "-5"}, id="negative"),
        pytest.param({"SOURCE_DATE_EPOCH": "9" * 40}, id="overflow"),
        pytest.param({"SOURCE_DATE_EPOCH": "١٢٣"}, id="non-ASCII digits"),
    ],
)
def test_run_date_falls_back_to_today(environ: dict[str, str]) -> None:
    assert _is_today(run_date(environ))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_run_date_never_raises(value: str) -> None:
    assert isinstance(run_date({"SOURCE_DATE_EPOCH": value}), date)
