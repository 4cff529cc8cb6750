"""Catalog use-cases: systems and modules, their rules and their audit entries."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditLog, Module, System, db
from portal.services.catalog import systems as catalog
from portal.services.catalog.systems import CatalogError, SystemDetails


def _entries(entity_type: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.entity_type == entity_type).order_by(AuditLog.id)))


def _details(**overrides) -> SystemDetails:
    values = {"name": "Planner", "license_model": "per_seat", "seat_cost": Decimal("10"), "currency": "eur"}
    values.update(overrides)
    return SystemDetails(**values)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("erp", True),
        ("erp-2_b", True),
        ("9box", True),
        ("", False),
        ("ERP", False),
        ("-erp", False),
        ("_erp", False),
        ("e rp", False),
        ("erp\n", False),
        ("é", False),
    ],
)
def test_is_slug(value, ok):
    assert catalog.is_slug(value) is ok


def test_create_system_normalises_and_audits(make_account):
    actor = make_account()
    system = catalog.create_system("planner", _details(category=" Scheduling ", owner_id=actor.id), actor)
    assert (system.currency, system.seat_cost, system.category) == ("EUR", Decimal("10.00"), "Scheduling")
    [entry] = _entries("system")
    assert (entry.action, entry.entity_key, entry.actor) == ("create", "planner", actor.name)
    assert entry.changes["owner"] == [None, actor.email]
    assert entry.changes["seat_cost"] == [None, "10.00"]


@pytest.mark.parametrize(
    ("key", "overrides", "field", "message"),
    [
        ("Planner", {}, "key", "lowercase letters"),
        ("planner", {"name": "  "}, "name", "needs a name"),
        ("planner", {"license_model": "rental"}, "license_model", "per seat, site licence or free"),
        ("planner", {"seat_cost": None}, "seat_cost", "per-seat licence needs a seat cost"),
        ("planner", {"seat_cost": Decimal("-1")}, "seat_cost", "cannot be negative"),
        ("planner", {"currency": "ABC"}, "currency", "not an ISO 4217 currency code"),
        ("planner", {"owner_id": 999999}, "owner_id", "no longer exists"),
    ],
)
def test_create_system_rules(key, overrides, field, message):
    with pytest.raises(CatalogError, match=message) as raised:
        catalog.create_system(key, _details(**overrides), None)
    assert raised.value.field == field
    assert db.session.scalar(select(System)) is None


@pytest.mark.parametrize("license_model", ["site", "free"])
def test_only_per_seat_needs_a_seat_cost(license_model):
    assert (
        catalog.create_system("planner", _details(license_model=license_model, seat_cost=None), None).seat_cost is None
    )


def test_duplicate_system_key(make_system):
    make_system(key="planner")
    with pytest.raises(CatalogError, match="already exists"):
        catalog.create_system("planner", _details(), None)


def test_update_system_audits_the_difference_only(make_system):
    system = make_system(key="crm", name="CRM", category="CRM", vendor="V", seat_cost=Decimal("120.00"))
    details = _details(name="CRM Online", category="CRM", vendor="V", seat_cost=Decimal("120"), currency="EUR")
    catalog.update_system(system, details, None)
    [entry] = _entries("system")
    assert entry.changes == {"name": ["CRM", "CRM Online"]}
    catalog.update_system(system, details, None)
    assert len(_entries("system")) == 1  # nothing changed the second time


def test_add_and_remove_modules(make_system):
    system = make_system(key="erp", modules=(("finance", True),))
    module = catalog.add_module(system, "payroll", " Payroll ", False, None)
    assert (module.name, module.is_core) == ("Payroll", False)
    with pytest.raises(CatalogError, match="already has a module with the key payroll") as raised:
        catalog.add_module(system, "payroll", "Again", True, None)
    assert raised.value.field == "key"
    with pytest.raises(CatalogError, match="lowercase"):
        catalog.add_module(system, "Pay Roll", "X", True, None)
    catalog.remove_module(module, None)
    db.session.commit()
    assert list(db.session.scalars(select(Module.key))) == ["finance"]
    assert [(entry.action, entry.entity_key) for entry in _entries("module")] == [
        ("create", "erp/payroll"),
        ("delete", "erp/payroll"),
    ]
    assert _entries("module")[1].changes == {"core": [False, None], "key": ["payroll", None], "name": ["Payroll", None]}


def test_the_same_module_key_may_exist_in_another_system(make_system):
    make_system(key="erp", modules=(("finance", True),))
    crm = make_system(key="crm", modules=())
    assert catalog.add_module(crm, "finance", "Finance", True, None).system is crm
