"""The jobs that tell people: the CIO's monthly report, the account managers' weekly digest, the admins' word
when a data feed goes quiet."""

from __future__ import annotations

from flask import Flask

from portal import clock
from portal.services.platform import freshness
from portal.services.reports import archive as monthly_reports
from portal.services.reports import digests


def monthly_cio_report(app: Flask) -> str:
    with app.app_context():
        return monthly_reports.monthly_job(clock.today())


def weekly_digest(app: Flask) -> str:
    with app.app_context():
        return digests.send_all(clock.today())


def freshness_check(app: Flask) -> str:
    with app.app_context():
        return freshness.check()
