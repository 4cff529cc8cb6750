"""Nightly: score every subscription and unit from scratch, so drift from partial re-scores cannot last."""

from __future__ import annotations

from flask import Flask

from models import Colour, db
from portal import clock
from portal.services.health import engine


def nightly_recompute(app: Flask) -> str:
    with app.app_context():
        result = engine.recompute(clock.today())
        db.session.commit()
        colours = result.colours
        return (
            f"scored {len(result.subscription_records):,} subscriptions and {len(result.unit_records):,} units "
            f"in {result.seconds:,.1f} s (red {colours.get(Colour.RED, 0)}, yellow {colours.get(Colour.YELLOW, 0)})"
        )
