"""API v1 endpoints: push records as JSON, upload a CSV file, follow an import run."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, url_for
from sqlalchemy import select

from models import ImportRefusal, ImportRun, RunSource, RunStatus, db
from portal.api import bp
from portal.api.auth import current_token, has_scope, require_scope
from portal.api.errors import ApiError
from portal.api.idempotency import idempotent, request_body
from portal.api.records import parse_records
from portal.services import imports
from portal.services.imports import worker

UPLOAD_NAME = "(API upload)"
REFUSALS_SHOWN = 100
MAX_DB_ID = 2**31 - 1  # larger ids cannot exist, and some databases refuse to compare with them


def _writable_kind(kind: str) -> None:
    if kind not in imports.KINDS:
        raise ApiError(
            404, f"There is no kind {kind[:40]!r}; the kinds are {', '.join(imports.KINDS)}.", kinds=list(imports.KINDS)
        )
    require_scope(f"write:{kind}")


def _counts(run: ImportRun) -> dict[str, Any]:
    return {
        "run_id": run.id,
        "kind": run.kind,
        "status": run.status,
        "read": run.rows_read,
        "inserted": run.inserted,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "refused": run.refused,
        "warnings": run.warning_list,
        "error": run.error,
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


@bp.route("/<kind>", methods=["POST"])
@idempotent
def push(kind: str) -> Response:
    """Import a JSON array of records of a kind now, and answer with the counts and every refused record."""
    _writable_kind(kind)
    records = parse_records(request_body().read_all())
    run = imports.import_records(kind, records, source=RunSource.API, token=current_token())
    refusals = [{"record": row.line, "reason": row.reason} for row in imports.refusal_rows(run)]
    return jsonify(_counts(run) | {"refusals": refusals})


@bp.route("/imports/<kind>", methods=["POST"])
@idempotent
def upload(kind: str) -> Response:
    """Queue a CSV body of a kind for the import worker; answer at once with where to follow the run."""
    _writable_kind(kind)
    body = request_body()
    if body.is_empty():
        raise ApiError(400, "The body is empty: send a CSV file with a header row and a row per record.")
    run = worker.start_upload(kind, body, UPLOAD_NAME, source=RunSource.API, token=current_token())  # type: ignore[arg-type]
    status_url = url_for("api.import_run", run_id=run.id)
    response = jsonify(run_id=run.id, status=RunStatus.QUEUED.value, status_url=status_url)
    response.status_code = 202
    response.headers["Location"] = status_url
    return response


@bp.route(f"/imports/<int(max={MAX_DB_ID}):run_id>")
def import_run(run_id: int) -> Response:
    """An import run's status, counts, warnings, error and first refused rows.

    A token with the `read` scope sees every run; any other token sees the runs it started.
    """
    run = db.session.get(ImportRun, run_id)
    if run is None or not (has_scope("read") or run.token_id == current_token().id):
        raise ApiError(404, f"There is no import run {run_id} that this token may see.")
    refusals = db.session.scalars(
        select(ImportRefusal).where(ImportRefusal.run_id == run.id).order_by(ImportRefusal.line).limit(REFUSALS_SHOWN)
    )
    return jsonify(
        _counts(run)
        | {
            "source": run.source,
            "created_at": _iso(run.created_at),
            "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at),
            "refusals": [{"line": row.line, "reason": row.reason} for row in refusals],
        }
    )
