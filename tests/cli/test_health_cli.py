"""`flask recompute` and `flask health export`: scores as of a date, as CSV or JSON, formula-safe."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

from sqlalchemy import func, select

from models import HealthScore, db

AS_OF = date(2026, 3, 31)


def _organisation(make_unit, make_system, make_person, make_subscription, run_import):
    unit = make_unit(key="=cmd", name="Formula-looking unit")
    system = make_system(key="crm", modules=(("contacts", True),))
    people = [make_person(unit=unit, key=f"p{n}") for n in range(6)]
    make_subscription(unit=unit, system=system, seats=10)
    db.session.commit()
    lines = ["person_key,system_key,occurred_at,feature"]
    for n in range(90):
        day = AS_OF - timedelta(days=n)
        lines += [f"{person.key},crm,{day.isoformat()},contacts" for person in people if day.weekday() < 5]
    assert run_import("usage", "\n".join(lines) + "\n").refused == 0


def test_recompute_stores_and_export_reads_back_as_csv_and_json(
    runner, make_unit, make_system, make_person, make_subscription, run_import
):
    _organisation(make_unit, make_system, make_person, make_subscription, run_import)
    done = runner.invoke(args=["recompute", "--as-of", AS_OF.isoformat()])
    assert done.exit_code == 0, done.output
    assert "Scored 1 subscriptions and 1 units as of 2026-03-31" in done.output
    assert db.session.scalar(select(func.count()).select_from(HealthScore).where(HealthScore.as_of == AS_OF)) == 2

    exported = runner.invoke(args=["health", "export", "--as-of", AS_OF.isoformat(), "--format", "json"])
    assert exported.exit_code == 0, exported.output
    records = json.loads(exported.output)
    subscription, unit = records
    assert subscription["unit_key"] == "=cmd" and subscription["system_key"] == "crm"
    assert (subscription["seats"], subscription["active_people"], subscription["reclaimable_seats"]) == (10, 6, 4)
    assert subscription["colour"] in {"green", "yellow", "red"} and subscription["stage"] in {"onboarding", "adoption"}
    assert unit["system_key"] == "" and unit["seats"] == 10 and isinstance(unit["reasons"], list)

    as_csv = runner.invoke(args=["health", "export", "--as-of", AS_OF.isoformat()])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert rows[0]["unit_key"] == "'=cmd"  # a spreadsheet must not run it
    assert rows[0]["reasons"] == " | ".join(subscription["reasons"])
    assert list(rows[0]) == [
        "unit_key",
        "system_key",
        "score",
        "colour",
        "stage",
        "seats",
        "active_people",
        "reclaimable_seats",
        "reasons",
    ]


def test_a_bad_date_is_refused_with_a_message(runner):
    result = runner.invoke(args=["recompute", "--as-of", "31/03/2026"])
    assert result.exit_code == 2 and "is not a date (YYYY-MM-DD)" in result.output


def test_backtest_reports_on_the_history_and_refuses_an_empty_database(
    runner, make_unit, make_system, make_person, make_subscription, run_import
):
    empty = runner.invoke(args=["backtest"])
    assert empty.exit_code == 1 and "There is no usage data to replay." in empty.output
    _organisation(make_unit, make_system, make_person, make_subscription, run_import)
    result = runner.invoke(args=["backtest", "--from", "2026-03-06", "--to", AS_OF.isoformat(), "--summary"])
    assert result.exit_code == 0, result.output
    assert "Replayed" in result.output and "for 1 subscriptions" in result.output
    decline_block = "Decline warnings (early sign of decline):\n  declines and abandonments: 0, of which 0 graded"
    assert decline_block in result.output
    assert "Any yellow or red:\n  declines and abandonments: 0" in result.output


def test_recompute_with_weeks_stores_a_snapshot_for_each_week_before(
    runner, make_unit, make_system, make_person, make_subscription, run_import
):
    _organisation(make_unit, make_system, make_person, make_subscription, run_import)
    done = runner.invoke(args=["recompute", "--as-of", AS_OF.isoformat(), "--weeks", "4"])  # a Tuesday
    assert done.exit_code == 0, done.output
    stored = select(HealthScore.as_of).where(HealthScore.as_of <= AS_OF)  # (the import also scored today)
    days = sorted(db.session.scalars(stored.where(HealthScore.system_id.is_(None))))
    # The Sundays closing the four weeks before, oldest first, then the day itself.
    assert days == [date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22), date(2026, 3, 29), AS_OF]
    assert "2026-03-08: " in done.output and "Scored 1 subscriptions and 1 units as of 2026-03-31" in done.output
    again = runner.invoke(args=["recompute", "--as-of", AS_OF.isoformat(), "--weeks", "4"])
    assert again.exit_code == 0 and db.session.scalar(select(func.count()).select_from(stored.subquery())) == 10
    refused = runner.invoke(args=["recompute", "--weeks", "-1"])
    assert refused.exit_code != 0 and "-1" in refused.output
