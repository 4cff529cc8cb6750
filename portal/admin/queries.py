"""Read-only queries behind the admin pages: counts, lists, and the choices of the form selects."""

from __future__ import annotations

from functools import cache

import pycountry
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from models import Account, ApiToken, AuditLog, Module, Role, Subscription, System, Unit, db
from portal.access.scope import descendants_of

AUDIT_PAGE_SIZE = 50
NONE_CHOICE = SelectChoice("", "— none —")


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def counts() -> dict[str, int]:
    return {
        "accounts": _count(select(func.count()).select_from(Account).where(Account.active)),
        "systems": _count(select(func.count()).select_from(System)),
        "units": _count(select(func.count()).select_from(Unit)),
        "subscriptions": _count(select(func.count()).select_from(Subscription)),
        "tokens": _count(select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))),
    }


def latest_audit(limit: int = 8) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)))


def audit_page(entity_type: str | None, page: int) -> Pagination:
    statement = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc())
    if entity_type:
        statement = statement.where(AuditLog.entity_type == entity_type)
    return db.paginate(statement, page=page, per_page=AUDIT_PAGE_SIZE, error_out=False)


def audit_entity_types() -> list[str]:
    return list(db.session.scalars(select(distinct(AuditLog.entity_type)).order_by(AuditLog.entity_type)))


def accounts(role: str | None) -> list[Account]:
    statement = select(Account).options(selectinload(Account.units)).order_by(Account.name, Account.email)
    if role:
        statement = statement.where(Account.role == role)
    return list(db.session.scalars(statement))


def tokens() -> list[ApiToken]:
    statement = select(ApiToken).options(selectinload(ApiToken.created_by))
    # Live tokens first, newest first within each group.
    return list(db.session.scalars(statement.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())))


def unit_paths() -> dict[int, str]:
    """Every unit's place in the hierarchy, "Division › Department › Team", from one query."""
    rows = {
        unit_id: (name, parent_id)
        for unit_id, name, parent_id in db.session.execute(select(Unit.id, Unit.name, Unit.parent_id))
    }

    def path(unit_id: int) -> str:
        names, seen = [], set()
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.add(current)
            name, current = rows[current]
            names.insert(0, name)
        return " › ".join(names)

    return {unit_id: path(unit_id) for unit_id in rows}


def unit_choices(exclude_below: Unit | None = None) -> list[SelectChoice]:
    """Units by path; the units at and below `exclude_below` are left out (they would make a cycle)."""
    excluded = descendants_of({exclude_below.id}) if exclude_below is not None else set()
    paths = sorted((text, unit_id) for unit_id, text in unit_paths().items() if unit_id not in excluded)
    return [SelectChoice(unit_id, text) for text, unit_id in paths]


def account_choices(role: Role | None = None) -> list[SelectChoice]:
    statement = select(Account).order_by(Account.name, Account.email)
    if role is not None:
        statement = statement.where(Account.role == role)
    return [
        SelectChoice(account.id, f"{account.name} · {account.email}{'' if account.active else ' (inactive)'}")
        for account in db.session.scalars(statement)
    ]


def system_choices() -> list[SelectChoice]:
    statement = select(System.id, System.name).order_by(System.name)
    return [SelectChoice(system_id, name) for system_id, name in db.session.execute(statement)]


def unit_id(key: str | None) -> int | None:
    return db.session.scalar(select(Unit.id).where(Unit.key == key)) if key else None


def system_id(key: str | None) -> int | None:
    return db.session.scalar(select(System.id).where(System.key == key)) if key else None


def module_keys(system: int | None) -> list[str]:
    """The keys a subscription's key action is most often one of."""
    if system is None:
        return []
    return list(db.session.scalars(select(Module.key).where(Module.system_id == system).order_by(Module.key)))


def categories() -> list[str]:
    statement = select(distinct(System.category)).where(System.category != "").order_by(System.category)
    return list(db.session.scalars(statement))


@cache
def country_choices() -> list[SelectChoice]:
    countries = sorted(pycountry.countries, key=lambda country: country.name)
    return [SelectChoice(country.alpha_2, country.name) for country in countries]
