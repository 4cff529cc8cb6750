"""The pure measures: properties that must hold for any input, and the examples of DOMAIN.md."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.services.catalog.seat_rule import reclaimable_seats
from portal.services.health import measures as m
from portal.services.health.bands import banded

counts = st.integers(min_value=0, max_value=1_000_000)
ratios = st.floats(allow_nan=True, allow_infinity=True)


def within_range(measure: m.Measure) -> bool:
    return measure.score is None or (not math.isnan(measure.score) and 0 <= measure.score <= 100)


@given(value=ratios)
def test_a_banded_score_stays_within_the_tables_scores_and_is_never_nan(value):
    for bands in (m.SEAT_BANDS, m.BREADTH_BANDS, m.HABIT_BANDS, m.TICKET_BANDS, m.TREND_BANDS, m.KEY_USER_BANDS):
        score = banded(value, bands)
        scores = [point for _, point in bands]
        assert not math.isnan(score)
        assert min(scores) <= score <= max(scores)


def test_band_ends_are_inclusive_and_lines_join_the_points():
    bands = ((0.0, 0), (0.5, 40), (0.85, 100))
    assert banded(0.5, bands) == 40
    assert banded(0.85, bands) == 100
    assert banded(0.25, bands) == 20
    assert banded(-1, bands) == 0 and banded(7, bands) == 100


@given(active=counts, more=counts, seats=st.integers(min_value=1, max_value=100_000))
def test_more_seat_use_never_lowers_seat_utilisation(active, more, seats):
    lower = m.seat_utilisation(active, seats, per_seat=True)
    higher = m.seat_utilisation(active + more, seats, per_seat=True)
    assert within_range(lower) and within_range(higher)
    assert higher.score >= lower.score


@given(active=counts, seats=counts, per_seat=st.booleans())
def test_the_same_figures_give_the_same_seat_score(active, seats, per_seat):
    assert m.seat_utilisation(active, seats, per_seat) == m.seat_utilisation(active, seats, per_seat)


def test_a_unit_paying_for_100_seats_with_40_in_use_has_60_reclaimable():
    measure = m.seat_utilisation(40, 100, per_seat=True)
    assert measure.raw == 0.4
    assert measure.reason == "40 of 100 seats used in the last 30 days: 60 unused"  # no cost known: no money
    assert measure.cap == m.Colour.YELLOW
    assert measure.score < 50
    assert reclaimable_seats(40, 100, counted=True) == 60
    assert reclaimable_seats(40, 100, counted=False) == 0
    assert not m.seat_utilisation(40, 100, per_seat=False).sufficient


def test_a_key_user_gone_quiet_caps_the_colour_at_yellow():
    quiet = m.key_users(recent_events=15, usual_events=100, key_user_count=1)
    assert quiet.reason == "key user activity down 85% vs usual"
    assert quiet.cap == m.Colour.YELLOW
    steady = m.key_users(recent_events=95, usual_events=100, key_user_count=1)
    assert steady.cap is None and steady.score > quiet.score
    assert not m.key_users(10, 0, key_user_count=1).sufficient
    assert not m.key_users(10, 10, key_user_count=0).sufficient
    # A key user usually on 3 days a month cannot be judged; one on 6 who missed a week is not "gone quiet".
    assert not m.key_users(0, 3, key_user_count=1).sufficient
    assert m.key_users(1, 6, key_user_count=1).cap is None


def test_a_ticket_surge_is_named_and_caps_at_yellow_but_one_ticket_on_a_small_base_is_not():
    surge = m.ticket_load(tickets=20, active_people=20, usual_per_person=0.25, norm_per_person=0.3, incidents=15)
    assert surge.reason.startswith("4.0× the usual tickets in the last 30 days (20 tickets)")
    assert "75% incidents" in surge.reason
    assert surge.cap == m.Colour.YELLOW
    blip = m.ticket_load(tickets=1, active_people=3, usual_per_person=0.05, norm_per_person=None)
    assert blip.cap is None and blip.score == 100
    assert blip.reason == "1 ticket in the last 30 days, in line with the usual"
    assert m.ticket_load(0, 10, 0.2, None).reason == "no tickets in the last 30 days"
    assert not m.ticket_load(3, 10, None, None).sufficient


@given(tickets=counts, people=counts, usual=st.floats(min_value=0, max_value=1e6), incidents=counts)
def test_ticket_load_is_always_a_score_or_insufficient(tickets, people, usual, incidents):
    assert within_range(m.ticket_load(tickets, people, usual, None, min(incidents, tickets)))


def test_a_missed_monthly_planning_caps_yellow_and_missed_twice_caps_red():
    done = m.key_action("planning run", 30, days_since_last=12, days_observed=400)
    assert done.score == 100 and done.cap is None
    once = m.key_action("planning run", 30, days_since_last=45, days_observed=400)
    assert once.cap == m.Colour.YELLOW and "missed" in once.reason
    twice = m.key_action("planning run", 30, days_since_last=70, days_observed=400)
    assert twice.cap == m.Colour.RED and "missed twice in a row" in twice.reason
    never = m.key_action("planning run", 30, days_since_last=None, days_observed=90)
    assert never.cap == m.Colour.RED and "never seen" in never.reason
    assert not m.key_action("planning run", 30, days_since_last=None, days_observed=20).sufficient
    assert not m.key_action(None, None, days_since_last=None, days_observed=400).sufficient


def test_a_daily_key_action_reads_in_plain_words():
    assert (
        m.key_action("cash run", 1, days_since_last=1, days_observed=400).reason
        == "“cash run” done 1 day ago (every day)"
    )
    late = m.key_action("cash run", 1, days_since_last=2, days_observed=400).reason
    assert late == "“cash run” missed twice in a row: last done 2 days ago (every day)"


def test_business_value_answered_very_low_is_a_critical_signal():
    low = m.sentiment([m.Answers("value", [2, 3]), m.Answers("csat", [3])], stale_after_days=180, newest_age_days=10)
    assert low.cap == m.Colour.YELLOW
    assert "business value 2.5/10" in low.reason and "answered very low" in low.reason
    happy = m.sentiment([m.Answers("nps", [10, 9, 7])], stale_after_days=180, newest_age_days=10)
    assert happy.reason == "NPS +67" and happy.cap is None
    stale = m.sentiment([m.Answers("value", [9])], stale_after_days=180, newest_age_days=200)
    assert not stale.sufficient and "stale after 180" in stale.reason


@given(
    question=st.sampled_from(sorted(m.QUESTION_SCALES)),
    raw=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=30),
)
def test_sentiment_stays_within_range_on_each_questions_scale(question, raw):
    low, high = m.QUESTION_SCALES[question]
    answers = [m.Answers(question, [min(max(score, low), high) for score in raw])]
    assert within_range(m.sentiment(answers, stale_after_days=180, newest_age_days=0))


def test_a_site_silent_every_august_is_seasonal_not_a_decline():
    declared = m.trend(5, 100, m.Season(quiet_now="1 Aug – 31 Aug", month="August"))
    assert declared.score == 100
    assert "seasonal: usual for this unit in August" in declared.reason
    learned = m.trend(30, 100, m.Season(last_year_ratio=0.3, month="August"))
    assert learned.score == 100 and "seasonal: usual for this unit in August" in learned.reason
    deeper = m.trend(10, 100, m.Season(last_year_ratio=0.5, month="August"))
    assert "seasonal" not in deeper.reason and deeper.score < 50
    plain_drop = m.trend(40, 100)
    assert plain_drop.reason == "active people down 60% vs the unit's usual" and plain_drop.score < 45


@given(now=st.floats(min_value=0, max_value=1e6), baseline=st.floats(min_value=0, max_value=1e6))
def test_trend_is_always_a_score_or_insufficient(now, baseline):
    assert within_range(m.trend(now, baseline))


def test_habit_counts_regulars_for_the_systems_cadence():
    measure = m.habit([1, 2, 3, 10, 12, 0], m.Cadence.WEEKLY)
    assert measure.raw == 3 / 5
    assert measure.reason == "3 of 5 people used it on 3+ days in 30 (weekly habit)"
    assert m.habit([1, 2], m.Cadence.DAILY).score == 0
    assert not m.habit([0, 0]).sufficient


def test_depth_names_missing_adopted_and_abandoned_modules():
    measure = m.depth(["planning"], ["planning", "orders"], adopted=["analytics"], abandoned=["mobile"])
    assert measure.raw == 0.5
    assert measure.reason == "1 of 2 core modules in use (not: orders); newly adopted: analytics; abandoned: mobile"
    assert not m.depth([], []).sufficient


@given(active=counts, expected=counts)
def test_breadth_is_capped_at_everyone(active, expected):
    measure = m.breadth(active, expected)
    assert within_range(measure)
    if measure.raw is not None:
        assert 0 <= measure.raw <= 1


@pytest.mark.parametrize(
    ("ratio", "season", "seasonal"),
    [
        (0.5, m.Season(quiet_now="a declared quiet period"), True),  # any drop in a quiet time
        (None, m.Season(quiet_now="the same weeks last year were quiet"), True),
        (0.6, m.Season(last_year_ratio=0.65), True),  # within 10% of last year's fall
        (0.55, m.Season(last_year_ratio=0.65), False),  # beyond it
        (0.6, m.Season(last_year_ratio=1.1), False),  # last year rose: nothing seasonal
        (0.6, m.Season(), False),
        (None, m.Season(last_year_ratio=0.65), False),  # too few people to judge a fall
    ],
)
def test_one_question_says_whether_a_fall_is_the_season_s(ratio, season, seasonal):
    assert m.is_seasonal(ratio, season) is seasonal


@given(st.floats(0.01, 0.99), st.floats(0.05, 0.99))
def test_the_trend_measure_calls_seasonal_what_the_stage_rules_do(share, last_year):
    active_now = share * 100
    measure = m.trend(active_now, 100, m.Season(last_year_ratio=last_year, month="August"))
    assert ("seasonal" in measure.reason) is m.is_seasonal(active_now / 100, m.Season(last_year_ratio=last_year))
