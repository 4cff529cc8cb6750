"""The risk register's use-cases: open a risk, assess it, plan its mitigation, move it along, close it.

The rules (../shared/DOMAIN.md, "Risks"): flag, understand, plan, then talk to the unit. A risk goes
open → assessing → mitigating → closed, and cannot enter "mitigating" before its plan has at least two
routes, each with a step that has an owner and a due date. It closes as saved, downgraded or lost, with
the reason. Every change and every comment lands on the risk's timeline, and in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from models import (
    Account,
    MitigationRoute,
    MitigationStep,
    Probability,
    Risk,
    RiskEvent,
    RiskOutcome,
    RiskReason,
    RiskSource,
    RiskStatus,
    Subscription,
    System,
    Unit,
    db,
)
from portal import clock
from portal.formatting import counted
from portal.services.errors import RuleViolation, required_text
from portal.services.platform import audit
from portal.services.platform.accounts import STAFF_ROLES

MIN_ROUTES = 2
MAX_COMMENT = 4000
# Forward moves, and one step back (a plan that stalls goes back to assessment); closing has its own use-case.
MOVES = {
    RiskStatus.OPEN: {RiskStatus.ASSESSING, RiskStatus.MITIGATING},
    RiskStatus.ASSESSING: {RiskStatus.MITIGATING},
    RiskStatus.MITIGATING: {RiskStatus.ASSESSING},
    RiskStatus.CLOSED: set(),
}


class RiskError(RuleViolation):
    """A risk change that breaks a rule; the message is for the user."""


@dataclass(frozen=True)
class Assessment:
    """What an account manager says about a risk when opening or reassessing it."""

    system_id: int | None
    reason_id: int
    source: RiskSource
    probability: Probability
    seats_at_stake: int | None  # None: the subscription's seats
    cost_at_stake: Decimal | None  # a year; None: the subscription's annual cost
    owner_id: int | None  # None: the unit's account manager
    description: str


@dataclass(frozen=True)
class Impact:
    seats: int
    cost: Decimal
    currency: str


def default_impact(unit: Unit, system: System | None) -> Impact:
    """Seats and annual cost at stake as the subscription stands: the whole of it (editable)."""
    if system is None:
        subscriptions = list(unit.subscriptions)
        currencies = {subscription.system.currency for subscription in subscriptions}
        currency = currencies.pop() if len(currencies) == 1 else "EUR"
        return Impact(
            sum(subscription.seats for subscription in subscriptions),
            sum((s.effective_annual_cost for s in subscriptions if s.system.currency == currency), Decimal("0")),
            currency,
        )
    subscription = _subscription(unit, system.id)
    if subscription is None:
        return Impact(0, Decimal("0"), system.currency)
    return Impact(subscription.seats, subscription.effective_annual_cost, system.currency)


def _subscription(unit: Unit, system_id: int) -> Subscription | None:
    return db.session.scalar(
        select(Subscription).where(Subscription.unit_id == unit.id, Subscription.system_id == system_id)
    )


def _event(risk: Risk, actor: Account | None, kind: str, text: str = "", changes: dict | None = None) -> None:
    risk.events.append(
        RiskEvent(
            actor_id=actor.id if actor else None,
            actor=actor.name if actor else audit.SYSTEM_ACTOR,
            kind=kind,
            text=text,
            changes=changes or {},
        )
    )
    db.session.flush()
    audit.record(actor, kind, "risk", str(risk.id), changes or {"text": text})


def _snapshot(risk: Risk) -> dict[str, object]:
    return {
        "system": risk.system.key if risk.system else None,
        "reason": risk.reason.label if risk.reason else None,
        "source": risk.source,
        "probability": risk.probability,
        "seats_at_stake": risk.seats_at_stake,
        "cost_at_stake": risk.cost_at_stake,
        "owner": risk.owner.email if risk.owner else None,
        "description": risk.description,
    }


def _checked(unit: Unit, assessment: Assessment) -> tuple[System | None, RiskReason, Account | None]:
    system = None
    if assessment.system_id is not None:
        system = db.session.get(System, assessment.system_id)
        if system is None or _subscription(unit, system.id) is None:
            raise RiskError(f"{unit.name} does not use that system; choose one of its systems or none.", "system_id")
    reason = db.session.get(RiskReason, assessment.reason_id)
    if reason is None:
        raise RiskError("Choose a reason from the list.", "reason_id")
    owner_id = assessment.owner_id if assessment.owner_id is not None else unit.account_manager_id
    owner = db.session.get(Account, owner_id) if owner_id is not None else None
    if owner_id is not None and (owner is None or owner.role not in STAFF_ROLES):
        raise RiskError("The owner must be someone in IT: an account manager, an admin or the CIO.", "owner_id")
    for value, field in ((assessment.seats_at_stake, "seats_at_stake"), (assessment.cost_at_stake, "cost_at_stake")):
        if value is not None and value < 0:
            raise RiskError("What is at stake cannot be negative.", field)
    return system, reason, owner


def _apply(risk: Risk, unit: Unit, assessment: Assessment) -> None:
    system, reason, owner = _checked(unit, assessment)
    impact = default_impact(unit, system)
    risk.system, risk.reason, risk.owner = system, reason, owner
    risk.source = assessment.source.value
    risk.probability = assessment.probability.value
    risk.seats_at_stake = impact.seats if assessment.seats_at_stake is None else assessment.seats_at_stake
    risk.cost_at_stake = impact.cost if assessment.cost_at_stake is None else assessment.cost_at_stake
    risk.currency = impact.currency
    risk.description = assessment.description.strip()


def open_risk(unit: Unit, assessment: Assessment, actor: Account) -> Risk:
    risk = Risk(unit=unit, status=RiskStatus.OPEN.value, opened_by_id=actor.id)
    _apply(risk, unit, assessment)
    db.session.add(risk)
    db.session.flush()
    _event(risk, actor, "opened", risk.description, audit.changes_between({}, _snapshot(risk)))
    return risk


def reassess(risk: Risk, assessment: Assessment, actor: Account) -> None:
    _refuse_if_closed(risk)
    before = _snapshot(risk)
    _apply(risk, risk.unit, assessment)
    db.session.flush()
    changes = audit.changes_between(before, _snapshot(risk))
    if changes:
        _event(risk, actor, "assessed", "", changes)


def _refuse_if_closed(risk: Risk) -> None:
    if risk.is_closed:
        raise RiskError("This risk is closed; open a new one if the unit is at risk again.")


def plan_gaps(risk: Risk) -> list[str]:
    """What the plan lacks before mitigation can start (empty when it is ready)."""
    gaps = []
    if len(risk.routes) < MIN_ROUTES:
        gaps.append(f"at least {MIN_ROUTES} mitigation routes (it has {len(risk.routes)})")
    gaps += [f"a step on the route “{route.title}”" for route in risk.routes if not route.steps]
    return gaps


def next_moves(risk: Risk) -> list[tuple[RiskStatus, str]]:
    """The moves a risk's page offers, with the words on their buttons."""
    now = RiskStatus(risk.status)
    words = {
        RiskStatus.ASSESSING: "Back to assessing" if now == RiskStatus.MITIGATING else "Start assessing",
        RiskStatus.MITIGATING: "Start mitigating",
    }
    return [(to, words[to]) for to in (RiskStatus.ASSESSING, RiskStatus.MITIGATING) if to in MOVES[now]]


def move(risk: Risk, to: RiskStatus, actor: Account) -> None:
    _refuse_if_closed(risk)
    now = RiskStatus(risk.status)
    if to not in MOVES[now]:
        raise RiskError(f"A risk cannot go from {now.label.lower()} to {to.label.lower()}.")
    if to == RiskStatus.MITIGATING and (gaps := plan_gaps(risk)):
        raise RiskError("Mitigation starts once the plan has " + " and ".join(gaps) + ".")
    risk.status = to.value
    _event(risk, actor, "status", "", {"status": [now.value, to.value]})


def close(risk: Risk, outcome: RiskOutcome, reason_id: int, note: str, actor: Account) -> None:
    _refuse_if_closed(risk)
    reason = db.session.get(RiskReason, reason_id)
    if reason is None:
        raise RiskError("Choose the reason it ended so.", "outcome_reason_id")
    before = risk.status
    risk.status, risk.outcome, risk.outcome_reason = RiskStatus.CLOSED.value, outcome.value, reason
    risk.outcome_note = note.strip()
    risk.closed_at = clock.now()
    changes = {"status": [before, "closed"], "outcome": [None, outcome.value], "outcome_reason": [None, reason.label]}
    _event(risk, actor, "closed", risk.outcome_note, changes)


def add_route(risk: Risk, title: str, actor: Account) -> MitigationRoute:
    _refuse_if_closed(risk)
    title = " ".join(title.split())
    if not title:
        raise RiskError("Say what the route is, e.g. “Train the new planners”.", "title")
    if any(route.title.casefold() == title.casefold() for route in risk.routes):
        raise RiskError(f"The plan already has the route “{title}”.", "title")
    route = MitigationRoute(title=title[:200])
    risk.routes.append(route)
    _event(risk, actor, "route", route.title)
    return route


def add_step(
    route: MitigationRoute, action: str, owner_id: int | None, due_on: date | None, actor: Account
) -> MitigationStep:
    risk = route.risk
    _refuse_if_closed(risk)
    action = " ".join(action.split())
    if not action:
        raise RiskError("Say what is to be done.", "action")
    owner = db.session.get(Account, owner_id) if owner_id is not None else None
    if owner is None or owner.role not in STAFF_ROLES:
        raise RiskError("Choose who in IT owns the step.", "owner_id")
    if due_on is None:
        raise RiskError("Give the step a due date.", "due_on")
    step = MitigationStep(action=action[:300], owner=owner, due_on=due_on)
    route.steps.append(step)
    _event(
        risk,
        actor,
        "step",
        f"{route.title}: {step.action}",
        {"owner": [None, owner.email], "due_on": [None, due_on.isoformat()]},
    )
    return step


def complete_step(step: MitigationStep, actor: Account) -> None:
    risk = step.route.risk
    _refuse_if_closed(risk)
    if step.done_at is not None:
        return  # done already: a second click changes nothing
    step.done_at = clock.now()
    _event(risk, actor, "step_done", f"{step.route.title}: {step.action}")


def comment(risk: Risk, text: str, actor: Account) -> None:
    _event(risk, actor, "comment", required_text(text, MAX_COMMENT, "Write the comment first.", RiskError))


def plan_progress(risk: Risk, before: datetime | None = None) -> str:
    """How far a risk's plan is, in words: "2 routes, 1 of 3 steps done" (steps done before `before` if given)."""
    routes, done, steps = risk.progress(before)
    return f"{counted(routes, 'route')}, {done} of {steps} steps done"
