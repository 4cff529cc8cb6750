"""The demo's follow-up work, once its scores exist: what a year of IT's customer success would have left.

Risks opened from the data's suggestions (one being mitigated along two routes, one saved, one lost, the
rest still suggestions), goals of a few units in their own numbers and one computed from adoption, their
success plans with steps done, late and coming, and touchpoints with the unit's people. Everything goes
through the same use-cases as a person's clicks (and so into the audit log); only the dates are set back.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from models import (
    Account,
    GoalMeasure,
    Person,
    PlanSide,
    Probability,
    Risk,
    RiskOutcome,
    RiskStatus,
    RiskSuggestion,
    StepStatus,
    Subscription,
    TouchpointKind,
    Unit,
    db,
)
from portal.services.risks import lifecycle as risks
from portal.services.risks import reasons as risk_reasons
from portal.services.risks import suggestions as risk_suggestions
from portal.services.units import goals, touchpoints
from portal.services.units import plan as success_plan

TOUCHPOINTS_PER_UNIT = 3


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


def _manager_of(unit: Unit, fallback: Account) -> Account:
    return unit.account_manager or fallback


# What became of the risks opened from the largest suggestions: (status or outcome, opened and closed days ago).
RISK_STORIES = (
    ("mitigating", 20, None),
    (RiskOutcome.SAVED, 150, 60),
    (RiskOutcome.LOST, 240, 45),
    ("assessing", 35, None),
    ("open", 5, None),
    (RiskOutcome.DOWNGRADED, 120, 20),
)
OUTCOME_NOTES = {
    RiskOutcome.SAVED: "Use is back above half the seats.",
    RiskOutcome.LOST: "Moved to the group's tool.",
    RiskOutcome.DOWNGRADED: "They kept two thirds of the seats.",
}
PROBABILITIES = (
    Probability.LIKELY,
    Probability.CONSIDERING,
    Probability.VERY_LIKELY,
    Probability.EXPLORING,
    Probability.EXPLORING,
    Probability.LIKELY,
)


def _cost(suggestion: RiskSuggestion) -> Decimal:
    subscription = db.session.scalar(
        select(Subscription).where(
            Subscription.unit_id == suggestion.unit_id, Subscription.system_id == suggestion.system_id
        )
    )
    return subscription.effective_annual_cost if subscription else Decimal(0)


def _spread_events(risk: Risk, start: datetime, end: datetime) -> None:
    """The timeline's lines between the day it opened and the day it closed (or today), in their order."""
    step = (end - start) / max(len(risk.events), 1)
    for index, event in enumerate(risk.events):
        event.at = start + step * index


def _risks(today: date, fallback: Account) -> None:
    suggestions = sorted(risk_suggestions.pending(), key=lambda s: (-_cost(s), s.id))
    stories = zip(RISK_STORIES, PROBABILITIES, suggestions, strict=False)  # fewer suggestions: fewer stories
    for (story, opened_days, closed_days), probability, suggestion in stories:
        manager = _manager_of(suggestion.unit, fallback)
        risk = risk_suggestions.accept(suggestion, manager)
        risk.probability = probability.value
        if story != "open":
            risks.move(risk, RiskStatus.ASSESSING, manager)
            training = risks.add_route(risk, "Retrain the team on the daily work", manager)
            risks.add_step(
                training,
                "Book two hands-on sessions with the key users",
                manager.id,
                today + timedelta(days=10),
                manager,
            )
        if story not in ("open", "assessing"):
            sponsor = risks.add_route(risk, "Win back the head of the unit", manager)
            risks.add_step(
                sponsor, "Meet the head with the adoption figures", manager.id, today - timedelta(days=5), manager
            )
            risks.move(risk, RiskStatus.MITIGATING, manager)
        if story == "mitigating":
            risks.comment(
                risk, "The head agreed to the training; the key users are back from leave next week.", manager
            )
        if isinstance(story, RiskOutcome):
            for route in risk.routes:
                for step in route.steps:
                    risks.complete_step(step, manager)
            risks.close(risk, story, risk.reason_id, OUTCOME_NOTES[story], manager)
        opened = _at(today - timedelta(days=opened_days))
        closed = _at(today - timedelta(days=closed_days)) if closed_days is not None else _at(today)
        risk.opened_at = opened
        if risk.closed_at is not None:
            risk.closed_at = closed
        _spread_events(risk, opened, closed)
    for suggestion in suggestions[len(RISK_STORIES) : len(RISK_STORIES) + 1]:  # one snoozed, with its reason
        risk_suggestions.snooze(
            suggestion,
            today + timedelta(days=30),
            "Their busy season; look again after it.",
            today,
            _manager_of(suggestion.unit, fallback),
        )


def _plans(today: date, rng: random.Random, fallback: Account, head_unit: Unit) -> None:
    subscribed = select(Subscription.unit_id).where(Subscription.unit_id != head_unit.id).distinct()
    others = db.session.scalars(select(Unit).where(Unit.id.in_(subscribed)).order_by(Unit.id)).all()
    units = [head_unit, *rng.sample(others, k=min(len(others), 5))]
    for unit in units:
        subscriptions = db.session.scalars(select(Subscription).where(Subscription.unit_id == unit.id)).all()
        if not subscriptions:
            continue
        manager = _manager_of(unit, fallback)
        main = max(subscriptions, key=lambda subscription: subscription.seats)
        manual = goals.create(
            unit,
            goals.GoalDetails(
                name=f"Handle every request of {unit.name} in {main.system.name}",
                metric="requests a week",
                baseline=Decimal(rng.randint(80, 140)),
                target=Decimal(rng.randint(300, 420)),
                due_on=today + timedelta(days=120),
            ),
            manager,
        )
        value = manual.baseline
        for back in (90, 60, 30, 7):
            value += Decimal(rng.randint(15, 45))
            goals.record_progress(manual, value, today - timedelta(days=back), "", today, manager)
        goals.create(
            unit,
            goals.GoalDetails(
                name=f"Most of the {main.system.name} seats in use",
                metric="",
                baseline=Decimal(40),
                target=Decimal(75),
                due_on=today + timedelta(days=180),
                measure=GoalMeasure.SEAT_UTILISATION,
                system_id=main.system_id,
            ),
            manager,
        )
        steps = [
            ("Name two super-users", PlanSide.UNIT, "the unit's head", -40, True),
            (f"Run a refresher on {main.system.name} for new starters", PlanSide.IT, manager.name, -10, False),
            ("Share the weekly request figures with the team", PlanSide.UNIT, "the team leads", 14, False),
            ("Review the seat count before the renewal", PlanSide.IT, manager.name, 45, False),
        ]
        for action, side, owner, due, done in steps:
            details = success_plan.StepDetails(
                action, side, owner, today + timedelta(days=due), main.system_id, manual.id
            )
            step = success_plan.add_step(unit, details, manager)
            if done:
                success_plan.set_status(step, StepStatus.DONE, manager)
                step.done_at = _at(today + timedelta(days=due - 2))
        success_plan.comment(unit, "Agreed in the quarterly meeting; the head will check the figures monthly.", manager)


def _touchpoints(today: date, rng: random.Random, fallback: Account) -> None:
    units = db.session.scalars(select(Unit).where(Unit.account_manager_id.is_not(None)).order_by(Unit.id)).all()
    for unit in units[::2]:
        people = db.session.scalars(select(Person).where(Person.unit_id == unit.id).order_by(Person.key)).all()
        if not people:
            continue
        manager = _manager_of(unit, fallback)
        for _ in range(TOUCHPOINTS_PER_UNIT):
            kind = rng.choice([TouchpointKind.MEETING, TouchpointKind.CHECK_IN, TouchpointKind.TRAINING])
            met = rng.sample(people, k=min(len(people), rng.randint(1, 3)))
            details = touchpoints.TouchpointDetails(
                kind, today - timedelta(days=rng.randint(3, 170)), manager.id, [person.id for person in met], ""
            )
            touchpoints.log(unit, details, today, manager)


def add_follow_up(today: date, seed: int, manager: Account, head_unit: Unit) -> None:
    """After the demo's scores: its risks, goals, plans and touchpoints (the caller commits). `manager` owns
    what a unit without an account manager needs; `head_unit` (the printed head's) gets a plan first."""
    rng = random.Random(seed)
    risk_reasons.add_defaults()  # the migration wrote them; a database emptied since (tests) has none
    _risks(today, manager)
    _plans(today, rng, manager, head_unit)
    _touchpoints(today, rng, manager)
    goals.refresh_computed(today)  # the adoption goals' first entries, from today's scores
    db.session.flush()
