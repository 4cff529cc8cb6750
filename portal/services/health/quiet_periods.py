"""Recurring quiet periods of a unit (`MM-DD..MM-DD;…`): parsing, formatting, membership.

Pure functions: no database, no Flask. A range may wrap the year end (`12-20..01-06`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# A leap year, so that 02-29 is a valid day of a recurring range.
_REFERENCE_YEAR = 2024


class QuietPeriodError(ValueError):
    """The text is not a list of `MM-DD..MM-DD` ranges; the message says which part and why."""


@dataclass(frozen=True, order=True)
class QuietPeriod:
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]

    def __str__(self) -> str:
        return f"{self.start[0]:02d}-{self.start[1]:02d}..{self.end[0]:02d}-{self.end[1]:02d}"

    @property
    def wraps_year_end(self) -> bool:
        return self.end < self.start

    def contains(self, day: date) -> bool:
        point = (day.month, day.day)
        if self.wraps_year_end:
            return point >= self.start or point <= self.end
        return self.start <= point <= self.end

    def describe(self) -> str:
        def fmt(month_day: tuple[int, int]) -> str:
            return date(_REFERENCE_YEAR, *month_day).strftime("%-d %b")

        return f"{fmt(self.start)} – {fmt(self.end)}"


def _parse_month_day(text: str, whole: str) -> tuple[int, int]:
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(part.isdigit() and len(part) == 2 for part in parts):
        raise QuietPeriodError(f"“{whole}”: each end must be written MM-DD, like 08-01.")
    month, day = int(parts[0]), int(parts[1])
    try:
        date(_REFERENCE_YEAR, month, day)
    except ValueError:
        raise QuietPeriodError(f"“{whole}”: {text.strip()} is not a day of the year.") from None
    return month, day


def parse_quiet_periods(text: str | None) -> list[QuietPeriod]:
    """Parse `MM-DD..MM-DD` ranges separated by `;` (or new lines); empty text means none."""
    periods: list[QuietPeriod] = []
    for raw in (text or "").replace("\n", ";").split(";"):
        chunk = raw.strip()
        if not chunk:
            continue
        if chunk.count("..") != 1:
            raise QuietPeriodError(f"“{chunk}”: write a range as MM-DD..MM-DD, like 07-01..08-15.")
        start_text, end_text = chunk.split("..")
        periods.append(QuietPeriod(_parse_month_day(start_text, chunk), _parse_month_day(end_text, chunk)))
    return sorted(set(periods))


def format_quiet_periods(periods: list[QuietPeriod]) -> str:
    return ";".join(str(period) for period in periods)


def normalise_quiet_periods(text: str | None) -> str:
    """The canonical stored form: sorted, de-duplicated, `;`-separated."""
    return format_quiet_periods(parse_quiet_periods(text))


def in_quiet_period(periods: Iterable[QuietPeriod], day: date) -> bool:
    """Whether `day` falls in one of the periods: the one test the scoring's calendar and the demo ask."""
    return any(period.contains(day) for period in periods)


def is_quiet(text: str | None, day: date) -> bool:
    return in_quiet_period(parse_quiet_periods(text), day)
