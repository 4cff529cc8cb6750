"""The import engine: one loop for every kind and every door (CLI, web upload, API).

Rows are read as a stream, checked one by one, and written a batch at a time. After each batch the data,
the refused rows and the run's counts and checkpoint are committed together, so a run that dies leaves the
data exactly as of its last checkpoint, and the next import of the same file resumes after it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import DBAPIError

from models import ImportRefusal, ImportRun, db
from portal import clock
from portal.database import sqlite_import_window
from portal.services.health.refresh import rescore_after, touched_pairs
from portal.services.imports import runs
from portal.services.imports.batching import Batch, can_fork, prepare_batches, prepare_batches_in_child
from portal.services.imports.formats import KINDS
from portal.services.imports.handlers.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Handler,
    Lookups,
    Refused,
    RunStopped,
)
from portal.services.imports.handlers.keyed import PeopleHandler, SurveyHandler, TicketHandler
from portal.services.imports.handlers.master import SubscriptionHandler, SystemHandler, UnitHandler
from portal.services.imports.handlers.usage import UsageHandler
from portal.services.imports.reading import CsvSource, HeaderError, JsonSource

log = logging.getLogger(__name__)

Progress = Callable[[int], None]  # told the bytes of the file read and written so far, after every batch
RAW_LIMIT = 10_000  # characters of a refused row kept for the report


def make_handler(kind: str, run: ImportRun, lookups: Lookups) -> Handler:
    actor = run.actor
    if kind == "units":
        return UnitHandler(lookups, run.id, actor)
    if kind == "systems":
        return SystemHandler(lookups, run.id, actor)
    if kind == "subscriptions":
        return SubscriptionHandler(lookups, run.id, actor)
    if kind == "people":
        return PeopleHandler(lookups, run.id)
    if kind == "usage":
        return UsageHandler(lookups, run.id)
    if kind == "tickets":
        return TicketHandler(lookups, run.id)
    if kind == "surveys":
        return SurveyHandler(lookups, run.id)
    raise ValueError(f"unknown kind {kind}")


def _raw_text(raw: Any) -> str:
    # Lone surrogates (a JSON "\ud800") cannot be stored as UTF-8: they are kept as their escape.
    text = json.dumps(raw, ensure_ascii=False, default=str).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT] + "…"


def _write(handler: Handler, batch: Batch, tally: Tally) -> None:
    if batch.packed is not None:
        inserted, unchanged = handler.write_packed(batch.packed)  # type: ignore[attr-defined]
        tally.counts[INSERTED] += inserted
        tally.counts[UNCHANGED] += unchanged
    if batch.pending:
        for pending, outcome in zip(batch.pending, handler.write(batch.pending), strict=True):
            if isinstance(outcome, Refused):
                tally.refusals.append((pending.line, pending.raw, outcome.reason))
            else:
                tally.counts[outcome] += 1
    tally.refusals.extend(batch.refusals)
    tally.rows += batch.rows
    tally.last_line = max(tally.last_line, batch.last_line)
    tally.bytes_done = batch.bytes_done


class Tally:
    """What has been written since the last checkpoint and is not committed yet."""

    def __init__(self) -> None:
        self.counts = {INSERTED: 0, UPDATED: 0, UNCHANGED: 0}
        self.refusals: list[tuple[int, Any, str]] = []
        self.rows = 0
        self.last_line = 0
        self.bytes_done = 0
        self.started = time.monotonic()


def _commit_checkpoint(run: ImportRun, handler: Handler, tally: Tally) -> None:
    """Commit the written rows, their refusals and the run's counts and position together."""
    before_commit = getattr(handler, "before_commit", None)
    if before_commit is not None:
        before_commit()
    stored = db.session.scalar(select(func.count()).select_from(ImportRefusal).where(ImportRefusal.run_id == run.id))
    room = max(0, current_app.config["IMPORT_REFUSALS_KEPT"] - (stored or 0))
    kept = sorted(tally.refusals, key=lambda refusal: refusal[0])[:room]
    if kept:
        rows = [{"run_id": run.id, "line": line, "raw": _raw_text(raw), "reason": reason} for line, raw, reason in kept]
        db.session.execute(insert(ImportRefusal), rows)
    run.rows_read += tally.rows
    run.inserted += tally.counts[INSERTED]
    run.updated += tally.counts[UPDATED]
    run.unchanged += tally.counts[UNCHANGED]
    run.refused += len(tally.refusals)
    run.checkpoint_line = max(run.checkpoint_line, tally.last_line)
    run.bytes_done = max(run.bytes_done, tally.bytes_done)
    run.heartbeat_at = clock.now()
    db.session.commit()


def consume(run: ImportRun, batches: Iterable[Batch], handler: Handler, progress: Progress | None) -> None:
    """Write the prepared batches, committing a checkpoint every so many rows or seconds."""
    every_rows = current_app.config["IMPORT_CHECKPOINT_ROWS"]
    every_seconds = current_app.config["IMPORT_CHECKPOINT_SECONDS"]
    tally = Tally()
    for batch in batches:
        _open_window(handler)
        _write(handler, batch, tally)
        if progress:
            progress(tally.bytes_done)
        if tally.rows >= every_rows or time.monotonic() - tally.started >= every_seconds:
            _commit_checkpoint(run, handler, tally)
            tally = Tally()
    _commit_checkpoint(run, handler, tally)


def _open_window(handler: Handler) -> None:
    """On SQLite, set up the connection for the write window that starts with this batch (if one does).

    - The write-ahead log may grow large before it is folded back into the database file. Every commit
      appends the pages it changed to the log, and an import changes pages of a large unique index all
      over the file; each fold copies and syncs them, so folding once per few gigabytes writes each page
      once instead of once per checkpoint. The run's finishing commit, back on SQLite's default, folds it.
    - A handler that resolved every reference itself (usage: each key was looked up in the master data)
      has foreign keys unchecked: SQLite would look up four parents again for each row, and its
      `before_commit` checks that the window's references all still exist.
    The connection's pool puts SQLite's defaults back when the session gives the connection back.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    sqlite_import_window(
        connection.connection.dbapi_connection,  # type: ignore[arg-type]
        wal_bytes=current_app.config["IMPORT_SQLITE_WAL_MB"] * 1024 * 1024,
        foreign_keys=not getattr(handler, "resolves_references", False),
    )


def describe_failure(error: BaseException) -> str:
    """Why a run stopped, in words for the person who will retry it."""
    if isinstance(error, DBAPIError):
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        lowered = detail.lower()
        if "locked" in lowered or "busy" in lowered:
            return f"The database was busy (another writer held it too long): {detail}. Import the file again."
        if "full" in lowered or "no space" in lowered:
            return f"The disk is full: {detail}. Free space, then import the file again to resume."
        return f"The database refused the write: {detail}."
    if isinstance(error, OSError):
        return f"The file could not be read: {error}."
    if isinstance(error, RunStopped):
        return str(error)
    return f"The run stopped on an unexpected error ({type(error).__name__}: {error})."


def _guarded(run_id: int, work: Callable[[], None]) -> ImportRun:
    try:
        work()
    except HeaderError as error:
        return runs.fail(run_id, str(error)) or db.session.get(ImportRun, run_id)  # type: ignore[return-value]
    except Exception as error:  # whatever stops a run, the run must say so, not stay "running" forever
        log.exception("import run %s failed", run_id)
        failed = runs.fail(run_id, describe_failure(error))
        assert failed is not None
        return failed
    run = db.session.get(ImportRun, run_id)
    assert run is not None
    return run


def execute_file(run: ImportRun, path: Path, progress: Progress | None = None) -> ImportRun:
    """Run (or resume) a file import to its end; the run records how it went, whatever happens."""
    run_id = run.id

    def work() -> None:
        runs.begin(run)
        with path.open("rb") as binary:
            source = CsvSource(binary, KINDS[run.kind])
            if run.checkpoint_line == 0:
                run.warnings = "\n".join(source.warnings)
            handler = make_handler(run.kind, run, Lookups())
            large = (run.size_bytes or 0) >= current_app.config["IMPORT_PARALLEL_MIN_BYTES"]
            prepare = prepare_batches_in_child if large and can_fork() else prepare_batches
            consume(run, prepare(source, source, handler, run.checkpoint_line), handler, progress)
        runs.finish(run)
        runs.record_units(run, touched_pairs(run, handler))
        db.session.commit()
        rescore_after(run, handler)

    return _guarded(run_id, work)


def execute_records(run: ImportRun, records: list[Any]) -> ImportRun:
    """A pushed JSON array, in the request: it is small (the API caps it) and the caller waits for counts."""
    run_id = run.id

    def work() -> None:
        runs.begin(run)
        source = JsonSource(records, KINDS[run.kind])
        run.warnings = "\n".join(source.warnings).encode("utf-8", "backslashreplace").decode("utf-8")
        handler = make_handler(run.kind, run, Lookups())
        consume(run, prepare_batches(source, source, handler, 0), handler, None)
        runs.finish(run)
        runs.record_units(run, touched_pairs(run, handler))
        db.session.commit()
        rescore_after(run, handler)

    return _guarded(run_id, work)


def refusal_rows(run: ImportRun, limit: int | None = None) -> list[ImportRefusal]:
    """The run's refused rows by line; `limit` keeps a summary from loading 100,000 of them."""
    query = select(ImportRefusal).where(ImportRefusal.run_id == run.id).order_by(ImportRefusal.line).limit(limit)
    return list(db.session.scalars(query))
