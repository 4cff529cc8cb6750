from flask import Blueprint

bp = Blueprint("units", __name__, url_prefix="/units")

from portal.units import plan_views, touchpoint_views, views  # noqa: E402,F401
