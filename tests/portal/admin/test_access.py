"""Only admins reach the admin pages; the others are refused without learning anything."""

import re

import pytest
from sqlalchemy import select

from models import ApiToken, Module, Role, db

ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts",
    "/admin/accounts/new",
    "/admin/systems/new",
    "/admin/units/new",
    "/admin/subscriptions/new",
    "/admin/tokens",
    "/admin/tokens/new",
    "/admin/audit",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize(("role", "status"), [(Role.CIO, 403), (Role.ACCOUNT_MANAGER, 403), (Role.DEPT_HEAD, 404)])
def test_non_admins_are_refused(client, login_as, path, role, status):
    login_as(role)
    assert client.get(path).status_code == status


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_reaches_every_page(client, admin, path):
    assert client.get(path).status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/accounts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize(("role", "status"), [(Role.CIO, 403), (Role.DEPT_HEAD, 404)])
def test_non_admins_cannot_create_anything(client, login_as, role, status, make_system):
    login_as(role)
    system = make_system(key="erp")
    response = client.post("/admin/systems/erp/modules", data={"module-key": "x", "module-name": "X"})
    assert response.status_code == status
    assert [module.key for module in system.modules] == ["core", "extra"]


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(page: str) -> str:
    return re.search(r'name="(?:[a-z]+-)?csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_admin_forms_carry_and_need_the_csrf_token(client, admin, csrf_on):
    without = client.post("/admin/tokens/new", data={"name": "Feed", "scopes": ["read"]})
    assert without.status_code == 400
    assert db.session.scalar(select(ApiToken)) is None
    token = _token(client.get("/admin/tokens/new").get_data(as_text=True))
    with_token = client.post("/admin/tokens/new", data={"name": "Feed", "scopes": ["read"], "csrf_token": token})
    assert with_token.status_code == 200
    assert db.session.scalar(select(ApiToken.name)) == "Feed"


def test_the_prefixed_module_form_and_htmx_header_pass_csrf(client, admin, make_system, csrf_on):
    make_system(key="erp", modules=())
    page = client.get("/admin/systems/erp/edit").get_data(as_text=True)
    assert 'name="module-csrf_token"' in page
    token = _token(page)
    data = {"module-key": "hr", "module-name": "HR"}
    assert client.post("/admin/systems/erp/modules", data=data, headers={"HX-Request": "true"}).status_code == 400
    response = client.post(
        "/admin/systems/erp/modules", data=data, headers={"HX-Request": "true", "X-CSRFToken": token}
    )
    assert response.status_code == 200
    assert db.session.scalar(select(Module.key)) == "hr"
