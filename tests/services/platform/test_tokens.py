"""API token use-cases: issue with known scopes, revoke once, never log the secret."""

import pytest
from sqlalchemy import select

from models import ApiToken, AuditLog, db
from portal.services.imports.formats import KINDS
from portal.services.platform import tokens
from portal.services.platform.tokens import TokenError


def test_scopes_are_read_and_one_write_scope_per_import_kind():
    assert [scope for scope, _ in tokens.SCOPES] == ["read", *(f"write:{kind}" for kind in KINDS)]


def test_issue_stores_only_the_hash_and_audits_without_the_secret(make_account):
    actor = make_account()
    token, secret = tokens.issue_token(" Feed ", ["read"], actor)
    db.session.commit()
    assert ApiToken.hash_secret(secret) == token.token_hash
    assert token.name == "Feed"
    entry = db.session.scalar(select(AuditLog))
    assert (entry.action, entry.entity_type) == ("create", "api_token")
    assert entry.changes["scopes"] == [None, "read"]
    assert secret not in str(entry.changes)
    assert secret not in entry.entity_key


@pytest.mark.parametrize(
    ("name", "scopes", "field"), [("", ["read"], "name"), ("Feed", [], "scopes"), ("Feed", ["admin"], "scopes")]
)
def test_issue_rules(name, scopes, field):
    with pytest.raises(TokenError) as raised:
        tokens.issue_token(name, scopes, None)
    assert raised.value.field == field
    assert db.session.scalar(select(ApiToken)) is None


def test_revoke_is_idempotent(make_account):
    token, _secret = tokens.issue_token("Feed", ["write:usage"], make_account())
    assert tokens.revoke_token(token, None) is True
    first = token.revoked_at
    assert tokens.revoke_token(token, None) is False
    assert token.revoked_at == first
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["create", "revoke"]
