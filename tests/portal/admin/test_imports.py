"""Admin imports: upload a file, follow its run, read and download its refused rows, resume a failed run."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ApiToken, ImportRefusal, ImportRun, RunSource, RunStatus, Unit, db
from portal import clock
from portal.services.imports import runs, worker
from portal.services.imports.live import ProgressNote

UNITS = "unit_key,name,headcount,country\nfinance,Finance,40,SE\nsales,Sales,25,DE\n"
USAGE_HEADER = "source_system,source_record_id,person_key,system_key,occurred_at,feature\n"
FORMULA = '=HYPERLINK("http://evil.test","click")'


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "imports"
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(folder))
    yield folder
    worker.wait_for_all(30)  # no worker may still write when the tables are emptied


def upload(client, kind: str | None, content: bytes | None, name: str = "data.csv"):
    data = {}
    if kind is not None:
        data["kind"] = kind
    if content is not None:
        data["file"] = (io.BytesIO(content), name)
    return client.post("/admin/imports/new", data=data, content_type="multipart/form-data")


def uploaded_run(client, kind: str, content: str, name: str = "data.csv") -> ImportRun:
    response = upload(client, kind, content.encode(), name)
    assert response.status_code == 303, response.get_data(as_text=True)
    run_id = int(re.fullmatch(r"/admin/imports/(\d+)", response.headers["Location"]).group(1))
    worker.wait_for_all(30)
    db.session.expire_all()
    return db.session.get(ImportRun, run_id)


def refused_csv(client, run: ImportRun) -> list[list[str]]:
    response = client.get(f"/admin/imports/{run.id}/refused.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="import-{run.id}-refused.csv"'
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_upload_units_end_to_end(client, admin):
    run = uploaded_run(client, "units", UNITS, name="org.csv")
    assert run.status == RunStatus.SUCCEEDED
    assert (run.rows_read, run.inserted, run.refused, run.source, run.actor_id) == (2, 2, 0, "web", admin.id)
    assert run.stored_path is None  # the upload is deleted once the run is done
    assert set(db.session.scalars(select(Unit.key))) == {"finance", "sales"}
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert "org.csv" in page
    assert run.sha256 in page
    assert "Succeeded" in page
    assert "hx-trigger" not in page
    assert "Refused rows" not in page
    assert admin.name in page


def test_usage_with_a_bad_row_shows_and_downloads_the_refusal(client, admin, make_person, make_system):
    make_person(key="p1")
    make_system(key="ifs")
    quoted = '"' + FORMULA.replace('"', '""') + '"'
    content = (
        USAGE_HEADER + "idp,1,p1,ifs,2026-01-05,\nidp,2,nobody,ifs,2026-01-06,\n" + f"idp,3,{quoted},ifs,2026-01-07,\n"
    )
    run = uploaded_run(client, "usage", content)
    assert run.status == RunStatus.REFUSED_ROWS
    assert (run.rows_read, run.inserted, run.refused) == (3, 1, 2)
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    table = page[page.index("refusal-table") :]
    assert re.search(r'<td class="num">3</td>\s*<td>person_key: &#39;nobody&#39; is not a known person', table)
    assert re.search(r'<td class="num">4</td>\s*<td>person_key: &#39;=HYPERLINK', table)
    assert "Download refused rows (CSV)" in page
    # The raw row is escaped, never markup.
    assert '<span class="raw-cell">=HYPERLINK(&#34;http://evil.test&#34;,&#34;click&#34;)</span>' in table
    rows = refused_csv(client, run)
    assert rows[0] == ["line", "reason", "row"]
    assert [row[0] for row in rows[1:]] == ["3", "4"]
    assert rows[2][2:] == ["idp", "3", "'" + FORMULA, "ifs", "2026-01-07", ""]
    assert rows[2][1].startswith("person_key: '=HYPERLINK")


def test_refused_rows_of_a_pushed_record_are_field_value_pairs(client, admin):
    run = ImportRun(kind="usage", source=RunSource.API.value, status=RunStatus.REFUSED_ROWS.value, refused=1)
    db.session.add(run)
    db.session.flush()
    run_refusal = '{"person_key": "=1+1", "count": 3, "feature": null}'
    db.session.add(ImportRefusal(run_id=run.id, line=1, raw=run_refusal, reason="-unknown"))
    db.session.commit()
    assert refused_csv(client, run)[1] == ["1", "'-unknown", "person_key==1+1", "count=3", "feature=null"]
    assert "person_key==1+1" in client.get(f"/admin/imports/{run.id}").get_data(as_text=True)


def test_the_run_page_shows_only_the_first_200_refusals(client, admin):
    run = ImportRun(kind="units", source="cli", status=RunStatus.REFUSED_ROWS.value, rows_read=250, refused=250)
    db.session.add(run)
    db.session.flush()
    db.session.add_all(ImportRefusal(run_id=run.id, line=n, raw=f'["u{n}"]', reason="bad") for n in range(2, 252))
    db.session.commit()
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert page.count('<span class="raw-cell">') == 200
    assert "The first 200 of 250" in page
    assert "command line" in page
    assert len(refused_csv(client, run)) == 251


@pytest.mark.parametrize("status", [RunStatus.QUEUED, RunStatus.RUNNING])
def test_the_progress_fragment_polls_while_the_run_is_not_finished(client, admin, status):
    run = ImportRun(
        kind="usage",
        source="web",
        status=status.value,
        size_bytes=1000,
        bytes_done=250,
        rows_read=42,
        file_name="u.csv",
    )
    db.session.add(run)
    db.session.commit()
    fragment = client.get(f"/admin/imports/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith("<div") or fragment.lstrip().startswith('<div id="run-outcome"')
    assert "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment
    assert 'hx-swap="outerHTML"' in fragment
    assert f'hx-get="/admin/imports/{run.id}"' in fragment
    assert "<progress" in fragment
    if status == RunStatus.RUNNING:
        assert 'value="250" max="1000"' in fragment
        assert "25% of the file read · 42 rows saved so far" in fragment

    run.status = RunStatus.SUCCEEDED.value
    db.session.commit()
    finished = client.get(f"/admin/imports/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "hx-trigger" not in finished
    assert "<progress" not in finished
    assert "Succeeded" in finished


def test_between_checkpoints_the_bar_follows_the_workers_note(client, admin, import_dir):
    run = ImportRun(
        kind="usage", source="web", status="running", size_bytes=1000, bytes_done=250, rows_read=42, file_name="u.csv"
    )
    db.session.add(run)
    db.session.commit()

    def fragment() -> str:
        return client.get(f"/admin/imports/{run.id}", headers={"HX-Request": "true"}).get_data(as_text=True)

    note = ProgressNote(run.id)
    note(600)
    assert 'value="600" max="1000"' in fragment()
    assert "60% of the file read · 42 rows saved so far" in fragment()
    note(900)  # within the same second: not written, the note is for a bar polled once a second
    assert 'value="600"' in fragment()
    note.remove()
    assert 'value="250" max="1000"' in fragment()  # back to the last checkpoint's figure
    assert not list(import_dir.glob("run-*"))


def test_a_finished_upload_leaves_no_progress_note(client, admin, import_dir):
    run = uploaded_run(client, "units", UNITS)
    assert run.status == RunStatus.SUCCEEDED
    assert not list(Path(import_dir).glob("*.progress"))


def test_the_whole_page_while_running_includes_the_polling_fragment(client, admin):
    run = ImportRun(kind="units", source="web", status=RunStatus.RUNNING.value, size_bytes=10, file_name="u.csv")
    db.session.add(run)
    db.session.commit()
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert "<html" in page
    assert 'hx-trigger="every 1s"' in page


@pytest.mark.parametrize(
    ("kind", "content", "field", "message"),
    [
        ("units", b"", "file", "The file is empty."),
        ("units", None, "file", "Choose a CSV file to upload."),
        ("", UNITS.encode(), "kind", "Choose what the file holds."),
        (None, UNITS.encode(), "kind", "Choose what the file holds."),
        ("secrets", UNITS.encode(), "kind", "Choose one of the kinds in the list."),
    ],
)
def test_the_form_refuses_a_missing_or_empty_file_and_a_missing_kind(client, admin, kind, content, field, message):
    response = upload(client, kind, content)
    assert response.status_code == 200
    assert f'id="{field}-error">{message}' in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportRun)) is None


def test_the_form_shows_each_kind_and_its_columns(client, admin):
    page = client.get("/admin/imports/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".csv,text/csv"' in page
    assert "units — The organisation: units and where they sit." in page
    assert re.search(r"<code>unit_key</code> <span class=\"req\"", page)
    assert re.search(r"<code>parent_key</code> <span class=\"muted\">", page)
    assert "<code>occurred_at</code>" in page


def test_a_file_over_the_limit_gets_413(app, client, admin, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    # A body built in memory: a multipart body this large would be spooled to a temporary file left open.
    body = b"--b\r\nContent-Disposition: form-data; name=kind\r\n\r\nunits\r\n--b--\r\n" + b"x" * (1024 * 1024)
    response = client.post("/admin/imports/new", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "The file is larger than the 1 MB allowed." in response.get_data(as_text=True)
    assert db.session.scalar(select(ImportRun)) is None


def make_run(**values) -> ImportRun:
    run = ImportRun(**{"kind": "units", "source": "web", "status": "succeeded", **values})
    db.session.add(run)
    db.session.commit()
    return run


def test_history_newest_first_with_who_and_filters(client, admin, make_account):
    token, _secret = ApiToken.issue("Service desk feed", ["write:usage"], admin)
    db.session.add(token)
    db.session.commit()
    make_run(kind="units", source="cli", file_name="first.csv", sha256="a" * 64, rows_read=5, inserted=5)
    make_run(kind="usage", source="api", status="refused_rows", token=token, file_name="(pushed records)")
    make_run(kind="usage", status="failed", actor=admin, file_name="third.csv")
    page = client.get("/admin/imports/").get_data(as_text=True)
    assert page.index("third.csv") < page.index("(pushed records)") < page.index("first.csv")
    assert "command line" in page
    assert "Service desk feed" in page
    assert admin.name in page
    assert f'<code title="{"a" * 64}">{"a" * 12}</code>' in page
    assert "3 runs" in page

    fragment = client.get("/admin/imports/?kind=usage", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert "third.csv" in fragment and "(pushed records)" in fragment and "first.csv" not in fragment
    failed = client.get("/admin/imports/?kind=usage&status=failed").get_data(as_text=True)
    assert "third.csv" in failed and "(pushed records)" not in failed
    assert '<option value="failed" selected>' in failed
    assert 'hx-push-url="true"' in failed
    unknown = client.get("/admin/imports/?kind=nope&status=nope").get_data(as_text=True)
    assert "3 runs" in unknown


def test_history_pages_by_50(client, admin):
    db.session.add_all(
        ImportRun(kind="units", source="cli", status="succeeded", file_name=f"f{n}.csv") for n in range(55)
    )
    db.session.commit()
    first = client.get("/admin/imports/?kind=units").get_data(as_text=True)
    assert first.count("<tr>") == 51  # the header row and 50 runs
    assert "/admin/imports/?kind=units&amp;page=2" in first
    second = client.get("/admin/imports/?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 6


def test_history_marks_dead_runs_as_failed(app, client, admin):
    from datetime import timedelta

    stale = clock.now() - timedelta(seconds=app.config["IMPORT_STALE_AFTER_SECONDS"] + 60)
    run = make_run(status="running", heartbeat_at=stale, checkpoint_line=10)
    page = client.get("/admin/imports/").get_data(as_text=True)
    assert "Failed" in page
    db.session.expire_all()
    assert db.session.get(ImportRun, run.id).status == RunStatus.FAILED


def test_a_file_without_a_required_column_fails_and_cannot_resume(client, admin):
    run = uploaded_run(client, "units", "unit_key,headcount\nfinance,40\n")
    assert run.status == RunStatus.FAILED
    assert (run.checkpoint_line, run.stored_path) == (0, None)
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert "name" in run.error
    assert "Resume from line" not in page
    response = client.post(f"/admin/imports/{run.id}/resume", follow_redirects=True)
    assert "cannot resume" in response.get_data(as_text=True)


def test_a_failed_run_with_its_file_resumes_after_its_checkpoint(client, admin, import_dir):
    content = UNITS.encode()
    import_dir.mkdir(parents=True, exist_ok=True)
    stored = import_dir / "kept.csv"
    stored.write_bytes(content)
    sha256, size = runs.file_digest(io.BytesIO(content))
    # Line 2 (finance) was committed before the process died; sales is still to do.
    run = make_run(
        status="failed",
        actor=admin,
        file_name="org.csv",
        sha256=sha256,
        size_bytes=size,
        stored_path=str(stored),
        checkpoint_line=2,
        error="The run was interrupted.",
    )
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert "Resume from line 3" in page
    assert f'action="/admin/imports/{run.id}/resume"' in page
    response = client.post(f"/admin/imports/{run.id}/resume")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/imports/{run.id}"
    worker.wait_for_all(30)
    db.session.expire_all()
    resumed = db.session.get(ImportRun, run.id)
    assert resumed.status == RunStatus.SUCCEEDED
    assert (resumed.rows_read, resumed.inserted, resumed.error, resumed.stored_path) == (1, 1, None, None)
    assert list(db.session.scalars(select(Unit.key))) == ["sales"]  # finance was before the checkpoint
    assert not stored.exists()


def test_resume_refuses_a_run_whose_file_is_gone(client, admin, tmp_path):
    run = make_run(status="failed", checkpoint_line=5, stored_path=str(tmp_path / "gone.csv"))
    response = client.post(f"/admin/imports/{run.id}/resume")
    assert response.status_code == 303
    assert "cannot resume" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(ImportRun, run.id).status == RunStatus.FAILED


def test_untrusted_text_is_escaped(client, admin):
    run = make_run(status="refused_rows", file_name="<script>alert(1)</script>.csv", refused=1)
    db.session.add(ImportRefusal(run_id=run.id, line=2, raw='["<img src=x onerror=alert(1)>"]', reason="<b>bad</b>"))
    db.session.commit()
    for path in (f"/admin/imports/{run.id}", "/admin/imports/"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page
    page = client.get(f"/admin/imports/{run.id}").get_data(as_text=True)
    assert "<img src=x" not in page and "<b>bad</b>" not in page


def test_the_admin_home_links_to_imports(client, admin):
    assert 'href="/admin/imports/"' in client.get("/admin/").get_data(as_text=True)


def test_missing_runs_are_404(client, admin):
    assert client.get("/admin/imports/999").status_code == 404
    assert client.get("/admin/imports/999/refused.csv").status_code == 404
    assert client.post("/admin/imports/999/resume").status_code == 404


def test_the_request_only_stores_and_queues_the_upload(client, admin, import_dir, monkeypatch):
    queued = []
    monkeypatch.setattr(worker, "submit", lambda run, path: queued.append(path))
    response = upload(client, "units", UNITS.encode())
    assert response.status_code == 303
    run = db.session.scalar(select(ImportRun))
    assert run.status == RunStatus.QUEUED
    assert queued == [Path(run.stored_path)]
    assert queued[0].parent == import_dir and queued[0].read_bytes() == UNITS.encode()
    assert 'hx-trigger="every 1s"' in client.get(response.headers["Location"]).get_data(as_text=True)
