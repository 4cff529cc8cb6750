"""The latest stored score of each subscription or unit as of a date: the one reader, and the brief of it that
lists of many subscriptions show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, func, select
from sqlalchemy.sql.elements import ColumnElement

from models import HealthScore, db
from portal.services.health.facts import in_batches

FRESH_DAYS = 14  # a stored score older than this is not "the latest" any more: the nightly job has stopped


def latest_scores(
    as_of: date,
    *,
    subscriptions: bool,
    within_days: int | None = None,
    where: Sequence[ColumnElement[bool]] = (),
) -> Select:
    """The latest stored row of each subscription (or of each unit: its own row) on or before `as_of`.

    `within_days`: only the rows of that many days up to `as_of` count (as_of - within_days < day <= as_of),
    so that a row the nightly job stopped refreshing is no "latest"; None looks back over the whole history.
    `where` narrows the rows looked at (some units, some subscriptions). Callers may add columns and joins."""
    subject = HealthScore.subscription_id if subscriptions else HealthScore.unit_id
    kind = HealthScore.subscription_id.is_not(None) if subscriptions else HealthScore.system_id.is_(None)
    window = [HealthScore.as_of <= as_of]
    if within_days is not None:
        window.append(HealthScore.as_of > as_of - timedelta(days=within_days))
    latest = (
        select(subject.label("subject"), func.max(HealthScore.as_of).label("as_of"))
        .where(kind, *window, *where)
        .group_by(subject)
        .subquery()
    )
    return (
        select(HealthScore)
        .join(latest, and_(subject == latest.c.subject, HealthScore.as_of == latest.c.as_of))
        .where(kind)
    )


@dataclass(frozen=True, slots=True)
class Latest:
    as_of: date
    colour: str
    stage: str | None
    active_people: int
    reclaimable_seats: int


def latest_by_subscription(subscription_ids: Sequence[int], as_of: date) -> dict[int, Latest]:
    """subscription id → its latest stored score on or before `as_of` (none older than FRESH_DAYS)."""
    found: dict[int, Latest] = {}
    for batch in in_batches(list(subscription_ids)):
        statement = latest_scores(
            as_of, subscriptions=True, within_days=FRESH_DAYS, where=[HealthScore.subscription_id.in_(batch)]
        ).with_only_columns(
            HealthScore.subscription_id,
            HealthScore.as_of,
            HealthScore.colour,
            HealthScore.stage,
            HealthScore.active_people,
            HealthScore.reclaimable_seats,
        )
        for subscription_id, day, colour, stage, active, reclaimable in db.session.execute(statement):
            found[subscription_id] = Latest(day, colour, stage, active, reclaimable)
    return found
