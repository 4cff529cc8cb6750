"""CSRF, login rate limiting and response hardening."""

import pytest

from models import Role
from portal.access.matrix import ROLE_MATRIX, TOKEN
from portal.extensions import limiter
from tests.conftest import PASSWORD


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_a_post_without_the_csrf_token_is_refused(client, make_account, csrf_on):
    account = make_account()
    response = client.post("/login", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 400
    assert b"form expired" in response.data


def test_a_post_with_the_token_from_the_form_passes(client, make_account, csrf_on):
    import re

    account = make_account()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": account.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_htmx_carries_the_token_in_a_header(client, login_as, csrf_on, app):
    import re

    app.config["WTF_CSRF_ENABLED"] = False
    login_as(Role.CIO)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/account/password").get_data(as_text=True)
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    without = client.post("/logout")
    assert without.status_code == 400
    with_header = client.post("/logout", headers={"X-CSRFToken": token})
    assert with_header.status_code == 302


@pytest.fixture
def strict_login_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    limiter.reset()
    yield
    limiter.reset()


def test_login_attempts_are_rate_limited(client, make_account, strict_login_limit):
    account = make_account()
    for _ in range(3):
        response = client.post("/login", data={"email": account.email, "password": "wrong password!"})
        assert response.status_code == 200
    response = client.post("/login", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_every_state_changing_route_refuses_a_request_without_the_csrf_token(app, client, login_as, make_unit):
    """Walks the URL map: any route that takes POST, PUT, PATCH or DELETE must want the token."""
    login_as(Role.ADMIN)
    unit = make_unit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        checked = 0
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
                values = {argument: (unit.key if argument.endswith("_key") else 1) for argument in rule.arguments}
                values.update({"kind": "units"} if "kind" in rule.arguments else {})
                path = rule.build(values, append_unknown=False)[1]
                response = client.open(path, method=method, data={})
                if ROLE_MATRIX[rule.endpoint] is TOKEN:
                    # The API is CSRF-exempt because it takes no cookies: only a bearer token, which a forged
                    # cross-site request cannot carry. The admin's session cookie must get it nowhere.
                    assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
                else:
                    assert response.status_code == 400, f"{method} {path} answered {response.status_code}"
                checked += 1
        assert checked >= 10
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
