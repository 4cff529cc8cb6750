"""Single sign-on against a real OpenID Connect provider on loopback (tests/oidc_provider.py): real HTTP,
discovery, JWKS and signed ID tokens. Nothing of the protocol is mocked: each refusal is a faulty token or a
replayed answer that the provider really sends."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from models import Account, AuditLog, Role, db
from portal import create_app
from portal.config import ConfigError


def _through_provider(client, email: str, start: str = "/login/sso") -> str:
    """Start at Rapport, sign in on the provider's own page over HTTP; the callback URL it sends back."""
    started = client.get(start)
    assert started.status_code == 302, started.get_data(as_text=True)
    authorize = started.headers["Location"]
    page = requests.get(authorize, timeout=10)
    assert page.status_code == 200 and "Sign in at the provider" in page.text
    answer = requests.post(authorize, data={"login_email": email}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    return f"{callback.path}?{callback.query}"


def _signed_in_as(client) -> str | None:
    page = client.get("/")
    return None if page.status_code == 302 else page.get_data(as_text=True)


def test_first_sign_in_makes_the_account_with_the_role_of_its_group(client, sso):
    sso.add_person("Ada.Manager@example.com", "Ada Manager", ["everyone", "rapport-managers"])
    answer = client.get(_through_provider(client, "ada.manager@example.com"))
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    account = db.session.scalar(db.select(Account).where(Account.email == "ada.manager@example.com"))
    assert account.role == Role.ACCOUNT_MANAGER and account.name == "Ada Manager" and account.password_hash is None
    assert _signed_in_as(client) is not None
    assert sso.challenges[-1] == "S256"  # PKCE, as the flow requires
    actions = set(db.session.scalars(db.select(AuditLog.action).where(AuditLog.entity_key == account.email)))
    assert {"create", "create_by_sign_in", "login"} <= actions


def test_the_role_follows_the_groups_and_a_heads_group_brings_its_units(client, sso, make_account):
    make_account(email="grace@example.com", role=Role.ACCOUNT_MANAGER.value)
    db.session.commit()
    sso.add_person("grace@example.com", "Grace", ["heads-field"])
    assert client.get(_through_provider(client, "grace@example.com")).status_code == 302
    account = db.session.scalar(db.select(Account).where(Account.email == "grace@example.com"))
    assert account.role == Role.DEPT_HEAD and sorted(unit.key for unit in account.units) == [
        "field-service",
        "logistics",
    ]


def test_two_mapped_groups_give_the_role_that_sees_most(client, sso):
    sso.add_person("both@example.com", "Both", ["rapport-managers", "rapport-admins"])
    client.get(_through_provider(client, "both@example.com"))
    assert db.session.scalar(db.select(Account.role).where(Account.email == "both@example.com")) == Role.ADMIN


def test_no_groups_claim_signs_in_an_account_an_admin_made_and_keeps_its_role(client, sso, make_account):
    make_account(email="cio@example.com", role=Role.CIO.value)
    db.session.commit()
    sso.add_person("cio@example.com", "The CIO", None)
    assert client.get(_through_provider(client, "cio@example.com")).status_code == 302
    assert db.session.scalar(db.select(Account.role).where(Account.email == "cio@example.com")) == Role.CIO
    assert _signed_in_as(client) is not None


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (["everyone", "finance"], "None of your groups gives access to Rapport"),
        (None, "None of your groups gives access to Rapport"),  # unknown person, no groups claim
    ],
)
def test_an_unmapped_person_is_refused_and_no_account_is_made(client, sso, groups, message):
    sso.add_person("stranger@example.com", "Stranger", groups)
    answer = client.get(_through_provider(client, "stranger@example.com"))
    assert answer.status_code == 403 and message in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(Account).where(Account.email == "stranger@example.com")) is None
    assert _signed_in_as(client) is None


def test_a_turned_off_account_cannot_sign_in_through_the_provider(client, sso, make_account):
    make_account(email="gone@example.com", role=Role.ACCOUNT_MANAGER.value, active=False)
    db.session.commit()
    sso.add_person("gone@example.com", "Gone", ["rapport-managers"])
    answer = client.get(_through_provider(client, "gone@example.com"))
    assert answer.status_code == 403 and "turned off" in answer.get_data(as_text=True)
    assert _signed_in_as(client) is None


@pytest.mark.parametrize("fault", ["audience", "expired", "signature", "nonce"])
def test_a_faulty_id_token_is_refused(client, sso, fault):
    sso.add_person("eve@example.com", "Eve", ["rapport-admins"])
    sso.misbehave = fault
    answer = client.get(_through_provider(client, "eve@example.com"))
    assert answer.status_code == 400
    assert "did not complete" in answer.get_data(as_text=True)
    assert db.session.scalar(db.select(Account).where(Account.email == "eve@example.com")) is None
    assert _signed_in_as(client) is None


def test_a_replayed_or_foreign_answer_is_refused(app, client, sso):
    sso.add_person("ada@example.com", "Ada", ["rapport-managers"])
    callback = _through_provider(client, "ada@example.com")
    assert client.get(callback).status_code == 302
    client.post("/logout", data={})  # a fresh browser below; this one replays its own answer
    assert client.get(callback).status_code == 400  # its state was used up

    # An answer made for one browser, delivered to another (login CSRF): that browser never asked for it.
    other = app.test_client()
    assert other.get(_through_provider(client, "ada@example.com")).status_code == 400
    assert _signed_in_as(other) is None


def test_the_sign_in_page_offers_the_provider_and_passwords_can_be_turned_off(
    client, sso, app, monkeypatch, make_account
):
    page = client.get("/login?next=/risks/").get_data(as_text=True)
    assert "Sign in with Test ID" in page and "/login/sso?next=/risks/" in page and 'name="password"' in page
    account = make_account(email="local@example.com", role=Role.ADMIN.value)
    db.session.commit()
    monkeypatch.setitem(app.config, "LOCAL_LOGIN", False)
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Test ID" in page and 'name="password"' not in page
    refused = client.post("/login", data={"email": account.email, "password": "whatever-password"})
    assert refused.status_code == 403 and _signed_in_as(client) is None


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client, sso):
    sso.add_person("ada@example.com", "Ada", ["rapport-managers"])
    answer = client.get(_through_provider(client, "ada@example.com", start="/login/sso?next=/risks/"))
    assert answer.headers["Location"] == "/risks/"
    client.post("/logout")
    answer = client.get(_through_provider(client, "ada@example.com", start="/login/sso?next=//evil.example/"))
    assert answer.headers["Location"] == "/"


def test_without_a_provider_the_sso_routes_say_so(client):
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"OIDC_DISCOVERY_URL": "https://id.example/.well-known/openid-configuration"}, "RAPPORT_OIDC_CLIENT_ID"),
        ({"LOCAL_LOGIN": False}, "nobody could sign in"),
        (
            {
                "OIDC_DISCOVERY_URL": "https://id.example/.well-known/openid-configuration",
                "OIDC_CLIENT_ID": "x",
                "OIDC_CLIENT_SECRET": "y",
                "OIDC_GROUP_ROLES": "admins=superuser",
            },
            "not a role",
        ),
    ],
)
def test_a_configuration_that_cannot_work_stops_the_start(settings, message):
    with pytest.raises(ConfigError, match=message):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_a_head_gets_the_units_rapport_names_them_head_of(client, sso, make_account, make_unit):
    head = make_account(email="erik@example.com", role=Role.DEPT_HEAD.value, units=[make_unit(key="old-team")])
    make_unit(key="scheduling", name="Scheduling", head=head)
    db.session.commit()
    sso.add_person("erik@example.com", "Erik", ["heads"])  # a heads' group that names no unit
    assert client.get(_through_provider(client, "erik@example.com")).status_code == 302
    account = db.session.scalar(db.select(Account).where(Account.email == "erik@example.com"))
    assert [unit.key for unit in account.units] == ["scheduling"]  # the units follow the records, not the past

    sso.add_person("nobody@example.com", "Nobody", ["heads"])
    client.post("/logout")
    refused = client.get(_through_provider(client, "nobody@example.com"))
    assert refused.status_code == 403 and "no unit is yours" in refused.get_data(as_text=True)
