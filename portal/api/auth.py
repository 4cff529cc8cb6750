"""Bearer tokens: `Authorization: Bearer <secret>` is the only credential the API takes."""

from __future__ import annotations

from flask import g, request
from sqlalchemy import select

from models import ApiToken, db
from portal import clock
from portal.api import bp
from portal.api.errors import ApiError

MAX_SECRET_LENGTH = 200  # issued secrets are about 50 characters; anything far longer is not one


def _unauthorized(message: str, invalid: bool) -> ApiError:
    challenge = 'Bearer realm="rapport"' + (', error="invalid_token"' if invalid else "")
    return ApiError(401, message, {"WWW-Authenticate": challenge})


def _secret_from_header() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise _unauthorized("Send a token: Authorization: Bearer <token>.", invalid=False)
    return secret


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret, or None (unknown or revoked: the caller cannot tell which)."""
    if len(secret) > MAX_SECRET_LENGTH:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash_secret(secret)))
    return None if token is None or token.is_revoked else token


@bp.before_request
def authenticate() -> None:
    """Every API endpoint needs a live token; the views then ask for the scope they need."""
    token = token_for(_secret_from_header())
    if token is None:
        raise _unauthorized("The token is unknown or revoked.", invalid=True)
    token.last_used_at = clock.now()
    db.session.commit()
    g.api_token = token


def current_token() -> ApiToken:
    return g.api_token


def has_scope(scope: str) -> bool:
    return scope in current_token().scope_list


def require_scope(scope: str) -> None:
    if not has_scope(scope):
        raise ApiError(
            403,
            f"This token lacks the scope {scope}.",
            {"WWW-Authenticate": f'Bearer realm="rapport", error="insufficient_scope", scope="{scope}"'},
            scope=scope,
        )
