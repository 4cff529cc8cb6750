"""Issue 18 through the engine: a small organisation imported as canonical CSV and scored as of a date. The
money comes from the subscription's cost, the headcount from the unit, the threshold from the profile in
force. Runs on SQLite and on PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import db
from portal.services.health import engine, profiles
from portal.services.health.stages import Stage
from tests.scoring_later import scoring_later
from tests.services.health.organisation import AS_OF, KINDS_IN_ORDER, Org, subscribe, team, use

STARTED = AS_OF - timedelta(days=200)  # long past onboarding, not a year back: no learned quiet weeks


def small_organisation() -> Org:
    org = Org()
    org.systems = [
        {
            "system_key": "erp",
            "name": "ERP",
            "license_model": "per_seat",
            "seat_cost": "1000",
            "modules": "",
            "core_modules": "",
        },
        {"system_key": "wiki", "name": "Wiki", "license_model": "site", "modules": "", "core_modules": ""},
    ]
    org.units = [
        {"unit_key": "forty", "name": "Forty percent"},
        {"unit_key": "half", "name": "Exactly half"},
        {"unit_key": "sparse", "name": "Few on record", "headcount": "300"},
        {"unit_key": "known", "name": "Headcount smaller", "headcount": "5"},
    ]
    for unit, seats in (("forty", 30), ("half", 24)):
        people = team(org, unit)  # 12 people, every one of them active
        subscribe(org, unit, "erp", seats)
        use(org, people, "erp", STARTED, AS_OF, seed=len(unit), presence=0.9)
    subscribe(org, "forty", "wiki", 100)  # a site licence: its seats are not a measure
    use(org, org_people(org, "forty"), "wiki", STARTED, AS_OF, seed=21, presence=0.9)
    for unit in ("sparse", "known"):
        people = team(org, unit, size=8)
        subscribe(org, unit, "erp", 8)
        use(org, people, "erp", STARTED, AS_OF, seed=len(unit) + 30, presence=0.9)
    return org


def org_people(org: Org, unit: str) -> list[str]:
    return [str(person["person_key"]) for person in org.people if person["unit_key"] == unit]


@pytest.fixture
def imported(run_import, app):
    org = small_organisation()
    with scoring_later(app):
        for kind in KINDS_IN_ORDER:
            if rows := org.csv(kind).strip():
                run = run_import(kind, rows + "\n")
                assert run.refused == 0, (kind, run.error)


def scores() -> dict[tuple[str, str], object]:
    result = engine.recompute(AS_OF)
    db.session.commit()
    return {(record.unit_key, record.system_key): record for record in result.subscription_records.values()}


def measure(record, key: str):
    return next(line for line in record.explanation.measures if line.key == key)


def test_unused_seats_hold_a_healthy_subscription_at_yellow_and_name_the_money(imported):
    found = scores()
    forty = found[("forty", "erp")]
    assert forty.score >= 70, forty.reasons  # green by its average…
    assert forty.colour == "yellow"  # …held by its 18 unused seats
    assert forty.reasons[0] == "12 of 30 seats used in the last 30 days: 18 unused, 18 k EUR a year"
    assert measure(forty, "seat_utilisation").critical
    assert forty.explanation.lift == f"resolve: {forty.reasons[0]}"
    half = found[("half", "erp")]
    assert half.colour == "green", half.reasons  # 12 of 24: exactly half is not critical
    assert not measure(half, "seat_utilisation").critical
    wiki = found[("forty", "wiki")]
    assert wiki.colour == "green", wiki.reasons  # a site licence is never held by its seats
    assert measure(wiki, "seat_utilisation").reason == "not a per-seat licence"


def test_breadth_counts_the_units_headcount_when_larger_than_its_people_on_record(imported):
    found = scores()
    sparse = measure(found[("sparse", "erp")], "breadth")
    assert sparse.raw == pytest.approx(8 / 300)
    assert sparse.reason == "8 people of 300 active in the last 30 days (3%); 8 people on record of 300"
    known = measure(found[("known", "erp")], "breadth")
    assert known.raw == 1.0 and known.reason == "8 people of 8 active in the last 30 days (100%)"


def test_the_profiles_share_sets_where_unused_seats_become_critical(imported):
    assert scores()[("forty", "erp")].colour == "yellow"
    in_force = profiles.current_rows()
    for stage in Stage:
        row = in_force[stage]
        profiles.save_profile(
            stage, row.weights, row.green_at, row.yellow_at, row.min_coverage, None, "fewer alarms", 0.3
        )
    db.session.commit()
    assert {row.seats_critical_below for row in profiles.current_rows().values()} == {0.3}
    relaxed = scores()[("forty", "erp")]
    assert relaxed.colour == "green"  # 40% is above 30%
    assert "12 of 30 seats used in the last 30 days (18 reclaimable)" in relaxed.reasons
