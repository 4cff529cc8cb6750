"""Reading the risk register: the risks a filter asks for, most at stake first; a unit's open risks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from models import MitigationRoute, Risk, RiskReason, RiskStatus, Unit, db

STATUS_FILTERS = {"open": "Open (not closed)", "closed": "Closed", "all": "All"}


@dataclass(frozen=True)
class RegisterFilters:
    status: str = "open"
    bucket: str = ""
    owner_id: int | None = None
    unit: str = ""  # a unit key


def with_plan(statement: Select) -> Select:
    """Risks with all a list of them shows loaded at once: unit, system, reasons, owner, routes and steps."""
    return statement.options(
        selectinload(Risk.routes).selectinload(MitigationRoute.steps),
        selectinload(Risk.unit),
        selectinload(Risk.system),
        selectinload(Risk.reason),
        selectinload(Risk.outcome_reason),
        selectinload(Risk.owner),
    )


def register(filters: RegisterFilters) -> list[Risk]:
    statement = select(Risk).join(RiskReason, RiskReason.id == Risk.reason_id).join(Unit, Unit.id == Risk.unit_id)
    if filters.status == "open":
        statement = statement.where(Risk.status != RiskStatus.CLOSED.value)
    elif filters.status == "closed":
        statement = statement.where(Risk.status == RiskStatus.CLOSED.value)
    if filters.bucket:
        statement = statement.where(RiskReason.bucket == filters.bucket)
    if filters.owner_id is not None:
        statement = statement.where(Risk.owner_id == filters.owner_id)
    if filters.unit:
        statement = statement.where(Unit.key == filters.unit)
    statement = statement.order_by(Risk.cost_at_stake.desc(), Risk.opened_at, Risk.id)
    return list(db.session.scalars(with_plan(statement)))


def open_risks_of(unit_ids: Iterable[int]) -> list[Risk]:
    """The open risks of the given units, most at stake first, with their plans."""
    statement = (
        select(Risk)
        .where(Risk.unit_id.in_(list(unit_ids)), Risk.status != RiskStatus.CLOSED.value)
        .order_by(Risk.cost_at_stake.desc(), Risk.id)
    )
    return list(db.session.scalars(with_plan(statement)))


def open_risks(unit_id: int) -> list[Risk]:
    return open_risks_of([unit_id])
