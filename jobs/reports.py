"""Monthly, on the first morning: the CIO's report of the month before, made and delivered."""

from __future__ import annotations

from flask import Flask

from portal.services import monthly_reports
from portal.services.health import engine


def monthly_cio_report(app: Flask) -> str:
    with app.app_context():
        return monthly_reports.monthly_job(engine.today())
