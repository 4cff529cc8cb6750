"""The day bits the scoring reads are exactly the days of the daily rollup, however the rows arrived."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from models import RunSource, UsageDaily, UsageFeatureDays, UsagePersonDays, db
from portal.services import imports
from portal.services.health.day_bits import span_and_bit
from portal.services.health.facts import as_date
from portal.services.imports.handlers import usage

HEADER = "source_system,source_record_id,person_key,system_key,occurred_at,feature,count,duration_seconds,unit_key\n"


def expected_from_rollup() -> tuple[dict, dict]:
    """The bits worked out the slow, obvious way: one day of usage_daily at a time."""
    people: dict[tuple, int] = defaultdict(int)
    features: dict[tuple, int] = defaultdict(int)
    for unit, system, day, person, feature in db.session.execute(
        select(UsageDaily.unit_id, UsageDaily.system_id, UsageDaily.day, UsageDaily.person_id, UsageDaily.feature)
    ):
        span, bit = span_and_bit(as_date(day))
        people[(unit, system, person, span)] |= 1 << bit
        if feature:
            features[(unit, system, feature, span)] |= 1 << bit
    return dict(people), dict(features)


def _bits_of(model, member) -> dict:
    """A day-bit table as {(unit, system, person or feature, span): bits}."""
    columns = (model.unit_id, model.system_id, member, model.span, model.day_bits)
    return {tuple(row[:4]): row[4] for row in db.session.execute(select(*columns))}


def stored() -> tuple[dict, dict]:
    return _bits_of(UsagePersonDays, UsagePersonDays.person_id), _bits_of(UsageFeatureDays, UsageFeatureDays.feature)


def usage_rows(first: int, last: int, days: list[str]) -> str:
    lines = []
    for number in range(first, last):
        person = f"p{number % 3 + 1}"
        feature = ("planning", "orders", "")[number % 3]
        lines.append(f"idp,{number},{person},ifs,{days[number % len(days)]},{feature},1,,")
    return HEADER + "\n".join(lines) + "\n"


# Days either side of a span boundary (span 327 starts on 2026-05-25), and far apart.
DAYS = ["2026-05-23", "2026-05-24", "2026-05-25", "2026-05-26", "2026-06-01", "2026-11-02", "2025-12-24"]


def test_an_import_sets_the_bits_of_every_day_of_the_rollup(run_import, org):
    run_import("usage", usage_rows(0, 40, DAYS))
    people, features = stored()
    assert (people, features) == expected_from_rollup()
    # The rows of 2026-05-23…26 fall into two spans.
    assert span_and_bit(date(2026, 5, 24)) == (326, 62) and span_and_bit(date(2026, 5, 25)) == (327, 0)
    assert features and all(feature in {"planning", "orders"} for _, _, feature, _ in features)


def test_overlapping_imports_and_repeats_set_each_day_once(run_import, org):
    run_import("usage", usage_rows(0, 30, DAYS))
    # Rows 20–59: half known already, so the batch's new rows are read back from usage_event.
    run_import("usage", usage_rows(20, 60, [*DAYS, "2026-03-01"]))
    after = stored()
    assert after == expected_from_rollup()
    run_import("usage", usage_rows(0, 60, [*DAYS, "2026-03-01"]))
    assert stored() == after


def test_a_push_and_an_early_flush_keep_the_bits_exact(org, monkeypatch):
    monkeypatch.setattr(usage, "DAY_BITS_FLUSH_AT", 2)  # write the gathered bits after every batch
    records = [
        {"person_key": f"p{n % 3 + 1}", "system_key": "ifs", "occurred_at": day, "feature": "planning"}
        for n, day in enumerate(DAYS * 3)
    ]
    run = imports.import_records("usage", records, source=RunSource.API)
    assert run.inserted == len(records)
    assert stored() == expected_from_rollup()


def test_the_migration_fills_the_bits_from_the_rollup(run_import, org):
    run_import("usage", usage_rows(0, 50, DAYS))
    imported = stored()
    db.session.remove()
    downgrade(revision="ea5b2390898a")  # the tables go…
    upgrade()  # …and come back filled from usage_daily
    assert stored() == imported
