"""Units: the hierarchy (scoped to what the viewer may see) and a page per unit."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from models import db
from portal import clock
from portal.access.scope import visible_unit
from portal.htmx import render_page_or_partial
from portal.render import review_pdf
from portal.services.health import explanations
from portal.services.reports import reviews
from portal.services.units import directory as unit_directory
from portal.services.units import timeline as unit_timeline
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
    return render_template("units/unit.html", page=page, unit=page.unit, today=clock.today())


@bp.route("/<unit_key>/explain")
def explain(unit_key: str):
    """Why this colour: the measures of the unit's score (or of one system's, `?system=`), as a panel."""
    explanation = explanations.explain(current_user, unit_key, request.args.get("system", "")[:64])
    return render_page_or_partial("units/explain.html", "units/_explain.html", explanation=explanation)


def _asked_period() -> tuple[str | None, str | None]:
    return request.args.get("from") or None, request.args.get("to") or None


def _asked_review(unit_key: str) -> reviews.Review:
    """The review the URL asks for (?from=&to=): 404 outside the viewer's scope, ReviewError for a bad period."""
    start, end = _asked_period()
    return reviews.for_viewer(current_user, unit_key, start, end, current_app.config["ORGANISATION_NAME"])


@bp.route("/<unit_key>/review")
def review(unit_key: str):
    """The unit's success review for a period (default: the last quarter), with its PDF a click away."""
    try:
        found = _asked_review(unit_key)
    except reviews.ReviewError as error:
        start, end = _asked_period()
        unit = visible_unit(current_user, unit_key)
        period = reviews.last_quarter(clock.today())
        return render_template(
            "units/review.html", unit=unit, review=None, period=period, error=str(error), start=start, end=end
        ), 400
    return render_template(
        "units/review.html",
        unit=found.unit,
        review=found,
        period=found.period,
        error=None,
        start=found.period.start.isoformat(),
        end=found.period.end.isoformat(),
    )


@bp.route("/<unit_key>/review.pdf")
def review_pdf_download(unit_key: str):
    """The same review as a PDF to forward."""
    try:
        found = _asked_review(unit_key)
    except reviews.ReviewError as error:
        return render_template(
            "errors/error.html", status=400, title="This period cannot be reviewed", message=str(error)
        ), 400
    name = f"success-review-{found.unit.key}-{found.period.start}-{found.period.end}.pdf"
    document = review_pdf.render_kept(found)
    reviews.record_produced(found, current_user)
    db.session.commit()
    return current_app.response_class(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
    )


@bp.route("/<unit_key>/timeline")
def timeline(unit_key: str):
    """Everything that happened with the unit, newest first; by kind, a page at a time (htmx)."""
    unit = visible_unit(current_user, unit_key)
    page = request.args.get("page", "1")
    found = unit_timeline.timeline(unit, current_user, request.args.getlist("kind"), int(page) if page.isdigit() else 1)
    return render_page_or_partial("units/timeline.html", "units/_timeline_items.html", unit=unit, timeline=found)
