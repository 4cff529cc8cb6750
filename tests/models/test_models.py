from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from models import ApiToken, AuditLog, Subscription, db
from models.audit import AuditLogIsAppendOnly
from portal.services.platform import audit


def test_audit_log_is_append_only(make_account):
    actor = make_account()
    entry = audit.record(actor, "update", "unit", "ops", {"name": ["Ops", "Operations"]})
    db.session.commit()
    entry.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, entry.id))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditLog, entry.id).action == "update"


def test_audit_changes_between_lists_only_what_changed():
    before = {"name": "Ops", "seats": 10, "renewal": date(2026, 1, 1), "cost": Decimal("10.00")}
    after = {"name": "Operations", "seats": 10, "renewal": date(2027, 1, 1), "cost": Decimal("10.00")}
    assert audit.changes_between(before, after) == {
        "name": ["Ops", "Operations"],
        "renewal": ["2026-01-01", "2027-01-01"],
    }


def test_api_token_is_stored_hashed_and_shown_once(make_account):
    token, secret = ApiToken.issue("Service desk feed", ["write:usage", "read", "write:usage"], make_account())
    db.session.add(token)
    db.session.commit()
    assert secret.startswith("rap_")
    assert secret not in {token.token_hash, token.hint}
    assert token.token_hash == ApiToken.hash_secret(secret)
    assert token.scope_list == ["read", "write:usage"]
    assert secret.startswith(token.hint)
    token.revoke()
    first = token.revoked_at
    token.revoke()
    assert token.revoked_at == first


def test_subscription_cost_defaults_to_seats_times_seat_cost(make_subscription, make_system):
    subscription = make_subscription(system=make_system(seat_cost=Decimal("99.50")), seats=4)
    assert subscription.effective_annual_cost == Decimal("398.00")
    assert subscription.cost_is_default
    subscription.annual_cost = Decimal("300")
    assert subscription.effective_annual_cost == Decimal("300")


def test_free_systems_cost_nothing(make_subscription, make_system):
    subscription = make_subscription(system=make_system(license_model="free", seat_cost=None), seats=50)
    assert subscription.effective_annual_cost == Decimal("0.00")


def test_one_subscription_per_unit_and_system(make_subscription):
    subscription = make_subscription()
    db.session.add(Subscription(unit=subscription.unit, system=subscription.system, seats=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(make_person):
    person = make_person()
    person.unit_id = 999_999
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unit_levels_follow_the_hierarchy(make_unit):
    division = make_unit(name="Operations")
    department = make_unit(name="Field Service", parent=division)
    team = make_unit(name="Technician Scheduling", parent=department)
    assert [division.level_name, department.level_name, team.level_name] == ["division", "department", "team"]
    assert team.ancestors == [division, department]


def test_role_check_constraint(make_account):
    with pytest.raises(IntegrityError):
        make_account(role="superuser")
    db.session.rollback()
