"""The import engine: one loop for every kind and every door (CLI, web upload, API).

Rows are read as a stream, checked one by one, and written a batch at a time. After each batch the data,
the refused rows and the run's counts and checkpoint are committed together, so a run that dies leaves the
data exactly as of its last checkpoint, and the next import of the same file resumes after it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from models import ImportRefusal, ImportRun, db
from models.types import utcnow
from portal.services.imports import runs
from portal.services.imports.fields import FieldError
from portal.services.imports.formats import KINDS
from portal.services.imports.handlers.base import INSERTED, UNCHANGED, UPDATED, Handler, Lookups, Pending, Refused
from portal.services.imports.handlers.keyed import PeopleHandler, SurveyHandler, TicketHandler
from portal.services.imports.handlers.master import SubscriptionHandler, SystemHandler, UnitHandler
from portal.services.imports.handlers.usage import UsageHandler
from portal.services.imports.reading import CsvSource, HeaderError, JsonSource, SourceRow

log = logging.getLogger(__name__)

Progress = Callable[[ImportRun], None]
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
    text = json.dumps(raw, ensure_ascii=False, default=str)
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT] + "…"


class _Batch:
    """What has been read since the last checkpoint."""

    def __init__(self) -> None:
        self.pending: list[Pending] = []
        self.refusals: list[tuple[int, Any, str]] = []
        self.rows = 0
        self.last_line = 0

    def __len__(self) -> int:
        return self.rows


def _checkpoint(run: ImportRun, handler: Handler, batch: _Batch, bytes_done: int, stored_refusals: int) -> int:
    """Write the batch and commit it with the run's counts; returns how many refusals are stored now."""
    counts = {INSERTED: 0, UPDATED: 0, UNCHANGED: 0}
    refusals = list(batch.refusals)
    if batch.pending:
        for pending, outcome in zip(batch.pending, handler.write(batch.pending), strict=True):
            if isinstance(outcome, Refused):
                refusals.append((pending.line, pending.raw, outcome.reason))
            else:
                counts[outcome] += 1
    limit = current_app.config["IMPORT_REFUSALS_KEPT"]
    kept = sorted(refusals, key=lambda refusal: refusal[0])[: max(0, limit - stored_refusals)]
    if kept:
        rows = [{"run_id": run.id, "line": line, "raw": _raw_text(raw), "reason": reason} for line, raw, reason in kept]
        db.session.execute(insert(ImportRefusal), rows)
    run.rows_read += batch.rows
    run.inserted += counts[INSERTED]
    run.updated += counts[UPDATED]
    run.unchanged += counts[UNCHANGED]
    run.refused += len(refusals)
    run.checkpoint_line = max(run.checkpoint_line, batch.last_line)
    run.bytes_done = bytes_done
    run.heartbeat_at = utcnow()
    db.session.commit()
    return stored_refusals + len(kept)


def consume(
    run: ImportRun, rows: Iterable[SourceRow], handler: Handler, source: Any, progress: Progress | None
) -> None:
    """Read every row after the run's checkpoint, committing a checkpoint after each batch."""
    resume_after = run.checkpoint_line
    stored_refusals = run.refused
    batch = _Batch()
    for row in rows:
        if row.line <= resume_after:
            continue
        batch.rows += 1
        batch.last_line = row.line
        if row.values is None:
            batch.refusals.append((row.line, row.raw, row.problem or "the row could not be read"))
        else:
            try:
                batch.pending.append(Pending(row.line, handler.prepare(row.values), row.raw))
            except FieldError as error:
                batch.refusals.append((row.line, row.raw, str(error)))
        if len(batch.pending) >= handler.batch_size or len(batch.refusals) >= handler.batch_size:
            stored_refusals = _checkpoint(run, handler, batch, source.bytes_done, stored_refusals)
            batch = _Batch()
            if progress:
                progress(run)
    if batch.rows or run.rows_read == 0:
        _checkpoint(run, handler, batch, source.bytes_done, stored_refusals)
    if progress:
        progress(run)


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
            consume(run, source, handler, source, progress)
        runs.finish(run)
        db.session.commit()

    return _guarded(run_id, work)


def execute_records(run: ImportRun, records: list[Any]) -> ImportRun:
    """A pushed JSON array, in the request: it is small (the API caps it) and the caller waits for counts."""
    run_id = run.id

    def work() -> None:
        runs.begin(run)
        source = JsonSource(records, KINDS[run.kind])
        run.warnings = "\n".join(source.warnings)
        handler = make_handler(run.kind, run, Lookups())
        consume(run, source, handler, source, None)
        runs.finish(run)
        db.session.commit()

    return _guarded(run_id, work)


def refusal_rows(run: ImportRun) -> list[ImportRefusal]:
    return list(db.session.scalars(db.select(ImportRefusal).where(ImportRefusal.run_id == run.id).order_by("line")))
