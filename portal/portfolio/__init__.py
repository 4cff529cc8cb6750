from flask import Blueprint

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")

from portal.portfolio import views  # noqa: E402,F401
