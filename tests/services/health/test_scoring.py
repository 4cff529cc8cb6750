"""Scores, colours, caps, explanations and roll-ups from measures (pure), on the examples of DOMAIN.md."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from portal.services.health import measures as m
from portal.services.health.scoring import Profile, Weighted, roll_up, score

PROFILE = Profile(
    version=3,
    weights={
        "seat_utilisation": 1,
        "breadth": 1,
        "habit": 1,
        "depth": 1,
        "key_users": 1,
        "key_action": 1,
        "ticket_load": 1,
        "sentiment": 1,
        "trend": 1,
    },
)


def healthy(**overrides: m.Measure) -> list[m.Measure]:
    base = {
        "seat_utilisation": m.seat_utilisation(90, 100, per_seat=True),
        "breadth": m.breadth(90, 100),
        "habit": m.habit([10] * 90),
        "depth": m.depth(["a", "b"], ["a", "b"]),
        "key_users": m.key_users(100, 100, 2),
        "key_action": m.key_action("planning run", 30, 5, 400),
        "ticket_load": m.ticket_load(5, 90, 0.06, None),
        "sentiment": m.sentiment([m.Answers("value", [8, 9])], 180, 20),
        "trend": m.trend(90, 92),
    }
    base.update(overrides)
    return list(base.values())


def test_a_healthy_subscription_is_green_with_no_lift_needed():
    result = score(healthy(), PROFILE)
    assert result.colour == m.Colour.GREEN
    assert result.profile_version == 3
    assert result.lift is None
    assert math.isclose(sum(part.share for part in result.parts), 1.0)
    assert math.isclose(sum(part.contribution for part in result.parts), result.score)


def test_a_key_user_gone_quiet_turns_an_otherwise_green_team_yellow_and_says_why():
    result = score(healthy(key_users=m.key_users(15, 100, 1)), PROFILE)
    assert result.score >= PROFILE.green_at  # the average alone would stay green…
    assert result.colour == m.Colour.YELLOW  # …the critical signal caps it
    assert result.reasons[0] == "key user activity down 85% vs usual"
    assert result.lift == "resolve: key user activity down 85% vs usual"


def test_a_ticket_surge_turns_the_team_yellow():
    result = score(healthy(ticket_load=m.ticket_load(24, 90, 0.06, None, incidents=20)), PROFILE)
    assert result.colour == m.Colour.YELLOW
    assert result.reasons[0].startswith("4.4× the usual tickets in the last 30 days")


def test_the_scheduling_team_that_skipped_planning_and_scored_value_low_is_red():
    result = score(
        healthy(
            key_action=m.key_action("monthly planning", 30, 45, 400),
            sentiment=m.sentiment([m.Answers("value", [2])], 180, 10),
        ),
        PROFILE,
    )
    assert result.colour == m.Colour.RED
    assert any("monthly planning" in reason for reason in result.reasons[:2])
    assert any("business value answered very low" in reason for reason in result.reasons[:2])


def test_a_subscription_with_no_data_is_grey_and_says_what_is_missing():
    nothing = [
        m.seat_utilisation(0, 0, per_seat=True),
        m.habit([]),
        m.key_users(0, 0, 0),
        m.sentiment([], 180, None),
        m.trend(0, 0),
    ]
    result = score(nothing, PROFILE)
    assert result.colour == m.Colour.GREY and result.score is None
    assert result.reasons[0].startswith("insufficient data: no seats on the subscription")


def test_opinions_alone_do_not_make_a_score():
    result = score([m.sentiment([m.Answers("value", [9])], 180, 1), m.trend(0, 0)], Profile(1, {"sentiment": 1}))
    assert result.colour == m.Colour.GREY


def test_the_lift_names_the_measure_needing_the_smallest_rise():
    weak_seats = healthy(
        seat_utilisation=m.seat_utilisation(20, 100, per_seat=True),
        breadth=m.breadth(20, 100),
        habit=m.habit([1] * 20),
        depth=m.depth(["a"], ["a", "b", "c"]),
    )
    result = score(weak_seats, PROFILE)
    assert result.colour in (m.Colour.YELLOW, m.Colour.RED)
    assert result.lift is not None and "raise its score from" in result.lift


def test_each_part_reports_its_change_since_the_previous_period():
    result = score(healthy(), PROFILE, previous={"trend": 50.0})
    trend = next(part for part in result.parts if part.measure.key == "trend")
    assert math.isclose(trend.change, trend.measure.score - 50.0)
    assert all(part.change is None for part in result.parts if part.measure.key != "trend")


@given(
    active=st.integers(0, 500),
    seats=st.integers(0, 500),
    tickets=st.integers(0, 100),
    value=st.integers(0, 10),
    now=st.floats(0, 1e4),
    baseline=st.floats(0, 1e4),
)
def test_any_score_is_within_0_100_or_grey_and_the_same_inputs_give_the_same_score(
    active, seats, tickets, value, now, baseline
):
    measures = healthy(
        seat_utilisation=m.seat_utilisation(active, seats, per_seat=True),
        ticket_load=m.ticket_load(tickets, active, 0.1, None),
        sentiment=m.sentiment([m.Answers("value", [value])], 180, 5),
        trend=m.trend(now, baseline),
    )
    first, again = score(measures, PROFILE), score(measures, PROFILE)
    assert first == again
    assert (first.score is None) == (first.colour == m.Colour.GREY)
    if first.score is not None:
        assert 0 <= first.score <= 100 and not math.isnan(first.score)


def test_a_unit_rolls_up_its_subscriptions_weighted_by_seats_and_ignores_grey_ones():
    green = score(healthy(), PROFILE)
    red = score(healthy(trend=m.trend(10, 100), breadth=m.breadth(5, 100), habit=m.habit([1] * 5)), PROFILE)
    grey = score([m.trend(0, 0)], PROFILE)
    value, colour = roll_up([Weighted(green, 100), Weighted(red, 10), Weighted(grey, 1000)], PROFILE)
    assert math.isclose(value, (green.score * 100 + red.score * 10) / 110)
    assert colour == PROFILE.colour_of(value)
    assert roll_up([Weighted(grey, 5)], PROFILE) == (None, m.Colour.GREY)
