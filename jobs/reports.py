"""The jobs that tell people: the CIO's monthly report, the account managers' weekly digest, the admins' word
when a data feed goes quiet."""

from __future__ import annotations

from flask import Flask

from models import db
from portal import clock
from portal.render import cio_report_pdf
from portal.services.platform import freshness
from portal.services.reports import archive as monthly_reports
from portal.services.reports import cio as cio_report
from portal.services.reports import digests


def monthly_cio_report(app: Flask) -> str:
    """Last month's report, made, kept and delivered."""
    with app.app_context():
        today = clock.today()
        month = cio_report.last_month(today)
        kept = monthly_reports.make(month, None, today, cio_report_pdf.render)
        how = monthly_reports.deliver(kept)
        db.session.commit()
        return f"made the {month:%B %Y} report ({len(kept.pdf) / 1024:,.0f} KiB); {how}"


def weekly_digest(app: Flask) -> str:
    with app.app_context():
        return digests.send_all(clock.today())


def freshness_check(app: Flask) -> str:
    with app.app_context():
        return freshness.check()
