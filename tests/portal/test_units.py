"""The unit pages: the scoped hierarchy with active search, a unit's page, who sees what."""

import re
from decimal import Decimal

import pytest

from models import Role
from portal import clock


@pytest.fixture
def org(make_unit, make_account, make_system, make_subscription):
    manager = make_account(name="Anna Manager")
    operations = make_unit(key="operations", name="Operations", account_manager=manager)
    field = make_unit(key="field-service", name="Field Service", parent=operations)
    scheduling = make_unit(
        key="technician-scheduling",
        name="Technician Scheduling",
        parent=field,
        headcount=42,
        country="SE",
        quiet_periods="07-01..08-15",
        head=make_account(name="Sven Head"),
        account_manager=manager,
    )
    finance = make_unit(key="finance", name="Finance")
    planner = make_system(key="planner", name="FieldPlanner", category="Scheduling")
    subscription = make_subscription(
        unit=scheduling, system=planner, seats=40, key_action="monthly_planning", key_action_every_days=30
    )
    make_subscription(unit=scheduling, system=make_system(name="Wiki", license_model="free"), seats=50)
    make_subscription(unit=finance, system=make_system(name="Ledger ERP"), seats=3, annual_cost=Decimal("900"))
    return {
        "operations": operations,
        "field": field,
        "scheduling": scheduling,
        "finance": finance,
        "subscription": subscription,
    }


def test_tree_is_nested(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/units/").get_data(as_text=True)
    tree = body[body.index('<ul class="tree">') :]
    # Operations › Field Service › Technician Scheduling, each in the list of the one above.
    assert re.search(r"Operations</a>.*?<ul>.*?Field Service</a>.*?<ul>.*?Technician Scheduling</a>", tree, re.S)
    finance = tree.index("Finance</a>")
    assert finance < tree.index("Operations</a>")  # roots by name
    assert tree[:finance].count("<ul>") == 0  # a root, not nested anywhere


def test_tree_rows_say_who_and_how_much(client, login_as, org):
    login_as(Role.CIO)
    body = client.get("/units/").get_data(as_text=True)
    row = re.search(r'<div class="tree-row">\s*<a href="/units/technician-scheduling">.*?</div>', body, re.S).group(0)
    for text in ("technician-scheduling", "team", "head Sven Head", "manager Anna Manager", "42 people", "2 systems"):
        assert text in row
    assert re.search(r'href="/units/operations">Operations</a>.*?division', body, re.S)
    assert re.search(r'href="/units/field-service">Field Service</a>.*?department', body, re.S)


def test_filter_shows_matches_with_their_path(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    response = client.get("/units/?q=sched", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "HX-Request" in response.headers["Vary"]
    assert "1 unit matches “sched”" in body
    assert "Technician Scheduling" in body
    assert "Operations › Field Service" in body
    assert "Finance" not in body


def test_a_bookmarked_filter_renders_the_whole_page(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/units/?q=sched").get_data(as_text=True)
    assert "<html" in body
    assert 'value="sched"' in body
    assert "Operations › Field Service" in body


def test_no_match_says_so(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/units/?q=zzz", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "No unit matches “zzz”" in body
    assert 'href="/units/"' in body


def test_unit_page(client, login_as, org):
    login_as(Role.CIO)
    body = client.get("/units/technician-scheduling").get_data(as_text=True)
    for text in ("Sven Head", "Anna Manager", "Sweden (SE)", "1 Jul – 15 Aug", "Team", ">42<"):
        assert text in body
    breadcrumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', body, re.S).group(0)
    assert 'href="/units/operations">Operations' in breadcrumbs
    assert 'href="/units/field-service">Field Service' in breadcrumbs
    assert 'href="/systems/planner">FieldPlanner' in body  # staff may follow a system into the catalog
    assert "monthly_planning" in body and "every 30 days" in body
    assert "4\u202f800 EUR" in body
    assert '<section class="health-slot"' in body
    footer = re.search(r"<tfoot>(.*)</tfoot>", body, re.S).group(1)
    assert ">90<" in footer  # 40 + 50 seats
    assert "4\u202f800 EUR" in footer  # the free wiki adds nothing


def test_unit_page_lists_the_units_below(client, login_as, org):
    login_as(Role.CIO)
    body = client.get("/units/field-service").get_data(as_text=True)
    assert 'href="/units/technician-scheduling">Technician Scheduling' in body
    assert "This unit uses no system yet." in body


def test_department_head_sees_their_subtree_only(client, login_as, org):
    login_as(Role.DEPT_HEAD, units=[org["field"]])
    for path in ("/units/", "/units/?q=e"):
        for headers in ({}, {"HX-Request": "true"}):
            body = client.get(path, headers=headers).get_data(as_text=True)
            assert "Field Service" in body
            assert "Technician Scheduling" in body
            assert "Operations" not in body  # the division above their scope stays out of sight
            assert "Finance" not in body
            assert "Ledger ERP" not in body


def test_department_head_unit_page_stays_in_scope(client, login_as, org):
    login_as(Role.DEPT_HEAD, units=[org["field"]])
    page = client.get("/units/technician-scheduling").get_data(as_text=True)
    assert "FieldPlanner" in page
    assert "Operations" not in page
    assert 'href="/units/field-service"' in page
    assert "/systems/" not in page  # no link into the catalog they cannot open
    own = client.get("/units/field-service").get_data(as_text=True)
    assert "Operations" not in own


@pytest.mark.parametrize("key", ["operations", "finance"])
def test_department_head_gets_404_on_other_units(client, login_as, org, key):
    login_as(Role.DEPT_HEAD, units=[org["field"]])
    response = client.get(f"/units/{key}")
    assert response.status_code == 404
    assert "Finance" not in response.get_data(as_text=True)


def test_unknown_unit_is_404(client, login_as):
    login_as(Role.CIO)
    assert client.get("/units/nope").status_code == 404


def test_only_admins_see_edit_buttons(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    assert "/admin/" not in client.get("/units/").get_data(as_text=True)
    assert "/admin/" not in client.get("/units/technician-scheduling").get_data(as_text=True)


def test_admin_sees_edit_buttons(client, login_as, org):
    login_as(Role.ADMIN)
    assert 'href="/admin/units/new"' in client.get("/units/").get_data(as_text=True)
    body = client.get("/units/technician-scheduling").get_data(as_text=True)
    assert 'href="/admin/units/technician-scheduling/edit"' in body
    assert 'href="/admin/subscriptions/new?unit=technician-scheduling"' in body
    assert f'href="/admin/subscriptions/{org["subscription"].id}/edit"' in body


def test_hostile_unit_name_is_escaped(client, login_as, make_unit, make_account):
    evil = make_unit(key="evil", name='"><img src=x onerror=alert(1)>', head=make_account(name="<script>x</script>"))
    make_unit(key="evil-child", name="<script>alert(1)</script>", parent=evil)
    login_as(Role.ACCOUNT_MANAGER)
    for path in ("/units/", "/units/evil", "/units/evil-child", "/units/?q=evil", "/units/?q=<script>"):
        body = client.get(path).get_data(as_text=True)
        assert "<img src=x" not in body
        assert "<script>" not in body.replace('<script src="', "")


@pytest.mark.parametrize("path", ["/units/", "/units/?q=team", "/units/mine"])
def test_department_head_pages_cost_the_same_whatever_the_size(
    client, login_as, count_queries, make_unit, make_account, make_subscription, path
):
    division = make_unit(name="Division")
    mine = make_unit(key="mine", name="Mine", parent=division)
    login_as(Role.DEPT_HEAD, units=[mine])

    def grow(n: int) -> None:
        for _ in range(n):
            team = make_unit(name="Team", parent=mine, head=make_account(), account_manager=make_account())
            make_subscription(unit=team)

    grow(2)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    grow(10)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count


def test_the_unit_page_shows_its_stored_health_and_each_systems_colour(
    client, login_as, make_unit, make_system, make_subscription, make_person, run_import
):
    from datetime import timedelta

    from markupsafe import escape

    from portal.services.health import engine

    unit = make_unit(key="scheduling", name="Scheduling <b>team</b>")
    system = make_system(key="crm", name="CRM")
    make_subscription(unit=unit, system=system, seats=10)
    for n in range(4):
        make_person(unit=unit, key=f"p{n}")
    today = clock.today()
    lines = ["person_key,system_key,occurred_at"]
    lines += [f"p{n},crm,{today - timedelta(days=d)}" for n in range(4) for d in range(0, 60, 2)]
    assert run_import("usage", "\n".join(lines) + "\n").refused == 0  # re-scored as it lands
    login_as(Role.CIO)
    body = client.get("/units/scheduling").get_data(as_text=True)
    assert '<section class="health-card health-' in body and "health-slot" not in body
    record = engine.unit_health(unit.id).systems["crm"]
    assert f'<span class="health-badge health-{record.colour}"' in body
    assert str(escape(record.reasons[0])) in body  # the system's headline reason, as its badge's title
    # 4 of 10 paid seats used: a critical signal, so it is the headline, with the seats' yearly cost (120 EUR each)
    assert record.reasons[0] == "4 of 10 seats used in the last 30 days: 6 unused, 720 EUR a year"
    assert "Scheduling <b>team</b>" not in body  # names are escaped, here as everywhere
