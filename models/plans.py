"""A unit's business goals, in its own numbers, and the success plan that IT and the unit agreed to reach them.

Goals are the unit's (they produce 300 items a day and want 5,000), not features IT wants to sell; their
progress is entered by hand, or computed from Rapport's own measures when the goal is about adoption. The
plan's steps have an owner on either side, IT or the unit, and a due date; what is late stands out.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.accounts import Account
from models.catalog import System
from models.org import Unit
from models.types import one_of, utcnow


class GoalMeasure(StrEnum):
    """Where a goal's progress comes from."""

    MANUAL = "manual"  # entered by hand, in the unit's own numbers
    ACTIVE_PEOPLE = "active_people"  # people active in a system in the last 30 days
    SEAT_UTILISATION = "seat_utilisation"  # those people as a share of the paid seats, in %

    @property
    def label(self) -> str:
        return {
            "manual": "Entered by hand",
            "active_people": "Active people in a system (computed)",
            "seat_utilisation": "Seats in use, % (computed)",
        }[self.value]


class Goal(db.Model):
    __tablename__ = "goal"
    __table_args__ = (
        one_of("measure", GoalMeasure, "measure"),
        CheckConstraint("measure = 'manual' OR system_id IS NOT NULL", name="computed_has_a_system"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(120))  # what is counted, in the unit's words: "items a day"
    baseline: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    due_on: Mapped[date] = mapped_column(Date)
    measure: Mapped[str] = mapped_column(String(20), default=GoalMeasure.MANUAL.value)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id", ondelete="SET NULL"))
    reached_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()
    system: Mapped[System | None] = relationship()
    progress: Mapped[list[GoalProgress]] = relationship(
        back_populates="goal", order_by="(GoalProgress.recorded_on, GoalProgress.id)", cascade="all, delete-orphan"
    )

    @property
    def kind(self) -> GoalMeasure:
        return GoalMeasure(self.measure)

    @property
    def latest(self) -> GoalProgress | None:
        return self.progress[-1] if self.progress else None

    @property
    def share_done(self) -> float:
        return share_done(self.baseline, self.target, self.latest.value if self.latest else None)


def share_done(baseline: Decimal, target: Decimal, value: Decimal | None) -> float:
    """How far from the baseline to the target a value is, 0–1 (a goal may go up or down); a goal whose
    target is its baseline is done once the value is there."""
    if value is None or target == baseline:
        return 1.0 if value is not None and value == target else 0.0
    return max(0.0, min(1.0, float((value - baseline) / (target - baseline))))


class GoalProgress(db.Model):
    __tablename__ = "goal_progress"
    __table_args__ = (UniqueConstraint("goal_id", "recorded_on", "computed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("goal.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    note: Mapped[str] = mapped_column(Text, default="")
    computed: Mapped[bool] = mapped_column(default=False)  # from Rapport's measures, one a day
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))

    goal: Mapped[Goal] = relationship(back_populates="progress")
    author: Mapped[Account | None] = relationship()


class PlanSide(StrEnum):
    IT = "it"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return {"it": "IT", "unit": "The unit"}[self.value]


class StepStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"planned": "Planned", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}[self.value]


class PlanStep(db.Model):
    """One step of a unit's success plan (optionally about one system), owned on one side."""

    __tablename__ = "plan_step"
    __table_args__ = (
        one_of("side", PlanSide, "side"),
        one_of("status", StepStatus, "status"),
        CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name="done_when_done"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id", ondelete="SET NULL"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goal.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(300))
    side: Mapped[str] = mapped_column(String(4))
    owner_name: Mapped[str] = mapped_column(String(200))  # a person of the unit, or of IT
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=StepStatus.PLANNED.value)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    unit: Mapped[Unit] = relationship()
    system: Mapped[System | None] = relationship()
    goal: Mapped[Goal | None] = relationship()
    done_by: Mapped[Account | None] = relationship()

    @property
    def owner_side(self) -> PlanSide:
        return PlanSide(self.side)

    @property
    def step_status(self) -> StepStatus:
        return StepStatus(self.status)

    def is_late(self, today: date) -> bool:
        return self.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS) and self.due_on < today


class PlanComment(db.Model):
    """A comment on a unit's goals and plan, by IT or the unit's head."""

    __tablename__ = "plan_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(254))  # the name, kept after an account is deleted
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewProduced(db.Model):
    """A success review made into a PDF (downloaded, or written by `flask report review`): the unit's timeline."""

    __tablename__ = "review_produced"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    produced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="")  # a name, or "command line"
