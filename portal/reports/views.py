"""The report archive: every monthly CIO report with its delivery, to download, or make again for any month."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, render_template, request
from sqlalchemy import select

from models import MonthlyReport, db
from portal import clock
from portal.actions import act, actor, see_other
from portal.render import cio_report_pdf
from portal.reports import bp
from portal.services.reports import archive as monthly_reports
from portal.services.reports import cio as cio_report


@bp.route("/")
def index():
    """The archive, newest month first, and the form to make a month's report."""
    return render_template(
        "reports/index.html",
        reports=monthly_reports.archive(),
        default_month=f"{cio_report.last_month(clock.today()):%Y-%m}",
    )


@bp.route("/<int:year>-<int:month>.pdf")
def download(year: int, month: int):
    kept = db.one_or_404(select(MonthlyReport).where(MonthlyReport.month == _first(year, month)))
    return current_app.response_class(
        kept.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{monthly_reports.filename(kept)}"',
            "Cache-Control": "private, no-store",
        },
    )


def _first(year: int, month: int) -> date:
    try:
        return date(year, month, 1)
    except ValueError:
        return date(1, 1, 1)  # no such month: nothing is found


@bp.route("/make", methods=["POST"])
def make():
    """Make (or make again) a month's report from the data; it is kept, not sent."""
    try:
        month = cio_report.month_of(request.form.get("month", ""), clock.today())
    except cio_report.ReportError as error:
        flash(str(error), "error")
        return see_other("reports.index")
    act(
        lambda: monthly_reports.make(month, actor(), clock.today(), cio_report_pdf.render),
        f"The {month:%B %Y} report is made from the data as it is now.",
    )
    return see_other("reports.index")
