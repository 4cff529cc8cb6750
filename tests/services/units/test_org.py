"""Unit use-cases: hierarchy without cycles, heads who can see their unit, quiet periods, audit."""

import pytest
from sqlalchemy import select

from models import AuditLog, Role, Unit, db
from portal.services.units import org
from portal.services.units.org import OrgError, UnitDetails


def _entries(entity_type: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.entity_type == entity_type).order_by(AuditLog.id)))


def test_create_unit_normalises_and_audits(make_account, make_unit):
    parent = make_unit(key="ops")
    actor = make_account(role=Role.ADMIN.value)
    details = UnitDetails(name=" Field ", parent_id=parent.id, country="se", quiet_periods="12-20..01-06\n07-01..08-15")
    unit = org.create_unit("field", details, actor)
    assert (unit.name, unit.parent, unit.country) == ("Field", parent, "SE")
    assert unit.quiet_periods == "07-01..08-15;12-20..01-06"
    [entry] = _entries("unit")
    assert (entry.action, entry.entity_key, entry.actor) == ("create", "field", actor.name)
    assert entry.changes["parent"] == [None, "ops"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "needs a name"),
        ({"headcount": -1}, "headcount", "cannot be negative"),
        ({"country": "ZZ"}, "country", "not an ISO 3166 country code"),
        ({"parent_id": 999999}, "parent_id", "no longer exists"),
        ({"quiet_periods": "08-01..08-32"}, "quiet_periods", "08-32 is not a day of the year"),
        ({"quiet_periods": "August"}, "quiet_periods", "write a range as MM-DD..MM-DD"),
    ],
)
def test_unit_rules(overrides, field, message):
    with pytest.raises(OrgError, match=message) as raised:
        org.create_unit("field", UnitDetails(**{"name": "Field", **overrides}), None)
    assert raised.value.field == field
    assert db.session.scalar(select(Unit)) is None


@pytest.mark.parametrize(("field", "role"), [("head_id", Role.CIO), ("account_manager_id", Role.DEPT_HEAD)])
def test_people_must_have_the_right_role(make_account, field, role):
    account = make_account(role=role.value)
    with pytest.raises(OrgError, match="Choose an account with the role") as raised:
        org.create_unit("field", UnitDetails(name="Field", **{field: account.id}), None)
    assert raised.value.field == field


def test_duplicate_and_malformed_keys(make_unit):
    make_unit(key="field")
    with pytest.raises(OrgError, match="already exists"):
        org.create_unit("field", UnitDetails(name="Field"), None)
    with pytest.raises(OrgError, match="lowercase"):
        org.create_unit("Field Unit", UnitDetails(name="Field"), None)


def test_a_unit_cannot_be_its_own_ancestor(make_unit):
    division = make_unit(key="division", name="Division")
    department = make_unit(key="department", parent=division)
    team = make_unit(key="team", parent=department)
    for parent in (division, department, team):
        with pytest.raises(OrgError, match="cannot sit below itself") as raised:
            org.update_unit(division, UnitDetails(name="Division", parent_id=parent.id), None)
        assert raised.value.field == "parent_id"
    assert division.parent is None
    org.update_unit(team, UnitDetails(name="Team", parent_id=division.id), None)  # moving up is fine
    assert team.parent is division


def test_the_head_is_attached_to_the_unit_once(make_account, make_unit):
    unit = make_unit(key="field", name="Field")
    home = make_unit(key="home")
    head = make_account(role=Role.DEPT_HEAD.value, units=[home])
    org.update_unit(unit, UnitDetails(name="Field", head_id=head.id), None)
    assert {u.key for u in head.units} == {"home", "field"}
    org.update_unit(unit, UnitDetails(name="Field renamed", head_id=head.id), None)
    assert len(head.units) == 2
    account_entries = _entries("account")
    assert len(account_entries) == 1
    assert account_entries[0].changes == {"units": [["home"], ["field", "home"]]}


def test_changing_the_head_keeps_the_previous_heads_access(make_account, make_unit):
    unit = make_unit(key="field")
    first = make_account(role=Role.DEPT_HEAD.value, units=[unit])
    second = make_account(role=Role.DEPT_HEAD.value, units=[make_unit()])
    unit.head_id = first.id
    org.update_unit(unit, UnitDetails(name="Field", head_id=second.id), None)
    assert unit in first.units
    assert unit in second.units
    assert _entries("unit")[-1].changes["head"] == [first.email, second.email]


def test_update_without_changes_writes_no_audit_entry(make_unit):
    unit = make_unit(key="field", name="Field", headcount=5, country="SE")
    org.update_unit(unit, UnitDetails(name="Field", headcount=5, country="SE"), None)
    assert _entries("unit") == []
