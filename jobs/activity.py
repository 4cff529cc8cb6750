"""Nightly: purge raw per-person activity past its retention (the daily rollups stay)."""

from __future__ import annotations

from flask import Flask

from models import db
from portal.services.health import activity, engine


def purge_old_activity(app: Flask) -> str:
    with app.app_context():
        months = app.config["ACTIVITY_RETENTION_MONTHS"]
        removed = activity.purge_raw_activity(engine.today(), months)
        db.session.commit()
        return f"removed {removed:,} raw usage rows older than {months} months"
