"""The early sign of decline: the people active each week sliding, told apart from a season and a wobble.

The stage rules compare 4-week blocks of "anyone active once": someone who still looks in once a month keeps
the block full while use thins, so a slide shows there late. The people active in each week fall as soon as use
thins, so a line fitted through the last weeks tells a slide within a month of its start — long before the last
user leaves. The line is judged against the unit's usual week and against its own scatter, so that a week-to-week
wobble, a return to normal after a busy spell and a handful of people do not read as a slide. Quiet weeks (declared,
or quiet a year earlier) are skipped, and a fall that the same weeks a year earlier showed as well is the season's.

Weeks are counted back from the as-of date: `weekly[0]` is the people active in the latest 7 days. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import median

from portal.services.health.calendar import YEAR_WEEKS
from portal.services.health.measures import SEASONAL_MARGIN, TREND_MIN_PEOPLE

SLOPE_WEEKS = 8  # the line is fitted through the last 8 counted weeks: two months, so that a few odd weeks
# cannot make a slope, and a slide of about three months is seen in its first half
USUAL_WEEKS = 8  # the unit's usual week: the median of the 8 counted weeks before those
MIN_USUAL_PEOPLE = TREND_MIN_PEOPLE  # on a smaller base one person more or less is a swing of 20%: not a trend
MIN_FALL_SHARE = 0.2  # over the 8 weeks the line falls by a fifth of the usual week or more…
MIN_FALL_PEOPLE = 3  # …and by 3 people or more: two people fewer is an absence, not a slide
MAX_END_SHARE = 0.8  # the line ends below 80% of the usual week: a return to normal after a busy spell is no fall
SIGNIFICANCE = 2.5  # the slope lies more than 2.5 standard errors below zero, the error judged from the weeks'
# scatter around the line and the usual weeks' scatter together: a unit whose weeks swing widely (a tool used
# now and then) needs a clearer fall. A ±10% wobble fits at most a fall of a quarter that ends near 87% of the
# usual week, which is too shallow and too noisy to pass.
HOLD_WEEKS = 2  # the slide must show as of two weeks in a row: one bad week (a flu, a trade fair) is not a slide


@dataclass(frozen=True, slots=True)
class WeeklySlide:
    """A slide of the weekly active people, with the figures its reason states."""

    weeks: int  # the counted weeks the line was fitted through
    first: int  # people active in the first of them
    last: int  # … and in the latest
    usual: float  # the usual week before them

    @property
    def reason(self) -> str:
        return (
            f"early sign of decline: weekly active people falling over {self.weeks} weeks: "
            f"{self.first} → {self.last} (usually {self.usual:g})"
        )


@dataclass(frozen=True, slots=True)
class _Line:
    start: float  # the fitted value at the first week
    end: float  # … at the latest
    slope: float  # people a week (negative: falling)
    squares: float  # the sum of the squared residuals: the weeks' scatter around the line
    sxx: float  # the spread of the weeks along the line (for the slope's error)


def _fit(values: Sequence[float]) -> _Line:
    """The least-squares line through the values (oldest first, one a week)."""
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    sxx = sum((x - mean_x) ** 2 for x in range(n))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values)) / sxx
    squares = sum((y - mean_y - slope * (x - mean_x)) ** 2 for x, y in enumerate(values))
    return _Line(mean_y - slope * mean_x, mean_y + slope * (n - 1 - mean_x), slope, squares, sxx)


def _falls(values: Sequence[float], usual_weeks: Sequence[float]) -> bool:
    """Whether the values fall clearly below the usual weeks. The wobble is judged from the scatter around the line
    and the scatter of the usual weeks together: six weeks alone can lie close to a line by chance."""
    usual = median(usual_weeks)
    line = _fit(values)
    fall = line.start - line.end
    mean = sum(usual_weeks) / len(usual_weeks)
    usual_squares = sum((value - mean) ** 2 for value in usual_weeks)
    freedom = len(values) - 2 + len(usual_weeks) - 1
    error = math.sqrt((line.squares + usual_squares) / freedom / line.sxx)
    return (
        fall >= MIN_FALL_SHARE * usual
        and fall >= MIN_FALL_PEOPLE
        and line.end < MAX_END_SHARE * usual
        and line.slope + SIGNIFICANCE * error < 0
    )


def _counted(quiet: Callable[[int], bool], latest: int, limit: int, count: int) -> list[int]:
    """The first `count` weeks from `latest` back that are not quiet, within the data."""
    weeks: list[int] = []
    week = latest
    while len(weeks) < count and week < limit:
        if not quiet(week):
            weeks.append(week)
        week += 1
    return weeks


def _slide_at(weekly: Sequence[int], quiet: Callable[[int], bool], limit: int, latest: int) -> WeeklySlide | None:
    if quiet(latest):
        return None  # a quiet time now: any fall is expected
    weeks = _counted(quiet, latest, limit, SLOPE_WEEKS + USUAL_WEEKS)
    if len(weeks) < SLOPE_WEEKS + USUAL_WEEKS:
        return None  # not yet enough history to know the usual week
    recent, before = weeks[SLOPE_WEEKS - 1 :: -1], weeks[SLOPE_WEEKS:]  # recent: oldest first
    values, usual_weeks = [weekly[week] for week in recent], [weekly[week] for week in before]
    usual = median(usual_weeks)
    if usual < MIN_USUAL_PEOPLE or not _falls(values, usual_weeks):
        return None
    if max(weeks) + YEAR_WEEKS < limit:
        # The same weeks a year earlier: when they fell (nearly) as far, the fall is the season's.
        last_usual = median(weekly[week + YEAR_WEEKS] for week in before)
        last_values = [weekly[week + YEAR_WEEKS] for week in recent]
        if last_usual > 0 and _fall_share(last_values, last_usual) >= SEASONAL_MARGIN * _fall_share(values, usual):
            return None
    return WeeklySlide(len(recent), values[0], values[-1], usual)


def _fall_share(values: Sequence[float], usual: float) -> float:
    line = _fit(values)
    return (line.start - line.end) / usual


def weekly_slide(weekly: Sequence[int], quiet: Callable[[int], bool], observed_weeks: int) -> WeeklySlide | None:
    """The slide of the weekly active people as of the latest week, or None.

    `weekly[w]`: the people active in week w; `quiet(w)`: week w is a quiet time for the unit; weeks at or beyond
    `observed_weeks` lie before the data begins. The slide must be seen as of each of the last HOLD_WEEKS weeks.
    """
    limit = min(observed_weeks, len(weekly))
    found = [_slide_at(weekly, quiet, limit, latest) for latest in range(HOLD_WEEKS)]
    return found[0] if all(found) else None
