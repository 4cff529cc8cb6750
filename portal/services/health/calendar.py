"""A unit's calendar as the scoring sees it: which weeks and days are quiet, and which ones count.

A drop that is normal for a unit at that time must not be held against it. Two things say what is normal:
the quiet periods the unit declared (`08-01..08-31` for a site that closes in August), and — once a year of
history exists — the unit's own activity in the same weeks a year earlier. Quiet days are left out of the
windows the measures look at: a 30-day window in August reaches back into July for its 30 counted days, and a
baseline of three 4-week blocks skips the holiday weeks. So the season neither lowers a score during the
quiet time nor lowers the baseline afterwards (which would make the return look like growth).

Weeks are counted back from the as-of date: week 0 is the 7 days ending on it, week 1 the 7 days before, …
Pure functions: no database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from statistics import median

from portal.services.health.quiet_periods import QuietPeriod, in_quiet_period

WINDOW_DAYS = 30  # the measures' window: the last 30 counted days
BLOCK_WEEKS = 4  # trend and stage signals compare 4-week blocks…
BASELINE_BLOCKS = 6  # …against the median of the six blocks before (about half a year: a slow slide shows)
YEAR_WEEKS = 52  # "the same weeks a year earlier": 364 days back, so weekdays line up
LEARNED_QUIET_SHARE = 0.5  # a week last year below half the unit's usual weekly activity was a quiet week
LEARNED_SPAN_WEEKS = 13  # "usual" for that: the median of the weeks around it, 13 either side…
LEARNED_MIN_WEEKS = 8  # …of which at least this many must hold data
LEARNED_MIN_PEOPLE = 5  # a unit usually this small has weeks without anyone by chance, not by season
MAX_REACH_DAYS = 365  # a window never reaches back further than this, however much is quiet
CALENDAR_WEEKS = 130  # the weeks a calendar knows about: the scoring's whole history (facts.HISTORY_WEEKS)


def week_start(as_of: date, week: int) -> date:
    return as_of - timedelta(days=7 * week + 6)


def week_of(as_of: date, day: date) -> int:
    return (as_of - day).days // 7


def never(_day: date) -> bool:
    """No declared quiet period: most units. Known by identity, so a calendar skips the day-by-day check."""
    return False


def declared_quiet(periods: Sequence[QuietPeriod]) -> Callable[[date], bool]:
    if not periods:
        return never
    return partial(in_quiet_period, periods)


def learned_quiet_weeks(weekly_active: Sequence[int], observed_weeks: int, horizon: int) -> frozenset[int]:
    """The weeks 0…horizon-1 whose same week a year earlier was quiet for the unit.

    `weekly_active[w]` is the unit's distinct active people in week w; weeks at or beyond `observed_weeks`
    lie before its data begins and say nothing.
    """
    quiet = set()
    for week in range(horizon):
        last_year = week + YEAR_WEEKS
        if last_year >= observed_weeks or last_year >= len(weekly_active):
            continue
        around = [
            weekly_active[w]
            for w in range(last_year - LEARNED_SPAN_WEEKS, last_year + LEARNED_SPAN_WEEKS + 1)
            if 0 <= w < min(observed_weeks, len(weekly_active)) and w != last_year
        ]
        if len(around) < LEARNED_MIN_WEEKS:
            continue
        usual = median(around)
        if usual >= LEARNED_MIN_PEOPLE and weekly_active[last_year] < LEARNED_QUIET_SHARE * usual:
            quiet.add(week)
    return frozenset(quiet)


@dataclass(frozen=True, slots=True)
class UnitCalendar:
    """The quiet days and weeks of one unit, as of one date."""

    as_of: date
    declared: Callable[[date], bool]
    learned_weeks: frozenset[int]
    declared_text: str = ""  # how the declared periods read ("1 Aug – 31 Aug"), for the reasons
    # Weeks with 4 or more declared quiet days, worked out once: the stage replay asks about every week of
    # every subscription of the unit.
    declared_weeks: frozenset[int] = field(init=False)
    # Weeks with any declared quiet day: a week with two holidays in it is no measure of a weekly level.
    touched_weeks: frozenset[int] = field(init=False)
    blocks_cache: dict[tuple[int, int], list[list[int]]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        def declared_days(week: int) -> int:
            start = week_start(self.as_of, week)
            return sum(self.declared(start + timedelta(days=offset)) for offset in range(7))

        days = {} if self.declared is never else {week: declared_days(week) for week in range(CALENDAR_WEEKS)}
        object.__setattr__(self, "declared_weeks", frozenset(week for week, count in days.items() if count >= 4))
        object.__setattr__(self, "touched_weeks", frozenset(week for week, count in days.items() if count))

    def day_is_quiet(self, day: date) -> bool:
        return self.declared(day) or week_of(self.as_of, day) in self.learned_weeks

    def week_is_quiet(self, week: int) -> bool:
        return week in self.declared_weeks or week in self.learned_weeks

    def week_has_quiet_days(self, week: int) -> bool:
        """Any quiet day in the week: its weekly level is not comparable with a full week's."""
        return week in self.touched_weeks or week in self.learned_weeks

    def window_start(self, end: date | None = None, days: int = WINDOW_DAYS) -> date:
        """The first day of the window of `days` counted (not quiet) days that ends on `end`."""
        end = end or self.as_of
        counted = 0
        day = end
        while day > end - timedelta(days=MAX_REACH_DAYS):
            if not self.day_is_quiet(day):
                counted += 1
                if counted == days:
                    return day
            day -= timedelta(days=1)
        return end - timedelta(days=days - 1)  # all quiet: a plain window, and the season explains the rest

    def counted_weeks(self, from_week: int, count: int, limit: int) -> list[int]:
        """The first `count` weeks from `from_week` on (going back) that are not quiet, below `limit`."""
        weeks: list[int] = []
        week = from_week
        while len(weeks) < count and week < limit:
            if not self.week_is_quiet(week):
                weeks.append(week)
            week += 1
        return weeks

    def season_of(self, day: date) -> str | None:
        """Why `day` is quiet for this unit, in words; None when it is not."""
        if self.declared(day):
            return f"a declared quiet period, {self.declared_text}" if self.declared_text else "a declared quiet period"
        if week_of(self.as_of, day) in self.learned_weeks:
            return "the same weeks last year were quiet"
        return None


def blocks(calendar: UnitCalendar, week: int, limit: int) -> list[list[int]]:
    """For the period ending with `week`: the current 4-week block and the baseline blocks before it,
    skipping quiet weeks. A block that cannot be filled (the data or the horizon ends) is left out.
    The answer depends on the unit's calendar only, so all its subscriptions share it."""
    key = (week, limit)
    if key not in calendar.blocks_cache:
        weeks = calendar.counted_weeks(week, BLOCK_WEEKS * (1 + BASELINE_BLOCKS), limit)
        found = [weeks[i : i + BLOCK_WEEKS] for i in range(0, len(weeks), BLOCK_WEEKS)]
        calendar.blocks_cache[key] = [block for block in found if len(block) == BLOCK_WEEKS]
    return calendar.blocks_cache[key]


def mask_of(weeks: Sequence[int]) -> int:
    mask = 0
    for week in weeks:
        mask |= 1 << week
    return mask


def plain_weeks(week: int, blocks_back: int = 0) -> range:
    """The 4 weeks `blocks_back` blocks before `week`, quiet or not (for last year's figures)."""
    first = week + BLOCK_WEEKS * blocks_back
    return range(first, first + BLOCK_WEEKS)
