"""The catalog list: searching, the select options, a system's page (tests/portal/test_filter_forms.py reads
the filters from a query string)."""

from decimal import Decimal

import pytest

from portal.services.catalog.search import (
    CatalogFilters,
    filter_options,
    search_systems,
    system_detail,
)


@pytest.mark.parametrize(
    ("filters", "active"),
    [(CatalogFilters(), False), (CatalogFilters(q="a"), True), (CatalogFilters(vendor="SAP"), True)],
)
def test_active(filters, active):
    assert filters.active is active


@pytest.fixture
def systems(make_account, make_system):
    owner = make_account(name="Olga Owner")
    return {
        "planner": make_system(
            key="planner",
            name="FieldPlanner",
            category="Scheduling",
            vendor="IFS",
            owner=owner,
            description="Dispatch and the MONTHLY planning run.",
        ),
        "ledger": make_system(key="ledger", name="ledger ERP", category="ERP", vendor="SAP"),
        "crm": make_system(key="sales_crm", name="Sales CRM 100%", category="CRM", vendor="SAP", owner=owner),
        "owner": owner,
    }


def _keys(filters: CatalogFilters) -> list[str]:
    return [row.system.key for row in search_systems(filters)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (CatalogFilters(), ["planner", "ledger", "sales_crm"]),  # by name, whatever its case
        (CatalogFilters(q="PLANN"), ["planner"]),
        (CatalogFilters(q="monthly"), ["planner"]),  # the description
        (CatalogFilters(q="sap"), ["ledger", "sales_crm"]),  # the vendor
        (CatalogFilters(q="sales_"), ["sales_crm"]),  # the key
        (CatalogFilters(q="%"), ["sales_crm"]),  # a literal percent sign, not a wildcard
        (CatalogFilters(q="c_m"), []),  # a literal underscore, not "any one character"
        (CatalogFilters(category="ERP"), ["ledger"]),
        (CatalogFilters(vendor="SAP"), ["ledger", "sales_crm"]),
        (CatalogFilters(vendor="SAP", category="CRM"), ["sales_crm"]),
        (CatalogFilters(q="erp", vendor="IFS"), []),
    ],
)
def test_search(systems, filters, expected):
    assert _keys(filters) == expected


def test_search_by_owner(systems):
    assert _keys(CatalogFilters(owner=systems["owner"].id)) == ["planner", "sales_crm"]


def test_rows_count_units_seats_and_cost(systems, make_system, make_subscription):
    planner = systems["planner"]  # 120 EUR a seat
    make_subscription(system=planner, seats=40)  # list price: 4 800
    make_subscription(system=planner, seats=5, annual_cost=Decimal("100.00"))  # negotiated
    make_subscription(system=make_system(key="wiki", name="Wiki", license_model="free"), seats=300)
    rows = {row.system.key: row for row in search_systems(CatalogFilters())}
    assert (rows["planner"].units, rows["planner"].seats, rows["planner"].annual_cost) == (2, 45, Decimal("4900.00"))
    assert (rows["wiki"].units, rows["wiki"].seats, rows["wiki"].annual_cost) == (1, 300, Decimal(0))
    assert (rows["ledger"].units, rows["ledger"].seats, rows["ledger"].annual_cost) == (0, 0, Decimal(0))


def test_filter_options_offer_what_systems_have(systems, make_account, make_system):
    make_system(category="", vendor="")  # blanks are not an option
    make_account(name="Not An Owner")
    options = filter_options()
    assert options.categories == ["CRM", "ERP", "Scheduling"]
    assert options.vendors == ["IFS", "SAP"]
    assert [owner.name for owner in options.owners] == ["Olga Owner"]
    assert options.owner_ids == {systems["owner"].id}


def test_system_detail(systems, make_unit, make_subscription):
    planner = systems["planner"]
    make_subscription(unit=make_unit(name="technicians"), system=planner, seats=40)
    make_subscription(unit=make_unit(name="Finance"), system=planner, seats=2, annual_cost=Decimal("10"))
    make_subscription(system=systems["ledger"], seats=99)
    detail = system_detail("planner")
    assert detail.system == planner
    assert [s.unit.name for s in detail.subscriptions] == ["Finance", "technicians"]
    assert (detail.seats, detail.annual_cost) == (42, Decimal("4810.00"))


def test_system_detail_of_an_unknown_key_is_none():
    assert system_detail("nope") is None
