"""Calendar months, each named by its first day: what the reports and charts count by."""

from __future__ import annotations

from datetime import date


def shift(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day` (before it when negative)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_day(day: date) -> date:
    """The last day of the month of `day`."""
    return date.fromordinal(shift(day, 1).toordinal() - 1)


def month_starts(day: date, count: int) -> list[date]:
    """The first days of the `count` months that end with the month of `day`, oldest first."""
    return [shift(day, back) for back in range(1 - count, 1)]
