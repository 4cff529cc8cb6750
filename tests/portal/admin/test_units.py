"""Admin pages for units."""

import re

import pytest
from sqlalchemy import select

from models import Role, Unit, db


def _form(**overrides):
    data = {
        "key": "field-service",
        "name": "Field Service",
        "parent_id": "",
        "head_id": "",
        "account_manager_id": "",
        "headcount": "120",
        "country": "SE",
        "quiet_periods": "",
    }
    data.update(overrides)
    return data


def _unit(key: str = "field-service") -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.key == key))


def _error(page: str, field: str) -> str | None:
    match = re.search(rf'<small class="field-error" id="{field}-error">([^<]*)</small>', page)
    return match.group(1) if match else None


def test_create_a_unit(client, admin, make_unit, make_account, audit_entries):
    parent = make_unit(key="operations", name="Operations")
    manager = make_account(role=Role.ACCOUNT_MANAGER.value)
    data = _form(
        parent_id=str(parent.id), account_manager_id=str(manager.id), quiet_periods="12-20..01-06; 07-01..08-15"
    )
    response = client.post("/admin/units/new", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/units/field-service"
    unit = _unit()
    assert (unit.name, unit.parent_id, unit.account_manager_id) == ("Field Service", parent.id, manager.id)
    assert (unit.headcount, unit.country) == (120, "SE")
    assert unit.quiet_periods == "07-01..08-15;12-20..01-06"
    entry = audit_entries("unit")[-1]
    assert (entry.action, entry.entity_key) == ("create", "field-service")
    assert entry.changes["parent"] == [None, "operations"]
    assert entry.changes["account_manager"] == [None, manager.email]


def test_the_form_offers_units_by_path_and_accounts_by_role(client, admin, make_unit, make_account):
    division = make_unit(name="Operations")
    make_unit(name="Field Service", parent=division)
    make_account(name="Hedda Head", role=Role.DEPT_HEAD.value, units=[division])
    make_account(name="Carl Cio", role=Role.CIO.value)
    page = client.get("/admin/units/new").get_data(as_text=True)
    assert "Operations › Field Service" in page
    head_select = page[page.index('id="head_id"') : page.index("</select>", page.index('id="head_id"'))]
    assert "Hedda Head" in head_select
    assert "Carl Cio" not in head_select
    assert ">Sweden</option>" in page


def test_head_is_attached_to_the_unit(client, admin, make_unit, make_account, audit_entries):
    elsewhere = make_unit(key="elsewhere")
    head = make_account(role=Role.DEPT_HEAD.value, units=[elsewhere])
    response = client.post("/admin/units/new", data=_form(head_id=str(head.id)))
    assert response.status_code == 303
    db.session.expire_all()
    assert sorted(unit.key for unit in head.units) == ["elsewhere", "field-service"]
    account_entry = audit_entries("account")[-1]
    assert account_entry.changes == {"units": [["elsewhere"], ["elsewhere", "field-service"]]}


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"key": "Field Service"}, "key", "Use lowercase letters"),
        ({"name": ""}, "name", "This field is required."),
        ({"headcount": "-3"}, "headcount", "The headcount cannot be negative."),
        ({"headcount": "many"}, "headcount", "Not a valid integer value."),
        ({"country": "XX"}, "country", "Choose a country from the list."),
        ({"quiet_periods": "summer"}, "quiet_periods", "write a range as MM-DD..MM-DD"),
        ({"quiet_periods": "07-01..08-32"}, "quiet_periods", "08-32 is not a day of the year."),
        ({"quiet_periods": "7-1..8-15"}, "quiet_periods", "each end must be written MM-DD"),
        ({"parent_id": "999999"}, "parent_id", "Choose a unit from the list"),
    ],
)
def test_invalid_unit_is_refused_inline(client, admin, overrides, field, message):
    response = client.post("/admin/units/new", data=_form(**overrides))
    assert response.status_code == 200
    assert message in (_error(response.get_data(as_text=True), field) or "")
    assert _unit() is None


def test_head_must_be_a_department_head(client, admin, make_account):
    cio = make_account(role=Role.CIO.value)
    response = client.post("/admin/units/new", data=_form(head_id=str(cio.id)))
    assert _error(response.get_data(as_text=True), "head_id") == "Choose a department head account from the list."
    assert _unit() is None


def test_duplicate_key_is_refused_inline(client, admin, make_unit):
    make_unit(key="field-service", name="Existing")
    response = client.post("/admin/units/new", data=_form())
    assert _error(response.get_data(as_text=True), "key") == "A unit with the key field-service already exists."


def test_edit_a_unit(client, admin, make_unit, audit_entries):
    make_unit(key="field-service", name="Field Service", headcount=10, country="SE", quiet_periods="")
    page = client.get("/admin/units/field-service/edit").get_data(as_text=True)
    assert 'value="field-service" readonly' in page
    data = _form(
        key="renamed", name="Field Service Nordics", headcount="12", country="NO", quiet_periods="07-01..07-31"
    )
    response = client.post("/admin/units/field-service/edit", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/units/field-service"
    unit = _unit()
    assert (unit.name, unit.headcount, unit.country, unit.quiet_periods) == (
        "Field Service Nordics",
        12,
        "NO",
        "07-01..07-31",
    )
    assert audit_entries("unit")[-1].changes == {
        "country": ["SE", "NO"],
        "headcount": [10, 12],
        "name": ["Field Service", "Field Service Nordics"],
        "quiet_periods": ["", "07-01..07-31"],
    }


def test_a_unit_cannot_become_its_own_ancestor(client, admin, make_unit):
    division = make_unit(key="division", name="Division")
    department = make_unit(key="department", name="Department", parent=division)
    team = make_unit(key="team", name="Team", parent=department)
    page = client.get("/admin/units/division/edit").get_data(as_text=True)
    parent_select = page[page.index('id="parent_id"') : page.index("</select>", page.index('id="parent_id"'))]
    assert "Team" not in parent_select  # a cycle is not even offered
    for parent in (division, team):
        response = client.post("/admin/units/division/edit", data=_form(name="Division", parent_id=str(parent.id)))
        assert response.status_code == 200
        assert "cannot sit below itself or its own sub-units" in _error(response.get_data(as_text=True), "parent_id")
    assert _unit("division").parent_id is None


def test_moving_a_unit_elsewhere_is_fine(client, admin, make_unit):
    make_unit(key="a", name="A")
    b = make_unit(key="b", name="B")
    response = client.post("/admin/units/a/edit", data=_form(name="A", parent_id=str(b.id)))
    assert response.status_code == 303
    assert _unit("a").parent_id == b.id


def test_unknown_unit_is_404(client, admin):
    assert client.get("/admin/units/nope/edit").status_code == 404
