"""Signals suggest risks: once per unit, system and signal; accepted, dismissed or snoozed by a person."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Probability, RiskOutcome, RiskSource, RiskSuggestion, SignalKind, SuggestionStatus, db
from portal.services.health.explanation import MeasureLine
from portal.services.reports import digests
from portal.services.risks import lifecycle as risks
from portal.services.risks import reasons as risk_reasons
from portal.services.risks import suggestions as risk_suggestions
from portal.services.risks.signals import Snapshot, signals
from tests.scores import add_score

TODAY = date(2026, 11, 23)


def weekly(colours: str, stages: str = "", **measures) -> list[Snapshot]:
    """Snapshots a week apart ending TODAY: one letter per week (r, y, g) and optionally per stage (a, g, d)."""
    names = {"a": "adoption", "g": "growth", "d": "decline", "o": "onboarding"}
    colour_names = {"r": "red", "y": "yellow", "g": "green"}
    count = len(colours)
    return [
        Snapshot(
            TODAY - timedelta(weeks=count - 1 - n),
            colour_names[c],
            names[stages[n]] if stages else "adoption",
            measures if n == count - 1 else {},
        )
        for n, c in enumerate(colours)
    ]


@pytest.mark.parametrize(
    ("colours", "fires"),
    [("yrrr", True), ("rrr", True), ("ryrr", False), ("rr", False), ("gggr", False), ("r", False)],
)
def test_red_at_every_score_of_the_weeks_suggests_a_risk(colours, fires):
    assert (SignalKind.RED_WEEKS in signals(weekly(colours), red_weeks=3, stage_weeks=8)) is fires


def test_weak_measures_and_a_fall_into_decline_suggest_risks_with_their_figures():
    quiet = {
        "key_users": MeasureLine("key_users", score=20.0, reason="key users: 2 days against 14 usually"),
        "ticket_load": MeasureLine("ticket_load", score=80.0, reason="fine"),
        "key_action": MeasureLine("key_action", score=None, reason="no key action"),
    }
    found = signals(weekly("gyy", "aad", **quiet), red_weeks=3, stage_weeks=8)
    assert set(found) == {SignalKind.KEY_USERS_QUIET, SignalKind.STAGE_FALLING}
    assert found[SignalKind.KEY_USERS_QUIET].startswith("key users: 2 days against 14 usually (scores 20 of 100")
    assert found[SignalKind.STAGE_FALLING].startswith("From adoption on")
    assert SignalKind.STAGE_FALLING not in signals(weekly("yyy", "ddd"), red_weeks=3, stage_weeks=8)  # not a fall
    assert signals([], red_weeks=3, stage_weeks=8) == {}


@pytest.fixture
def red_subscription(make_account, make_unit, make_system, make_subscription, app):
    risk_reasons.add_defaults()
    manager = make_account(name="Anna Manager")
    unit = make_unit(key="planning", name="Planning", account_manager=manager)
    system = make_system(key="fsm", name="Field Service", seat_cost=Decimal("60"))
    subscription = make_subscription(unit=unit, system=system, seats=30)
    app.config.update(RISK_SIGNAL_RED_WEEKS=3, RISK_SIGNAL_STAGE_WEEKS=8)
    return {"manager": manager, "unit": unit, "system": system, "subscription": subscription}


def score(setting, day: date, colour: str) -> None:
    add_score(
        setting["unit"],
        day,
        colour,
        score=30.0,
        subscription=setting["subscription"],
        reasons=[],
        explanation={"measures": []},
    )
    db.session.commit()


def red_weeks(setting, until: date, weeks: int = 3) -> None:
    for back in range(weeks - 1, -1, -1):
        score(setting, until - timedelta(weeks=back), "red")


def suggestions() -> list[RiskSuggestion]:
    return list(db.session.scalars(select(RiskSuggestion)))


def refresh(day: date):
    done = risk_suggestions.refresh(day)
    db.session.commit()
    return done


def test_a_signal_is_suggested_once_however_often_it_fires(red_subscription):
    red_weeks(red_subscription, TODAY)
    assert refresh(TODAY) == risk_suggestions.Refreshed(new=1, updated=0, cleared=0)
    score(red_subscription, TODAY + timedelta(days=1), "red")
    assert refresh(TODAY + timedelta(days=1)) == risk_suggestions.Refreshed(new=0, updated=1, cleared=0)
    assert refresh(TODAY + timedelta(days=1)) == risk_suggestions.Refreshed(new=0, updated=0, cleared=0)
    [suggestion] = suggestions()
    assert (suggestion.signal, suggestion.first_seen_on, suggestion.last_seen_on) == (
        "red_weeks",
        TODAY,
        TODAY + timedelta(days=1),
    )
    assert risk_suggestions.pending(red_subscription["unit"].id) == [suggestion]


def test_a_pending_suggestion_goes_when_its_signal_stops(red_subscription):
    red_weeks(red_subscription, TODAY)
    refresh(TODAY)
    score(red_subscription, TODAY + timedelta(days=1), "yellow")
    assert refresh(TODAY + timedelta(days=1)).cleared == 1
    assert suggestions() == []


def test_a_dismissed_suggestion_stays_dismissed(red_subscription):
    red_weeks(red_subscription, TODAY)
    refresh(TODAY)
    [suggestion] = suggestions()
    with pytest.raises(risk_suggestions.SuggestionError) as no_reason:
        risk_suggestions.dismiss(suggestion, "  ", red_subscription["manager"])
    assert no_reason.value.field == "note"
    risk_suggestions.dismiss(suggestion, "They are moving to a new tool anyway, planned.", red_subscription["manager"])
    db.session.commit()
    red_weeks(red_subscription, TODAY + timedelta(weeks=3))
    refresh(TODAY + timedelta(weeks=3))
    assert [s.status for s in suggestions()] == ["dismissed"]
    assert risk_suggestions.pending() == []


def test_a_snoozed_suggestion_comes_back_on_its_date_if_the_signal_still_fires(red_subscription):
    red_weeks(red_subscription, TODAY)
    refresh(TODAY)
    [suggestion] = suggestions()
    manager = red_subscription["manager"]
    with pytest.raises(risk_suggestions.SuggestionError) as past:
        risk_suggestions.snooze(suggestion, TODAY, "after the reorganisation", TODAY, manager)
    assert past.value.field == "until"
    risk_suggestions.snooze(suggestion, TODAY + timedelta(days=10), "After the reorganisation", TODAY, manager)
    db.session.commit()
    score(red_subscription, TODAY + timedelta(days=7), "red")
    refresh(TODAY + timedelta(days=7))
    assert suggestion.status == SuggestionStatus.SNOOZED  # not yet
    score(red_subscription, TODAY + timedelta(days=14), "red")
    refresh(TODAY + timedelta(days=14))
    assert (suggestion.status, suggestion.snoozed_until, suggestion.first_seen_on) == (
        "pending",
        None,
        TODAY + timedelta(days=14),
    )


def test_accepting_opens_a_risk_from_the_data_and_it_may_come_back_once_the_risk_is_closed(red_subscription):
    red_weeks(red_subscription, TODAY)
    refresh(TODAY)
    [suggestion] = suggestions()
    manager = red_subscription["manager"]
    risk = risk_suggestions.accept(suggestion, manager)
    db.session.commit()
    assert (risk.origin, risk.reason.name, risk.system, risk.owner, risk.seats_at_stake) == (
        RiskSource.DATA,
        "Low adoption",
        red_subscription["system"],
        manager,
        30,
    )
    assert risk.description.startswith("Red for weeks: Red at every score of the last 3 weeks")
    assert (suggestion.status, suggestion.risk) == ("accepted", risk)
    with pytest.raises(risk_suggestions.SuggestionError, match="decided"):
        risk_suggestions.dismiss(suggestion, "late click", manager)
    score(red_subscription, TODAY + timedelta(days=1), "red")
    refresh(TODAY + timedelta(days=1))
    assert suggestion.status == "accepted"  # quiet while the risk is open
    risks.close(risk, RiskOutcome.LOST, risk.reason_id, "", manager)
    db.session.commit()
    score(red_subscription, TODAY + timedelta(days=2), "red")
    refresh(TODAY + timedelta(days=2))
    assert suggestion.status == "pending"


def open_by_hand(setting, reason_name: str, with_system: bool = True):
    """A risk an account manager opened themselves, naming no signal."""
    reason = next(r for rs in risk_reasons.by_bucket().values() for r in rs if r.name == reason_name)
    assessment = risks.Assessment(
        system_id=setting["system"].id if with_system else None,
        reason_id=reason.id,
        source=RiskSource.UNIT,
        probability=Probability.LIKELY,
        seats_at_stake=None,
        cost_at_stake=None,
        owner_id=None,
        description="They said so at the review",
    )
    risk = risks.open_risk(setting["unit"], assessment, setting["manager"])
    db.session.commit()
    return risk


def test_no_suggestion_while_an_open_risk_covers_it_and_again_once_it_is_closed(red_subscription):
    risk = open_by_hand(red_subscription, "Low adoption")  # red weeks are filed under low adoption
    red_weeks(red_subscription, TODAY)
    assert refresh(TODAY) == risk_suggestions.Refreshed(new=0, updated=0, cleared=0)
    assert suggestions() == []
    assert risk_suggestions.covering_risks() == {
        (red_subscription["unit"].id, red_subscription["system"].id, "red_weeks"): risk,
        (red_subscription["unit"].id, red_subscription["system"].id, "key_action_missed"): risk,
    }
    risks.close(risk, RiskOutcome.SAVED, risk.reason_id, "", red_subscription["manager"])
    db.session.commit()
    score(red_subscription, TODAY + timedelta(days=1), "red")
    assert refresh(TODAY + timedelta(days=1)).new == 1
    assert [s.signal for s in risk_suggestions.pending()] == ["red_weeks"]


def test_a_risk_of_another_reason_system_or_signal_does_not_cover(red_subscription):
    open_by_hand(red_subscription, "Bugs and outages")  # a ticket surge's reason, not red weeks'
    open_by_hand(red_subscription, "Low adoption", with_system=False)  # the unit as a whole names no system
    red_weeks(red_subscription, TODAY)
    assert refresh(TODAY).new == 1
    assert risk_suggestions.covered_by(risk_suggestions.pending()) == {}


def test_a_risk_opened_from_a_suggestion_covers_its_own_signal_only(red_subscription, make_system):
    red_weeks(red_subscription, TODAY)
    refresh(TODAY)
    [suggestion] = suggestions()
    risk = risk_suggestions.accept(suggestion, red_subscription["manager"])
    db.session.commit()
    covering = risk_suggestions.covering_risks()
    unit_id, system_id = red_subscription["unit"].id, red_subscription["system"].id
    assert covering == {(unit_id, system_id, "red_weeks"): risk}  # not a missed key action, for all its reason


def test_a_pending_suggestion_names_the_risk_that_covers_it_and_stays_out_of_the_digest(red_subscription):
    red_weeks(red_subscription, TODAY)
    refresh(TODAY)
    [suggestion] = suggestions()
    manager = red_subscription["manager"]
    assert "Red for weeks" in digests.digest_for(manager, TODAY).text(TODAY)
    risk = open_by_hand(red_subscription, "Low adoption")  # opened by hand after the suggestion came
    score(red_subscription, TODAY + timedelta(days=1), "red")
    refresh(TODAY + timedelta(days=1))
    assert risk_suggestions.pending() == [suggestion]  # still waiting: a person decides on it
    assert risk_suggestions.covered_by([suggestion]) == {suggestion.id: risk}
    text = digests.digest_for(manager, TODAY + timedelta(days=1)).text(TODAY + timedelta(days=1))
    assert "Red for weeks" not in text
