"""What a view does around a use-case: who acts, run and commit it once, send the browser on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, flash, redirect, url_for
from flask_login import current_user

from models import Account, db
from portal.forms import RuleForm
from portal.services.errors import RuleViolation

T = TypeVar("T")


def actor() -> Account:
    """The signed-in account as a model object (services attach it to rows; a proxy would not do)."""
    return current_user._get_current_object()


def see_other(endpoint: str, **values: object) -> Response:
    """After a POST, send the browser to a page it loads with GET (303 See Other)."""
    return redirect(url_for(endpoint, **values), 303)


def attempt(form: RuleForm, use_case: Callable[[], T]) -> tuple[bool, T | None]:
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


def act(use_case: Callable[[], T], done: str = "") -> tuple[bool, T | None]:
    """Run a button's use-case (no form to put a refusal beside) and commit it once: a refusal is flashed and
    nothing is kept, a success says `done` when there is something to say."""
    try:
        result = use_case()
    except RuleViolation as error:
        db.session.rollback()
        flash(str(error), "error")
        return False, None
    db.session.commit()
    if done:
        flash(done, "success")
    return True, result
