"""The catalog list: filters parsed from a query string, and the rows they select."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import selectinload

from models import Account, Subscription, System, Unit, db


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    category: str = ""
    vendor: str = ""
    owner: int | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> CatalogFilters:
        """Unknown or malformed values are ignored rather than refused: a filter never errors."""
        owner = (args.get("owner") or "").strip()
        return cls(
            q=(args.get("q") or "").strip()[:100],
            category=(args.get("category") or "").strip(),
            vendor=(args.get("vendor") or "").strip(),
            owner=int(owner) if owner.isdigit() else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.category or self.vendor or self.owner)


@dataclass(frozen=True)
class CatalogRow:
    system: System
    units: int
    seats: int
    annual_cost: Decimal


def search_systems(filters: CatalogFilters) -> list[CatalogRow]:
    statement = select(System).options(
        selectinload(System.owner), selectinload(System.subscriptions).selectinload(Subscription.system)
    )
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        statement = statement.where(
            or_(
                func.lower(System.name).like(pattern),
                func.lower(System.key).like(pattern),
                func.lower(System.vendor).like(pattern),
                func.lower(System.description).like(pattern),
            )
        )
    if filters.category:
        statement = statement.where(System.category == filters.category)
    if filters.vendor:
        statement = statement.where(System.vendor == filters.vendor)
    if filters.owner:
        statement = statement.where(System.owner_id == filters.owner)
    systems = db.session.scalars(statement.order_by(func.lower(System.name)))
    return [
        CatalogRow(
            system=system,
            units=len(system.subscriptions),
            seats=sum(s.seats for s in system.subscriptions),
            annual_cost=sum((s.effective_annual_cost for s in system.subscriptions), Decimal(0)),
        )
        for system in systems
    ]


@dataclass(frozen=True)
class FilterOptions:
    categories: list[str]
    vendors: list[str]
    owners: list[Account]


def filter_options() -> FilterOptions:
    def distinct_values(column) -> list[str]:
        return [v for v in db.session.scalars(select(distinct(column)).order_by(column)) if v]

    owners = db.session.scalars(select(Account).where(Account.id.in_(select(System.owner_id))).order_by(Account.name))
    return FilterOptions(distinct_values(System.category), distinct_values(System.vendor), list(owners))


@dataclass(frozen=True)
class SystemDetail:
    system: System
    subscriptions: list[Subscription]
    seats: int
    annual_cost: Decimal


def system_detail(key: str) -> SystemDetail | None:
    system = db.session.scalar(
        select(System).where(System.key == key).options(selectinload(System.modules), selectinload(System.owner))
    )
    if system is None:
        return None
    subscriptions = list(
        db.session.scalars(
            select(Subscription)
            .join(Unit)
            .where(Subscription.system_id == system.id)
            .options(selectinload(Subscription.unit))
            .order_by(func.lower(Unit.name))
        )
    )
    return SystemDetail(
        system=system,
        subscriptions=subscriptions,
        seats=sum(s.seats for s in subscriptions),
        annual_cost=sum((s.effective_annual_cost for s in subscriptions), Decimal(0)),
    )
