"""The one clock: what moment and which day it is for Rapport.

Everything that asks "now" or "today" asks here, through the module (`clock.today()`), so a test or the
byte-for-byte comparison in `bench/identical.py` freezes the whole portal by replacing `now` in one place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """The as-of date of "now": the current UTC day, as the usage rollups count days in UTC."""
    return now().date()
