"""Properties of the whole evaluation on arbitrary facts: never a crash, a score within 0–100 or grey, never
NaN, and the same facts always give the same result."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.services.health.calendar import UnitCalendar, declared_quiet
from portal.services.health.evaluate import evaluate
from portal.services.health.facts import SubscriptionFacts
from portal.services.health.measures import Answers, Colour
from portal.services.health.profiles import DEFAULT_WEIGHTS
from portal.services.health.quiet_periods import parse_quiet_periods
from portal.services.health.scoring import BEHAVIOUR, Profile
from portal.services.health.stages import Stage

AS_OF = date(2026, 8, 20)
PROFILES = {stage: Profile(n + 1, weights) for n, (stage, weights) in enumerate(DEFAULT_WEIGHTS.items())}
masks = st.integers(min_value=0, max_value=(1 << 124) - 1)


@st.composite
def facts(draw) -> SubscriptionFacts:
    person_weeks = draw(st.lists(masks, max_size=40))
    observed = max((mask.bit_length() for mask in person_weeks), default=0)
    quiet = draw(st.sampled_from(["", "08-01..08-31", "12-20..01-06", "07-01..08-15"]))
    learned = frozenset(draw(st.sets(st.integers(0, 123), max_size=10)))
    calendar = UnitCalendar(AS_OF, declared_quiet(parse_quiet_periods(quiet)), learned, quiet)
    days = draw(st.lists(st.integers(1, 30), max_size=len(person_weeks)))
    core = draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True, max_size=3))
    questions = draw(st.lists(st.sampled_from(["nps", "csat", "ces", "value"]), unique=True, max_size=4))
    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "value": (0, 10)}
    answers = [Answers(q, draw(st.lists(st.integers(*scales[q]), min_size=1, max_size=5))) for q in questions]
    key_action = draw(st.one_of(st.none(), st.just("planning")))
    last = draw(st.one_of(st.none(), st.integers(0, 400)))
    return SubscriptionFacts(
        subscription_id=1,
        unit_id=1,
        system_id=1,
        unit_key="u",
        system_key="s",
        as_of=AS_OF,
        seats=draw(st.integers(0, 10_000)),
        per_seat=draw(st.booleans()),
        people_on_record=draw(st.integers(0, 500)),
        headcount=draw(st.one_of(st.none(), st.integers(0, 1000))),
        go_live=draw(st.one_of(st.none(), st.dates(date(2020, 1, 1), AS_OF + timedelta(days=30)))),
        calendar=calendar,
        window_start=calendar.window_start(),
        active_days=tuple(sorted(days)),
        person_weeks=tuple(person_weeks),
        observed_weeks=observed,
        unit_observed_weeks=observed,
        key_user_count=draw(st.integers(0, 3)),
        key_user_recent_days=draw(st.integers(0, 90)),
        key_user_usual_days=draw(st.floats(0, 90)),
        key_user_usual_covered=draw(st.booleans()),
        modules=("a", "b", "c"),
        core_modules=tuple(core),
        module_weeks={key: draw(st.integers(0, (1 << 30) - 1)) for key in core},
        core_in_window=tuple(key for key in core if draw(st.booleans())),
        key_action=key_action,
        key_action_every_days=30 if key_action else None,
        key_action_last=None if last is None else AS_OF - timedelta(days=last),
        tickets=draw(st.integers(0, 500)),
        incidents=0,
        usual_tickets_per_person=draw(st.one_of(st.none(), st.floats(0, 50))),
        norm_tickets_per_person=draw(st.one_of(st.none(), st.floats(0, 50))),
        answers=tuple(answers),
        newest_answer=None if not answers else AS_OF - timedelta(days=draw(st.integers(0, 400))),
        measured_by_use=draw(st.booleans()),
        usual_tickets=draw(st.one_of(st.none(), st.floats(0, 50))),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=facts(), stale=st.booleans())
def test_any_facts_give_a_bounded_reproducible_score(item, stale):
    stale_since = AS_OF - timedelta(days=30) if stale else None
    first = evaluate(item, PROFILES, stale_since=stale_since)
    again = evaluate(item, PROFILES, stale_since=stale_since)
    assert (first.score.score, first.score.colour, first.stage, first.score.reasons) == (
        again.score.score,
        again.score.colour,
        again.stage,
        again.score.reasons,
    )
    if first.score.score is None:
        assert first.score.colour == Colour.GREY
    else:
        assert 0 <= first.score.score <= 100 and not math.isnan(first.score.score)
    for part in first.score.parts:
        assert part.measure.score is None or 0 <= part.measure.score <= 100
    assert first.score.reasons and all(isinstance(reason, str) and reason for reason in first.score.reasons)
    assert first.reclaimable_seats >= 0
    if not item.measured_by_use:
        # Never judged on seats or people, never in decline or growth for want of use, never stale for want of it.
        assert not any(part.measure.sufficient for part in first.score.parts if part.measure.key in BEHAVIOUR)
        assert first.reclaimable_seats == 0 and first.stage in (Stage.ONBOARDING, Stage.ADOPTION)
        assert not first.score.reasons[0].startswith("data stale")
    elif stale:
        assert first.score.colour == Colour.GREY and first.score.reasons[0].startswith("data stale")
