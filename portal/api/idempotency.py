"""Idempotency-Key: a retried POST gets the first answer again, and nothing is imported twice.

The first successful answer is stored per token and key with a SHA-256 of the method, the path and the body.
A retry with the same key and the same request replays it; the same key on a different request is a 422.
Error answers are not stored: they changed nothing, so the corrected request may reuse the key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from flask import Response, g, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import ApiToken, IdempotentResponse, db
from portal.api.auth import current_token
from portal.api.body import RequestBody
from portal.api.errors import ApiError

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def request_body() -> RequestBody:
    """The body of the current request, hashed as it is read (views read it through this, never directly)."""
    return g.api_body


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
        raise ApiError(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII characters.")
    return key


def _stored(token: ApiToken, key: str) -> IdempotentResponse | None:
    return db.session.scalar(
        select(IdempotentResponse).where(IdempotentResponse.token_id == token.id, IdempotentResponse.key == key)
    )


def _replay(stored: IdempotentResponse, request_hash: str) -> Response:
    if stored.request_hash != request_hash:
        raise ApiError(
            422,
            f"This {HEADER} was already used for a different request; send a new key for a new request.",
        )
    response = Response(stored.body, status=stored.status_code, mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    status_url = json.loads(stored.body).get("status_url") if stored.status_code == 202 else None
    if status_url:
        response.headers["Location"] = status_url
    return response


def _store(token: ApiToken, key: str, request_hash: str, response: Response) -> Response:
    body = response.get_data(as_text=True)
    db.session.add(
        IdempotentResponse(
            token_id=token.id, key=key, request_hash=request_hash, status_code=response.status_code, body=body
        )
    )
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent retry stored its answer first; answer as that retry would now
        db.session.rollback()
        stored = _stored(token, key)
        if stored is not None:
            return _replay(stored, request_hash)
    return response


def idempotent(view: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a POST view: it reads its body through `request_body()`; an Idempotency-Key makes it replayable."""

    @wraps(view)
    def wrapper(*args, **kwargs) -> Response:
        body = g.api_body = RequestBody()
        key = _key()
        if key is None:
            return view(*args, **kwargs)
        token = current_token()
        stored = _stored(token, key)
        if stored is not None:
            return _replay(stored, body.finish())
        response = view(*args, **kwargs)
        request_hash = body.finish()
        if 200 <= response.status_code < 300:
            return _store(token, key, request_hash, response)
        return response

    return wrapper
