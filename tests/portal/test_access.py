"""The role matrix covers every route, and a department head can reach no other unit's data."""

import pytest
from flask_login import login_user

from models import Role
from portal.access import can
from portal.access.matrix import PUBLIC, ROLE_MATRIX


def _endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules()}


def test_every_route_is_in_the_role_matrix(app):
    missing = _endpoints(app) - set(ROLE_MATRIX)
    assert not missing, f"routes missing from portal/access/matrix.py: {sorted(missing)}"


def test_the_matrix_names_no_route_that_does_not_exist(app):
    stale = set(ROLE_MATRIX) - _endpoints(app)
    assert not stale, f"matrix entries without a route: {sorted(stale)}"


def test_only_sign_in_static_and_liveness_are_public():
    public = {endpoint for endpoint, roles in ROLE_MATRIX.items() if roles is PUBLIC}
    assert public == {"static", "auth.login", "auth.sso_start", "auth.sso_callback", "main.healthz"}


def test_an_endpoint_missing_from_the_matrix_is_refused(app, client, login_as, monkeypatch):
    login_as(Role.ADMIN)
    monkeypatch.delitem(ROLE_MATRIX, "main.index")
    assert client.get("/").status_code == 403


@pytest.mark.parametrize("role", [Role.CIO, Role.ACCOUNT_MANAGER])
def test_staff_without_the_role_get_403(client, login_as, role):
    login_as(role)
    assert client.get("/admin/").status_code == 403


def test_department_head_gets_404_where_the_role_is_not_allowed(client, login_as):
    login_as(Role.DEPT_HEAD)
    assert client.get("/admin/").status_code == 404
    assert client.get("/systems/").status_code == 404


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint", ["admin.unit_new", "catalog.system", "reports.index", "units.index"])
def test_can_answers_what_the_matrix_allows_the_signed_in_role(app, make_account, role, endpoint):
    with app.test_request_context():
        assert can(endpoint) is False  # nobody signed in
        login_user(make_account(role=role.value))
        assert can(endpoint) is (role in ROLE_MATRIX[endpoint])


def test_can_refuses_an_endpoint_missing_from_the_matrix(app, make_account):
    with app.test_request_context():
        login_user(make_account(role=Role.ADMIN.value))
        assert can("admin.no_such_page") is False
