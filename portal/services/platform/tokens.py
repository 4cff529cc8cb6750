"""API tokens: issue (the secret leaves once, to the caller) and revoke."""

from __future__ import annotations

from models import Account, ApiToken, db
from portal.services.errors import RuleViolation
from portal.services.platform import audit

# What a token may be used for: (scope, what it allows). The API checks these names.
SCOPES: tuple[tuple[str, str], ...] = (
    ("read", "Read units, systems, subscriptions, import runs and health through the API."),
    ("write:units", "Send units (the organisation)."),
    ("write:systems", "Send systems (the catalog)."),
    ("write:people", "Send people (the pseudonymous directory)."),
    ("write:subscriptions", "Send subscriptions (seats and terms)."),
    ("write:usage", "Send usage activity."),
    ("write:tickets", "Send support tickets."),
    ("write:surveys", "Send survey answers."),
)
SCOPE_NAMES = frozenset(scope for scope, _ in SCOPES)


class TokenError(RuleViolation):
    """A token request that breaks a rule; the message is for the user, `field` says where it belongs."""


def _label(token: ApiToken) -> str:
    return f"{token.name} ({token.hint}…)"


def issue_token(name: str, scopes: list[str], actor: Account | None) -> tuple[ApiToken, str]:
    """A new token and its secret; only the hash is stored, so the caller shows the secret once."""
    if not name.strip():
        raise TokenError("Name the token after what will use it.", "name")
    if not scopes:
        raise TokenError("Choose at least one scope.", "scopes")
    unknown = set(scopes) - SCOPE_NAMES
    if unknown:
        raise TokenError(f"Unknown scope(s): {', '.join(sorted(unknown))}.", "scopes")
    token, secret = ApiToken.issue(name.strip(), scopes, actor)
    db.session.add(token)
    db.session.flush()
    after = {"name": token.name, "scopes": token.scopes, "hint": token.hint}
    audit.record(actor, "create", "api_token", _label(token), audit.changes_between({}, after))
    return token, secret


def revoke_token(token: ApiToken, actor: Account | None) -> bool:
    """Revoke a token; revoking it again changes nothing. True when this call revoked it."""
    if token.is_revoked:
        return False
    token.revoke()
    db.session.flush()
    changes = audit.changes_between({"revoked_at": None}, {"revoked_at": token.revoked_at})
    audit.record(actor, "revoke", "api_token", _label(token), changes)
    return True
