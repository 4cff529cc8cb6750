"""The demo's past: canonical files, deterministic, within the master data, and showing the domain examples."""

from __future__ import annotations

import csv
import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

import models.accounts
from models import Person, Subscription, TicketStatus, Unit, db
from portal.services import demo
from portal.services.demo import history
from portal.services.demo.history import (
    DECLINE,
    GROWTH,
    IDLE_SEATS,
    KEY_USER_QUIET,
    MISSED_KEY_ACTION,
    ONBOARDING,
    SCENARIOS,
    SURVEY_COLUMNS,
    TICKET_COLUMNS,
    USAGE_COLUMNS,
    write_history,
)
from portal.services.health.quiet_periods import is_quiet
from tests.wiping import wipe_data

# Fourteen months back from 1 September reach 1 July of the year before: two Swedish summers in the files.
TODAY = date(2025, 9, 1)
MONTHS = 14
# The whole demo takes a while to write: the tests keep the units of the examples and the Swedish sites.
KEPT_UNITS = {scenario.unit_key for scenario in SCENARIOS} | {
    "technician-scheduling",
    "field-service",
    "energy-sustainability",
    "hr-services",
    "recruitment",
}
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@dataclass
class Facts:
    """What the master data said, kept before the tables are emptied between tests."""

    unit_of: dict[str, str]
    role_of: dict[str, str]
    go_live: dict[tuple[str, str], date]  # per (unit key, system key) subscribed
    quiet: dict[str, str]
    modules: dict[str, set[str]]


@dataclass
class UsageDigest:
    """One pass over usage.csv: what the tests ask of it, without keeping half a million rows."""

    header: list[str] = field(default_factory=list)
    rows: int = 0
    duplicate_ids: int = 0
    malformed: list[dict] = field(default_factory=list)
    outsiders: list[dict] = field(default_factory=list)
    first_day: dict[tuple[str, str], str] = field(default_factory=dict)
    rows_per_unit_day: Counter = field(default_factory=Counter)
    scenario_rows: dict[tuple[str, str], list[tuple[str, date, str]]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class History:
    paths: dict[str, Path]
    facts: Facts
    usage: UsageDigest
    tickets: list[dict]
    surveys: list[dict]
    again: dict[str, Path]  # a short history written twice with the same seed
    twice: dict[str, Path]
    other_seed: dict[str, Path]


def _facts() -> Facts:
    units = {unit.id: unit for unit in db.session.scalars(select(Unit))}
    people = list(db.session.scalars(select(Person)))
    subscriptions = list(db.session.scalars(select(Subscription)))
    return Facts(
        unit_of={person.key: units[person.unit_id].key for person in people},
        role_of={person.key: person.role for person in people},
        go_live={(s.unit.key, s.system.key): s.go_live for s in subscriptions},
        quiet={unit.key: unit.quiet_periods for unit in units.values()},
        modules={s.system.key: {module.key for module in s.system.modules} for s in subscriptions},
    )


def _digest_usage(path: Path, facts: Facts) -> UsageDigest:
    digest, seen = UsageDigest(), set()
    scenarios = {(s.unit_key, s.system_key) for s in SCENARIOS}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        digest.header = list(reader.fieldnames or [])
        for row in reader:
            digest.rows += 1
            record = (row["source_system"], row["source_record_id"])
            digest.duplicate_ids += record in seen
            seen.add(record)
            unit, system, day = facts.unit_of.get(row["person_key"]), row["system_key"], row["occurred_at"][:10]
            if (unit, system) not in facts.go_live:
                digest.outsiders.append(row)
                continue
            well_formed = (
                STAMP.fullmatch(row["occurred_at"])
                and int(row["count"]) >= 1
                and row["feature"] in facts.modules[system]
                and row["unit_key"] == ""
                and row["source_record_id"]
            )
            if not well_formed:
                digest.malformed.append(row)
            key = (unit, system)
            if day < digest.first_day.get(key, "9999"):
                digest.first_day[key] = day
            digest.rows_per_unit_day[unit, day] += 1
            if key in scenarios:
                digest.scenario_rows[key].append((row["person_key"], date.fromisoformat(day), row["feature"]))
    return digest


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _cheap(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture(scope="module")
def written(app, tmp_path_factory) -> History:
    """The demo loaded and its history written once for the module; the tables are emptied after each test."""
    patch = pytest.MonkeyPatch()
    patch.setattr(demo, "generate_password_hash", _cheap)
    patch.setattr(models.accounts, "generate_password_hash", _cheap)
    try:
        with app.app_context():
            demo.load_demo(today=TODAY)
            db.session.execute(delete(Subscription).where(Subscription.unit_id.not_in(_kept_unit_ids())))
            db.session.commit()
            paths = write_history(tmp_path_factory.mktemp("history"), today=TODAY, months=MONTHS)
            short = [tmp_path_factory.mktemp("short") for _ in range(3)]
            again = write_history(short[0], today=TODAY, months=3)
            twice = write_history(short[1], today=TODAY, months=3)
            other_seed = write_history(short[2], today=TODAY, months=3, seed=8)
            facts = _facts()
            db.session.rollback()
            wipe_data(db.session.execute)
            db.session.commit()
    finally:
        patch.undo()
    usage = _digest_usage(paths["usage"], facts)
    return History(paths, facts, usage, _read(paths["tickets"]), _read(paths["surveys"]), again, twice, other_seed)


def _kept_unit_ids() -> list[int]:
    return list(db.session.scalars(select(Unit.id).where(Unit.key.in_(KEPT_UNITS))))


def _days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


# --- the files ---------------------------------------------------------------------------------------------


def test_files_have_the_canonical_headers_and_well_formed_rows(written):
    assert written.usage.header == list(USAGE_COLUMNS)
    assert written.usage.malformed == []
    assert written.usage.duplicate_ids == 0
    assert 50_000 < written.usage.rows < 1_200_000
    for name, columns in (("tickets", TICKET_COLUMNS), ("surveys", SURVEY_COLUMNS)):
        with written.paths[name].open(encoding="utf-8", newline="") as handle:
            assert csv.DictReader(handle).fieldnames == list(columns)
    for ticket in written.tickets:
        assert STAMP.fullmatch(ticket["opened_at"]) and ticket["status"] in set(TicketStatus)
        assert ticket["resolved_at"] == "" or ticket["resolved_at"] >= ticket["opened_at"]
        assert 1 <= int(ticket["priority"]) <= 5 and ticket["type"] in {"incident", "request", "question"}
        assert ticket["csat"] == "" or 1 <= int(ticket["csat"]) <= 5
        assert bool(ticket["person_key"]) != bool(ticket["unit_key"])
    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "value": (0, 10)}
    for answer in written.surveys:
        low, high = scales[answer["question"]]
        assert low <= int(answer["score"]) <= high and STAMP.fullmatch(answer["submitted_at"])
    assert len({(a["response_id"], a["question"]) for a in written.surveys}) == len(written.surveys)


def test_some_tickets_are_sent_twice_and_the_later_row_resolves_them(written):
    rows_per_ticket = defaultdict(list)
    for ticket in written.tickets:
        rows_per_ticket[ticket["ticket_id"]].append(ticket)
    updated = [rows for rows in rows_per_ticket.values() if len(rows) > 1]
    assert updated and all(len(rows) == 2 for rows in updated)
    for first, last in updated:
        assert (first["status"], first["resolved_at"]) == ("open", "")
        assert last["status"] in {"resolved", "closed"} and last["resolved_at"]


def test_same_seed_and_day_write_the_same_bytes(written):
    for name in ("usage", "tickets", "surveys"):
        assert written.again[name].read_bytes() == written.twice[name].read_bytes(), name
    assert written.again["usage"].read_bytes() != written.other_seed["usage"].read_bytes()


# --- within the master data --------------------------------------------------------------------------------


def test_nothing_happens_before_go_live(written):
    for (unit, system), first_day in written.usage.first_day.items():
        assert first_day >= written.facts.go_live[unit, system].isoformat(), (unit, system)
    for ticket in written.tickets:
        unit = ticket["unit_key"] or written.facts.unit_of[ticket["person_key"]]
        go_live = written.facts.go_live[unit, ticket["system_key"]]
        assert ticket["opened_at"][:10] >= go_live.isoformat()
    for answer in written.surveys:
        go_live = written.facts.go_live[written.facts.unit_of[answer["person_key"]], answer["system_key"]]
        assert answer["submitted_at"][:10] >= go_live.isoformat()


def test_only_people_of_subscribing_units_appear(written):
    assert written.usage.outsiders == []
    subscribed = written.facts.go_live
    for ticket in written.tickets:
        unit = ticket["unit_key"] or written.facts.unit_of[ticket["person_key"]]
        assert (unit, ticket["system_key"]) in subscribed
    for answer in written.surveys:
        assert (written.facts.unit_of[answer["person_key"]], answer["system_key"]) in subscribed


# --- the examples of the domain brief ----------------------------------------------------------------------


def test_swedish_summer_sites_are_silent_both_summers(written):
    swedish = [unit for unit, quiet in written.facts.quiet.items() if "07-01..08-15" in quiet]
    assert "field-technicians-north" in swedish and "technician-scheduling" in swedish
    for year in (TODAY.year - 1, TODAY.year):
        summer = [date(year, 7, 1) + timedelta(days=n) for n in range(46)]
        june = [date(year, 6, 1) + timedelta(days=n) for n in range(30)]
        for unit in swedish:
            quiet_rows = sum(written.usage.rows_per_unit_day[unit, day.isoformat()] for day in summer)
            normal_rows = sum(written.usage.rows_per_unit_day[unit, day.isoformat()] for day in june)
            if normal_rows >= 100:
                assert quiet_rows / len(summer) < 0.1 * normal_rows / len(june), (unit, year)
            assert all(is_quiet(written.facts.quiet[unit], day) for day in summer)


def test_operational_risk_key_users_went_quiet(written):
    rows = written.usage.scenario_rows[KEY_USER_QUIET.unit_key, KEY_USER_QUIET.system_key]
    key_users = {person for person, role in written.facts.role_of.items() if role == "key_user"}
    key_users &= {person for person, unit in written.facts.unit_of.items() if unit == KEY_USER_QUIET.unit_key}
    recent = [row for row in rows if row[0] in key_users and row[1] > _days_ago(history.KEY_USER_SILENT_DAYS)]
    before = [row for row in rows if row[0] in key_users and _days_ago(90) < row[1] <= _days_ago(30)]
    assert key_users and recent == [] and len(before) > 20
    others_recent = [row for row in rows if row[0] not in key_users and row[1] > _days_ago(21)]
    assert others_recent  # the team still works; only its champions went quiet


def test_operational_risk_tickets_surge_fourfold(written):
    opened = {
        t["ticket_id"]: date.fromisoformat(t["opened_at"][:10])
        for t in written.tickets
        if (t["unit_key"] or written.facts.unit_of[t["person_key"]]) == KEY_USER_QUIET.unit_key
    }
    last_month = sum(day > _days_ago(30) for day in opened.values())
    year_before = sum(_days_ago(390) < day <= _days_ago(30) for day in opened.values())
    usual = year_before / 12
    assert usual > 0.5 and 3 <= last_month / usual <= 5


def test_technician_scheduling_skipped_its_monthly_planning(written):
    rows = written.usage.scenario_rows[MISSED_KEY_ACTION.unit_key, MISSED_KEY_ACTION.system_key]
    planning = sorted({day for _, day, feature in rows if feature == "monthly_planning"})
    assert [day for day in planning if day > _days_ago(60)] == []
    assert len(planning) >= 8  # it ran every cycle before
    gaps = [(later - earlier).days for earlier, later in itertools.pairwise(planning)]
    assert max(gaps) <= 30 + 10  # moved off weekends, never skipped before
    assert any(day > _days_ago(60) for _, day, _ in rows)  # the team is still using the system


def test_technician_scheduling_rates_business_value_low(written):
    answers = [
        a
        for a in written.surveys
        if a["system_key"] == "ifs-fsm" and written.facts.unit_of[a["person_key"]] == MISSED_KEY_ACTION.unit_key
    ]
    latest = max(a["submitted_at"][:7] for a in answers)  # the latest pulse's month
    values = [int(a["score"]) for a in answers if a["question"] == "value" and a["submitted_at"][:7] == latest]
    assert values and set(values) <= {2, 3}
    earlier = [int(a["score"]) for a in answers if a["question"] == "value" and a["submitted_at"][:7] < "2025-03"]
    assert sum(earlier) / len(earlier) > 4.5


def test_idle_seats_show_exactly_forty_people(written):
    rows = written.usage.scenario_rows[IDLE_SEATS.unit_key, IDLE_SEATS.system_key]
    assert len({person for person, _, _ in rows}) == 40
    assert len({person for person, day, _ in rows if day > _days_ago(30)}) == 40
    unit_size = sum(unit == IDLE_SEATS.unit_key for unit in written.facts.unit_of.values())
    assert unit_size >= 100


def _active_people(rows, first: int, last: int) -> int:
    """Distinct people active between `first` and `last` days ago."""
    return len({person for person, day, _ in rows if _days_ago(first) < day <= _days_ago(last)})


def test_lifecycle_stages_are_visible(written):
    scenario_rows = written.usage.scenario_rows
    onboarding = scenario_rows[ONBOARDING.unit_key, ONBOARDING.system_key]
    assert min(day for _, day, _ in onboarding) >= _days_ago(history.ONBOARDING_DAYS)
    assert _active_people(onboarding, 14, 0) > 1.5 * _active_people(onboarding, 56, 42)

    growth = scenario_rows[GROWTH.unit_key, GROWTH.system_key]
    assert _active_people(growth, 21, 0) > 1.4 * _active_people(growth, 200, 179)
    new_modules = {feature for _, day, feature in growth if day > _days_ago(60)}
    old_modules = {feature for _, day, feature in growth if day <= _days_ago(history.GROWTH_DAYS)}
    assert {"cpq", "reports"} <= new_modules - old_modules

    decline = scenario_rows[DECLINE.unit_key, DECLINE.system_key]
    assert _active_people(decline, 21, 0) < 0.6 * _active_people(decline, 200, 179)
    assert any(f == "landing_pages" for _, day, f in decline if day <= _days_ago(history.DECLINE_DAYS))
    assert not any(f == "landing_pages" for _, day, f in decline if day > _days_ago(history.DECLINE_DAYS))
