"""Pages cost a fixed number of queries, whatever the size of the organisation (no N+1)."""

import pytest

from models import Role


def _grow(make_unit, make_system, make_subscription, make_account, n: int, parent=None):
    for _ in range(n):
        unit = make_unit(parent=parent, head=make_account(), account_manager=make_account())
        system = make_system(owner=make_account())
        make_subscription(unit=unit, system=system)
        make_subscription(unit=make_unit(parent=unit), system=system)


@pytest.mark.parametrize("path", ["/", "/systems/", "/systems/?q=system", "/units/", "/units/?q=unit", "/units/root"])
def test_page_queries_do_not_grow_with_the_data(
    client, login_as, count_queries, make_unit, make_system, make_subscription, make_account, path
):
    root = make_unit(key="root", name="Root")
    login_as(Role.ADMIN)
    _grow(make_unit, make_system, make_subscription, make_account, 2, parent=root)
    with count_queries() as small:
        assert client.get(path).status_code == 200
    _grow(make_unit, make_system, make_subscription, make_account, 12, parent=root)
    with count_queries() as large:
        assert client.get(path).status_code == 200
    assert large.count == small.count, f"{path}: {small.count} queries with 2 systems, {large.count} with 14"


def test_system_page_queries_do_not_grow_with_its_units(
    client, login_as, count_queries, make_unit, make_system, make_subscription
):
    system = make_system(key="shared")
    login_as(Role.CIO)
    for _ in range(2):
        make_subscription(unit=make_unit(), system=system)
    with count_queries() as small:
        client.get("/systems/shared")
    for _ in range(15):
        make_subscription(unit=make_unit(), system=system)
    with count_queries() as large:
        client.get("/systems/shared")
    assert large.count == small.count
