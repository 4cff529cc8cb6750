"""Is the data still coming? For each activity feed (usage, tickets, survey answers), the last import that
brought rows; a feed silent for longer than its allowance is stale, and the admins hear of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, or_, select

from models import ImportRun, Role, RunStatus, db
from models.types import as_utc
from portal import clock
from portal.services.platform import accounts, mail

FEEDS = ("usage", "tickets", "surveys")


@dataclass(frozen=True)
class Feed:
    kind: str
    last: datetime | None  # the last import of this kind that brought rows
    allowed_days: int

    def silent_days(self, now: datetime) -> float | None:
        return None if self.last is None else (now - as_utc(self.last)).total_seconds() / 86400

    def stale(self, now: datetime) -> bool:
        days = self.silent_days(now)
        return days is None or days > self.allowed_days


def feeds() -> list[Feed]:
    allowed = current_app.config["FRESHNESS_DAYS"]
    landed = (RunStatus.SUCCEEDED.value, RunStatus.REFUSED_ROWS.value)
    rows = dict(
        db.session.execute(
            select(ImportRun.kind, func.max(ImportRun.finished_at))
            .where(
                ImportRun.kind.in_(FEEDS),
                ImportRun.status.in_(landed),
                or_(ImportRun.inserted > 0, ImportRun.updated > 0),
            )
            .group_by(ImportRun.kind)
        )
        .tuples()
        .all()
    )
    return [Feed(kind, rows.get(kind), allowed) for kind in FEEDS]


def check(now: datetime | None = None) -> str:
    """The job: tell the admins about the feeds gone quiet (nothing when all are fresh)."""
    now = now or clock.now()
    stale = [feed for feed in feeds() if feed.stale(now)]
    if not stale:
        return "every feed sent data within its allowance"
    described = [
        f"{feed.kind}: "
        + (
            "nothing imported yet"
            if feed.last is None
            else f"last data {feed.silent_days(now):.0f} days ago ({as_utc(feed.last):%-d %b %Y})"
        )
        for feed in stale
    ]
    admins = [account.email for account in accounts.active_with_role(Role.ADMIN)]
    body = (
        "These data feeds have sent nothing for longer than "
        f"{current_app.config['FRESHNESS_DAYS']} days; the health scores age with them:\n\n"
        + "\n".join(f"  - {line}" for line in described)
        + "\n\nCheck the exports that feed Rapport (Admin › Imports shows every run).\n\n— Rapport"
    )
    how = mail.send("Rapport: data feeds gone quiet", body, admins)
    return f"stale: {'; '.join(described)}; {how}"
