"""The catalog list: the filters (portal/catalog/forms.py reads them from a query string), the rows they select,
and a system's page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import selectinload

from models import Account, Subscription, System, Unit, db

MAX_FILTER_LENGTH = 100


@dataclass(frozen=True)
class FilterOptions:
    categories: list[str]
    vendors: list[str]
    owners: list[Account]

    @property
    def owner_ids(self) -> set[int]:
        return {owner.id for owner in self.owners}


def filter_options() -> FilterOptions:
    """What the select filters offer: only values some system actually has."""

    def distinct_values(column) -> list[str]:
        return [value for value in db.session.scalars(select(distinct(column)).order_by(column)) if value]

    owners = db.session.scalars(
        select(Account).where(Account.id.in_(select(System.owner_id))).order_by(func.lower(Account.name))
    )
    return FilterOptions(distinct_values(System.category), distinct_values(System.vendor), list(owners))


@dataclass(frozen=True)
class CatalogFilters:
    q: str = ""
    category: str = ""
    vendor: str = ""
    owner: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.q or self.category or self.vendor or self.owner is not None)


@dataclass(frozen=True)
class CatalogRow:
    system: System
    units: int
    seats: int
    annual_cost: Decimal


def _totals(subscriptions: Iterable[Subscription]) -> tuple[int, Decimal]:
    """Seats and annual cost, through `effective_annual_cost` so the default-cost rule lives in one place."""
    subscriptions = list(subscriptions)
    return sum(s.seats for s in subscriptions), sum((s.effective_annual_cost for s in subscriptions), Decimal(0))


def search_systems(filters: CatalogFilters) -> list[CatalogRow]:
    """The systems matching every filter given, by name; three queries whatever the size of the catalog."""
    statement = select(System).options(selectinload(System.owner), selectinload(System.subscriptions))
    if filters.q:
        # autoescape: a typed % or _ is looked for, not used as a wildcard.
        columns = (System.name, System.key, System.vendor, System.description)
        statement = statement.where(or_(*(column.icontains(filters.q, autoescape=True) for column in columns)))
    if filters.category:
        statement = statement.where(System.category == filters.category)
    if filters.vendor:
        statement = statement.where(System.vendor == filters.vendor)
    if filters.owner is not None:
        statement = statement.where(System.owner_id == filters.owner)
    rows = []
    for system in db.session.scalars(statement.order_by(func.lower(System.name), System.key)):
        seats, annual_cost = _totals(system.subscriptions)
        rows.append(CatalogRow(system, len(system.subscriptions), seats, annual_cost))
    return rows


@dataclass(frozen=True)
class SystemDetail:
    system: System
    subscriptions: list[Subscription]
    seats: int
    annual_cost: Decimal


def system_detail(key: str) -> SystemDetail | None:
    """A system with its modules, owner and the units that use it; None for an unknown key."""
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
            .order_by(func.lower(Unit.name), Unit.key)
        )
    )
    seats, annual_cost = _totals(subscriptions)
    return SystemDetail(system, subscriptions, seats, annual_cost)
