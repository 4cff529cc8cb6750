"""`flask purge-activity`: keep raw per-person activity no longer than the configured retention."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from models import db
from portal import clock
from portal.services.health import activity


@click.command("purge-activity")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Count back from this day.")
@with_appcontext
def purge_activity(today) -> None:
    """Delete raw usage rows older than RAPPORT_ACTIVITY_RETENTION_MONTHS (default 25).

    The daily rollups the scores use are kept; only the per-event rows go.
    """
    months = current_app.config["ACTIVITY_RETENTION_MONTHS"]
    day = today.date() if today else clock.today()
    cutoff = activity.retention_cutoff(day, months)
    removed = activity.purge_raw_activity(day, months)
    db.session.commit()
    click.echo(f"Removed {removed:,} raw usage rows from before {cutoff.isoformat()} ({months} months).")
