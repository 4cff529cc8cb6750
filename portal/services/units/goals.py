"""A unit's business goals: set them, record their progress, and compute it where Rapport measures it.

A goal about adoption (active people in a system, or the share of its seats in use) takes one progress entry
a day from the day's stored scores (`refresh_computed`, after each day's recompute); any other goal is in the
unit's own numbers and its progress is entered by hand. A goal is reached on the first entry at or past its
target, whichever way the target lies from the baseline; an entry corrected below it un-reaches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import Account, Goal, GoalMeasure, GoalProgress, HealthScore, Subscription, Unit, db
from portal.services.errors import RuleViolation
from portal.services.platform import audit

MAX_NOTE = 1000


class GoalError(RuleViolation):
    pass


@dataclass(frozen=True)
class GoalDetails:
    name: str
    metric: str
    baseline: Decimal
    target: Decimal
    due_on: date
    measure: GoalMeasure = GoalMeasure.MANUAL
    system_id: int | None = None


def _snapshot(goal: Goal) -> dict[str, object]:
    system = goal.system.key if goal.system else None
    return {
        "name": goal.name,
        "metric": goal.metric,
        "baseline": goal.baseline,
        "target": goal.target,
        "due_on": goal.due_on,
        "measure": goal.measure,
        "system": system,
    }


def _apply(goal: Goal, unit: Unit, details: GoalDetails) -> None:
    name, metric = " ".join(details.name.split()), " ".join(details.metric.split())
    if not name:
        raise GoalError("Name the goal in the unit's words, e.g. “Plan every job in the tool”.", "name")
    if not metric and details.measure == GoalMeasure.MANUAL:
        raise GoalError("Say what is counted, e.g. “jobs planned a day”.", "metric")
    if details.target == details.baseline:
        raise GoalError("The target is where the unit wants to go: it cannot equal the baseline.", "target")
    system_id = None
    if details.measure != GoalMeasure.MANUAL:
        subscribed = {s.system_id for s in unit.subscriptions}
        if details.system_id not in subscribed:
            raise GoalError("A computed goal follows one of the unit's systems: choose it.", "system_id")
        system_id = details.system_id
        metric = metric or ("active people" if details.measure == GoalMeasure.ACTIVE_PEOPLE else "% of seats in use")
    goal.name, goal.metric, goal.baseline, goal.target, goal.due_on = (
        name[:200],
        metric[:120],
        details.baseline,
        details.target,
        details.due_on,
    )
    goal.measure, goal.system_id = details.measure.value, system_id


def create(unit: Unit, details: GoalDetails, actor: Account) -> Goal:
    goal = Goal(unit=unit, created_by_id=actor.id)
    _apply(goal, unit, details)
    db.session.add(goal)
    db.session.flush()
    audit.record(actor, "create", "goal", f"{unit.key}/{goal.id}", audit.changes_between({}, _snapshot(goal)))
    return goal


def update(goal: Goal, details: GoalDetails, actor: Account) -> None:
    before = _snapshot(goal)
    _apply(goal, goal.unit, details)
    db.session.flush()
    db.session.refresh(goal, ["system"])
    changes = audit.changes_between(before, _snapshot(goal))
    if changes:
        audit.record(actor, "update", "goal", f"{goal.unit.key}/{goal.id}", changes)


def reached(goal: Goal, value: Decimal) -> bool:
    return value >= goal.target if goal.target > goal.baseline else value <= goal.target


def _set(goal: Goal, day: date, value: Decimal, note: str, computed: bool, actor: Account | None) -> GoalProgress:
    """The goal's value on a day: one entry a day of each kind (a second entry of the day corrects the first).
    The goal is reached on the first day whose value is at or past the target."""
    entry = next((p for p in goal.progress if p.computed == computed and p.recorded_on == day), None)
    if entry is None:
        entry = GoalProgress(recorded_on=day, computed=computed)
        goal.progress.append(entry)
    entry.value, entry.note, entry.author_id = value, note, actor.id if actor else None
    goal.progress.sort(key=lambda p: (p.recorded_on, p.computed))
    goal.reached_on = next((p.recorded_on for p in goal.progress if reached(goal, p.value)), None)
    return entry


def record_progress(
    goal: Goal, value: Decimal | None, day: date | None, note: str, today: date, actor: Account
) -> GoalProgress:
    """A progress entry by hand, in the goal's own numbers."""
    if goal.kind != GoalMeasure.MANUAL:
        raise GoalError("This goal's progress is computed from Rapport's measures each day.")
    if value is None:
        raise GoalError("Give the value reached.", "value")
    if day is None or day > today:
        raise GoalError("Give the day it was measured: today or before.", "recorded_on")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise GoalError(f"A note has at most {MAX_NOTE:,} characters.", "note")
    entry = _set(goal, day, value, note, computed=False, actor=actor)
    db.session.flush()
    said = {"value": [None, str(value)], "recorded_on": [None, day.isoformat()]}
    audit.record(actor, "progress", "goal", f"{goal.unit.key}/{goal.id}", said)
    return entry


def _computed_value(goal: Goal, row: HealthScore, seats: int) -> Decimal:
    if goal.kind == GoalMeasure.ACTIVE_PEOPLE:
        return Decimal(row.active_people)
    return (Decimal(100 * row.active_people) / seats).quantize(Decimal("0.1")) if seats else Decimal(0)


def refresh_computed(as_of: date) -> int:
    """Today's entry of each computed goal from the stored score of its subscription; returns how many."""
    goals = db.session.scalars(select(Goal).where(Goal.measure != GoalMeasure.MANUAL.value)).all()
    written = 0
    for goal in goals:
        subscription = db.session.scalar(
            select(Subscription).where(Subscription.unit_id == goal.unit_id, Subscription.system_id == goal.system_id)
        )
        row = (
            db.session.scalar(
                select(HealthScore).where(HealthScore.subscription_id == subscription.id, HealthScore.as_of == as_of)
            )
            if subscription
            else None
        )
        if row is None:
            continue
        _set(goal, as_of, _computed_value(goal, row, subscription.seats), "", computed=True, actor=None)
        written += 1
    db.session.flush()
    return written
