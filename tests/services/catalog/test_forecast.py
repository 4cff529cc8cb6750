"""Forecasts: a least-squares line through the weekly figures, carried to the date, with a 90% range."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.services.catalog import forecast
from portal.services.health.day_bits import assemble


def test_a_steady_use_forecasts_itself_with_no_spread():
    seen = forecast.project([12] * 26, ahead=13)
    assert (seen.expected, seen.low, seen.high, seen.per_week) == (12, 12, 12, 0)


def test_a_growing_use_is_carried_forward_and_the_range_widens_with_distance():
    points = [10 + week + (1 if week % 2 else -1) for week in range(26)]  # a week more each week, some scatter
    near, far = forecast.project(points, 4), forecast.project(points, 26)
    assert near.per_week == pytest.approx(1.0, abs=0.05)
    assert near.expected == pytest.approx(39, abs=0.6) and far.expected == pytest.approx(61, abs=0.6)
    assert far.high - far.low > near.high - near.low > 0
    assert near.low < near.expected < near.high


def test_a_falling_use_never_goes_below_nobody_and_too_few_points_say_nothing():
    seen = forecast.project([20, 15, 10, 5, 0], ahead=20)
    assert seen.expected == 0 and seen.low == 0
    assert forecast.project([5, 6, 7], 4) is None


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=4, max_size=40), st.integers(0, 60))
def test_the_range_always_holds_the_expected_figure(points, weeks):
    seen = forecast.project(points, weeks)
    assert 0 <= seen.low <= seen.expected <= seen.high


def test_the_weekly_series_counts_whoever_was_active_in_the_30_days_to_each_week():
    as_of = date(2026, 11, 23)
    first = as_of - timedelta(days=forecast.REACH_DAYS - 1)
    every_day = assemble([(span, (1 << 63) - 1) for span in range(300, 400)], first, as_of)
    last_week_only = assemble([], first, as_of) | (0b1 << (as_of - first).days)  # active today alone
    series = forecast.monthly_active_from({(1, 10): every_day, (1, 11): last_week_only}, first, as_of)
    assert series[1][-1] == 2 and series[1][-5] == 1 and len(series[1]) == forecast.SAMPLES


def test_the_seats_at_renewal_and_what_they_save():
    seen = forecast.seats_at_renewal([30] * 26, 40, Decimal("4000"), "EUR", date(2027, 1, 31), date(2026, 11, 23))
    assert (seen.recommended, seen.saving) == (33, Decimal("700"))  # thirty and a tenth more
    peaked = forecast.seats_at_renewal(
        [20] * 20 + [20, 38, 20, 20, 20, 20], 40, Decimal("4000"), "EUR", date(2027, 1, 31), date(2026, 11, 23)
    )
    assert peaked.recommended == 38  # never below what was used these last weeks
    more = forecast.seats_at_renewal([45] * 26, 40, Decimal("4000"), "EUR", date(2027, 1, 31), date(2026, 11, 23))
    assert (more.recommended, more.saving) == (50, Decimal("-1000"))  # the use needs ten more seats
