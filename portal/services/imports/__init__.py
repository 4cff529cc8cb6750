"""Data in: the canonical formats and the one engine behind `flask import`, the upload page and the API.

Use `import_file` for a file on disk (CLI, demo), `start_file`/`execute_file` when the work runs elsewhere
(the web's worker thread), and `import_records` for a pushed JSON array.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models import Account, ApiToken, ImportRun, RunSource
from portal.services.imports import runs
from portal.services.imports.engine import Progress, execute_file, execute_records, refusal_rows
from portal.services.imports.formats import KINDS, describe_kinds
from portal.services.imports.reading import HeaderError, load_json


def import_file(
    kind: str,
    path: Path,
    *,
    source: RunSource,
    file_name: str | None = None,
    actor: Account | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import (or resume importing) a CSV file now, in this process."""
    run = runs.open_file_run(kind, path, source=source, file_name=file_name or path.name, actor=actor)
    return execute_file(run, path, progress)


def import_records(
    kind: str, records: list[Any], *, source: RunSource, actor: Account | None = None, token: ApiToken | None = None
) -> ImportRun:
    run = runs.open_records_run(kind, source=source, actor=actor, token=token)
    return execute_records(run, records)


__all__ = [
    "KINDS",
    "HeaderError",
    "describe_kinds",
    "execute_file",
    "import_file",
    "import_records",
    "load_json",
    "refusal_rows",
    "runs",
]
