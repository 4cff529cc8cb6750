"""The raw usage data's retention: raw rows older than the kept months go, the daily rollups stay."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete

from models import UsageEvent, db


def retention_cutoff(today: date, months: int) -> date:
    """The first day still kept: the same day of the month, `months` months ago (clamped to month ends)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: day 1 always exists")


def purge_raw_activity(today: date, months: int) -> int:
    """Delete raw usage rows older than the retention; the daily rollups already hold what they said."""
    cutoff = retention_cutoff(today, months)
    result = db.session.execute(delete(UsageEvent).where(UsageEvent.day < cutoff))
    return result.rowcount or 0
