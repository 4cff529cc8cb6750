"""A usage import's write windows: on SQLite they skip the per-row foreign-key checks and fold the write-ahead
log back rarely (see imports/engine.py). The references are still checked, once per window, and nothing of
those settings reaches any other use of the connection."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from models import Person, RunStatus, UsageDaily, UsageEvent, db
from portal.services.imports import engine
from tests.services.imports.test_failures import usage_csv


def test_a_person_deleted_while_the_import_runs_stops_the_run_before_its_rows_commit(run_import, org, monkeypatch):
    made = engine.make_handler

    def make_then_delete(kind, run, lookups):
        handler = made(kind, run, lookups)  # it has looked every person up by now
        # The portal has no page that deletes people; a hand-run SQL statement could.
        db.session.execute(delete(Person).where(Person.key == "p2"))
        db.session.commit()
        return handler

    monkeypatch.setattr(engine, "make_handler", make_then_delete)
    run = run_import("usage", usage_csv(9))  # p1, p2 and p3 in turn
    assert run.status == RunStatus.FAILED
    if db.engine.dialect.name == "sqlite":  # the window's check, before the commit
        assert "1 person record(s) this import refers to were deleted while it ran" in run.error
    else:  # PostgreSQL checks each row as it is inserted
        assert "foreign key" in run.error
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == 0
    assert db.session.scalar(select(func.count()).select_from(UsageDaily)) == 0


def test_after_a_usage_import_the_database_still_refuses_a_dangling_reference(run_import, org):
    run = run_import("usage", usage_csv(6))
    assert run.status == RunStatus.SUCCEEDED
    event = db.session.scalars(select(UsageEvent)).first()
    assert event is not None
    dangling = {
        "dedup_key": b"\x00" * 16,
        "source_system": "idp",
        "person_id": event.person_id + 1000,
        "system_id": event.system_id,
        "unit_id": event.unit_id,
        "occurred_at": event.occurred_at,
        "day": date(2026, 1, 1),
        "count": 1,
    }
    with pytest.raises(IntegrityError):
        db.session.execute(insert(UsageEvent).values(**dangling))
        db.session.flush()
    db.session.rollback()


def test_the_cli_progress_hears_of_every_batch_not_only_of_checkpoints(app, run_import, org, monkeypatch):
    from portal.services.imports.handlers.usage import UsageHandler

    monkeypatch.setattr(UsageHandler, "batch_size", 2)
    monkeypatch.setitem(app.config, "IMPORT_CHECKPOINT_ROWS", 1_000)
    heard: list[int] = []
    run = run_import("usage", usage_csv(7), progress=heard.append)
    assert run.status == RunStatus.SUCCEEDED
    assert len(heard) >= 4  # 7 rows in batches of 2, inside one checkpoint
    assert heard == sorted(heard) and heard[-1] == run.size_bytes
