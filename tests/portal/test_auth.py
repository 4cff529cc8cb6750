from models import AuditLog, Role, db
from portal.auth.views import LOGIN_FAILED


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in to Rapport" in response.data


def test_pages_need_login(client):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_htmx_request_without_login_redirects_the_whole_page(client):
    response = client.get("/units/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_login_success_lands_on_overview_and_is_audited(client, auth, make_account):
    account = make_account(role=Role.ADMIN.value)
    response = auth.login(account)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    entry = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "login")).one()
    assert entry.actor == account.name


def test_unknown_email_and_wrong_password_get_the_same_message(client, auth, make_account):
    account = make_account()
    wrong_password = client.post("/login", data={"email": account.email, "password": "nope-nope-nope"})
    unknown = client.post("/login", data={"email": "nobody@example.test", "password": "nope-nope-nope"})
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert LOGIN_FAILED.encode() in response.data


def test_inactive_account_cannot_sign_in(client, auth, make_account):
    account = make_account(active=False)
    response = auth.login(account)
    assert response.status_code == 200
    assert LOGIN_FAILED.encode() in response.data


def test_account_without_password_cannot_sign_in(client, make_account):
    account = make_account(password_hash=None)
    response = client.post("/login", data={"email": account.email, "password": ""})
    assert response.status_code == 200
    response = client.post("/login", data={"email": account.email, "password": "anything-at-all"})
    assert LOGIN_FAILED.encode() in response.data


def test_email_is_case_insensitive(client, make_account):
    account = make_account(email="mixed@example.test")
    from tests.conftest import PASSWORD

    response = client.post("/login", data={"email": "  MIXED@example.test ", "password": PASSWORD})
    assert response.status_code == 302
    assert account.email == "mixed@example.test"


def test_next_is_followed_only_when_local(client, make_account):
    from tests.conftest import PASSWORD

    account = make_account(role=Role.ADMIN.value)
    for target, expected in [
        ("/units/", "/units/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ]:
        client.post("/logout")
        response = client.post("/login", data={"email": account.email, "password": PASSWORD, "next": target})
        assert response.headers["Location"] == expected, target


def test_logout_needs_post(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_change_password(client, login_as):
    account = login_as(Role.CIO)
    from tests.conftest import PASSWORD

    response = client.post(
        "/account/password",
        data={
            "current": "wrong password!!",
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert b"This is not your current password." in response.data
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "short", "confirm": "short"},
    )
    assert b"at least 12" in response.data
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "a brand new password", "confirm": "a brand new password"},
    )
    assert response.status_code == 302
    assert account.check_password("a brand new password")


def test_session_cookie_flags(client, make_account, auth):
    response = auth.login(make_account())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_secure_cookie_over_https(app, make_account):
    from tests.conftest import PASSWORD

    account = make_account()
    client = app.test_client()
    response = client.post("/login", data={"email": account.email, "password": PASSWORD}, base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]
