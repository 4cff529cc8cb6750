"""Account use-cases: creation, updates, passwords and the last-admin rule."""

import pytest
from sqlalchemy import select

from models import AuditLog, Role, db
from portal.services.platform import accounts
from portal.services.platform.accounts import AccountError


def _last_audit() -> AuditLog:
    return db.session.scalar(select(AuditLog).order_by(AuditLog.id.desc()))


def test_create_account_audits_a_snapshot_without_the_password(make_account, make_unit):
    actor = make_account(role=Role.ADMIN.value)
    unit = make_unit(key="ops")
    account = accounts.create_account(
        " Hedda@Example.test ", "Hedda", "dept_head", units=[unit], password="long enough secret", actor=actor
    )
    assert (account.email, account.active) == ("hedda@example.test", True)
    entry = _last_audit()
    assert (entry.action, entry.actor, entry.entity_key) == ("create", actor.name, "hedda@example.test")
    assert entry.changes["units"] == [None, ["ops"]]
    assert entry.changes["password"] == [None, "set"]
    assert "long enough secret" not in str(entry.changes)


def test_create_an_inactive_account(make_account):
    account = accounts.create_account("off@example.test", "Off", "cio", active=False)
    assert account.active is False


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": "root"}, "role"),
        ({"role": "dept_head"}, "units"),
        ({"password": "short"}, "password"),
    ],
)
def test_create_account_errors_name_their_field(kwargs, field):
    with pytest.raises(AccountError) as raised:
        accounts.create_account("x@example.test", "X", **{"role": "cio", **kwargs})
    assert raised.value.field == field


def _update(account, **overrides):
    values = {
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "units": list(account.units),
        "active": account.active,
    }
    values.update(overrides)
    accounts.update_account(account, **values)


def test_update_account_records_only_what_changed(make_account):
    account = make_account(name="Old", role=Role.CIO.value)
    old_email = account.email
    _update(account, name="New", email="NEW@example.test")
    assert account.email == "new@example.test"
    entry = _last_audit()
    assert (entry.action, entry.entity_key) == ("update", "new@example.test")
    assert entry.changes == {"email": [old_email, "new@example.test"], "name": ["Old", "New"]}


def test_update_without_changes_writes_no_audit_entry(make_account):
    account = make_account(role=Role.CIO.value)
    before = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()))
    _update(account)
    assert db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc())) == before


def test_update_changes_the_password_and_says_so_without_the_hash(make_account):
    account = make_account(role=Role.CIO.value)
    _update(account, password="another long secret")
    assert account.check_password("another long secret")
    assert _last_audit().changes == {"password": [None, "changed"]}


def test_update_refuses_a_taken_email(make_account):
    make_account(email="taken@example.test")
    account = make_account()
    with pytest.raises(AccountError, match="already exists") as raised:
        _update(account, email="taken@example.test")
    assert raised.value.field == "email"


def test_update_keeps_the_role_and_unit_rule(make_account, make_unit):
    account = make_account(role=Role.CIO.value)
    with pytest.raises(AccountError, match="needs at least one unit"):
        _update(account, role="dept_head")
    with pytest.raises(AccountError, match="Only department heads"):
        _update(account, units=[make_unit()])
    assert account.role == "cio"


@pytest.mark.parametrize(("change", "field"), [({"role": "cio"}, "role"), ({"active": False}, "active")])
def test_the_last_active_admin_stays(make_account, change, field):
    admin = make_account(role=Role.ADMIN.value)
    make_account(role=Role.ADMIN.value, active=False)  # an inactive admin does not count
    with pytest.raises(AccountError, match="last active admin") as raised:
        _update(admin, **change)
    assert raised.value.field == field
    assert (admin.role, admin.active) == ("admin", True)


def test_an_admin_may_step_down_when_another_remains(make_account):
    admin = make_account(role=Role.ADMIN.value)
    make_account(role=Role.ADMIN.value)
    _update(admin, role="cio")
    assert accounts.count_admins() == 1


def test_units_by_ids(make_unit):
    unit = make_unit()
    assert accounts.units_by_ids([unit.id]) == [unit]
    assert accounts.units_by_ids([]) == []
    with pytest.raises(AccountError, match="no longer exists"):
        accounts.units_by_ids([unit.id, 999999])
