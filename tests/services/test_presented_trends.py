"""The readings pages show instead of comparing numbers themselves: each threshold is a named constant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from portal.services.catalog.adoption import GROWTH_WORTH_TRAINING, STEADY_TICKETS, Demand
from portal.services.catalog.forecast import Projection
from portal.services.catalog.seat_use import LOW_SEAT_USE, low_seat_mark
from portal.services.platform.job_runs import SCHEDULER_WAIT_SECONDS, waits_too_long
from portal.services.units.cards import TICKET_SWING_PERCENT, SystemCard
from portal.services.units.portfolio import STEADY_POINTS, PortfolioRow


def _card(tickets: int, before: int) -> SystemCard:
    nothing = [None] * 11
    return SystemCard(*nothing[:4], tickets, before, *nothing[:6])


@pytest.mark.parametrize(
    ("tickets", "before", "percent", "trend"),
    [
        (12, 10, 20, "down"),  # a fifth more tickets: worse
        (11, 10, 10, "flat"),
        (8, 10, -20, "up"),
        (9, 10, -10, "flat"),
        (10, 10, 0, "flat"),
        (5, 0, None, "flat"),  # nothing to compare with
    ],
)
def test_a_cards_ticket_trend_reads_a_swing_of_a_fifth(tickets, before, percent, trend):
    assert TICKET_SWING_PERCENT == 20
    card = _card(tickets, before)
    assert card.ticket_change_percent == percent
    assert card.ticket_trend == trend


@pytest.mark.parametrize(
    ("direction", "trend"), [(None, "flat"), (0.0, "flat"), (2.9, "flat"), (3.0, "up"), (-2.9, "flat"), (-3.0, "down")]
)
def test_a_portfolio_rows_trend_needs_three_points(direction, trend):
    assert STEADY_POINTS == 3
    row = PortfolioRow(*[None] * 4, direction, False, 0, 10, {}, frozenset())
    assert row.trend == trend
    assert row.seats_low == low_seat_mark(10) == 10 * LOW_SEAT_USE


def _line(per_step: float, expected: float = 5.0) -> Projection:
    return Projection(expected, expected - 1, expected + 1, per_step)


@pytest.mark.parametrize(
    ("tickets", "word"),
    [
        (None, "steady"),
        (_line(0.5), "steady"),
        (_line(0.51), "rising"),
        (_line(-0.5), "steady"),
        (_line(-0.6), "falling"),
    ],
)
def test_the_demands_ticket_trend_moves_past_half_a_ticket(tickets, word):
    assert STEADY_TICKETS == 0.5
    assert Demand(0, None, tickets).ticket_trend == word


@pytest.mark.parametrize(("people", "grows"), [(None, False), (_line(0, 0.99), False), (_line(0, 1.0), True)])
def test_the_demand_expects_growth_from_one_person_a_month(people, grows):
    assert GROWTH_WORTH_TRAINING == 1
    assert Demand(0, people, None).expects_growth is grows


def test_a_queued_run_waiting_over_a_minute_suggests_no_scheduler():
    now = datetime(2026, 10, 1, 12, tzinfo=UTC)
    run = SimpleNamespace(waited=lambda at: (at - now).total_seconds() + SCHEDULER_WAIT_SECONDS)
    assert not waits_too_long(run, now)
    assert waits_too_long(run, now + timedelta(seconds=1))
