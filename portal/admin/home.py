"""The admin home: what there is, and the way into each area."""

from __future__ import annotations

from flask import render_template

from portal.admin import bp, queries


@bp.route("/")
def index():
    """Counts per area, shortcuts to create things, and the latest audit entries."""
    return render_template("admin/index.html", counts=queries.counts(), latest=queries.latest_audit())
