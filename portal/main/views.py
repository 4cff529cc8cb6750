"""The landing page and the liveness probe."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from models import db
from portal.access import scoped_to_own_units
from portal.main import bp
from portal.services.units import overview


@bp.route("/")
def index():
    """Each role lands where its work is; a department head goes straight to their unit."""
    if scoped_to_own_units():
        units = current_user.units
        if len(units) == 1:
            return redirect(url_for("units.unit", unit_key=units[0].key))
        return redirect(url_for("units.index"))
    return render_template("main/index.html", summary=overview.summarise())


@bp.route("/healthz")
def healthz():
    """Liveness for a load balancer: the app answers and the database responds."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
