"""A large file is read in a forked helper process; the outcome must be exactly the one-process outcome."""

from __future__ import annotations

import json

from sqlalchemy import select

from models import ImportRefusal, UsageDaily, db
from portal.services.imports import batching


def mixed_usage(rows: int) -> str:
    lines = ["source_record_id,person_key,system_key,occurred_at,feature,count\n"]
    for n in range(rows):
        person = "nobody" if n % 97 == 0 else f"p{1 + n % 3}"
        when = "2026-02-30" if n % 89 == 0 else f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z"
        lines.append(f"r{n % 15_000},{person},ifs,{when},{'planning' if n % 2 else ''},{1 + n % 3}\n")
    return "".join(lines)


def outcome(run) -> tuple:
    refusals = [(r.line, r.reason, json.loads(r.raw)) for r in db.session.scalars(select(ImportRefusal))]
    daily = sorted(tuple(str(v) for v in row) for row in db.session.execute(select(UsageDaily.__table__)))
    return (run.rows_read, run.inserted, run.unchanged, run.refused, sorted(refusals), daily)


def test_the_forked_reader_gives_the_same_result_as_reading_here(app, run_import, write_csv, org, monkeypatch):
    path = write_csv(mixed_usage(20_000))
    forks = []
    real = batching.prepare_batches_in_child

    def spy(*args):
        forks.append(True)
        return real(*args)

    monkeypatch.setattr("portal.services.imports.engine.prepare_batches_in_child", spy)
    monkeypatch.setitem(app.config, "IMPORT_PARALLEL_MIN_BYTES", 0)
    forked = outcome(run_import("usage", path))
    assert forks, "the large-file path was not taken"

    db.session.execute(ImportRefusal.__table__.delete())
    db.session.execute(UsageDaily.__table__.delete())
    db.session.execute(db.metadata.tables["usage_event"].delete())
    db.session.execute(db.metadata.tables["import_run"].delete())
    db.session.commit()
    monkeypatch.setitem(app.config, "IMPORT_PARALLEL_MIN_BYTES", 10**12)
    here = outcome(run_import("usage", path))
    assert len(forks) == 1
    assert forked == here
    assert here[3] > 0 and here[2] > 0  # the file does have refusals and repeats
