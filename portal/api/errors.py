"""Every answer under /api/ is JSON, errors included: a client never has to parse an HTML page."""

from __future__ import annotations

from flask import Flask, Request, Response, current_app, g, jsonify, request
from flask.blueprints import BlueprintSetupState
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.exceptions import HTTPException, default_exceptions

from models import db
from portal.api import bp
from portal.extensions import login_manager
from portal.services.errors import NotFound

API_ROOT = "/api/"
MESSAGES = {
    400: "The request could not be understood.",
    404: "There is no such resource.",
    405: "This address does not accept that method.",
}


class ApiError(Exception):
    """An error answer: a status, a message for the client and, at times, more fields and headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None, **fields) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}
        self.fields = fields


def error_response(status: int, message: str, headers: dict[str, str] | None = None, **fields) -> Response:
    response = jsonify(error=message, **fields)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return error_response(413, f"The body is larger than the {limit:,} bytes accepted.", limit_bytes=limit)
    headers = {}
    valid_methods = getattr(error, "valid_methods", None)
    if valid_methods:
        headers["Allow"] = ", ".join(sorted(valid_methods))
    return error_response(status, MESSAGES.get(status) or error.description or error.name, headers)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return error_response(error.status, error.message, error.headers, **error.fields)


# By code, one by one: Flask prefers the app's handler for a code (an HTML page) to a blueprint's for a class.
for _code in default_exceptions:
    bp.register_error_handler(_code, _http_error)
bp.register_error_handler(HTTPException, _http_error)


@bp.errorhandler(NotFound)
def _not_found(error: NotFound) -> Response:
    return error_response(404, MESSAGES[404])


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    db.session.rollback()
    current_app.logger.exception("API request %s %s failed", request.method, request.path)
    return error_response(500, "The server failed on this request; the error is logged.")


class _NoSessionUnderApi(SessionInterface):
    """Wraps the app's session interface: under /api/ the cookie is not even read, and none is sent back."""

    def __init__(self, inner: SessionInterface) -> None:
        self.inner = inner

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if request.path.startswith(API_ROOT):
            return self.make_null_session(app)
        return self.inner.open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        self.inner.save_session(app, session, response)


@bp.record_once
def _without_sessions(state: BlueprintSetupState) -> None:
    state.app.session_interface = _NoSessionUnderApi(state.app.session_interface)


@bp.before_app_request
def _api_paths() -> Response | None:
    """Under /api/, also for addresses that match no route: no session, and JSON 404/405 answers."""
    if not request.path.startswith(API_ROOT):
        return None
    # Flask-Login keeps the request's user in g; an anonymous one there means it never looks for one.
    g._login_user = login_manager.anonymous_user()
    error = request.routing_exception
    if isinstance(error, HTTPException) and (error.code or 0) >= 400:
        return _http_error(error)
    return None
