"""The organisation's use-cases: create and change units."""

from __future__ import annotations

from dataclasses import dataclass

import pycountry
from sqlalchemy import select

from models import Account, Role, Unit, db
from portal.services.catalog.systems import SLUG_RULE, is_slug
from portal.services.errors import RuleViolation
from portal.services.health.quiet_periods import QuietPeriodError, normalise_quiet_periods
from portal.services.platform import accounts, audit


class OrgError(RuleViolation):
    """A unit change that breaks a rule; the message is for the user, `field` says where it belongs."""


@dataclass(frozen=True)
class UnitDetails:
    """Everything about a unit an admin may change (the key is set once, at creation)."""

    name: str
    parent_id: int | None = None
    head_id: int | None = None
    account_manager_id: int | None = None
    headcount: int | None = None
    country: str | None = None
    quiet_periods: str = ""


def _email(account_id: int | None) -> str | None:
    account = db.session.get(Account, account_id) if account_id else None
    return account.email if account else None


def snapshot(unit: Unit) -> dict[str, object]:
    parent = db.session.get(Unit, unit.parent_id) if unit.parent_id else None
    return {
        "key": unit.key,
        "name": unit.name,
        "parent": parent.key if parent else None,
        "head": _email(unit.head_id),
        "account_manager": _email(unit.account_manager_id),
        "headcount": unit.headcount,
        "country": unit.country,
        "quiet_periods": unit.quiet_periods,
    }


def _check_parent(unit: Unit | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Unit, parent_id)
    if parent is None:
        raise OrgError("The chosen parent no longer exists; reload the page.", "parent_id")
    if unit is not None and (parent is unit or unit in parent.ancestors):
        raise OrgError(f"{unit.name} cannot sit below itself or one of its own sub-units.", "parent_id")


def _check_account(account_id: int | None, role: Role, field: str) -> None:
    if account_id is None:
        return
    account = db.session.get(Account, account_id)
    if account is None or account.role != role:
        raise OrgError(f"Choose an account with the role {role.label}.", field)


def _checked_quiet_periods(text: str) -> str:
    try:
        return normalise_quiet_periods(text)
    except QuietPeriodError as error:
        raise OrgError(str(error), "quiet_periods") from None


def _check(unit: Unit | None, details: UnitDetails) -> str:
    """Validate the details; returns the quiet periods in their stored form."""
    if not details.name.strip():
        raise OrgError("A unit needs a name.", "name")
    _check_parent(unit, details.parent_id)
    _check_account(details.head_id, Role.DEPT_HEAD, "head_id")
    _check_account(details.account_manager_id, Role.ACCOUNT_MANAGER, "account_manager_id")
    if details.headcount is not None and details.headcount < 0:
        raise OrgError("The headcount cannot be negative.", "headcount")
    if details.country and pycountry.countries.get(alpha_2=details.country.upper()) is None:
        raise OrgError(f"{details.country} is not an ISO 3166 country code.", "country")
    return _checked_quiet_periods(details.quiet_periods)


def _apply(unit: Unit, details: UnitDetails, quiet_periods: str) -> None:
    unit.name = details.name.strip()
    unit.parent = db.session.get(Unit, details.parent_id) if details.parent_id else None
    unit.head_id = details.head_id
    unit.account_manager_id = details.account_manager_id
    unit.headcount = details.headcount
    unit.country = details.country.upper() if details.country else None
    unit.quiet_periods = quiet_periods


def _let_head_see(unit: Unit, actor: Account | None) -> None:
    """A unit's head sees the unit: attach it to their account (the previous head keeps theirs)."""
    head = db.session.get(Account, unit.head_id) if unit.head_id else None
    if head is None or unit in head.units:
        return
    before = accounts.snapshot(head)
    head.units.append(unit)
    db.session.flush()
    audit.record(actor, "update", "account", head.email, audit.changes_between(before, accounts.snapshot(head)))


def create_unit(key: str, details: UnitDetails, actor: Account | None) -> Unit:
    if not is_slug(key):
        raise OrgError(SLUG_RULE, "key")
    if db.session.scalar(select(Unit.id).where(Unit.key == key)) is not None:
        raise OrgError(f"A unit with the key {key} already exists.", "key")
    quiet_periods = _check(None, details)
    unit = Unit(key=key)
    _apply(unit, details, quiet_periods)
    db.session.add(unit)
    db.session.flush()
    audit.record(actor, "create", "unit", key, audit.changes_between({}, snapshot(unit)))
    _let_head_see(unit, actor)
    return unit


def update_unit(unit: Unit, details: UnitDetails, actor: Account | None) -> None:
    quiet_periods = _check(unit, details)
    before = snapshot(unit)
    _apply(unit, details, quiet_periods)
    db.session.flush()
    audit.record_changes(actor, "unit", unit.key, before, snapshot(unit))
    _let_head_see(unit, actor)
