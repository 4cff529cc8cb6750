from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/systems")

from portal.catalog import views  # noqa: E402,F401
