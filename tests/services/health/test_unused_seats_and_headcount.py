"""Issue 18, no watermelons (pure): paid seats mostly unused hold the colour at yellow, and breadth counts the
unit's headcount when the import brought fewer people than the unit has."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from portal.services.health import measures as m
from portal.services.health.scoring import Profile, score
from tests.services.health.test_scoring import PROFILE, healthy

NNBSP = "\u202f"  # money() groups digits with a narrow no-break space (money_short rounds from 10 k)


def test_the_issues_example_names_the_seats_and_the_money():
    measure = m.seat_utilisation(8, 479, per_seat=True, seat_cost=Decimal("300"), currency="EUR")
    assert measure.cap == m.Colour.YELLOW
    assert measure.reason == "8 of 479 seats used in the last 30 days: 471 unused, 141 k EUR a year"


def test_a_green_average_with_40_percent_of_the_seats_used_is_yellow_and_says_why():
    seats = m.seat_utilisation(40, 100, per_seat=True, seat_cost=Decimal("300"), currency="SEK")
    result = score(healthy(seat_utilisation=seats), PROFILE)
    assert result.score >= PROFILE.green_at  # the average alone would be green…
    assert result.colour == m.Colour.YELLOW  # …the unused seats hold it
    assert result.reasons[0] == "40 of 100 seats used in the last 30 days: 60 unused, 18 k SEK a year"
    assert result.lift == "resolve: 40 of 100 seats used in the last 30 days: 60 unused, 18 k SEK a year"
    assert [measure.key for measure in result.capped_by] == ["seat_utilisation"]


def test_half_the_seats_used_is_not_critical_just_below_half_is():
    """The boundary belongs to the healthy side: critical means strictly below the share."""
    at_half = m.seat_utilisation(50, 100, per_seat=True, seat_cost=Decimal("300"))
    assert at_half.cap is None
    assert at_half.reason == "50 of 100 seats used in the last 30 days (50 reclaimable)"
    assert score(healthy(seat_utilisation=at_half), PROFILE).colour == m.Colour.GREEN
    below = m.seat_utilisation(49, 100, per_seat=True, seat_cost=Decimal("100"))
    assert below.cap == m.Colour.YELLOW
    assert below.reason == f"49 of 100 seats used in the last 30 days: 51 unused, 5{NNBSP}100 EUR a year"


def test_the_money_is_said_only_when_the_seats_cost_something():
    assert m.seat_utilisation(1, 10, per_seat=True).reason == "1 of 10 seats used in the last 30 days: 9 unused"
    free = m.seat_utilisation(1, 10, per_seat=True, seat_cost=Decimal(0))
    assert free.cap == m.Colour.YELLOW and "EUR" not in free.reason


def test_the_period_wording_is_kept_in_a_quiet_season():
    period = "30 days outside the quiet time (from 12 Jul)"
    measure = m.seat_utilisation(3, 14, per_seat=True, period=period, seat_cost=Decimal("1000"))
    assert measure.reason == f"3 of 14 seats used in {period}: 11 unused, 11 k EUR a year"


def test_the_threshold_is_a_setting():
    assert m.seat_utilisation(55, 100, per_seat=True, critical_below=0.6).cap == m.Colour.YELLOW
    assert m.seat_utilisation(40, 100, per_seat=True, critical_below=0.3).cap is None
    assert m.seat_utilisation(0, 100, per_seat=True, critical_below=0.0).cap is None  # 0: the signal is off


def test_one_other_critical_signal_beside_unused_seats_makes_it_red():
    seats = m.seat_utilisation(10, 100, per_seat=True)
    result = score(healthy(seat_utilisation=seats, key_users=m.key_users(15, 100, 1)), PROFILE)
    assert result.colour == m.Colour.RED


@given(
    active=st.integers(0, 100_000),
    seats=st.integers(0, 100_000),
    cost=st.decimals(0, 10_000, places=2),
    critical_below=st.floats(0, 1),
)
def test_a_licence_not_per_seat_is_never_capped(active, seats, cost, critical_below):
    measure = m.seat_utilisation(active, seats, False, seat_cost=cost, critical_below=critical_below)
    assert not measure.sufficient and measure.cap is None and measure.reason == "not a per-seat licence"


@given(
    active=st.integers(0, 100_000),
    seats=st.integers(0, 100_000),
    cost=st.decimals(0, 10_000, places=2),
    critical_below=st.floats(0, 1),
)
def test_the_cap_holds_exactly_when_fewer_than_the_share_of_the_paid_seats_are_used(
    active, seats, cost, critical_below
):
    measure = m.seat_utilisation(active, seats, True, seat_cost=cost, critical_below=critical_below)
    critical = seats > 0 and active / seats < critical_below
    assert (measure.cap == m.Colour.YELLOW) == critical
    assert measure.cap in (None, m.Colour.YELLOW)
    if critical:
        assert f"{seats - active:,} unused" in measure.reason


def test_a_profile_carries_the_default_share():
    assert Profile(1, {"breadth": 1}).seats_critical_below == m.SEATS_CRITICAL_BELOW == 0.5


# --- breadth and the unit's headcount ---------------------------------------------------------------------


def test_a_headcount_larger_than_the_people_on_record_lowers_breadth_and_says_so():
    on_record_only = m.breadth(8, 8)
    with_headcount = m.breadth(8, 8, headcount=300)
    assert on_record_only.raw == 1.0
    assert with_headcount.raw == 8 / 300 and with_headcount.score < on_record_only.score
    assert with_headcount.reason == "8 people of 300 active in the last 30 days (3%); 8 people on record of 300"
    assert m.breadth(0, 1, headcount=40).reason.endswith("; 1 person on record of 40")


def test_a_headcount_a_little_larger_counts_without_a_remark():
    """Up to twice the people on record the two roughly agree: the larger counts, nothing more is said."""
    measure = m.breadth(8, 10, headcount=20)
    assert measure.raw == 8 / 20
    assert measure.reason == "8 people of 20 active in the last 30 days (40%)"
    assert "on record" in m.breadth(8, 10, headcount=21).reason


def test_no_headcount_or_a_smaller_one_changes_nothing():
    plain = m.breadth(8, 12)
    assert m.breadth(8, 12, headcount=None) == plain
    assert m.breadth(8, 12, headcount=5) == plain
    assert m.breadth(8, 12, headcount=12) == plain


def test_a_unit_with_nobody_on_record_is_judged_on_its_headcount():
    measure = m.breadth(10, 0, headcount=40)
    assert measure.raw == 0.25 and measure.reason.endswith("; 0 people on record of 40")
    assert not m.breadth(10, 0, headcount=None).sufficient
    assert not m.breadth(10, 0, headcount=0).sufficient


@given(on_record=st.integers(0, 10_000), headcount=st.one_of(st.none(), st.integers(0, 10_000)))
def test_the_expected_people_are_the_larger_of_the_two(on_record, headcount):
    expected = m.expected_people(on_record, headcount)
    assert expected == max(on_record, headcount or 0)
    measure = m.breadth(min(expected, 5), on_record, headcount)
    assert measure.sufficient == (expected > 0)
