"""The risk register: the chance that a unit cuts seats or leaves a system, and the plan to prevent it.

One register for the whole organisation (docs: ../shared/DOMAIN.md, "Risks"): a risk is opened on a unit,
optionally on one of its systems, assessed, mitigated along at least two routes, and closed as saved,
downgraded or lost with the reason. Every change lands on the risk's timeline (RiskEvent).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.accounts import Account
from models.catalog import System
from models.org import Unit
from models.types import as_utc, one_of, utcnow


class RiskBucket(StrEnum):
    PRODUCT = "product"
    COMMERCIAL = "commercial"
    SUCCESS = "success"
    SERVICE = "service"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def help(self) -> str:
        return {
            "product": "missing features, bugs, a poor fit",
            "commercial": "cost against value, budget cuts, layoffs, orders from above",
            "success": "low adoption or return, a weak relationship with the champion",
            "service": "a poor implementation, a vendor or partner the unit dislikes",
        }[self.value]


class RiskSource(StrEnum):
    DATA = "data"
    ENVIRONMENT = "environment"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return {"data": "A data signal", "environment": "The environment or news", "unit": "The unit itself"}[
            self.value
        ]


class Probability(StrEnum):
    """From the first sign to a decision taken; the order is the declaration order."""

    EXPLORING = "exploring"
    CONSIDERING = "considering"
    LIKELY = "likely"
    VERY_LIKELY = "very_likely"
    DEFINITE = "definite"

    @property
    def label(self) -> str:
        return {
            "exploring": "Exploring alternatives",
            "considering": "Considering a change",
            "likely": "Likely",
            "very_likely": "Very likely",
            "definite": "Definite",
        }[self.value]

    @property
    def rank(self) -> int:
        return list(Probability).index(self) + 1


class RiskStatus(StrEnum):
    OPEN = "open"
    ASSESSING = "assessing"
    MITIGATING = "mitigating"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class RiskOutcome(StrEnum):
    SAVED = "saved"
    DOWNGRADED = "downgraded"
    LOST = "lost"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class RiskReason(db.Model):
    """A reason within a bucket, from the list admins keep. Retired reasons stay on the risks that cite them."""

    __tablename__ = "risk_reason"
    __table_args__ = (UniqueConstraint("bucket", "name"), one_of("bucket", RiskBucket, "bucket"))

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def label(self) -> str:
        return f"{RiskBucket(self.bucket).label}: {self.name}"


class Risk(db.Model):
    __tablename__ = "risk"
    __table_args__ = (
        one_of("source", RiskSource, "source"),
        one_of("probability", Probability, "probability"),
        one_of("status", RiskStatus, "status"),
        CheckConstraint("outcome IS NULL OR outcome IN ('saved', 'downgraded', 'lost')", name="outcome"),
        # A closed risk says how it ended and why; an open one has not ended.
        CheckConstraint(
            "(status = 'closed') = (outcome IS NOT NULL AND outcome_reason_id IS NOT NULL AND closed_at IS NOT NULL)",
            name="closed_with_outcome",
        ),
        CheckConstraint("seats_at_stake >= 0 AND cost_at_stake >= 0", name="impact_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"), index=True)
    reason_id: Mapped[int] = mapped_column(ForeignKey("risk_reason.id"))
    source: Mapped[str] = mapped_column(String(12))
    probability: Mapped[str] = mapped_column(String(12))
    seats_at_stake: Mapped[int] = mapped_column(default=0)
    cost_at_stake: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))  # a year
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=RiskStatus.OPEN.value, index=True)
    outcome: Mapped[str | None] = mapped_column(String(12))
    outcome_reason_id: Mapped[int | None] = mapped_column(ForeignKey("risk_reason.id"))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit: Mapped[Unit] = relationship()
    system: Mapped[System | None] = relationship()
    reason: Mapped[RiskReason] = relationship(foreign_keys=[reason_id])
    outcome_reason: Mapped[RiskReason | None] = relationship(foreign_keys=[outcome_reason_id])
    owner: Mapped[Account | None] = relationship(foreign_keys=[owner_id])
    routes: Mapped[list[MitigationRoute]] = relationship(
        back_populates="risk", order_by="MitigationRoute.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[RiskEvent]] = relationship(
        back_populates="risk", order_by="RiskEvent.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.status == RiskStatus.CLOSED

    @property
    def origin(self) -> RiskSource:
        return RiskSource(self.source)

    @property
    def likelihood(self) -> Probability:
        return Probability(self.probability)

    def late_steps(self, today: date) -> int:
        return sum(1 for route in self.routes for step in route.steps if step.is_late(today))

    @property
    def title(self) -> str:
        where = f" × {self.system.name}" if self.system else ""
        return f"{self.unit.name}{where}: {self.reason.name}"

    def progress(self, before: datetime | None = None) -> tuple[int, int, int]:
        """The plan as (routes, steps done, steps); only the steps done before `before` when it is given."""
        steps = [step for route in self.routes for step in route.steps]
        done = sum(
            1 for step in steps if step.done_at is not None and (before is None or as_utc(step.done_at) < before)
        )
        return len(self.routes), done, len(steps)


class MitigationRoute(db.Model):
    """One way of keeping the unit: a risk is mitigated along at least two."""

    __tablename__ = "mitigation_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))

    risk: Mapped[Risk] = relationship(back_populates="routes")
    steps: Mapped[list[MitigationStep]] = relationship(
        back_populates="route", order_by="(MitigationStep.due_on, MitigationStep.id)", cascade="all, delete-orphan"
    )


class MitigationStep(db.Model):
    __tablename__ = "mitigation_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[int] = mapped_column(ForeignKey("mitigation_route.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    route: Mapped[MitigationRoute] = relationship(back_populates="steps")
    owner: Mapped[Account | None] = relationship()

    def is_late(self, today: date) -> bool:
        return self.done_at is None and self.due_on < today


class RiskEvent(db.Model):
    """One line of a risk's timeline: a change (with what changed) or a comment."""

    __tablename__ = "risk_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The name beside the id: the line still names its author after an account is deleted (never the address).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))  # opened, assessed, status, route, step, step_done, comment, closed
    text: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    risk: Mapped[Risk] = relationship(back_populates="events")


class SignalKind(StrEnum):
    """What in the data suggests a risk; each suggests a reason from the defaults (by name)."""

    RED_WEEKS = "red_weeks"
    KEY_USERS_QUIET = "key_users_quiet"
    TICKET_SURGE = "ticket_surge"
    KEY_ACTION_MISSED = "key_action_missed"
    STAGE_FALLING = "stage_falling"

    @property
    def label(self) -> str:
        return {
            "red_weeks": "Red for weeks",
            "key_users_quiet": "Key users gone quiet",
            "ticket_surge": "Ticket surge",
            "key_action_missed": "Key action missed",
            "stage_falling": "Falling into decline",
        }[self.value]


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"
    SNOOZED = "snoozed"


class RiskSuggestion(db.Model):
    """A risk the data suggests: one per unit, system and signal, however often the signal fires."""

    __tablename__ = "risk_suggestion"
    __table_args__ = (
        UniqueConstraint("unit_id", "system_id", "signal"),
        one_of("signal", SignalKind, "signal"),
        one_of("status", SuggestionStatus, "status"),
        CheckConstraint("status != 'snoozed' OR snoozed_until IS NOT NULL", name="snoozed_until_a_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"))
    signal: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str] = mapped_column(Text, default="")
    first_seen_on: Mapped[date] = mapped_column(Date)
    last_seen_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=SuggestionStatus.PENDING.value, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    risk_id: Mapped[int | None] = mapped_column(ForeignKey("risk.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()
    system: Mapped[System] = relationship()
    decided_by: Mapped[Account | None] = relationship()
    risk: Mapped[Risk | None] = relationship()

    @property
    def kind(self) -> SignalKind:
        return SignalKind(self.signal)
