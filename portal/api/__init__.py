"""API v1: machines push data and follow import runs with a bearer token; a session cookie is never used."""

from flask import Blueprint

from portal.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# CSRF guards cookie-authenticated forms; the API takes no cookies (only a bearer token), so it has nothing to guard.
csrf.exempt(bp)

from portal.api import errors, health, plans, views  # noqa: E402,F401
