"""The scheduled jobs' runs: each run of each job, when it was due, how it went."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.accounts import Account
from models.types import as_utc, one_of, utcnow


class JobRunStatus(StrEnum):
    QUEUED = "queued"  # asked for by a person ("run now"), waiting for the scheduler
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class JobTrigger(StrEnum):
    SCHEDULE = "schedule"  # on its time
    CATCH_UP = "catch_up"  # a time missed while no scheduler ran, run when one came back
    MANUAL = "manual"  # "run now"


class JobRun(db.Model):
    """One run of a job. A scheduled time is run once, whatever the number of schedulers: (job, scheduled_for)
    is unique, and a scheduler runs a time only after inserting its row."""

    __tablename__ = "job_run"
    __table_args__ = (
        UniqueConstraint("job", "scheduled_for"),
        one_of("status", JobRunStatus, "status"),
        one_of("trigger", JobTrigger, "trigger"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: run on request
    trigger: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    runner: Mapped[str] = mapped_column(String(120), default="")  # host and process id of the scheduler
    outcome: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")

    requested_by: Mapped[Account | None] = relationship()

    def waited(self, now: datetime) -> float:
        """Seconds since it was queued (a queued run waiting long: no scheduler is running)."""
        return (now - as_utc(self.queued_at)).total_seconds()

    @property
    def seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
