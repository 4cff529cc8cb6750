"""Health as Rapport last judged it: scores with their explanation, stage transitions, scoring profiles.

Scores are derived data: `flask recompute` can rebuild every row from the imported data. They are stored so
that pages, exports and the API read them without recomputing, and so that weekly snapshots show the trend.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from models import db
from models.types import one_of, utcnow


class Colour(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    GREY = "grey"  # not enough data, or the data stopped coming


class Stage(StrEnum):
    """A subscription's lifecycle stage (the rules that move it are in portal/services/health/stages.py)."""

    ONBOARDING = "onboarding"
    ADOPTION = "adoption"
    GROWTH = "growth"
    DECLINE = "decline"


class HealthScore(db.Model):
    """One subscription's (system_id set) or one unit's (system_id empty) health as of one date.

    A unit's row rolls up its own subscriptions and its sub-units. Rows of past weeks stay as weekly
    snapshots; within a week only the latest is kept.
    """

    __tablename__ = "health_score"
    __table_args__ = (
        # One row per subject and date; a unit's row has no system, so the key treats "none" as 0.
        Index("ux_health_score_subject", "unit_id", func.coalesce("system_id", 0), "as_of", unique=True),
        Index("ix_health_score_as_of", "as_of"),
        Index("ix_health_score_system_id_as_of", "system_id", "as_of"),
        one_of("colour", Colour, "colour"),
        one_of("stage", Stage, "stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"))
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscription.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date]
    score: Mapped[float | None] = mapped_column(Float)
    colour: Mapped[str] = mapped_column(String(6))
    stage: Mapped[str | None] = mapped_column(String(12))
    profile_version: Mapped[int | None]
    seats: Mapped[int] = mapped_column(default=0)
    active_people: Mapped[int] = mapped_column(default=0)
    reclaimable_seats: Mapped[int] = mapped_column(default=0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Per measure: raw, score, weight, share, contribution, change, reason; plus lift, stage reason, playbook.
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StageTransition(db.Model):
    """A subscription (or unit) moved from one lifecycle stage to another, on a date, for a reason."""

    __tablename__ = "stage_transition"
    __table_args__ = (
        Index("ux_stage_transition", "unit_id", func.coalesce("system_id", 0), "happened_on", "to_stage", unique=True),
        one_of("from_stage", Stage, "from_stage"),
        one_of("to_stage", Stage, "to_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"))
    happened_on: Mapped[date]
    from_stage: Mapped[str | None] = mapped_column(String(12))
    to_stage: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScoringProfile(db.Model):
    """One version of the weights and thresholds of one lifecycle stage. Saving an edit adds a version."""

    __tablename__ = "scoring_profile"
    __table_args__ = (
        UniqueConstraint("version"),
        one_of("stage", Stage, "stage"),
        CheckConstraint("seats_critical_below BETWEEN 0 AND 1", name="seats_critical_below_share"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]  # one sequence across the stages, so a score names the exact profile that made it
    stage: Mapped[str] = mapped_column(String(12), index=True)
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    green_at: Mapped[float] = mapped_column(Float)
    yellow_at: Mapped[float] = mapped_column(Float)
    min_coverage: Mapped[float] = mapped_column(Float)
    # Paid seats used below this share hold a per-seat subscription's colour at yellow (a critical signal).
    seats_critical_below: Mapped[float] = mapped_column(Float, default=0.5, server_default="0.5")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
