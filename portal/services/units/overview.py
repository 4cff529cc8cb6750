"""The figures on the staff landing page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Person, Subscription, System, Unit, db


@dataclass(frozen=True)
class Overview:
    units: int
    systems: int
    subscriptions: int
    people: int
    seats: int
    annual_spend: Decimal
    top_systems: list[tuple[System, int, Decimal]]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def summarise() -> Overview:
    subscriptions = db.session.scalars(select(Subscription).options(selectinload(Subscription.system))).all()
    by_system: dict[int, tuple[System, int, Decimal]] = {}
    for subscription in subscriptions:
        system, seats, spend = by_system.get(subscription.system_id, (subscription.system, 0, Decimal(0)))
        by_system[subscription.system_id] = (
            system,
            seats + subscription.seats,
            spend + subscription.effective_annual_cost,
        )
    return Overview(
        units=_count(Unit),
        systems=_count(System),
        subscriptions=len(subscriptions),
        people=_count(Person),
        seats=sum(s.seats for s in subscriptions),
        annual_spend=sum((s.effective_annual_cost for s in subscriptions), Decimal(0)),
        top_systems=sorted(by_system.values(), key=lambda row: row[2], reverse=True)[:8],
    )
