"""Touchpoints: each time IT met the unit's people (meeting, training, check-in, success review, escalation).

Who of the unit took part is kept as their (pseudonymous) people, so the relationship figure can count the
distinct people met.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Date, DateTime, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.accounts import Account
from models.org import Person, Unit
from models.types import one_of, utcnow


class TouchpointKind(StrEnum):
    MEETING = "meeting"
    TRAINING = "training"
    CHECK_IN = "check_in"
    SUCCESS_REVIEW = "success_review"
    ESCALATION = "escalation"

    @property
    def label(self) -> str:
        return {
            "meeting": "Meeting",
            "training": "Training",
            "check_in": "Check-in",
            "success_review": "Success review",
            "escalation": "Escalation",
        }[self.value]


touchpoint_person = Table(
    "touchpoint_person",
    db.metadata,
    Column("touchpoint_id", ForeignKey("touchpoint.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Touchpoint(db.Model):
    __tablename__ = "touchpoint"
    __table_args__ = (one_of("kind", TouchpointKind, "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date] = mapped_column(Date, index=True)
    it_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))

    unit: Mapped[Unit] = relationship()
    it_account: Mapped[Account | None] = relationship(foreign_keys=[it_account_id])
    people: Mapped[list[Person]] = relationship(secondary=touchpoint_person, order_by="Person.key")

    @property
    def kind_label(self) -> str:
        return TouchpointKind(self.kind).label
