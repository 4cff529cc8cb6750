"""The life of an import run: created, resumed, checkpointed, finished or failed — always recorded."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import insert, select

from models import Account, ApiToken, ImportRun, RunSource, RunStatus, db, import_run_unit
from portal import clock

HASH_CHUNK = 1 << 20


def file_digest(binary: BinaryIO) -> tuple[str, int]:
    """SHA-256 and size of a file, read in chunks (files may be far larger than memory)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := binary.read(HASH_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def mark_interrupted() -> int:
    """Runs that stopped sending signs of life (a killed process) become failed runs that can resume.

    A queued run counts as lost too when it has waited that long while no run anywhere shows a fresh
    heartbeat: nobody is working through the queue, so its process must have stopped before starting it.
    """
    stale_after = timedelta(seconds=current_app.config["IMPORT_STALE_AFTER_SECONDS"])
    cutoff = clock.now() - stale_after
    stale = list(
        db.session.scalars(
            select(ImportRun).where(ImportRun.status == RunStatus.RUNNING, ImportRun.heartbeat_at < cutoff)
        )
    )
    someone_working = db.session.scalar(
        select(ImportRun.id).where(ImportRun.status == RunStatus.RUNNING, ImportRun.heartbeat_at >= cutoff).limit(1)
    )
    if someone_working is None:
        stale += db.session.scalars(
            select(ImportRun).where(ImportRun.status == RunStatus.QUEUED, ImportRun.heartbeat_at < cutoff)
        )
    for run in stale:
        run.status = RunStatus.FAILED.value
        run.finished_at = clock.now()
        run.error = (
            "The run was interrupted: its process stopped without finishing. "
            f"Everything up to line {run.checkpoint_line:,} is saved; importing the same file again resumes there."
        )
    if stale:
        db.session.commit()
    return len(stale)


def resumable(kind: str, sha256: str) -> ImportRun | None:
    """The latest failed run of this very file that got somewhere: importing the file again continues it."""
    return db.session.scalar(
        select(ImportRun)
        .where(
            ImportRun.kind == kind,
            ImportRun.sha256 == sha256,
            ImportRun.status == RunStatus.FAILED,
            ImportRun.checkpoint_line > 0,
        )
        .order_by(ImportRun.id.desc())
        .limit(1)
    )


def open_file_run(
    kind: str,
    path: Path,
    *,
    source: RunSource,
    file_name: str,
    actor: Account | None = None,
    token: ApiToken | None = None,
    stored: bool = False,
) -> ImportRun:
    """A queued run for a file, or the failed run of the same file to resume. Committed, so others see it."""
    mark_interrupted()
    with path.open("rb") as binary:
        sha256, size = file_digest(binary)
    run = resumable(kind, sha256)
    if run is None:
        run = ImportRun(kind=kind, source=source.value, file_name=file_name[:255], sha256=sha256, size_bytes=size)
        run.actor = actor
        run.token = token
        db.session.add(run)
    else:
        run.error = None
        run.finished_at = None
        if run.stored_path and run.stored_path != str(path):
            Path(run.stored_path).unlink(missing_ok=True)  # the new copy of the same bytes replaces it
    run.status = RunStatus.QUEUED.value
    run.heartbeat_at = clock.now()  # for a queued run: when it was queued
    run.stored_path = str(path) if stored else None
    db.session.commit()
    return run


def reopen(run: ImportRun) -> None:
    """Queue a failed run again, as it is: it continues after its checkpoint (from the start when it has none)."""
    run.status = RunStatus.QUEUED.value
    run.heartbeat_at = clock.now()
    run.error = None
    run.finished_at = None
    db.session.commit()


def open_records_run(kind: str, *, source: RunSource, actor: Account | None, token: ApiToken | None) -> ImportRun:
    run = ImportRun(kind=kind, source=source.value, file_name="(pushed records)")
    run.actor = actor
    run.token = token
    db.session.add(run)
    db.session.flush()
    return run


def begin(run: ImportRun) -> None:
    now = clock.now()
    run.status = RunStatus.RUNNING.value
    run.started_at = run.started_at or now
    run.heartbeat_at = now
    db.session.commit()


def finish(run: ImportRun) -> None:
    run.status = (RunStatus.REFUSED_ROWS if run.refused else RunStatus.SUCCEEDED).value
    run.finished_at = clock.now()
    _release_file(run)


def record_units(run: ImportRun, pairs: set[tuple[int, int | None]] | None) -> None:
    """Remember which units the run wrote activity for (from its (unit, system) pairs), for their timelines."""
    if not pairs:
        return
    known = set(db.session.scalars(select(import_run_unit.c.unit_id).where(import_run_unit.c.run_id == run.id)))
    new = sorted({unit_id for unit_id, _ in pairs} - known)
    if new:
        db.session.execute(insert(import_run_unit), [{"run_id": run.id, "unit_id": unit_id} for unit_id in new])


def fail(run_id: int, reason: str) -> ImportRun | None:
    """Roll back what the current checkpoint had not committed, then record why the run stopped."""
    db.session.rollback()
    run = db.session.get(ImportRun, run_id)
    if run is None:
        return None
    run.status = RunStatus.FAILED.value
    run.error = reason
    run.finished_at = clock.now()
    if run.checkpoint_line == 0:
        _release_file(run)  # nothing to resume from
    db.session.commit()
    return run


def _release_file(run: ImportRun) -> None:
    if run.stored_path:
        Path(run.stored_path).unlink(missing_ok=True)
        run.stored_path = None
