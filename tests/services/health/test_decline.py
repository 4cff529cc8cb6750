"""The early sign of decline on weekly active people, through the pure rule and through `evaluate`: a steady
slide is warned weeks before the last use; a season (declared or learned), a wobble and a handful of people are
not."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from statistics import median

from portal.services.health.calendar import UnitCalendar, declared_quiet, never
from portal.services.health.decline import weekly_slide
from portal.services.health.evaluate import evaluate
from portal.services.health.facts import SubscriptionFacts
from portal.services.health.measures import Colour
from portal.services.health.profiles import DEFAULT_WEIGHTS
from portal.services.health.quiet_periods import parse_quiet_periods
from portal.services.health.scoring import Profile
from tests.services.health.facts_builder import subscription_facts

PROFILES = {stage: Profile(n + 1, weights) for n, (stage, weights) in enumerate(DEFAULT_WEIGHTS.items())}
FIRST_MONDAY = date(2024, 1, 1)  # weeks of the synthetic series run Monday–Sunday from here


def weekly_people(rng: random.Random, users: int, chance: float) -> int:
    return sum(rng.random() < chance for _ in range(users))


def slide_to_zero(rng: random.Random, users: int, chance: float, flat_weeks: int = 40) -> list[int]:
    """Oldest first: a steady team, then over 13 weeks (a quarter) fewer of them each week until nobody, then
    ten empty weeks."""
    series = [weekly_people(rng, users, chance) for _ in range(flat_weeks)]
    for week in range(1, 14):
        series.append(weekly_people(rng, round(users * (1 - week / 13)), chance))
    return series + [0] * 10


def first_warning(series: list[int], quiet: Callable[[int], Callable[[int], bool]] | None = None) -> int | None:
    """The first week (index, oldest first) as of which the rule warns. `quiet(t)` gives the quiet test for the
    weeks counted back from week t."""
    for latest in range(len(series)):
        weekly = series[: latest + 1][::-1]
        test = quiet(latest) if quiet else never
        if weekly_slide(weekly, test, len(weekly)) is not None:
            return latest
    return None


def test_a_steady_slide_to_abandonment_is_warned_at_least_45_days_before_the_last_use():
    rng = random.Random(18)
    leads = []
    for users, chance in [(12, 0.9), (25, 0.8), (40, 0.6), (100, 0.5)]:
        for _ in range(8):
            series = slide_to_zero(rng, users, chance)
            last_use = max(index for index, people in enumerate(series) if people)
            warned = first_warning(series)
            assert warned is not None and warned < last_use
            leads.append((last_use - warned) * 7)
    assert median(leads) >= 45


def test_the_reason_states_the_figures():
    series = [25, 25, 24, 26, 25, 25, 24, 26, 25, 24, 23, 22, 21, 19, 18, 16, 15]  # oldest first
    weekly = series[::-1]
    found = weekly_slide(weekly, never, len(weekly))
    assert found is not None
    assert found.reason == "early sign of decline: weekly active people falling over 8 weeks: 24 → 15 (usually 25)"


def test_a_wobble_of_ten_percent_over_a_year_raises_nothing():
    rng = random.Random(10)
    for usual in (8, 12, 25, 60, 200):
        series = [round(usual * rng.uniform(0.9, 1.1)) for _ in range(70)]
        assert first_warning(series) is None


def test_a_handful_of_people_raises_nothing_even_when_they_all_leave():
    for users in (3, 4):
        series = [users] * 30 + [users - 1, users - 2, users - 2, users - 3] + [0] * 10
        assert first_warning(series) is None


def test_a_return_to_normal_after_a_busy_spell_is_no_slide():
    series = [20] * 20 + [30, 30, 28, 26, 24, 22, 20, 20, 20, 20]
    assert first_warning(series) is None


def _quiet_for_declared(text: str) -> Callable[[int], Callable[[int], bool]]:
    """The calendar of a unit with declared quiet periods, as of the end of each week of the series."""

    def quiet(latest: int) -> Callable[[int], bool]:
        as_of = FIRST_MONDAY + timedelta(days=7 * latest + 6)
        calendar = UnitCalendar(as_of, declared_quiet(parse_quiet_periods(text)), frozenset(), text)
        return calendar.week_has_quiet_days

    return quiet


def test_a_declared_summer_dip_raises_nothing():
    # Two years of a team of 30 that stops from 1 July to 15 August but for a skeleton crew; the weeks it starts
    # and ends in are thin.
    periods = parse_quiet_periods("07-01..08-15")
    rng = random.Random(7)
    series = []
    for week in range(104):
        days = [FIRST_MONDAY + timedelta(days=7 * week + offset) for offset in range(7)]
        quiet_days = sum(any(period.contains(day) for period in periods) for day in days)
        team = 3 if quiet_days >= 4 else 18 if quiet_days else 30
        series.append(weekly_people(rng, team, 0.9))
    assert first_warning(series, _quiet_for_declared("07-01..08-15")) is None
    # Without the declared period the same weeks would be read as a slide: the test above proves something.
    assert first_warning(series) is not None


def test_a_dip_the_same_weeks_a_year_earlier_showed_as_well_raises_nothing():
    # Every autumn the team thins by a third for two months, and comes back: not below half, so no learned quiet
    # weeks, but last year's same weeks fell as far.
    def year(rng: random.Random) -> list[int]:
        return [weekly_people(rng, 30 if 30 <= week < 39 else 45, 0.95) for week in range(52)]

    rng = random.Random(3)
    series = year(rng) + year(rng)
    assert first_warning(series[:52]) is not None  # the first autumn, with nothing to compare: warned
    second_year = [index for index in range(52, 104) if first_warning(series[: index + 1]) == index]
    assert second_year == []


def _facts(person_weeks: list[int], as_of: date = date(2026, 6, 30)) -> SubscriptionFacts:
    return subscription_facts(
        as_of,
        tuple(person_weeks),
        calendar=UnitCalendar(as_of, never, frozenset()),
        unit_key="test-lab",
        system_key="jira",
        seats=40,
        people_on_record=40,
        go_live=date(2025, 1, 1),
        active_days=tuple([5] * sum(1 for mask in person_weeks if mask & 0b1111)),
    )


def test_evaluate_says_the_warning_first_and_holds_the_colour_at_yellow():
    # 30 people active every week for over a year; in each of the last 5 weeks two of them left for good.
    weeks = 60
    masks = []
    for person in range(30):
        left = 1 + person % 5 if person < 10 else 0  # weeks ago they were last seen; the other twenty stay
        masks.append(sum(1 << week for week in range(left, weeks)))
    steady = evaluate(_facts([(1 << weeks) - 1] * 30), PROFILES)
    sliding = evaluate(_facts(masks), PROFILES)
    assert steady.warning is None
    assert sliding.warning is not None and sliding.warning.startswith("early sign of decline: weekly active people")
    assert sliding.score.reasons[0] == sliding.warning
    assert sliding.score.colour != Colour.GREEN
