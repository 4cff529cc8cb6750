"""A run that dies halfway leaves the data as of its last checkpoint, says why, and resumes from there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from models import ImportRun, RunStatus, UsageDaily, UsageEvent, db
from portal import clock
from portal.services.imports import runs
from portal.services.imports.handlers.usage import UsageHandler
from tests.services.imports.conftest import reconciles

HEADER = "source_system,source_record_id,person_key,system_key,occurred_at,feature,count\n"


def usage_csv(rows: int) -> str:
    lines = [
        f"idp,{n},p{1 + n % 3},ifs,2026-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z,planning,{1 + n % 4}\n"
        for n in range(rows)
    ]
    return HEADER + "".join(lines)


def consistent() -> tuple[int, int]:
    """(raw events, events in the rollup) — equal whenever the data is as of a checkpoint."""
    raw = db.session.scalar(select(func.coalesce(func.sum(UsageEvent.count), 0)))
    rolled = db.session.scalar(select(func.coalesce(func.sum(UsageDaily.events), 0)))
    return raw, rolled


def test_a_database_error_mid_run_keeps_the_checkpoint_and_the_same_file_resumes(
    app, run_import, write_csv, org, monkeypatch
):
    path = write_csv(usage_csv(10))
    monkeypatch.setattr(UsageHandler, "batch_size", 3)
    monkeypatch.setitem(app.config, "IMPORT_CHECKPOINT_ROWS", 3)
    real_write = UsageHandler.write_packed
    calls = {"n": 0}

    def failing_write(self, batch):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real_write(self, batch)

    monkeypatch.setattr(UsageHandler, "write_packed", failing_write)
    failed = run_import("usage", path)
    assert failed.status == RunStatus.FAILED
    assert failed.error.startswith("The database was busy")
    assert (failed.checkpoint_line, failed.rows_read, failed.inserted) == (7, 6, 6)  # lines 2–7 committed
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == 6
    raw, rolled = consistent()
    assert raw == rolled

    monkeypatch.setattr(UsageHandler, "write_packed", real_write)
    resumed = run_import("usage", path)
    assert resumed.id == failed.id
    assert resumed.status == RunStatus.SUCCEEDED and resumed.error is None
    assert (resumed.rows_read, resumed.inserted, resumed.unchanged) == (10, 10, 0)
    assert reconciles(resumed)
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == 10
    assert consistent() == (sum(1 + n % 4 for n in range(10)),) * 2


def test_a_killed_import_process_leaves_committed_batches_and_the_next_run_resumes(
    app, run_import, write_csv, org, monkeypatch
):
    rows = 60_000
    path: Path = write_csv(usage_csv(rows))
    env = {
        **os.environ,
        "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "SECRET_KEY": "test-only",
        "RAPPORT_ENV": "production",
        "FLASK_APP": "wsgi",
        "RAPPORT_IMPORT_CHECKPOINT_ROWS": "5000",  # several checkpoints in the file, so the kill lands between two
    }
    child = subprocess.Popen(  # noqa: S603 — our own interpreter running our own CLI
        [sys.executable, "-m", "flask", "import", "usage", str(path)],
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    run = None
    while time.monotonic() < deadline:
        db.session.rollback()
        run = db.session.scalar(select(ImportRun))
        if run is not None and run.checkpoint_line > 0:
            break
        if child.poll() is not None:
            output = child.stderr.read().decode()[-2000:]
            child.stderr.close()
            pytest.fail(f"the import ended before it could be killed: {output}")
        time.sleep(0.01)
    readers = _children_of(child.pid)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stderr.close()
    # Its forked reader notices that the writer is gone and stops too, rather than wait for it forever.
    assert readers, "a file this large is read by a forked reader"
    deadline = time.monotonic() + 10
    while any(map(_alive, readers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, readers)), "the reader outlived the killed import"
    db.session.rollback()
    run = db.session.scalar(select(ImportRun))
    assert run.status == RunStatus.RUNNING and 0 < run.checkpoint_line < rows + 1

    # Whatever the kill interrupted was never committed: the data is as of a checkpoint.
    raw, rolled = consistent()
    assert raw == rolled
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == run.inserted

    monkeypatch.setitem(app.config, "IMPORT_STALE_AFTER_SECONDS", 0)
    assert runs.mark_interrupted() == 1
    interrupted = db.session.get(ImportRun, run.id)
    assert interrupted.status == RunStatus.FAILED and "interrupted" in interrupted.error

    resumed = run_import("usage", path)
    assert resumed.id == run.id and resumed.status == RunStatus.SUCCEEDED
    assert (resumed.rows_read, resumed.inserted) == (rows, rows)
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == rows
    raw, rolled = consistent()
    assert raw == rolled == sum(1 + n % 4 for n in range(rows))


def _alive(pid: int) -> bool:
    """Whether a process runs (Linux /proc); an exited one waiting to be reaped (a zombie) does not."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def _children_of(pid: int) -> list[int]:
    """The live child processes of `pid`."""
    children = (
        int(child) for task in Path(f"/proc/{pid}/task").iterdir() for child in (task / "children").read_text().split()
    )
    return [child for child in children if _alive(child)]


def test_a_queued_run_nobody_started_is_marked_lost_but_not_while_an_import_is_working(app, monkeypatch):
    from datetime import timedelta

    old = clock.now() - timedelta(hours=1)
    queued = ImportRun(kind="usage", source="web", status="queued", heartbeat_at=old, created_at=old)
    working = ImportRun(kind="usage", source="web", status="running", heartbeat_at=clock.now())
    db.session.add_all([queued, working])
    db.session.commit()
    assert runs.mark_interrupted() == 0  # it is waiting its turn behind a live import
    working.heartbeat_at = old
    db.session.commit()
    assert runs.mark_interrupted() == 2
    assert {run.status for run in db.session.scalars(select(ImportRun))} == {RunStatus.FAILED.value}


def test_a_run_whose_checkpoints_get_other_pooled_connections_still_writes(
    app, run_import, write_csv, org, monkeypatch
):
    """After each checkpoint's commit the pool may hand the run a different connection (several are idle after a
    parallel recompute); PostgreSQL's scratch tables must then be made again on it."""
    monkeypatch.setattr(UsageHandler, "batch_size", 3)
    monkeypatch.setitem(app.config, "IMPORT_CHECKPOINT_ROWS", 3)
    idle = [db.engine.connect() for _ in range(3)]
    for connection in idle:
        connection.close()  # three idle connections in the pool, handed out in turn
    run = run_import("usage", write_csv(usage_csv(10)))
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == 10
