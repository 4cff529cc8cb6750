from decimal import Decimal

import pytest

from models import Role


@pytest.fixture
def catalog(make_account, make_system, make_subscription, make_unit):
    owner = make_account(name="Olga Owner")
    planner = make_system(
        key="planner", name="FieldPlanner", category="Scheduling", vendor="IFS", owner=owner,
        description="Dispatch and the monthly planning run.",
        modules=(("monthly_planning", True), ("analytics", False)),
    )  # fmt: skip
    ledger = make_system(key="ledger", name="Ledger ERP", category="ERP", vendor="SAP", seat_cost=Decimal("1000"))
    crm = make_system(key="crm", name="Sales CRM", category="CRM", vendor="SAP", owner=owner)
    make_subscription(unit=make_unit(name="Technician Scheduling"), system=planner, seats=40)
    make_subscription(unit=make_unit(name="Finance"), system=ledger, seats=3, annual_cost=Decimal("2500"))
    return {"planner": planner, "ledger": ledger, "crm": crm, "owner": owner}


def _names(response) -> set[str]:
    body = response.get_data(as_text=True)
    return {name for name in ("FieldPlanner", "Ledger ERP", "Sales CRM") if name in body}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"FieldPlanner", "Ledger ERP", "Sales CRM"}),
        ("q=plann", {"FieldPlanner"}),
        ("q=MONTHLY", {"FieldPlanner"}),  # the description, case-insensitively
        ("q=sap", {"Ledger ERP", "Sales CRM"}),  # the vendor
        ("category=ERP", {"Ledger ERP"}),
        ("vendor=SAP", {"Ledger ERP", "Sales CRM"}),
        ("vendor=SAP&category=CRM", {"Sales CRM"}),
        ("q=nothing-like-it", set()),
        ("owner=not-a-number", {"FieldPlanner", "Ledger ERP", "Sales CRM"}),
    ],
)
def test_search_and_filters(client, login_as, catalog, query, expected):
    login_as(Role.ACCOUNT_MANAGER)
    response = client.get(f"/systems/?{query}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert _names(response) == expected


def test_filter_by_owner(client, login_as, catalog):
    login_as(Role.CIO)
    response = client.get(f"/systems/?owner={catalog['owner'].id}", headers={"HX-Request": "true"})
    assert _names(response) == {"FieldPlanner", "Sales CRM"}


def test_fragment_and_full_page(client, login_as, catalog):
    login_as(Role.CIO)
    fragment = client.get("/systems/?q=ledger", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "1 system match" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/systems/?q=ledger")
    body = page.get_data(as_text=True)
    assert "<html" in body
    assert 'value="ledger"' in body  # a bookmarked filter renders in full with its value
    restore = client.get("/systems/?q=ledger", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_empty_result_offers_to_clear_filters(client, login_as, catalog):
    login_as(Role.CIO)
    body = client.get("/systems/?q=zzz").get_data(as_text=True)
    assert "No system matches these filters" in body


def test_system_page(client, login_as, catalog):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/systems/planner").get_data(as_text=True)
    assert "FieldPlanner" in body
    assert "Olga Owner" in body
    assert "monthly_planning" in body
    assert body.count("badge-core") == 1
    assert "Technician Scheduling" in body
    assert "4\u202f800 EUR" in body  # 40 seats × 120 EUR list price
    ledger = client.get("/systems/ledger").get_data(as_text=True)
    assert "2\u202f500 EUR" in ledger
    assert "negotiated" in ledger


def test_unknown_system_is_404(client, login_as):
    login_as(Role.CIO)
    assert client.get("/systems/nope").status_code == 404


def test_admin_sees_edit_buttons_and_others_do_not(client, login_as, catalog):
    login_as(Role.ACCOUNT_MANAGER)
    assert "/admin/systems/planner/edit" not in client.get("/systems/planner").get_data(as_text=True)
    client.post("/logout")
    login_as(Role.ADMIN)
    assert "/admin/systems/planner/edit" in client.get("/systems/planner").get_data(as_text=True)
    assert "/admin/systems/new" in client.get("/systems/").get_data(as_text=True)


def test_hostile_names_are_escaped(client, login_as, make_system):
    make_system(key="evil", name="<script>alert(1)</script>", vendor="<b>x</b>")
    login_as(Role.CIO)
    for path in ("/systems/", "/systems/evil"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
