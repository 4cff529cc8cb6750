"""The catalog's use-cases: create and change systems, add and remove their modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pycountry
from sqlalchemy import select

from models import Account, LicenseModel, Module, System, db
from portal.services.errors import RuleViolation
from portal.services.platform import audit

# Keys appear in URLs, imports and API payloads, so they stay plain and stable.
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
SLUG_RULE = "Use lowercase letters, digits, - and _, starting with a letter or digit."


class CatalogError(RuleViolation):
    """A catalog change that breaks a rule; the message is for the user, `field` says where it belongs."""


def cents(amount: Decimal | None) -> Decimal | None:
    """Money is stored and audited with two decimals, however it was typed."""
    return amount.quantize(Decimal("0.01")) if amount is not None else None


def is_slug(value: str | None) -> bool:
    return bool(value) and SLUG_RE.fullmatch(value) is not None


@dataclass(frozen=True)
class SystemDetails:
    """Everything about a system an admin may change (the key is set once, at creation)."""

    name: str
    category: str = ""
    vendor: str = ""
    owner_id: int | None = None
    description: str = ""
    license_model: str = LicenseModel.PER_SEAT.value
    seat_cost: Decimal | None = None
    currency: str = "EUR"
    measured_by_use: bool = True  # False: judged on tickets and sentiment, never on seats or active people


def snapshot(system: System) -> dict[str, object]:
    owner = db.session.get(Account, system.owner_id) if system.owner_id else None
    return {
        "key": system.key,
        "name": system.name,
        "category": system.category,
        "vendor": system.vendor,
        "owner": owner.email if owner else None,
        "description": system.description,
        "license_model": system.license_model,
        "seat_cost": system.seat_cost,
        "currency": system.currency,
        "measured_by_use": system.measured_by_use,
    }


def _check(details: SystemDetails) -> None:
    if not details.name.strip():
        raise CatalogError("A system needs a name.", "name")
    if details.license_model not in set(LicenseModel):
        raise CatalogError("Choose per seat, site licence or free.", "license_model")
    if details.seat_cost is not None and details.seat_cost < 0:
        raise CatalogError("The seat cost cannot be negative.", "seat_cost")
    if details.license_model == LicenseModel.PER_SEAT and details.seat_cost is None:
        raise CatalogError("A per-seat licence needs a seat cost.", "seat_cost")
    if pycountry.currencies.get(alpha_3=details.currency.upper()) is None:
        raise CatalogError(f"{details.currency} is not an ISO 4217 currency code (such as EUR or SEK).", "currency")
    if details.owner_id is not None and db.session.get(Account, details.owner_id) is None:
        raise CatalogError("The chosen owner no longer exists; reload the page.", "owner_id")


def _apply(system: System, details: SystemDetails) -> None:
    system.name = details.name.strip()
    system.category = details.category.strip()
    system.vendor = details.vendor.strip()
    system.owner_id = details.owner_id
    system.description = details.description.strip()
    system.license_model = details.license_model
    system.seat_cost = cents(details.seat_cost)
    system.currency = details.currency.upper()
    system.measured_by_use = details.measured_by_use


def create_system(key: str, details: SystemDetails, actor: Account | None) -> System:
    if not is_slug(key):
        raise CatalogError(SLUG_RULE, "key")
    if db.session.scalar(select(System.id).where(System.key == key)) is not None:
        raise CatalogError(f"A system with the key {key} already exists.", "key")
    _check(details)
    system = System(key=key)
    _apply(system, details)
    db.session.add(system)
    db.session.flush()
    audit.record(actor, "create", "system", key, audit.changes_between({}, snapshot(system)))
    return system


def update_system(system: System, details: SystemDetails, actor: Account | None) -> None:
    _check(details)
    before = snapshot(system)
    _apply(system, details)
    db.session.flush()
    audit.record_changes(actor, "system", system.key, before, snapshot(system))


def _module_snapshot(module: Module) -> dict[str, object]:
    return {"key": module.key, "name": module.name, "core": module.is_core}


def add_module(system: System, key: str, name: str, is_core: bool, actor: Account | None) -> Module:
    if not is_slug(key):
        raise CatalogError(SLUG_RULE, "key")
    if any(module.key == key for module in system.modules):
        raise CatalogError(f"{system.name} already has a module with the key {key}.", "key")
    if not name.strip():
        raise CatalogError("A module needs a name.", "name")
    module = Module(key=key, name=name.strip(), is_core=is_core)
    system.modules.append(module)
    db.session.flush()
    audit.record(actor, "create", "module", f"{system.key}/{key}", audit.changes_between({}, _module_snapshot(module)))
    return module


def set_module_core(module: Module, is_core: bool, actor: Account | None) -> None:
    """Mark a module core (every using unit should use it) or not; marking it again changes nothing."""
    before = _module_snapshot(module)
    module.is_core = is_core
    db.session.flush()
    audit.record_changes(actor, "module", f"{module.system.key}/{module.key}", before, _module_snapshot(module))


def remove_module(module: Module, actor: Account | None) -> None:
    system = module.system
    before = _module_snapshot(module)
    system.modules.remove(module)  # delete-orphan removes the row
    db.session.flush()
    audit.record(actor, "delete", "module", f"{system.key}/{module.key}", audit.changes_between(before, {}))
