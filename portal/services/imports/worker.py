"""Runs file imports outside the web request: one background thread per process, one import at a time.

The request stores the upload, opens a queued run and returns; the worker does the work with its own
session. If the process dies, the run stops sending heartbeats, is marked interrupted, and the stored file
lets an admin resume it from its last checkpoint.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from flask import Flask, current_app

from models import Account, ApiToken, ImportRun, RunSource, db
from portal.services.imports import runs
from portal.services.imports.engine import execute_file
from portal.services.imports.live import ProgressNote

log = logging.getLogger(__name__)

COPY_CHUNK = 1 << 20
_executor: ThreadPoolExecutor | None = None
_lock = threading.Lock()
_futures: list[Future] = []


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            # One import at a time per process: SQLite has one writer anyway, and order stays predictable.
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rapport-import")
        return _executor


def store_upload(stream: BinaryIO) -> Path:
    """Copy an uploaded body to the import folder in chunks (it may be far larger than memory)."""
    folder = Path(current_app.config["IMPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.csv"
    try:
        with path.open("wb") as target:
            while chunk := stream.read(COPY_CHUNK):
                target.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # a body cut off or refused halfway leaves nothing behind
        raise
    return path


def _work(app: Flask, run_id: int, path: Path) -> None:
    with app.app_context():
        note = ProgressNote(run_id)
        try:
            run = db.session.get(ImportRun, run_id)
            if run is not None:
                execute_file(run, path, progress=note)
        except Exception:  # the engine records failures itself; this only keeps the thread alive
            log.exception("import worker: run %s", run_id)
        finally:
            note.remove()
            db.session.remove()


def submit(run: ImportRun, path: Path) -> Future:
    """Queue a run for the background thread; it starts as soon as the thread is free."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    future = _pool().submit(_work, app, run.id, path)
    with _lock:
        _futures[:] = [f for f in _futures if not f.done()] + [future]
    return future


def start_upload(
    kind: str,
    stream: BinaryIO,
    file_name: str,
    *,
    source: RunSource,
    actor: Account | None = None,
    token: ApiToken | None = None,
) -> ImportRun:
    """Store an uploaded file, open its run (or the failed run of the same file, to resume) and queue it."""
    path = store_upload(stream)
    run = runs.open_file_run(kind, path, source=source, file_name=file_name, actor=actor, token=token, stored=True)
    submit(run, path)
    return run


def resume(run: ImportRun) -> bool:
    """Queue a failed run again from its checkpoint, when its file is still stored."""
    if run.stored_path is None or not Path(run.stored_path).exists():
        return False
    runs.reopen(run)
    submit(run, Path(run.stored_path))
    return True


def wait_for_all(timeout: float | None = None) -> None:
    """Block until every queued import finished (tests, and a clean shutdown)."""
    with _lock:
        pending = list(_futures)
    for future in pending:
        future.result(timeout=timeout)
