"""Units: the hierarchy (scoped to what the viewer may see) and a page per unit."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from portal.htmx import render_page_or_partial
from portal.services import explanations, unit_directory
from portal.units import bp


@bp.route("/")
def index():
    """The unit hierarchy, or the units matching `q` with their path (the fragment is the results alone)."""
    directory = unit_directory.unit_tree(current_user, request.args.get("q", ""))
    return render_page_or_partial("units/index.html", "units/_results.html", directory=directory)


@bp.route("/<unit_key>")
def unit(unit_key: str):
    """One unit: who is who, its place in the hierarchy, its systems; health arrives with the scoring engine."""
    page = unit_directory.unit_page(current_user, unit_key)
    return render_template("units/unit.html", page=page, unit=page.unit)


@bp.route("/<unit_key>/explain")
def explain(unit_key: str):
    """Why this colour: the measures of the unit's score (or of one system's, `?system=`), as a panel."""
    explanation = explanations.explain(current_user, unit_key, request.args.get("system", "")[:64])
    return render_page_or_partial("units/explain.html", "units/_explain.html", explanation=explanation)
