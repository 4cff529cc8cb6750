"""`flask tokens create|list|revoke`: the secret is printed once and works; revoking stops it."""

from __future__ import annotations

import re

from sqlalchemy import select

from models import ApiToken, AuditLog, db


def _create(runner, *args: str):
    return runner.invoke(args=["tokens", "create", *args])


def test_create_prints_a_working_secret_once(runner, client):
    result = _create(runner, "Nightly usage feed", "--scope", "read", "--scope", "write:usage")
    assert result.exit_code == 0, result.output
    secret = re.search(r"Secret: (rap_\S+)", result.output).group(1)
    assert "will not be shown again" in result.output
    token = db.session.scalar(select(ApiToken))
    assert (token.name, token.scope_list) == ("Nightly usage feed", ["read", "write:usage"])
    assert token.token_hash == ApiToken.hash_secret(secret)
    assert client.post("/api/v1/usage", headers={"Authorization": f"Bearer {secret}"}, data=b"[]").status_code == 200
    listing = runner.invoke(args=["tokens", "list"]).output
    assert secret not in listing
    assert token.hint in listing and "Nightly usage feed" in listing and "read write:usage" in listing


def test_create_needs_a_known_scope_and_a_name(runner):
    assert _create(runner, "feed").exit_code != 0
    unknown = _create(runner, "feed", "--scope", "admin")
    assert unknown.exit_code != 0 and "admin" in unknown.output
    blank = _create(runner, " ", "--scope", "read")
    assert blank.exit_code != 0 and "Name the token" in blank.output
    assert db.session.scalar(select(ApiToken)) is None


def test_revoke_stops_the_token_and_is_audited(runner, client):
    secret = re.search(r"Secret: (\S+)", _create(runner, "feed", "--scope", "read").output).group(1)
    token_id = db.session.scalar(select(ApiToken.id))
    result = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert result.exit_code == 0, result.output
    assert "Revoked" in result.output
    assert client.get("/api/v1/imports/1", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "already revoked" in runner.invoke(args=["tokens", "revoke", str(token_id)]).output
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all() == ["create", "revoke"]


def test_revoke_an_unknown_token(runner):
    result = runner.invoke(args=["tokens", "revoke", "42"])
    assert result.exit_code != 0
    assert "no token #42" in result.output


def test_list_without_tokens(runner):
    assert "No tokens yet" in runner.invoke(args=["tokens", "list"]).output


def test_every_tokens_command_has_help(runner):
    for command in ("create", "list", "revoke"):
        result = runner.invoke(args=["tokens", command, "--help"])
        assert result.exit_code == 0
        assert len(result.output.split("Usage:")[1]) > 80
    assert "write:usage" in runner.invoke(args=["tokens", "create", "--help"]).output
