"""The catalog pages: active search with filters in the URL, a system's page, who may see them."""

import re
from decimal import Decimal

import pytest

from models import Role

SYSTEM_NAMES = ("FieldPlanner", "Ledger ERP", "Sales CRM")


@pytest.fixture
def catalog(make_account, make_system, make_subscription, make_unit):
    owner = make_account(name="Olga Owner")
    planner = make_system(
        key="planner",
        name="FieldPlanner",
        category="Scheduling",
        vendor="IFS",
        owner=owner,
        description="Dispatch and the monthly planning run.",
        modules=(("monthly_planning", True), ("analytics", False)),
    )
    ledger = make_system(key="ledger", name="Ledger ERP", category="ERP", vendor="SAP", seat_cost=Decimal("1000"))
    crm = make_system(key="crm", name="Sales CRM", category="CRM", vendor="SAP", owner=owner)
    make_subscription(
        unit=make_unit(key="technician-scheduling", name="Technician Scheduling"),
        system=planner,
        seats=40,
        key_action="monthly_planning",
        key_action_every_days=30,
    )
    make_subscription(unit=make_unit(name="Finance"), system=ledger, seats=3, annual_cost=Decimal("2500"))
    return {"planner": planner, "ledger": ledger, "crm": crm, "owner": owner}


def _names(response) -> set[str]:
    body = response.get_data(as_text=True)
    return {name for name in SYSTEM_NAMES if name in body}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", set(SYSTEM_NAMES)),
        ("q=plann", {"FieldPlanner"}),
        ("q=MONTHLY", {"FieldPlanner"}),  # the description, case-insensitively
        ("q=sap", {"Ledger ERP", "Sales CRM"}),  # the vendor
        ("q=crm", {"Sales CRM"}),  # the key
        ("category=ERP", {"Ledger ERP"}),
        ("vendor=SAP", {"Ledger ERP", "Sales CRM"}),
        ("vendor=SAP&category=CRM", {"Sales CRM"}),
        ("q=ledger&vendor=SAP&category=ERP", {"Ledger ERP"}),
        ("q=ledger&category=CRM", set()),
        ("q=nothing-like-it", set()),
        ("owner=not-a-number", set(SYSTEM_NAMES)),  # malformed: ignored, not an error
        ("category=No+Such+Category", set(SYSTEM_NAMES)),
        ("q=%25", set()),  # a literal %, not a wildcard
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


def test_the_table_shows_what_each_system_costs(client, login_as, catalog):
    login_as(Role.CIO)
    body = client.get("/systems/?q=planner", headers={"HX-Request": "true"}).get_data(as_text=True)
    row = re.search(r"<tbody>(.*)</tbody>", body, re.S).group(1)
    for cell in ("Scheduling", "IFS", "Olga Owner", "Per seat", "120 EUR", ">1<", ">40<", "4\u202f800 EUR"):
        assert cell in row


def test_htmx_gets_the_results_alone_and_a_link_gets_the_page(client, login_as, catalog):
    login_as(Role.CIO)
    fragment = client.get("/systems/?q=ledger", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert "1 system matches" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/systems/?q=ledger&vendor=SAP")
    body = page.get_data(as_text=True)
    assert "<html" in body
    assert "HX-Request" in page.headers["Vary"]
    # A bookmarked filter renders in full, its values in the inputs.
    assert 'value="ledger"' in body
    assert '<option value="SAP" selected>' in body
    assert 'hx-push-url="true"' in body
    assert _names(page) == {"Ledger ERP"}
    restore = client.get("/systems/?q=ledger", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_empty_result_offers_to_clear_filters(client, login_as, catalog):
    login_as(Role.CIO)
    body = client.get("/systems/?q=zzz").get_data(as_text=True)
    assert "No system matches these filters (search “zzz”)" in body
    assert 'href="/systems/">clear filters</a>' in body


def test_system_page(client, login_as, catalog):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/systems/planner").get_data(as_text=True)
    for text in ("FieldPlanner", "IFS", "Olga Owner", "Scheduling", "Dispatch and the monthly planning run."):
        assert text in body
    assert "120 EUR" in body  # the seat cost, with its currency
    modules = re.search(r'<ul class="module-list">(.*?)</ul>', body, re.S).group(1)
    core, extra = modules.split("</li>")[:2]
    assert "monthly_planning" in core and "badge-core" in core
    assert "analytics" in extra and "badge-core" not in extra
    assert 'href="/units/technician-scheduling"' in body
    assert "4\u202f800 EUR" in body  # 40 seats × 120 EUR
    assert "list price" in body
    assert "every 30 days" in body
    ledger = client.get("/systems/ledger").get_data(as_text=True)
    assert "2\u202f500 EUR" in ledger
    assert "negotiated" in ledger


def test_system_page_totals(client, login_as, make_system, make_subscription):
    system = make_system(key="shared")
    make_subscription(system=system, seats=10)
    make_subscription(system=system, seats=5, annual_cost=Decimal("100"))
    login_as(Role.CIO)
    footer = re.search(r"<tfoot>(.*)</tfoot>", client.get("/systems/shared").get_data(as_text=True), re.S).group(1)
    assert ">15<" in footer
    assert "1\u202f300 EUR" in footer


def test_unknown_system_is_404(client, login_as):
    login_as(Role.CIO)
    assert client.get("/systems/nope").status_code == 404


@pytest.mark.parametrize("path", ["/systems/", "/systems/?q=ledger", "/systems/planner"])
def test_a_department_head_cannot_open_the_catalog(client, login_as, catalog, path):
    login_as(Role.DEPT_HEAD)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert "FieldPlanner" not in response.get_data(as_text=True)


def test_only_admins_see_edit_buttons(client, login_as, catalog):
    login_as(Role.ACCOUNT_MANAGER)
    assert "/admin/systems/new" not in client.get("/systems/").get_data(as_text=True)
    assert "/admin/systems/planner/edit" not in client.get("/systems/planner").get_data(as_text=True)


def test_admin_sees_edit_buttons(client, login_as, catalog):
    login_as(Role.ADMIN)
    assert 'href="/admin/systems/new"' in client.get("/systems/").get_data(as_text=True)
    assert 'href="/admin/systems/planner/edit"' in client.get("/systems/planner").get_data(as_text=True)


def test_hostile_names_are_escaped(client, login_as, make_system, make_account, make_subscription, make_unit):
    owner = make_account(name="<script>alert(1)</script>")
    evil = make_system(key="evil", name="<script>alert(1)</script>", vendor="<script>alert(1)</script>", owner=owner)
    make_subscription(unit=make_unit(name="<script>alert(1)</script>"), system=evil)
    login_as(Role.CIO)
    for path in ("/systems/", "/systems/?q=<script>", "/systems/evil"):
        body = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_boosted_link_gets_the_whole_page_and_a_filter_request_the_fragment(client, login_as, catalog):
    login_as(Role.CIO)
    boosted = client.get("/systems/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    fragment = client.get("/systems/", headers={"HX-Request": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)


def test_the_system_page_shows_adoption_as_a_picture_and_a_table(
    client, login_as, make_unit, make_system, make_subscription
):
    system = make_system(key="crm", name="CRM")
    make_subscription(unit=make_unit(key="north", name="North <Team>"), system=system, seats=10)
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/systems/crm").get_data(as_text=True)
    assert "Adoption across units" in body and 'role="img"' in body
    assert "The same figures as a table" in body and "North &lt;Team&gt;" in body and "<Team>" not in body
    assert body.count(">0%</td>") == 12  # twelve months without activity
