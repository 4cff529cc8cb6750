"""Import runs: who sent what, how it went, and the rows that were refused with their reasons."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.accounts import Account, ApiToken
from models.types import one_of, utcnow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"  # every row landed
    REFUSED_ROWS = "refused_rows"  # finished; some rows were refused, each with its reason
    FAILED = "failed"  # stopped; the data is as of the last checkpoint, and the run can resume from there

    @property
    def label(self) -> str:
        return {
            "queued": "Queued",
            "running": "Running",
            "succeeded": "Succeeded",
            "refused_rows": "Finished with refused rows",
            "failed": "Failed",
        }[self.value]


class RunSource(StrEnum):
    CLI = "cli"
    WEB = "web"
    API = "api"
    DEMO = "demo"


class ImportRun(db.Model):
    """One pass of the import engine over one file or one pushed batch.

    Counts reconcile: rows_read = inserted + updated + unchanged + refused. `checkpoint_line` is the last
    line whose effects are committed; a failed run resumes after it.
    """

    __tablename__ = "import_run"
    __table_args__ = (
        one_of("status", RunStatus, "status"),
        one_of("source", RunSource, "source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=RunStatus.QUEUED.value, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_token.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(String(255), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    stored_path: Mapped[str | None] = mapped_column(String(500))  # an uploaded file kept until the run ends
    rows_read: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    bytes_done: Mapped[int] = mapped_column(default=0)
    checkpoint_line: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[str] = mapped_column(Text, default="")  # one per line
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    actor: Mapped[Account | None] = relationship()
    token: Mapped[ApiToken | None] = relationship()

    @property
    def status_enum(self) -> RunStatus:
        return RunStatus(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.REFUSED_ROWS, RunStatus.FAILED)

    @property
    def warning_list(self) -> list[str]:
        return [line for line in self.warnings.splitlines() if line]

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class ImportRefusal(db.Model):
    """A row the engine refused: where it was, what it said, and why."""

    __tablename__ = "import_refusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)  # the CSV line, or the record's position in a JSON array
    raw: Mapped[str] = mapped_column(Text)  # the row as JSON, truncated when huge
    reason: Mapped[str] = mapped_column(Text)


class IdempotentResponse(db.Model):
    """The first answer to an API call sent with an Idempotency-Key, replayed when the call is retried."""

    __tablename__ = "idempotent_response"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# The units an import wrote activity for (usage, tickets, survey answers): for each unit's timeline.
import_run_unit = Table(
    "import_run_unit",
    db.metadata,
    Column("run_id", ForeignKey("import_run.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)
