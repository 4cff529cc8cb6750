"""Fresh scores after new data: the subscriptions an import or a push touched are re-scored at once.

A re-score reads only the touched subscriptions' data (and rolls their units up), so it takes seconds
whatever the size of the rest; the nightly full recompute guards against drift. A failure here is logged
and never undoes or fails the import that triggered it: the data landed, the next recompute scores it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import select

from models import ImportRun, SurveyAnswer, Ticket, db
from portal import clock
from portal.services.health import engine
from portal.services.health.facts import affected_subscriptions

log = logging.getLogger(__name__)

MASTER_DATA = frozenset({"units", "systems", "people", "subscriptions"})  # change seats, people, modules…


@contextmanager
def held_back() -> Iterator[None]:
    """Loads in a row (the demo's history) skip the re-score after each; the caller recomputes once."""
    config = current_app.config
    before = config["HEALTH_RESCORE_AFTER_IMPORT"]
    config["HEALTH_RESCORE_AFTER_IMPORT"] = False
    try:
        yield
    finally:
        config["HEALTH_RESCORE_AFTER_IMPORT"] = before


def touched_pairs(run: ImportRun, handler: object) -> set[tuple[int, int | None]] | None:
    """The (unit, system) pairs a finished run wrote to; None when it changed master data (re-score all)."""
    if run.kind in MASTER_DATA:
        return None
    if run.kind == "usage":
        return set(getattr(handler, "touched", set()))
    table = Ticket if run.kind == "tickets" else SurveyAnswer
    return set(
        db.session.execute(select(table.unit_id, table.system_id).where(table.run_id == run.id).distinct()).tuples()
    )


def rescore_after(run: ImportRun, handler: object) -> int:
    """Re-score what the run touched; returns how many subscriptions were scored."""
    if not current_app.config["HEALTH_RESCORE_AFTER_IMPORT"] or not (run.inserted or run.updated):
        return 0
    try:
        pairs = touched_pairs(run, handler)
        ids = None if pairs is None else affected_subscriptions(pairs)
        if ids == []:
            return 0
        result = engine.recompute(clock.today(), ids)
        db.session.commit()  # the import's second transaction: a failed re-score never undoes the import
        return len(result.subscription_records)
    except Exception:
        db.session.rollback()
        log.exception("re-scoring after import run %s failed", run.id)
        return 0
