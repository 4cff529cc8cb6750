"""How far a background import has read, between two of its checkpoints.

A checkpoint commits the run's figures together with its rows, every minute or so on a large file
(see engine.py for why not more often). So that the progress bar still moves every second, the worker
notes its position in a small file beside the stored uploads, which every web process on the machine can
read. A web process on another machine (PostgreSQL deployments) sees the checkpoint's figures.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import current_app

from models import ImportRun

NOTE_EVERY_SECONDS = 1.0  # the progress fragment polls once a second


def _note_path(run_id: int) -> Path:
    return Path(current_app.config["IMPORT_DIR"]) / f"run-{run_id}.progress"


class ProgressNote:
    """The engine's progress callback for a background run: writes the position at most once a second."""

    def __init__(self, run_id: int) -> None:
        self.path = _note_path(run_id)
        self.written_at = float("-inf")

    def __call__(self, bytes_done: int) -> None:
        now = time.monotonic()
        if now - self.written_at < NOTE_EVERY_SECONDS:
            return
        self.written_at = now
        scratch = self.path.with_suffix(".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            scratch.write_text(str(bytes_done))
            os.replace(scratch, self.path)  # a reader sees the old note or the new one, never half of one
        except OSError:
            pass  # only the progress bar would lag; the import itself must not stop for this

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_suffix(".tmp").unlink(missing_ok=True)


def bytes_done(run: ImportRun) -> int:
    """The run's position in its file: the last checkpoint's, or the worker's note when that is further on."""
    if run.is_finished:
        return run.bytes_done
    try:
        noted = int(_note_path(run.id).read_text())
    except (OSError, ValueError):
        noted = 0
    return min(max(run.bytes_done, noted), run.size_bytes or 0) if run.size_bytes else run.bytes_done
