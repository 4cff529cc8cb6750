"""Small helpers the admin views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, make_response, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from models import Account, System, Unit, db
from portal.services.errors import RuleViolation

T = TypeVar("T")


def actor() -> Account:
    """The signed-in admin as a model object (services attach it to rows; a proxy would not do)."""
    return current_user._get_current_object()


def see_other(endpoint: str, **values: object) -> Response:
    """After a POST, send the browser to a page it loads with GET (303 See Other)."""
    return redirect(url_for(endpoint, **values), 303)


def shown_once(html: str) -> Response:
    """A page carrying a secret: never stored by the browser or a proxy."""
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


def system_or_404(key: str) -> System:
    return db.one_or_404(select(System).where(System.key == key))


def unit_or_404(key: str) -> Unit:
    return db.one_or_404(select(Unit).where(Unit.key == key))


def attempt(form: FlaskForm, use_case: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a use-case for a validated form and commit it once.

    A rule the use-case refuses lands beside its field and nothing is kept: the session rolls back.
    """
    try:
        result = use_case()
    except RuleViolation as error:
        db.session.rollback()
        form.add_error(error)
        return False, None
    db.session.commit()
    return True, result
