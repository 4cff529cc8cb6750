"""What the units do with their systems: raw usage, its daily rollups, tickets and survey answers.

Raw rows are the source of truth and are purged after their retention; the rollups are derived from them,
maintained as rows arrive, and are what the scoring reads.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models import db
from models.types import one_of, utcnow

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL needs 64 bits for billions of events.
BigId = BigInteger().with_variant(Integer, "sqlite")


class UsageEvent(db.Model):
    """One activity record as a source sent it: a person used a system (a feature of it) at a time.

    `dedup_key` is a 16-byte digest of what identifies the row (source + record id, or its content when the
    source gives no id), so sending the same row twice stores it once.
    """

    __tablename__ = "usage_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dedup_key: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    source_system: Mapped[str] = mapped_column(String(64), default="")
    source_record_id: Mapped[str | None] = mapped_column(String(128))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    day: Mapped[date] = mapped_column(Date, index=True)  # in UTC; the rollups and the retention purge use it
    feature: Mapped[str | None] = mapped_column(String(128))
    count: Mapped[int] = mapped_column(default=1)
    duration_seconds: Mapped[int | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"))


class UsageDaily(db.Model):
    """Per person, system, day and feature: how much they did — the rollup the activity figures read.

    Events and durations per person and feature come from ranges of it; the scoring reads the same days as
    bits (usage_person_days, usage_feature_days below). `feature` is "" for events that name none. One table rather
    than one per question: an import writes each rollup row once, and at this grain the feature question
    costs a slightly longer range, not a second write for every event.

    The rollup is derived from usage_event (which holds the foreign keys) and can be rebuilt from it, so it
    carries no foreign keys of its own: each would cost a lookup for every row an import writes.
    """

    __tablename__ = "usage_daily"
    # Without a rowid SQLite stores the rows in primary-key order: a unit × system window is one range.
    __table_args__ = {"sqlite_with_rowid": False}

    unit_id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)
    feature: Mapped[str] = mapped_column(String(128), primary_key=True, default="")
    events: Mapped[int] = mapped_column(default=0)
    duration_seconds: Mapped[int] = mapped_column(default=0)


class UsagePersonDays(db.Model):
    """Per unit, system and person: the days they were active, as bits, 63 days to a row.

    What the scoring reads for active people, active days and active weeks: a few rows per person, stored in
    person order, instead of a sort of the daily rollup (see portal/services/day_bits.py for the encoding).
    Derived like usage_daily, written by the same import transactions, and rebuilt from it by the migration
    that made it.
    """

    __tablename__ = "usage_person_days"
    __table_args__ = {"sqlite_with_rowid": False}

    unit_id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(primary_key=True)
    span: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # days since 1969-12-29 ÷ 63
    day_bits: Mapped[int] = mapped_column(BigInteger)  # bit i: active on the span's first day + i


class UsageFeatureDays(db.Model):
    """Per unit, system and feature (module or key action): the days it was used, as bits, 63 days to a row."""

    __tablename__ = "usage_feature_days"
    __table_args__ = {"sqlite_with_rowid": False}

    unit_id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(primary_key=True)
    feature: Mapped[str] = mapped_column(String(128), primary_key=True)
    span: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    day_bits: Mapped[int] = mapped_column(BigInteger)


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELED = "canceled"


class TicketType(StrEnum):
    INCIDENT = "incident"
    REQUEST = "request"
    QUESTION = "question"


class Ticket(db.Model):
    """A support ticket as the service desk last reported it; a later row for the same id updates it."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("source_system", "ticket_id"),
        Index("ix_ticket_unit_id_opened_at", "unit_id", "opened_at"),
        one_of("status", TicketStatus, "status"),
        one_of("type", TicketType, "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system: Mapped[str] = mapped_column(String(64), default="")
    ticket_id: Mapped[str] = mapped_column(String(128))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(10), default=TicketStatus.NEW.value)
    priority: Mapped[int | None]
    type: Mapped[str | None] = mapped_column(String(10))
    category: Mapped[str | None] = mapped_column(String(120))
    csat: Mapped[int | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurveyQuestion(StrEnum):
    NPS = "nps"  # 0–10
    CSAT = "csat"  # 1–5
    CES = "ces"  # 1–7, 7 = very easy
    VALUE = "value"  # business value, 0–10


class SurveyAnswer(db.Model):
    """One question of one survey response (NPS, CSAT, CES or business value)."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        UniqueConstraint("source_system", "response_id", "question"),
        one_of("question", SurveyQuestion, "question"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_system: Mapped[str] = mapped_column(String(64), default="")
    response_id: Mapped[str] = mapped_column(String(128))
    question: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    system_id: Mapped[int | None] = mapped_column(ForeignKey("system.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("import_run.id", ondelete="SET NULL"))
