"""A unit's success plan: the steps IT and the unit agreed, each owned on one side, and the comments on it.

IT staff add steps and move them along. The unit's department head sees the plan and comments on it, and
marks done a step of the unit's side — nothing on IT's side, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from models import Account, Goal, PlanComment, PlanSide, PlanStep, Role, StepStatus, Unit, db
from portal import clock
from portal.services.errors import RuleViolation, required_text
from portal.services.platform import audit
from portal.services.platform.accounts import is_staff

MAX_COMMENT = 4000


class PlanError(RuleViolation):
    pass


@dataclass(frozen=True)
class StepDetails:
    action: str
    side: PlanSide
    owner_name: str
    due_on: date | None
    system_id: int | None = None
    goal_id: int | None = None


def add_step(unit: Unit, details: StepDetails, actor: Account) -> PlanStep:
    action, owner = " ".join(details.action.split()), " ".join(details.owner_name.split())
    if not action:
        raise PlanError("Say what is to be done.", "action")
    if not owner:
        raise PlanError(f"Name who does it on {details.side.label.lower()}’s side.", "owner_name")
    if details.due_on is None:
        raise PlanError("Give the step a due date.", "due_on")
    if details.system_id is not None and details.system_id not in {s.system_id for s in unit.subscriptions}:
        raise PlanError("Choose one of the unit's systems, or none.", "system_id")
    if details.goal_id is not None:
        goal = db.session.get(Goal, details.goal_id)
        if goal is None or goal.unit_id != unit.id:
            raise PlanError("Choose one of the unit's goals, or none.", "goal_id")
    step = PlanStep(
        unit=unit,
        action=action[:300],
        side=details.side.value,
        owner_name=owner[:200],
        due_on=details.due_on,
        system_id=details.system_id,
        goal_id=details.goal_id,
    )
    db.session.add(step)
    db.session.flush()
    said = {"action": [None, step.action], "side": [None, step.side], "due_on": [None, step.due_on.isoformat()]}
    audit.record(actor, "create", "plan_step", f"{unit.key}/{step.id}", said)
    return step


def may_set(step: PlanStep, status: StepStatus, actor: Account) -> bool:
    """IT staff move any step; a department head marks their unit's own steps done."""
    if is_staff(actor):
        return True
    return actor.role == Role.DEPT_HEAD and step.side == PlanSide.UNIT and status == StepStatus.DONE


def set_status(step: PlanStep, status: StepStatus, actor: Account) -> None:
    if not may_set(step, status, actor):
        raise PlanError("You can mark done the steps on your unit's side; IT moves the others.")
    if step.status == status:
        return
    before = step.status
    step.status = status.value
    step.done_at = clock.now() if status == StepStatus.DONE else None
    step.done_by_id = actor.id if status == StepStatus.DONE else None
    audit.record(actor, "status", "plan_step", f"{step.unit.key}/{step.id}", {"status": [before, status.value]})


def comment(unit: Unit, text: str, actor: Account) -> PlanComment:
    text = required_text(text, MAX_COMMENT, "Write the comment first.", PlanError)
    entry = PlanComment(unit_id=unit.id, author_id=actor.id, author=actor.name or actor.email, text=text)
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "comment", "plan", unit.key, {"text": [None, text]})
    return entry


@dataclass(frozen=True)
class Plan:
    """What a unit page and the plan page show: goals, steps (open first, by due date), comments (newest first)."""

    unit: Unit
    goals: list[Goal]
    steps: list[PlanStep]
    comments: list[PlanComment]
    today: date

    @property
    def late(self) -> int:
        return sum(1 for step in self.steps if step.is_late(self.today))

    @property
    def open_steps(self) -> list[PlanStep]:
        return [step for step in self.steps if step.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS)]


def plan_of(unit: Unit, today: date) -> Plan:
    goals = db.session.scalars(select(Goal).where(Goal.unit_id == unit.id).order_by(Goal.due_on, Goal.id)).all()
    steps = db.session.scalars(select(PlanStep).where(PlanStep.unit_id == unit.id)).all()
    closed = (StepStatus.DONE.value, StepStatus.DROPPED.value)
    steps = sorted(steps, key=lambda step: (step.status in closed, step.due_on, step.id))
    comments = db.session.scalars(
        select(PlanComment).where(PlanComment.unit_id == unit.id).order_by(PlanComment.at.desc(), PlanComment.id.desc())
    ).all()
    return Plan(unit, list(goals), steps, list(comments), today)
