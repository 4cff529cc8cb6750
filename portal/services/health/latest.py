"""The latest stored score of each subscription, in brief: what lists of many subscriptions show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from models import HealthScore, db
from portal.services.health.facts import in_batches

FRESH_DAYS = 14  # a stored score older than this is not "the latest" any more: the nightly job has stopped


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
        rows = db.session.execute(
            select(
                HealthScore.subscription_id,
                HealthScore.as_of,
                HealthScore.colour,
                HealthScore.stage,
                HealthScore.active_people,
                HealthScore.reclaimable_seats,
            ).where(
                HealthScore.subscription_id.in_(batch),
                HealthScore.as_of <= as_of,
                HealthScore.as_of > as_of - timedelta(days=FRESH_DAYS),
            )
        )
        for subscription_id, day, colour, stage, active, reclaimable in rows:
            if subscription_id not in found or found[subscription_id].as_of < day:
                found[subscription_id] = Latest(day, colour, stage, active, reclaimable)
    return found
