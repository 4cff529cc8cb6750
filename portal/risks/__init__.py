from flask import Blueprint

bp = Blueprint("risks", __name__, url_prefix="/risks")

from portal.risks import views  # noqa: E402,F401
