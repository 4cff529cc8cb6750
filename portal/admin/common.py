"""Small helpers the admin views share."""

from __future__ import annotations

from flask import Response, make_response
from sqlalchemy import select

from models import System, Unit, db
from portal.actions import actor, attempt, see_other  # noqa: F401 (the admin views import them from here)


def shown_once(html: str) -> Response:
    """A page carrying a secret: never stored by the browser or a proxy."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


def system_or_404(key: str) -> System:
    return db.one_or_404(select(System).where(System.key == key))


def unit_or_404(key: str) -> Unit:
    return db.one_or_404(select(Unit).where(Unit.key == key))
