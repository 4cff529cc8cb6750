"""Stored health scores written straight into the table, for tests that start from a score history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from models import HealthScore, Subscription, System, Unit, db


def add_score(
    unit: Unit,
    as_of: date,
    colour: str,
    *,
    score: float = 50.0,
    subscription: Subscription | None = None,
    system: System | None = None,
    stage: str = "adoption",
    reasons: Sequence[str] = ("why",),
    explanation: dict | None = None,
    **columns: object,
) -> HealthScore:
    """A unit's stored score (or its subscription's, when `subscription` is given), added to the session."""
    row = HealthScore(
        unit_id=unit.id,
        system_id=subscription.system_id if subscription else system.id if system else None,
        subscription_id=subscription.id if subscription else None,
        as_of=as_of,
        score=score,
        colour=colour,
        stage=stage,
        reasons=list(reasons),
        explanation=explanation if explanation is not None else {},
        **columns,
    )
    db.session.add(row)
    return row
