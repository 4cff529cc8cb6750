"""`flask import KIND FILE`: load a canonical CSV file through the import engine, with a summary to act on."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from models import ImportRun, RunSource, RunStatus
from portal.services import imports
from portal.services.imports.formats import KINDS

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 3
SHOWN_REFUSALS = 50

HELP = f"""Import a CSV file of KIND (use - for standard input).

\b
Kinds and their columns (* = required; header names in any order and case):
{imports.describe_kinds()}

\b
Importing the same file twice changes nothing. A run that stopped halfway
resumes where it stopped when the same file is imported again.
Exit status: 0 every row landed, 3 some rows were refused, 1 the run failed.
Formats in detail: docs/data-formats.md.
"""


def _spool_stdin() -> Path:
    """Standard input is copied to a temporary file first: the run needs its hash to resume, and a size."""
    with tempfile.NamedTemporaryFile(prefix="rapport-import-", suffix=".csv", delete=False) as handle:
        shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
    return Path(handle.name)


def _progress_bar(size: int | None):
    """A bar on a terminal (stderr), nothing when output goes to a file or a pipe."""
    if not sys.stderr.isatty() or not size:
        return None
    return click.progressbar(length=size, label="Importing", file=sys.stderr, show_percent=True, show_eta=True)


def _summary(run: ImportRun) -> None:
    click.echo(f"Run #{run.id} · {run.kind} · {run.file_name} · {run.status_enum.label}")
    click.echo(
        f"  read {run.rows_read:,} = inserted {run.inserted:,} + updated {run.updated:,} "
        f"+ unchanged {run.unchanged:,} + refused {run.refused:,}"
    )
    if run.duration_seconds:
        rate = run.rows_read / run.duration_seconds if run.duration_seconds else 0
        click.echo(f"  {run.duration_seconds:,.1f} s · {rate:,.0f} rows/s")
    for warning in run.warning_list:
        click.echo(f"  warning: {warning}", err=True)
    if run.error:
        click.echo(f"  error: {run.error}", err=True)
    refusals = imports.refusal_rows(run, limit=SHOWN_REFUSALS)
    for refusal in refusals[:SHOWN_REFUSALS]:
        click.echo(f"  line {refusal.line}: {refusal.reason}", err=True)
    if run.refused > SHOWN_REFUSALS:
        click.echo(f"  … and {run.refused - SHOWN_REFUSALS:,} more refused rows (see the import history).", err=True)


@click.command("import", help=HELP, short_help="Import a CSV file of units, systems, people, usage, …")
@click.argument("kind", type=click.Choice(list(KINDS)), metavar="KIND")
@click.argument("file", type=click.Path(allow_dash=True, dir_okay=False, path_type=str))
@with_appcontext
def import_command(kind: str, file: str) -> None:
    from_stdin = file == "-"
    path = _spool_stdin() if from_stdin else Path(file)
    if not path.exists():
        raise click.BadParameter(f"{file} does not exist.", param_hint="FILE")
    try:
        bar = _progress_bar(path.stat().st_size)
        if bar is None:
            run = imports.import_file(kind, path, source=RunSource.CLI, file_name="(stdin)" if from_stdin else None)
        else:
            with bar:
                done = [0]

                def advance(bytes_done: int) -> None:
                    bar.update(bytes_done - done[0])
                    done[0] = bytes_done

                run = imports.import_file(kind, path, source=RunSource.CLI, file_name=path.name, progress=advance)
    finally:
        if from_stdin:
            path.unlink(missing_ok=True)
    _summary(run)
    if run.status == RunStatus.FAILED:
        sys.exit(EXIT_FAILED)
    if run.refused:
        sys.exit(EXIT_REFUSED)
    sys.exit(EXIT_OK)
