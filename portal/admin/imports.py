"""Admin pages for imports: the history, the upload form, a run with its refused rows, and resuming."""

from __future__ import annotations

import json
from collections.abc import Iterator

from flask import flash, render_template, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from models import ImportRefusal, ImportRun, RunSource, RunStatus, db
from portal.admin import bp
from portal.admin.common import actor, see_other
from portal.admin.import_forms import ImportForm
from portal.htmx import is_htmx, render_page_or_partial
from portal.render.csv_export import csv_download
from portal.services.imports import live, runs, worker
from portal.services.imports.formats import KINDS

HISTORY_PAGE_SIZE = 50
REFUSALS_SHOWN = 200
REFUSALS_PER_QUERY = 1_000


def _history(kind: str, status: str, page: int) -> Pagination:
    statement = select(ImportRun).options(selectinload(ImportRun.actor), selectinload(ImportRun.token))
    if kind:
        statement = statement.where(ImportRun.kind == kind)
    if status:
        statement = statement.where(ImportRun.status == status)
    statement = statement.order_by(ImportRun.created_at.desc(), ImportRun.id.desc())
    return db.paginate(statement, page=page, per_page=HISTORY_PAGE_SIZE, error_out=False)


@bp.route("/imports/", endpoint="imports")
def import_list():
    """Every import run, newest first, 50 a page, filtered by kind and status (htmx swaps the results)."""
    runs.mark_interrupted()  # a run whose process died shows as failed, with its resume button
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    status = request.args.get("status", "")
    status = status if status in set(RunStatus) else ""
    return render_page_or_partial(
        "admin/imports/index.html",
        "admin/imports/_history.html",
        history=_history(kind, status, request.args.get("page", 1, type=int)),
        kind=kind,
        status=status,
        kinds=KINDS,
        statuses=list(RunStatus),
    )


@bp.route("/imports/new", methods=["GET", "POST"])
def import_new():
    """Upload a CSV file; the worker imports it in the background and the run page follows it."""
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        run = worker.start_upload(
            form.kind.data, upload.stream, upload.filename or "upload.csv", source=RunSource.WEB, actor=actor()
        )
        return see_other("admin.import_run", run_id=run.id)
    return render_template("admin/imports/new.html", form=form, kinds=KINDS)


def raw_cells(raw: str) -> list[str]:
    """A refused row's cells: a CSV row's as they were, a JSON record's as field=value, else the text kept."""
    try:
        value = json.loads(raw)
    except ValueError:  # cut short when huge, so no longer JSON
        return [raw]
    if isinstance(value, list):
        return ["" if cell is None else str(cell) for cell in value]
    if isinstance(value, dict):
        return [
            f"{name}={json.dumps(cell, ensure_ascii=False) if not isinstance(cell, str) else cell}"
            for name, cell in value.items()
        ]
    return [raw]


def _refusals(run: ImportRun, limit: int) -> list[ImportRefusal]:
    statement = select(ImportRefusal).where(ImportRefusal.run_id == run.id)
    return list(db.session.scalars(statement.order_by(ImportRefusal.line, ImportRefusal.id).limit(limit)))


@bp.route("/imports/<int:run_id>", endpoint="import_run")
def import_run(run_id: int):
    """One run: who sent what and how it went; while it runs, the progress fragment polls every second."""
    run = db.get_or_404(ImportRun, run_id)
    refusals = (
        [(refusal, raw_cells(refusal.raw)) for refusal in _refusals(run, REFUSALS_SHOWN)] if run.is_finished else []
    )
    context = {
        "run": run,
        "bytes_done": live.bytes_done(run),
        "refusals": refusals,
        "refusals_shown": REFUSALS_SHOWN,
        "can_resume": _can_resume(run),
    }
    if is_htmx():
        return render_template("admin/imports/_run.html", **context)
    return render_template("admin/imports/run.html", **context)


def _can_resume(run: ImportRun) -> bool:
    return run.status == RunStatus.FAILED and run.stored_path is not None


def _refused_rows(run_id: int) -> Iterator[list[str]]:
    """Every refused row of a run, read a thousand at a time as the download streams."""
    line, last_id = -1, 0
    while True:
        statement = (
            select(ImportRefusal)
            .where(
                ImportRefusal.run_id == run_id,
                or_(ImportRefusal.line > line, and_(ImportRefusal.line == line, ImportRefusal.id > last_id)),
            )
            .order_by(ImportRefusal.line, ImportRefusal.id)
            .limit(REFUSALS_PER_QUERY)
        )
        chunk = list(db.session.scalars(statement))
        for refusal in chunk:
            yield [str(refusal.line), refusal.reason, *raw_cells(refusal.raw)]
        if len(chunk) < REFUSALS_PER_QUERY:
            return
        line, last_id = chunk[-1].line, chunk[-1].id


@bp.route("/imports/<int:run_id>/refused.csv", endpoint="import_refused_csv")
def import_refused_csv(run_id: int):
    """Every refused row as CSV: line, reason, then the row's own cells, each safe to open in a spreadsheet."""
    run = db.get_or_404(ImportRun, run_id)
    return csv_download(f"import-{run.id}-refused.csv", ["line", "reason", "row"], _refused_rows(run.id))


@bp.route("/imports/<int:run_id>/resume", methods=["POST"], endpoint="import_resume")
def import_resume(run_id: int):
    """Queue a failed run again from its last checkpoint, when its uploaded file is still stored."""
    run = db.get_or_404(ImportRun, run_id)
    path = run.stored_path
    if not _can_resume(run) or not worker.resume(run):
        flash(
            "This run cannot resume: it did not fail, or its file is no longer stored. Upload the file again.", "error"
        )
        return see_other("admin.import_run", run_id=run.id)
    # Usually the same run continues; a run that never reached a checkpoint restarts as a new one.
    resumed = db.session.scalar(select(ImportRun.id).where(ImportRun.stored_path == path).order_by(ImportRun.id.desc()))
    flash(f"The import resumes after line {run.checkpoint_line:,}.", "success")
    return see_other("admin.import_run", run_id=resumed or run.id)
