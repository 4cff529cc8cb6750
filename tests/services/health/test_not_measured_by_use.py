"""A system not measured by use (an endpoint agent, a mandatory training): scored on tickets and sentiment,
never on seats used or active people, grey only when neither can judge, and never in decline for want of use."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from portal.services.catalog.seat_rule import NOT_MEASURED
from portal.services.health.evaluate import evaluate
from portal.services.health.facts import SubscriptionFacts
from portal.services.health.measures import Answers, Colour
from portal.services.health.profiles import DEFAULT_WEIGHTS
from portal.services.health.scoring import BEHAVIOUR, Profile
from portal.services.health.stages import Stage
from tests.services.health.facts_builder import subscription_facts

AS_OF = date(2026, 8, 20)
PROFILES = {stage: Profile(n + 1, weights) for n, (stage, weights) in enumerate(DEFAULT_WEIGHTS.items())}
OLD_WEEKS = ((1 << 40) - 1) & ~((1 << 8) - 1)  # active in weeks 8–39 back, not in the last 8: a steep fall


def agent(**overrides) -> SubscriptionFacts:
    """An endpoint agent's subscription: 100 seats, 20 people seen a while ago and none lately."""
    values = dict(
        system_key="agent",
        seats=100,
        per_seat=True,
        people_on_record=100,
        go_live=AS_OF - timedelta(days=400),
        observed_weeks=40,
        unit_observed_weeks=40,
        key_user_count=1,
        key_user_usual_days=10.0,
        key_user_usual_covered=True,
        modules=("prevent",),
        core_modules=("prevent",),
        tickets=2,
        norm_tickets_per_person=0.5,
        answers=(Answers("csat", (4, 5, 4)),),
        newest_answer=AS_OF - timedelta(days=10),
        measured_by_use=False,
        usual_tickets=2.0,
    )
    values.update(overrides)
    return subscription_facts(AS_OF, values.pop("person_weeks", (OLD_WEEKS,) * 20), **values)


def test_it_is_scored_on_tickets_and_sentiment_never_on_seats_or_people():
    result = evaluate(agent(), PROFILES)
    behaviour = [part.measure for part in result.score.parts if part.measure.key in BEHAVIOUR]
    assert len(behaviour) == 7
    assert all(not measure.sufficient and measure.reason == NOT_MEASURED for measure in behaviour)
    judged = {part.measure.key for part in result.score.parts if part.share > 0}
    assert judged == {"ticket_load", "sentiment"}
    assert result.score.score is not None and result.score.colour == Colour.GREEN
    assert result.reclaimable_seats == 0  # 100 seats, nobody active: still nothing to reclaim


def test_the_same_facts_measured_by_use_are_judged_on_their_empty_seats():
    measured = evaluate(agent(measured_by_use=True), PROFILES)
    seats = next(part.measure for part in measured.score.parts if part.measure.key == "seat_utilisation")
    assert seats.sufficient and seats.score == 0
    assert measured.reclaimable_seats == 100


def test_tickets_alone_still_score_it_and_nothing_at_all_is_grey():
    tickets_only = evaluate(agent(answers=(), newest_answer=None), PROFILES)
    assert tickets_only.score.score is not None and tickets_only.score.colour != Colour.GREY
    nothing = evaluate(agent(answers=(), newest_answer=None, usual_tickets=None), PROFILES)
    assert nothing.score.colour == Colour.GREY and nothing.score.reasons[0].startswith("insufficient data")


def test_its_tickets_are_held_against_its_own_usual_count_not_per_active_person():
    # Nobody active and a norm of 0.5 per active person: per person this would be 10 tickets against 1.
    calm = evaluate(agent(tickets=2, usual_tickets=2.0), PROFILES)
    load = next(part.measure for part in calm.score.parts if part.measure.key == "ticket_load")
    assert load.raw == 1.0 and load.cap is None
    surge = evaluate(agent(tickets=10, usual_tickets=2.0, incidents=0), PROFILES)
    load = next(part.measure for part in surge.score.parts if part.measure.key == "ticket_load")
    assert load.raw == 5.0 and load.cap == Colour.YELLOW
    assert surge.score.colour != Colour.GREEN


def test_a_fall_in_use_puts_a_measured_system_in_decline_but_not_an_agent():
    assert evaluate(agent(measured_by_use=True), PROFILES).stage == Stage.DECLINE
    result = evaluate(agent(), PROFILES)
    assert result.stage == Stage.ADOPTION and result.stage_reason.startswith("routine: not measured by use")


def test_it_onboards_for_its_first_90_days_after_go_live():
    young = agent(go_live=AS_OF - timedelta(days=30))
    assert evaluate(young, PROFILES).stage == Stage.ONBOARDING


def test_a_usage_feed_that_stopped_does_not_grey_it():
    result = evaluate(agent(), PROFILES, stale_since=AS_OF - timedelta(days=30))
    assert result.score.colour != Colour.GREY
    assert not result.score.reasons[0].startswith("data stale")


def test_a_site_licence_measured_by_use_is_judged_on_people_but_gets_no_seat_figures():
    site = evaluate(replace(agent(measured_by_use=True), per_seat=False), PROFILES)
    seats = next(part.measure for part in site.score.parts if part.measure.key == "seat_utilisation")
    assert seats.reason == "not a per-seat licence" and not seats.sufficient
    assert site.reclaimable_seats == 0


def test_without_a_go_live_or_data_it_is_routine_not_onboarding_forever():
    unknown = agent(go_live=None, person_weeks=(), observed_weeks=0, unit_observed_weeks=0)
    assert evaluate(unknown, PROFILES).stage == Stage.ADOPTION
