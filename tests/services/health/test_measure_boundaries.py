"""The edges the measures classify on, pinned, and a property for each measure: better inputs never lower it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.services.health import measures as m

counts = st.integers(min_value=0, max_value=100_000)
more = st.integers(min_value=0, max_value=100_000)
CAP_ORDER = {None: 0, m.Colour.YELLOW: 1, m.Colour.RED: 2}  # how far a cap holds the colour down


def not_worse(better: m.Measure, worse: m.Measure) -> bool:
    """The better inputs' measure scores at least as high and caps no lower (both judged, or neither)."""
    if better.score is None or worse.score is None:
        return better.score is None and worse.score is None
    return better.score >= worse.score and CAP_ORDER[better.cap] <= CAP_ORDER[worse.cap]


# --- NPS: 0–6 detractor, 7–8 passive, 9–10 promoter --------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "nps"),
    [(0, -100), (6, -100), (7, 0), (8, 0), (9, 100), (10, 100)],
)
def test_one_answer_counts_as_detractor_passive_or_promoter_at_the_6_7_and_8_9_edges(answer, nps):
    assert m.net_promoter_score([answer]) == nps


@pytest.mark.parametrize(
    ("answers", "score", "reason"),
    [([6], 0.0, "NPS -100"), ([7], 50.0, "NPS +0"), ([8], 50.0, "NPS +0"), ([9], 100.0, "NPS +100")],
)
def test_the_sentiment_measure_scores_nps_on_the_same_edges(answers, score, reason):
    measure = m.sentiment([m.Answers("nps", answers)], stale_after_days=180, newest_age_days=0)
    assert (measure.score, measure.reason) == (score, reason)


@given(answers=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=30), which=st.integers())
def test_raising_one_answer_never_lowers_the_nps(answers, which):
    index = which % len(answers)
    raised = [*answers]
    raised[index] = min(raised[index] + 1, 10)
    assert m.net_promoter_score(raised) >= m.net_promoter_score(answers)


# --- better inputs never lower a measure ---------------------------------------------------------------


@given(active=counts, extra=more, seats=counts)
def test_more_active_people_never_lower_seat_utilisation(active, extra, seats):
    assert not_worse(m.seat_utilisation(active + extra, seats, True), m.seat_utilisation(active, seats, True))


@given(active=counts, extra=more, expected=counts)
def test_more_active_people_never_lower_breadth(active, extra, expected):
    assert not_worse(m.breadth(active + extra, expected), m.breadth(active, expected))


@given(
    days=st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=20),
    extra=st.lists(st.integers(min_value=0, max_value=29), min_size=20, max_size=20),
    cadence=st.sampled_from(m.Cadence),
)
def test_the_same_people_on_more_days_never_lower_habit(days, extra, cadence):
    busier = [min(count + added, 30) for count, added in zip(days, extra, strict=False)]
    assert not_worse(m.habit(busier, cadence), m.habit(days, cadence))


@given(
    core=st.sets(st.sampled_from("abcdefgh"), max_size=8),
    used=st.sets(st.sampled_from("abcdefgh")),
    taken_up=st.sets(st.sampled_from("abcdefgh")),
)
def test_more_core_modules_in_use_never_lower_depth(core, used, taken_up):
    assert not_worse(m.depth(sorted(used | taken_up), sorted(core)), m.depth(sorted(used), sorted(core)))


@given(recent=counts, extra=more, usual=counts, key_user_count=st.integers(min_value=0, max_value=5))
def test_more_key_user_activity_never_lowers_key_users(recent, extra, usual, key_user_count):
    assert not_worse(m.key_users(recent + extra, usual, key_user_count), m.key_users(recent, usual, key_user_count))


@given(
    every_days=st.integers(min_value=1, max_value=120),
    since=st.integers(min_value=0, max_value=400),
    sooner=st.integers(min_value=0, max_value=400),
    observed=st.integers(min_value=0, max_value=800),
)
def test_a_more_recent_key_action_never_lowers_key_action(every_days, since, sooner, observed):
    recent = max(since - sooner, 0)
    assert not_worse(
        m.key_action("run", every_days, recent, observed), m.key_action("run", every_days, since, observed)
    )


@given(
    tickets=counts,
    fewer=more,
    active=counts,
    extra=more,
    usual=st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
    norm=st.one_of(st.none(), st.floats(min_value=0, max_value=100)),
)
def test_fewer_tickets_for_as_many_people_never_lower_ticket_load(tickets, fewer, active, extra, usual, norm):
    calmer = m.ticket_load(max(tickets - fewer, 0), active + extra, usual, norm)
    assert not_worse(calmer, m.ticket_load(tickets, active, usual, norm))


@given(
    question=st.sampled_from(sorted(m.QUESTION_SCALES)),
    raw=st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=20),
    which=st.integers(),
)
def test_a_higher_survey_answer_never_lowers_sentiment(question, raw, which):
    low, high = m.QUESTION_SCALES[question]
    answers = [min(max(score, low), high) for score in raw]
    index = which % len(answers)
    raised = [*answers]
    raised[index] = min(raised[index] + 1, high)
    before = m.sentiment([m.Answers(question, answers)], stale_after_days=180, newest_age_days=0)
    after = m.sentiment([m.Answers(question, raised)], stale_after_days=180, newest_age_days=0)
    assert not_worse(after, before)


@given(
    now=st.floats(min_value=0, max_value=1e5),
    extra=st.floats(min_value=0, max_value=1e5),
    baseline=st.floats(min_value=0, max_value=1e5),
    last_year=st.one_of(st.none(), st.floats(min_value=0, max_value=2)),
    quiet=st.booleans(),
)
def test_more_active_people_never_lower_trend(now, extra, baseline, last_year, quiet):
    season = m.Season(quiet_now="1 Aug – 31 Aug" if quiet else None, last_year_ratio=last_year, month="August")
    assert not_worse(m.trend(now + extra, baseline, season), m.trend(now, baseline, season))
