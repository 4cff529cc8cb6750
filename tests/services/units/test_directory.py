"""Units as a viewer may see them: the tree, the search with paths, a unit's page, costs per currency."""

from decimal import Decimal

import pytest

from models import Role, Subscription, System
from portal.services.errors import NotFound
from portal.services.units.directory import TreeNode, cost_by_currency, unit_page, unit_tree


@pytest.fixture
def org(make_unit, make_account, make_system, make_subscription):
    operations = make_unit(key="operations", name="Operations")
    field = make_unit(key="field", name="Field Service", parent=operations)
    scheduling = make_unit(key="scheduling", name="Technician Scheduling", parent=field)
    dispatch = make_unit(key="dispatch", name="dispatch desk", parent=field)
    finance = make_unit(key="finance", name="Finance")
    planner = make_system(key="planner", name="FieldPlanner")
    make_subscription(unit=scheduling, system=planner)
    make_subscription(unit=scheduling, system=make_system(key="wiki", name="wiki"))
    make_subscription(unit=finance, system=planner)
    units = {"operations": operations, "field": field, "scheduling": scheduling, "dispatch": dispatch}
    return {**units, "finance": finance, "planner": planner}


def _outline(nodes: list[TreeNode]) -> list:
    """The tree as nested (key, depth, systems, children) tuples, easy to compare."""
    return [(n.unit.key, n.depth, n.systems, _outline(n.children)) for n in nodes]


def test_the_whole_tree_for_staff(make_account, org):
    directory = unit_tree(make_account(role=Role.CIO.value))
    assert not directory.filtering
    assert directory.matches == []
    assert _outline(directory.roots) == [
        ("finance", 0, 1, []),
        (
            "operations",
            0,
            0,
            [("field", 1, 0, [("dispatch", 2, 0, []), ("scheduling", 2, 2, [])])],  # by name, case aside
        ),
    ]


def test_a_department_head_gets_their_subtree_as_the_roots(make_account, org):
    head = make_account(role=Role.DEPT_HEAD.value, units=[org["field"]])
    assert _outline(unit_tree(head).roots) == [("field", 0, 0, [("dispatch", 1, 0, []), ("scheduling", 1, 2, [])])]


def test_a_unit_attached_twice_appears_once(make_account, org):
    # Attached to a department and to a team inside it: the team stays in its place, not a second root.
    head = make_account(role=Role.DEPT_HEAD.value, units=[org["field"], org["scheduling"]])
    roots = unit_tree(head).roots
    assert [root.unit.key for root in roots] == ["field"]


def test_a_department_head_without_units_sees_nothing(make_account, org):
    head = make_account(role=Role.DEPT_HEAD.value, units=[])
    assert unit_tree(head).roots == []
    assert unit_tree(head, "e").matches == []


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sched", [("scheduling", ["Operations", "Field Service"], 2)]),
        ("  SCHED  ", [("scheduling", ["Operations", "Field Service"], 2)]),
        ("DISPATCH", [("dispatch", ["Operations", "Field Service"], 0)]),
        ("finan", [("finance", [], 1)]),
        ("field", [("field", ["Operations"], 0)]),  # the key or the name
        ("nothing", []),
    ],
)
def test_search_lists_matches_with_their_path(make_account, org, q, expected):
    directory = unit_tree(make_account(role=Role.ACCOUNT_MANAGER.value), q)
    assert directory.filtering
    assert directory.q == q.strip()
    assert directory.roots == []
    assert [(m.unit.key, m.path, m.systems) for m in directory.matches] == expected


def test_a_department_heads_search_stays_in_scope_and_paths_stop_at_it(make_account, org):
    head = make_account(role=Role.DEPT_HEAD.value, units=[org["field"]])
    matches = unit_tree(head, "i").matches  # "i" is in every unit's name
    assert [(m.unit.key, m.path) for m in matches] == [
        ("dispatch", ["Field Service"]),
        ("field", []),
        ("scheduling", ["Field Service"]),
    ]


def test_unit_page(make_account, make_system, make_subscription, org):
    scheduling = org["scheduling"]
    make_subscription(unit=scheduling, system=make_system(key="crm", name="CRM", currency="USD"), seats=2)
    page = unit_page(make_account(role=Role.CIO.value), "scheduling")
    assert page.unit == scheduling
    assert [a.key for a in page.ancestors] == ["operations", "field"]
    assert page.parent == org["field"]
    assert page.children == []
    assert [s.system.key for s in page.subscriptions] == ["crm", "planner", "wiki"]
    assert page.seats == 22
    assert page.annual_costs == {"EUR": Decimal("2400.00"), "USD": Decimal("240.00")}
    field = unit_page(make_account(role=Role.CIO.value), "field")
    assert [c.key for c in field.children] == ["dispatch", "scheduling"]
    assert (field.subscriptions, field.seats, field.annual_costs) == ([], 0, {})


def test_a_department_heads_unit_page_shows_nothing_above_their_scope(make_account, org):
    head = make_account(role=Role.DEPT_HEAD.value, units=[org["field"]])
    field = unit_page(head, "field")
    assert (field.ancestors, field.parent) == ([], None)
    assert [a.key for a in unit_page(head, "scheduling").ancestors] == ["field"]


@pytest.mark.parametrize("key", ["operations", "finance", "no-such-unit"])
def test_a_unit_out_of_scope_does_not_exist(make_account, org, key):
    head = make_account(role=Role.DEPT_HEAD.value, units=[org["field"]])
    with pytest.raises(NotFound):
        unit_page(head, key)


def test_costs_never_add_up_across_currencies():
    eur = System(currency="EUR", license_model="per_seat", seat_cost=Decimal("10"))
    sek = System(currency="SEK", license_model="per_seat", seat_cost=Decimal("100"))
    subscriptions = [
        Subscription(system=sek, seats=1),
        Subscription(system=eur, seats=3),
        Subscription(system=eur, seats=1, annual_cost=Decimal("5")),
    ]
    assert list(cost_by_currency(subscriptions).items()) == [("EUR", Decimal("35.00")), ("SEK", Decimal("100.00"))]
    assert cost_by_currency([]) == {}
