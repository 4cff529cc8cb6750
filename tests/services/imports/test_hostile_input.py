"""No file, however broken or hostile, makes the engine fail a run it could finish or lose count of a row."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import RunStatus, UsageDaily, UsageEvent, db
from tests.services.imports.conftest import reconciles

COLUMNS = ["source_system", "source_record_id", "person_key", "system_key", "occurred_at", "feature", "count"]

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "NaN", "Infinity", "-0", "1e309", "0x10"]),
    st.sampled_from(["2026-02-31", "31/02/2026", "2026-13-01T00:00:00Z", "9999-01-01", "2026-11-02T25:00:00Z"]),
    st.text(min_size=200, max_size=3000),
)
good = {
    "person_key": st.sampled_from(["p1", "p2", "p3", "nobody"]),
    "system_key": st.sampled_from(["ifs", "ifs", "unknown"]),
    "occurred_at": st.sampled_from(["2026-11-02", "2026-11-02T10:00:00Z", "2026-11-02T10:00:00+01:00"]),
    "count": st.one_of(st.none(), st.integers(-5, 10**7).map(str)),
}


@st.composite
def usage_files(draw) -> bytes:
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        row = []
        for column in COLUMNS:
            strategy = good.get(column, nasty_text)
            value = draw(st.one_of(strategy, nasty_text)) if draw(st.booleans()) else draw(strategy)
            row.append("" if value is None else value)
        rows.append(row)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(draw(st.permutations(COLUMNS)) if draw(st.booleans()) else COLUMNS)
    writer.writerows(rows)
    body = text.getvalue().encode("utf-8", "surrogatepass")
    # Now and then, bytes that are not UTF-8 and stray NULs in the middle of the file.
    if rows and draw(st.booleans()):
        cut = draw(st.integers(0, len(body)))
        body = body[:cut] + draw(st.sampled_from([b"\xff\xfe", b"\x00", b"\xe9", b'"', b"\r"])) + body[cut:]
    return body


# Hostile files are large on purpose: hypothesis may not call that a problem.
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(body=usage_files())
def test_any_usage_file_ends_in_counted_rows_or_a_clear_failure(run_import, org, body):
    before = db.session.scalar(select(func.count()).select_from(UsageEvent))
    run = run_import("usage", body)
    assert run.status in (RunStatus.SUCCEEDED, RunStatus.REFUSED_ROWS, RunStatus.FAILED)
    if run.status == RunStatus.FAILED:
        assert run.error and run.error.startswith(("The header", "The file is empty"))
        assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == before
        return
    assert reconciles(run)
    raw = db.session.scalar(select(func.coalesce(func.sum(UsageEvent.count), 0)))
    assert db.session.scalar(select(func.coalesce(func.sum(UsageDaily.events), 0))) == raw
