import pytest

from models import Role


@pytest.fixture
def org(make_unit, make_account, make_system, make_subscription):
    manager = make_account(name="Anna Manager")
    operations = make_unit(key="operations", name="Operations", account_manager=manager)
    field = make_unit(key="field-service", name="Field Service", parent=operations)
    scheduling = make_unit(
        key="technician-scheduling", name="Technician Scheduling", parent=field,
        country="SE", quiet_periods="07-01..08-15",
    )  # fmt: skip
    finance = make_unit(key="finance", name="Finance")
    make_subscription(unit=scheduling, system=make_system(name="FieldPlanner"), seats=40)
    return {"operations": operations, "field": field, "scheduling": scheduling, "finance": finance}


def test_tree_is_nested(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/units/").get_data(as_text=True)
    operations, field, scheduling = (body.index(n) for n in ("Operations", "Field Service", "Technician Scheduling"))
    assert operations < field < scheduling
    assert body.count('<ul class="tree">') == 1
    assert body.count("<ul>") >= 2  # two nested levels below the division


def test_filter_shows_matches_with_their_path(client, login_as, org):
    login_as(Role.ACCOUNT_MANAGER)
    body = client.get("/units/?q=sched", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in body
    assert "Technician Scheduling" in body
    assert "Operations › Field Service" in body
    assert "Finance" not in body


def test_unit_page(client, login_as, org):
    login_as(Role.CIO)
    body = client.get("/units/technician-scheduling").get_data(as_text=True)
    assert "Sweden (SE)" in body
    assert "1 Jul – 15 Aug" in body
    assert "FieldPlanner" in body
    assert 'href="/units/field-service"' in body
    assert "health-slot" in body


def test_department_head_sees_their_subtree_only(client, login_as, org):
    login_as(Role.DEPT_HEAD, units=[org["field"]])
    tree = client.get("/units/").get_data(as_text=True)
    assert "Field Service" in tree
    assert "Technician Scheduling" in tree
    assert "Operations" not in tree  # the parent above their scope stays out of sight
    assert "Finance" not in tree
    page = client.get("/units/technician-scheduling").get_data(as_text=True)
    assert "Operations" not in page
    assert "/systems/" not in page  # no link into the catalog they cannot open
    assert client.get("/units/operations").status_code == 404
    assert client.get("/units/finance").status_code == 404


def test_unknown_unit_is_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/units/nope").status_code == 404


def test_hostile_unit_name_is_escaped(client, login_as, make_unit):
    make_unit(key="evil", name='"><img src=x onerror=alert(1)>')
    login_as(Role.ACCOUNT_MANAGER)
    for path in ("/units/", "/units/evil", "/units/?q=evil"):
        body = client.get(path).get_data(as_text=True)
        assert "<img src=x" not in body
