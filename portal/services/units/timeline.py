"""One chronological view of a unit: colour and stage changes, risks opened and closed, goals reached, plan
steps done, touchpoints, imports that brought its activity, success reviews produced. Newest first, by kind,
a page at a time.

A department head's timeline leaves out what belongs to IT alone (risks, touchpoints, imports), as their
pages do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
    Account,
    Goal,
    HealthScore,
    ImportRun,
    PlanStep,
    ReviewProduced,
    Risk,
    StageTransition,
    StepStatus,
    System,
    Touchpoint,
    Unit,
    db,
    import_run_unit,
)
from models.types import as_utc, start_of_day
from portal.formatting import number
from portal.services.platform.accounts import is_staff

PER_PAGE = 25
KINDS = {
    "colour": "Colour changes",
    "stage": "Stage changes",
    "risk": "Risks",
    "goal": "Goals reached",
    "step": "Plan steps done",
    "touchpoint": "Touchpoints",
    "import": "Imports",
    "review": "Success reviews",
}
STAFF_ONLY = frozenset({"risk", "touchpoint", "import"})


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    link: tuple[str, dict[str, object]] | None = field(default=None, compare=False)  # an endpoint and its values


@dataclass(frozen=True)
class TimelinePage:
    events: list[Event]
    page: int
    has_more: bool
    kinds: list[str]  # the kinds shown
    offered: dict[str, str]  # the kinds this viewer may filter by


def _system_names() -> dict[int, str]:
    """Every system's name: a colour or stage of the past may be of a system the unit no longer has."""
    return dict(db.session.execute(select(System.id, System.name)).tuples().all())


def _colours(unit: Unit) -> Iterator[Event]:
    names = _system_names()
    rows = db.session.execute(
        select(HealthScore.system_id, HealthScore.as_of, HealthScore.colour, HealthScore.reasons)
        .where(HealthScore.unit_id == unit.id)
        .order_by(HealthScore.system_id, HealthScore.as_of)
    ).tuples()
    before: dict[int | None, str] = {}
    for system_id, day, colour, reasons in rows:
        previous = before.get(system_id)
        before[system_id] = colour
        if previous is None or previous == colour:
            continue
        subject = unit.name if system_id is None else f"{unit.name} × {names.get(system_id, '?')}"
        yield Event(
            start_of_day(day),
            "colour",
            f"{subject}: {previous} → {colour}",
            (reasons or [""])[0],
            ("units.explain", {"unit_key": unit.key}) if system_id is None else None,
        )


def _stages(unit: Unit) -> Iterator[Event]:
    names = _system_names()
    for row in db.session.scalars(select(StageTransition).where(StageTransition.unit_id == unit.id)):
        subject = unit.name if row.system_id is None else f"{unit.name} × {names.get(row.system_id, '?')}"
        yield Event(
            start_of_day(row.happened_on), "stage", f"{subject}: {row.from_stage or 'new'} → {row.to_stage}", row.reason
        )


def _risks(unit: Unit) -> Iterator[Event]:
    risks = (
        select(Risk)
        .where(Risk.unit_id == unit.id)
        .options(selectinload(Risk.system), selectinload(Risk.reason), selectinload(Risk.outcome_reason))
    )
    for risk in db.session.scalars(risks):
        link = ("risks.detail", {"risk_id": risk.id})
        what = f"{risk.system.name}: " if risk.system else ""
        yield Event(
            as_utc(risk.opened_at), "risk", f"Risk opened: {what}{risk.reason.name}", risk.likelihood.label, link
        )
        if risk.closed_at is not None:
            reason = risk.outcome_reason.label if risk.outcome_reason else ""
            title = f"Risk closed, {risk.outcome}: {what}{risk.reason.name}"
            yield Event(as_utc(risk.closed_at), "risk", title, reason, link)


def _goals(unit: Unit) -> Iterator[Event]:
    for goal in db.session.scalars(select(Goal).where(Goal.unit_id == unit.id, Goal.reached_on.is_not(None))):
        target = f"{number(goal.target)} {goal.metric}"
        yield Event(
            start_of_day(goal.reached_on),
            "goal",
            f"Goal reached: {goal.name}",
            target,
            ("units.plan", {"unit_key": unit.key}),
        )


def _steps(unit: Unit) -> Iterator[Event]:
    done = select(PlanStep).where(PlanStep.unit_id == unit.id, PlanStep.status == StepStatus.DONE.value)
    for step in db.session.scalars(done):
        who = "IT" if step.side == "it" else unit.name
        yield Event(
            as_utc(step.done_at),
            "step",
            f"Step done: {step.action}",
            f"{who} · {step.owner_name}",
            ("units.plan", {"unit_key": unit.key}),
        )


def _touchpoints(unit: Unit) -> Iterator[Event]:
    touchpoints = (
        select(Touchpoint)
        .where(Touchpoint.unit_id == unit.id)
        .options(selectinload(Touchpoint.people), selectinload(Touchpoint.it_account))
    )
    for touchpoint in db.session.scalars(touchpoints):
        people = len(touchpoint.people)
        by = touchpoint.it_account.name if touchpoint.it_account else ""
        title = f"{touchpoint.kind_label} with {people} of the unit"
        yield Event(
            start_of_day(touchpoint.happened_on),
            "touchpoint",
            title,
            f"{by} · {touchpoint.notes[:140]}" if touchpoint.notes else by,
            ("units.touchpoints_page", {"unit_key": unit.key}),
        )


def _imports(unit: Unit) -> Iterator[Event]:
    runs = db.session.scalars(
        select(ImportRun)
        .join(import_run_unit, import_run_unit.c.run_id == ImportRun.id)
        .where(import_run_unit.c.unit_id == unit.id)
    )
    for run in runs:
        moment = run.finished_at or run.started_at or run.created_at
        counts = f"{number(run.inserted)} new and {number(run.updated)} changed rows in all"
        title = f"Import of {run.kind}: {run.file_name or run.source}"
        yield Event(as_utc(moment), "import", title, counts, ("admin.import_run", {"run_id": run.id}))


def _reviews(unit: Unit) -> Iterator[Event]:
    for produced in db.session.scalars(select(ReviewProduced).where(ReviewProduced.unit_id == unit.id)):
        link = (
            "units.review",
            {"unit_key": unit.key, "from": produced.period_start.isoformat(), "to": produced.period_end.isoformat()},
        )
        yield Event(
            as_utc(produced.produced_at),
            "review",
            f"Success review of {produced.period_start:%-d %b %Y} – {produced.period_end:%-d %b %Y}",
            f"PDF by {produced.actor}",
            link,
        )


SOURCES = {
    "colour": _colours,
    "stage": _stages,
    "risk": _risks,
    "goal": _goals,
    "step": _steps,
    "touchpoint": _touchpoints,
    "import": _imports,
    "review": _reviews,
}


def offered(viewer: Account) -> dict[str, str]:
    return {kind: label for kind, label in KINDS.items() if is_staff(viewer) or kind not in STAFF_ONLY}


def timeline(unit: Unit, viewer: Account, kinds: list[str], page: int = 1) -> TimelinePage:
    allowed = offered(viewer)
    shown = [kind for kind in kinds if kind in allowed] or list(allowed)
    events = [event for kind in shown for event in SOURCES[kind](unit)]
    events.sort(key=lambda event: (event.at, event.kind, event.title), reverse=True)
    page = max(page, 1)
    start = (page - 1) * PER_PAGE
    return TimelinePage(events[start : start + PER_PAGE], page, len(events) > start + PER_PAGE, shown, allowed)
