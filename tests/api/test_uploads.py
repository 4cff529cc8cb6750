"""POST /api/v1/imports/<kind> queues a CSV body; GET /api/v1/imports/<id> follows the run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import ImportRun, RunSource, RunStatus, Unit, db
from portal.services.imports import worker

UNITS = b"unit_key,name,headcount,country\nfinance,Finance,40,SE\nsales,Sales,25,DE\nbad key!,Bad,1,SE\n"


def upload(client, headers, body: bytes, kind: str = "units", **extra):
    return client.post(f"/api/v1/imports/{kind}", headers=headers | extra, data=body, content_type="text/csv")


def test_a_csv_body_is_queued_then_followed_to_its_counts(client, make_token):
    _token, headers = make_token("write:units", "read")
    response = upload(client, headers, UNITS)
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "queued"
    assert body["status_url"] == f"/api/v1/imports/{body['run_id']}"
    assert response.headers["Location"] == body["status_url"]
    worker.wait_for_all(30)
    run = client.get(body["status_url"], headers=headers).get_json()
    assert (run["status"], run["read"], run["inserted"], run["refused"]) == ("refused_rows", 3, 2, 1)
    assert (run["kind"], run["source"], run["error"], run["warnings"]) == ("units", "api", None, [])
    assert run["refusals"] == [{"line": 4, "reason": run["refusals"][0]["reason"]}]
    assert "unit_key" in run["refusals"][0]["reason"]
    assert run["finished_at"] is not None
    assert set(db.session.scalars(select(Unit.key))) == {"finance", "sales"}


def test_any_content_type_is_read_as_csv(client, make_token):
    _token, headers = make_token("write:units")
    response = client.post(
        "/api/v1/imports/units", headers=headers, data=UNITS, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 202
    worker.wait_for_all(30)
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 2


def test_a_broken_header_shows_as_the_run_error(client, make_token):
    _token, headers = make_token("write:units")
    run_id = upload(client, headers, b"name\nFinance\n").get_json()["run_id"]
    worker.wait_for_all(30)
    run = client.get(f"/api/v1/imports/{run_id}", headers=headers).get_json()
    assert run["status"] == "failed"
    assert "unit_key" in run["error"]


def test_an_empty_body_is_400(client, make_token):
    _token, headers = make_token("write:units")
    response = upload(client, headers, b"")
    assert response.status_code == 400
    assert "empty" in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_a_retried_upload_is_queued_once(client, make_token):
    _token, headers = make_token("write:units")
    first = upload(client, headers, UNITS, **{"Idempotency-Key": "nightly-2026-11-22"})
    worker.wait_for_all(30)
    again = upload(client, headers, UNITS, **{"Idempotency-Key": "nightly-2026-11-22"})
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 1
    changed = upload(client, headers, UNITS + b"ops,Ops,3,SE\n", **{"Idempotency-Key": "nightly-2026-11-22"})
    assert changed.status_code == 422
    other_kind = upload(client, headers, UNITS, kind="people", **{"Idempotency-Key": "nightly-2026-11-22"})
    assert other_kind.status_code == 422  # the path is part of the request


@pytest.fixture
def runs(make_token):
    """A run started by one token, a run started by another, and a run from the admin pages."""
    writer, writer_headers = make_token("write:units", name="writer")
    other, other_headers = make_token("write:units", name="other")
    _reader, reader_headers = make_token("read", name="reader")
    made = {}
    for name, token in (("writer", writer), ("other", other), ("web", None)):
        run = ImportRun(kind="units", source=(RunSource.WEB if token is None else RunSource.API).value, token=token)
        run.status = RunStatus.SUCCEEDED.value
        db.session.add(run)
        db.session.commit()
        made[name] = run.id
    return made, {"writer": writer_headers, "other": other_headers, "reader": reader_headers}


def test_a_token_without_read_sees_only_its_own_runs(client, runs):
    ids, headers = runs
    assert client.get(f"/api/v1/imports/{ids['writer']}", headers=headers["writer"]).status_code == 200
    for run in ("other", "web"):
        response = client.get(f"/api/v1/imports/{ids[run]}", headers=headers["writer"])
        assert response.status_code == 404
        assert "error" in response.get_json()


def test_a_token_with_read_sees_every_run(client, runs):
    ids, headers = runs
    for run_id in ids.values():
        assert client.get(f"/api/v1/imports/{run_id}", headers=headers["reader"]).get_json()["run_id"] == run_id
    assert client.get("/api/v1/imports/999999", headers=headers["reader"]).status_code == 404
