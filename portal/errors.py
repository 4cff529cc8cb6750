"""Error pages; a failed request never leaves a half-written transaction behind."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from models import db
from portal.services.errors import NotFound

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not give access to this page."),
    404: ("Not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The file is larger than the {mb} MB allowed."),
    429: ("Slow down", "Too many attempts. Wait a minute and try again."),
    500: ("Something went wrong", "The error has been logged. Nothing was saved."),
}


def _render(status: int, detail: str | None = None):
    title, message = MESSAGES[status]
    return render_template("errors/error.html", status=status, title=title, message=detail or message), status


def init_app(app: Flask) -> None:
    for status in (400, 403, 404, 405, 429):
        app.register_error_handler(status, lambda error, status=status: _render(status))

    # A service's NotFound reads as any missing page: the same words whether it does not exist or is not yours.
    app.register_error_handler(NotFound, lambda error: _render(404))

    @app.errorhandler(413)
    def too_large(error):
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        return _render(413, MESSAGES[413][1].format(mb=f"{limit / (1024 * 1024):g}"))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _render(400, "Your form expired or was sent from another site. Reload the page and try again.")

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return _render(500)
