"""Only a live bearer token with the right scope gets in; a session cookie counts for nothing."""

from __future__ import annotations

import pytest

from models import ApiToken, Role, db
from portal.access.matrix import PUBLIC, ROLE_MATRIX, TOKEN
from portal.extensions import login_manager
from tests.api.conftest import bearer

ENDPOINTS = [("POST", "/api/v1/usage"), ("POST", "/api/v1/imports/usage"), ("GET", "/api/v1/imports/1")]


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    return body


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "authorization", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "rap_nothing", "Bearer rap_unknown"]
)
def test_no_or_unknown_token_is_401_with_a_bearer_challenge(client, method, path, authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.open(path, method=method, headers=headers, data=b"[]")
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_huge_token_is_refused_without_trouble(client):
    response = client.get("/api/v1/imports/1", headers=bearer("x" * 100_000))
    assert_json_error(response, 401)


def test_a_revoked_token_is_401(client, make_token):
    token, headers = make_token("read")
    assert client.get("/api/v1/imports/1", headers=headers).status_code == 404  # in, but no such run
    token.revoke()
    db.session.commit()
    response = client.get("/api/v1/imports/1", headers=headers)
    assert_json_error(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_use_is_recorded(client, make_token):
    token, headers = make_token("read")
    assert token.last_used_at is None
    client.get("/api/v1/imports/1", headers=headers)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [("POST", "/api/v1/usage", "write:usage"), ("POST", "/api/v1/imports/units", "write:units")],
)
def test_a_token_without_the_scope_is_403_naming_it(client, make_token, method, path, scope):
    _token, headers = make_token("read", "write:people")
    response = client.open(path, method=method, headers=headers, data=b"[]")
    body = assert_json_error(response, 403)
    assert body["scope"] == scope
    assert scope in body["error"]
    assert f'scope="{scope}"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_a_session_cookie_alone_is_refused_even_for_an_admin(client, login_as, monkeypatch, role, method, path):
    login_as(role)
    assert client.get("/account/password").status_code == 200  # the session itself works on the site

    def never(_account_id):
        raise AssertionError("the API loaded a user from the session")

    monkeypatch.setattr(login_manager, "_user_callback", never)
    response = client.open(path, method=method, data=b"[]")
    assert_json_error(response, 401)
    assert "Set-Cookie" not in response.headers


def test_a_token_with_a_session_cookie_sets_no_cookie(client, login_as, make_token):
    login_as(Role.ADMIN)
    _token, headers = make_token("write:usage")
    response = client.post("/api/v1/usage", headers=headers, data=b"[]")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/nothing/here", 404),
        ("GET", "/api/v2/usage", 404),
        ("GET", "/api/", 404),
        ("GET", "/api/v1/usage", 405),
        ("DELETE", "/api/v1/imports/1", 405),
        ("PUT", "/api/v1/imports/usage", 405),
        ("GET", "/api/v1/imports/99999999999999999999999", 404),
    ],
)
def test_routing_errors_under_api_are_json(client, make_token, method, path, status):
    _token, headers = make_token("read")
    response = client.open(path, method=method, headers=headers)
    assert_json_error(response, status)
    if status == 405:
        assert response.headers["Allow"]


def test_an_unknown_kind_is_404_listing_the_kinds(client, make_token):
    _token, headers = make_token("write:usage")
    for path in ("/api/v1/widgets", "/api/v1/imports/widgets"):
        body = assert_json_error(client.post(path, headers=headers, data=b"[]"), 404)
        assert "usage" in body["kinds"]
        assert "usage" in body["error"]


@pytest.mark.parametrize("path", ["/api/v1/usage", "/api/v1/imports/usage"])
def test_a_body_above_the_limit_is_413(app, client, make_token, monkeypatch, path):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 100)
    _token, headers = make_token("write:usage")
    body = assert_json_error(client.post(path, headers=headers, data=b"[" + b" " * 200 + b"]"), 413)
    assert "100 bytes" in body["error"]


def test_the_api_is_not_behind_csrf(app, client, make_token, monkeypatch):
    """The API takes no cookies, so a forged cross-site request has no credential to ride on."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    _token, headers = make_token("write:usage")
    assert client.post("/api/v1/usage", headers=headers, data=b"[]").status_code == 200


def test_the_api_endpoints_and_only_they_take_a_token_instead_of_a_role(app):
    token_only = {endpoint for endpoint, roles in ROLE_MATRIX.items() if roles is TOKEN}
    api = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert token_only == api
    assert TOKEN is not PUBLIC and not TOKEN  # no role passes, should the guard ever fall through
