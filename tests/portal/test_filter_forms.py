"""The list pages' filter forms: a query string becomes typed filters, and what they do not understand is dropped."""

import pytest
from werkzeug.datastructures import MultiDict

from portal.catalog.forms import CatalogFilterForm
from portal.portfolio.forms import PortfolioFilterForm
from portal.risks.forms import RegisterFilterForm
from portal.services.catalog.search import CatalogFilters, FilterOptions
from portal.services.risks.register import RegisterFilters
from portal.services.units.portfolio import Filters

OPTIONS = FilterOptions(categories=["CRM", "ERP"], vendors=["SAP"], owners=[])


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, CatalogFilters()),
        ({"q": "  planner  "}, CatalogFilters(q="planner")),
        ({"q": "x" * 500}, CatalogFilters(q="x" * 100)),
        ({"q": "plan\x00ner"}, CatalogFilters(q="planner")),  # PostgreSQL would refuse the NUL
        ({"category": "ERP", "vendor": "SAP"}, CatalogFilters(category="ERP", vendor="SAP")),
        ({"category": " ERP "}, CatalogFilters(category="ERP")),
        ({"category": "Astrology", "vendor": "Nobody"}, CatalogFilters()),  # not offered: ignored
        ({"category": "erp"}, CatalogFilters()),  # the options are exact values
        ({"owner": "abc"}, CatalogFilters()),
        ({"owner": "²"}, CatalogFilters()),  # a digit to str.isdigit(), not to int()
        ({"owner": "-1"}, CatalogFilters()),
        ({"owner": "123456"}, CatalogFilters()),  # nobody owns a system under that id
        ({"page": "2", "sort": "drop table"}, CatalogFilters()),
    ],
)
def test_catalog_filters_ignore_what_they_do_not_understand(args, expected):
    assert CatalogFilterForm(MultiDict(args), OPTIONS).filters() == expected


def test_a_catalog_owner_filter_needs_an_owner(make_account):
    owner = make_account()
    options = FilterOptions([], [], [owner])
    assert CatalogFilterForm(MultiDict({"owner": str(owner.id)}), options).filters().owner == owner.id
    assert CatalogFilterForm(MultiDict({"owner": f" {owner.id} "}), options).filters().owner == owner.id


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, RegisterFilters()),
        ({"status": "bogus", "bucket": "nope", "owner": "x"}, RegisterFilters()),
        ({"status": "", "owner": "²"}, RegisterFilters()),
        ({"status": "closed", "bucket": "product", "owner": "7"}, RegisterFilters("closed", "product", 7)),
        ({"status": "all", "unit": "k" * 100}, RegisterFilters(status="all", unit="k" * 64)),
    ],
)
def test_register_filters(args, expected):
    assert RegisterFilterForm(MultiDict(args)).filters() == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, Filters()),
        ({"manager": "12", "colour": "red", "stage": "decline"}, Filters(12, "decline", "red")),
        ({"manager": "twelve", "colour": "purple", "stage": "retired"}, Filters()),
        ({"system": "crm", "division": "d" * 80}, Filters(system="crm", division="d" * 64)),
        ({"changed": "1"}, Filters(changed=True)),
        ({"changed": "on"}, Filters(changed=True)),
        ({"changed": "0"}, Filters()),
    ],
)
def test_portfolio_filters(args, expected):
    assert PortfolioFilterForm(MultiDict(args)).filters() == expected
