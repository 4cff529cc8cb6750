"""Forecasts: the seats a subscription will need at its renewal, and a system's coming demand for training and
support. The method (docs/scoring.md, "Forecasts"): a straight line fitted by least squares to the recent
weekly figures, carried forward to the date, with a 90% prediction interval from the scatter around the line.
A line is honest about a trend and about its own uncertainty; it claims nothing about seasons.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from models import Subscription
from portal.services.catalog.seat_rule import gets_seat_advice
from portal.services.health.day_bits import days_between
from portal.services.health.facts import person_days

# Weekly points of the last quarter: long enough for a trend, short enough that last summer's quiet weeks do
# not read as a slope that goes on (a line claims nothing about seasons).
SAMPLES = 13
MONTH_DAYS = 30  # a seat is needed by whoever used the system in the last 30 days
Z90 = 1.645  # a two-sided 90% interval
MIN_POINTS = 4
HEADROOM = 1.10  # seats recommended: the expected use and a tenth more…
RECENT_WEEKS = 8  # …and never fewer than the most people a month of these last weeks


@dataclass(frozen=True)
class Projection:
    expected: float
    low: float
    high: float
    per_week: float  # the line's slope: per step (a week for the seats)


def project(points: Sequence[float], ahead: float) -> Projection | None:
    """The line through `points` (oldest first, one step apart: a week, a month), `ahead` steps after the last;
    None with too few points."""
    n = len(points)
    if n < MIN_POINTS:
        return None
    xs = range(n)
    mean_x, mean_y = (n - 1) / 2, sum(points) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, points, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = math.sqrt(sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, points, strict=True)) / (n - 2))
    at = n - 1 + ahead
    expected = intercept + slope * at
    spread = Z90 * residual * math.sqrt(1 + 1 / n + (at - mean_x) ** 2 / sxx)
    return Projection(max(expected, 0.0), max(expected - spread, 0.0), max(expected + spread, 0.0), slope)


REACH_DAYS = 7 * (SAMPLES - 1) + MONTH_DAYS  # the days of activity the weekly series needs


def monthly_active_from(
    days: dict[tuple[int, int], int], first: date, as_of: date, samples: int = SAMPLES
) -> dict[int, list[int]]:
    """From (system, person) → day bits starting on `first`: system id → the people active in the 30 days up
    to each of the last `samples` weeks' ends (oldest first)."""
    series: dict[int, list[int]] = {}
    ends = [as_of - timedelta(weeks=samples - 1 - index) for index in range(samples)]
    for (system_id, _person), bits in days.items():
        counts = series.setdefault(system_id, [0] * samples)
        for index, end in enumerate(ends):
            counts[index] += days_between(bits, first, end - timedelta(days=MONTH_DAYS - 1), end) > 0
    return series


def monthly_active(unit_id: int, as_of: date) -> dict[int, list[int]]:
    """The weekly series of a unit's systems, read from the day bits."""
    first = as_of - timedelta(days=REACH_DAYS - 1)
    return monthly_active_from(person_days(as_of, unit_id, REACH_DAYS), first, as_of)


@dataclass(frozen=True)
class SeatForecast:
    renewal: date
    seats: int
    active_now: int
    recent_peak: int  # the most people a month in the last RECENT_WEEKS weeks
    projection: Projection
    per_seat: Decimal
    currency: str

    @property
    def recommended(self) -> int:
        """The expected use with a tenth of headroom, never below the recent peak: a recommendation to cut
        seats must not take away what people used these last weeks. (The range is shown beside it: the top of
        a half year's prediction interval, seasons included, would keep most unused seats.)"""
        return max(math.ceil(self.projection.expected * HEADROOM - 1e-9), self.recent_peak)

    @property
    def saving(self) -> Decimal:
        """A year, at the current price per seat: negative when the use needs more seats."""
        return (self.per_seat * (self.seats - self.recommended)).quantize(Decimal("1"))


def seats_at_renewal(
    series: Sequence[int], seats: int, annual_cost: Decimal, currency: str, renewal: date, as_of: date
) -> SeatForecast | None:
    projection = project(series, max((renewal - as_of).days, 0) / 7)
    if projection is None:
        return None
    per_seat = annual_cost / seats if seats else Decimal(0)
    recent = max(series[-RECENT_WEEKS:], default=0)
    return SeatForecast(renewal, seats, series[-1] if series else 0, recent, projection, per_seat, currency)


def renewal_forecast(
    subscription: Subscription, series: Sequence[int] | None, as_of: date, within_days: int | None = None
) -> SeatForecast | None:
    """The seats a subscription's next renewal needs, from its weekly series (none read: nobody active), when
    it renews after `as_of` (and within `within_days`); None for no renewal, no seat advice (seat_rule.py) or
    too few points."""
    if not renews_within(subscription, as_of, within_days):
        return None
    assert subscription.renewal_date is not None
    return seats_at_renewal(
        series or [0] * SAMPLES,
        subscription.seats,
        subscription.effective_annual_cost,
        subscription.system.currency,
        subscription.renewal_date,
        as_of,
    )


def renews_within(subscription: Subscription, as_of: date, days: int | None = None) -> bool:
    """Whether a subscription that gets seat advice (seat_rule.py) renews after `as_of` (and within `days` when
    given): a site or free licence, or a system not measured by use, is never advised on seats at renewal."""
    due = subscription.renewal_date
    return (
        due is not None
        and due > as_of
        and gets_seat_advice(subscription)
        and (days is None or due <= as_of + timedelta(days=days))
    )
