"""The CIO's monthly reports as made: one per month, the latest making kept, with how it was delivered."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models import db
from models.types import utcnow


class MonthlyReport(db.Model):
    __tablename__ = "monthly_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, unique=True)  # the month's first day
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    made_by: Mapped[str] = mapped_column(String(254))  # "the scheduler", or a person's name
    makings: Mapped[int] = mapped_column(default=1)  # made again for the same month: the latest is kept
    delivery: Mapped[str] = mapped_column(Text, default="")  # how it went out: by email to…, or to the outbox at…
    # The first page's sentences: the archive and the covering email tell the month without opening the PDF.
    headlines: Mapped[list[str]] = mapped_column(JSON, default=list)
