"""Enforces the role matrix before every request."""

from __future__ import annotations

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from models import Role
from portal.access.matrix import PUBLIC, TOKEN, roles_for
from portal.htmx import is_htmx


def _guard():
    if request.endpoint is None:  # no route matched: let Flask answer 404
        return None
    allowed = roles_for(request.endpoint)
    if allowed is None:
        current_app.logger.error("endpoint %s is missing from the role matrix", request.endpoint)
        abort(403)
    if allowed is PUBLIC:
        return None
    if allowed is TOKEN:  # the API checks its bearer token itself and must not load a user from the session
        return None
    if not current_user.is_authenticated:
        login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
        if is_htmx():
            response = current_app.response_class(status=401)
            response.headers["HX-Redirect"] = login_url
            return response
        return redirect(login_url)
    if current_user.role not in allowed:
        # A department head must not even learn which other pages exist.
        abort(404 if current_user.role == Role.DEPT_HEAD else 403)
    return None


def init_app(app: Flask) -> None:
    app.before_request(_guard)
