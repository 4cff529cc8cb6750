"""Nightly: purge raw per-person activity past its retention (the daily rollups stay)."""

from __future__ import annotations

from flask import Flask

from models import db
from portal import clock
from portal.services.health import activity


def purge_old_activity(app: Flask) -> str:
    with app.app_context():
        months = app.config["ACTIVITY_RETENTION_MONTHS"]
        removed = activity.purge_raw_activity(clock.today(), months)
        db.session.commit()
        return f"removed {removed:,} raw usage rows older than {months} months"
