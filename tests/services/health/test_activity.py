"""The retention of raw activity."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from models import RunSource, UsageDaily, UsageEvent, db
from portal.services import imports
from portal.services.health import activity


@pytest.fixture
def usage(tmp_path, make_unit, make_system, make_person):
    unit = make_unit(key="sched")
    system = make_system(key="ifs", modules=(("planning", True), ("orders", False)))
    key_user = make_person(unit=unit, key="k1", role="key_user")
    quiet_key_user = make_person(unit=unit, key="k2", role="key_user")
    user = make_person(unit=unit, key="u1")
    rows = [
        "k1,2026-11-20,planning,2",
        "k1,2026-11-10,orders,1",
        "u1,2026-11-20,orders,5",
        "u1,2026-11-19,orders,1",
        "u1,2026-09-01,orders,1",
        "u1,2025-11-20,orders,1",  # a year earlier
        "k1,2024-01-15,orders,1",  # older than 25 months on 2026-11-22
    ]
    path = tmp_path / "usage.csv"
    path.write_text(
        "person_key,system_key,occurred_at,feature,count\n"
        + "".join(
            f"{person},ifs,{day},{feature},{count}\n" for person, day, feature, count in (r.split(",") for r in rows)
        )
    )
    run = imports.import_file("usage", path, source=RunSource.CLI)
    assert run.inserted == len(rows)
    return {"unit": unit, "system": system, "key_user": key_user, "quiet": quiet_key_user, "user": user}


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2026, 11, 22), date(2024, 10, 22)),
        (date(2026, 3, 31), date(2024, 2, 29)),
        (date(2026, 1, 5), date(2023, 12, 5)),
    ],
)
def test_the_retention_cutoff_counts_calendar_months(today, cutoff):
    assert activity.retention_cutoff(today, 25) == cutoff


def test_purging_removes_old_raw_rows_and_keeps_the_rollups(usage, runner):
    rolled_up = db.session.scalar(select(func.sum(UsageDaily.events)))
    result = runner.invoke(args=["purge-activity", "--today", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 raw usage rows from before 2024-10-22 (25 months)." in result.output
    assert db.session.scalar(select(func.min(UsageEvent.day))) == date(2025, 11, 20)
    assert db.session.scalar(select(func.sum(UsageDaily.events))) == rolled_up
