"""The examples of DOMAIN.md, built as small organisations through the import engine and scored as of a date.

These run on SQLite and on PostgreSQL (.ci/run), so the facts queries are proven on both.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from models import HealthScore, Person, StageTransition, Unit, UsageDaily, db
from portal.services.health import engine, facts
from portal.services.health.facts import as_date
from tests.services.health.organisation import AS_OF


def test_the_domain_examples_get_their_stage_and_colour(scored):
    def check(unit, system, colour=None, stage=None, not_colour=None, not_stage=None):
        record = scored[(unit, system)]
        where = f"{unit}×{system}: {record.colour}/{record.stage} — {record.reasons}"
        if colour:
            assert record.colour == colour, where
        if stage:
            assert record.stage == stage, where
        if not_colour:
            assert record.colour not in not_colour, where
        if not_stage:
            assert record.stage != not_stage, where
        return record

    check("steady", "crm", colour="green", stage="adoption")
    check("onboarding", "crm", stage="onboarding")
    check("growing", "crm", stage="growth", not_colour={"red", "grey"})
    check("declining", "crm", stage="decline", not_colour={"green", "grey"})
    for unit in ("august", "august-learned"):
        silent = check(unit, "crm", not_colour={"red", "grey"}, not_stage="decline")
        assert any("seasonal: usual for this unit in August" in reason for reason in silent.reasons), silent.reasons
    quiet = check("key-quiet", "crm", colour="yellow")
    assert quiet.reasons[0].startswith("key user activity down"), quiet.reasons
    surge = check("surge", "crm", colour="yellow")
    assert "× the usual tickets" in surge.reasons[0], surge.reasons
    scheduling = check("scheduling", "fsm", colour="red")
    assert any("“planning” missed" in reason for reason in scheduling.reasons)
    assert any("business value answered very low" in reason for reason in scheduling.reasons)
    idle = check("idle", "erp")
    assert (idle.seats, idle.active_people, idle.reclaimable_seats) == (100, 40, 60)
    empty = check("no-data", "crm", colour="grey")
    assert empty.score is None and "no usage data" in empty.reasons[0]
    for unit in ("stale-a", "stale-b"):
        stale = check(unit, "legacy", colour="grey")
        assert stale.reasons[0].startswith("data stale: no usage data for legacy from any unit since"), stale.reasons
        assert stale.stage != "decline"


def test_every_score_explains_itself_and_records_its_profile(scored):
    record = scored[("key-quiet", "crm")]
    measures = {line.key: line for line in record.explanation.measures}
    assert set(measures) >= {"seat_utilisation", "breadth", "habit", "key_users", "trend", "ticket_load"}
    key_users = measures["key_users"]
    assert key_users.critical and key_users.weight > 0 and key_users.reason == record.reasons[0]
    assert record.explanation.critical_signals == (key_users,)
    judged = [line for line in measures.values() if line.score is not None]
    assert sum(line.share for line in judged) == pytest.approx(1.0, abs=1e-3)
    assert sum(line.contribution for line in judged) == pytest.approx(record.score, abs=0.1)
    assert record.explanation.lift.startswith("resolve: key user activity down")
    assert record.explanation.playbook and record.profile_version is not None
    unit = scored[("key-quiet", "")]
    # Its score is green, its one subscription holds it at yellow: the sentence why comes first.
    assert (
        unit.colour == "yellow"
        and unit.reasons[0] == f"Yellow although {unit.score:.0f}: CRM holds 14 of 14 seats and is yellow"
    )
    assert unit.explanation.colour_note == unit.reasons[0]
    # The part carries its licence money for the roll-up: 14 seats × 40 EUR, the catalog's price.
    assert unit.explanation.children[0].money == unit.money == (("EUR", 560.0),)
    stored = next(record for record in engine.stored_records(AS_OF) if record.unit_key == "key-quiet")
    assert stored.system_key == "" and stored.money == unit.money and stored.reasons[0] == unit.reasons[0]
    assert stored.explanation == unit.explanation
    assert unit.reasons[1].startswith("CRM: key user activity down")


def test_a_recompute_as_of_the_same_date_gives_the_same_result_and_keeps_one_row(scored):
    again = engine.recompute(AS_OF)
    for record in again.subscription_records.values():
        first = scored[(record.unit_key, record.system_key)]
        assert (record.score, record.colour, record.stage, record.reasons) == (
            first.score,
            first.colour,
            first.stage,
            first.reasons,
        )
    rows = db.session.scalar(select(func.count()).select_from(HealthScore).where(HealthScore.as_of == AS_OF))
    assert rows == len(again.subscription_records) + len(again.unit_records)
    # A later day of the same week replaces the row; the stage transitions are not recorded twice.
    transitions = db.session.scalar(select(func.count()).select_from(StageTransition))
    engine.recompute(AS_OF + timedelta(days=1))
    assert db.session.scalar(select(func.count()).select_from(HealthScore).where(HealthScore.as_of == AS_OF)) == 0
    assert db.session.scalar(select(func.count()).select_from(StageTransition)) >= transitions
    stages = {
        (unit_id, to_stage)
        for unit_id, to_stage in db.session.execute(select(StageTransition.unit_id, StageTransition.to_stage))
    }
    assert any(to_stage == "decline" for _, to_stage in stages)


def test_the_facts_read_from_day_bits_are_those_of_the_daily_rollup(scored):
    """The scoring reads day bits; a plain reading of usage_daily, day by day, must give the same facts."""
    rows = db.session.execute(
        select(UsageDaily.unit_id, UsageDaily.system_id, UsageDaily.day, UsageDaily.person_id, UsageDaily.feature)
    ).all()
    key_users = set(db.session.scalars(select(Person.id).where(Person.role == "key_user")))
    for as_of in (AS_OF, AS_OF - timedelta(days=45), AS_OF - timedelta(days=400)):
        for found in facts.gather(as_of):
            mine = [
                (as_date(day), person, feature)
                for u, s, day, person, feature in rows
                if (u, s) == (found.unit_id, found.system_id) and as_date(day) <= as_of
            ]
            weeks: dict[int, int] = defaultdict(int)
            window_days: dict[int, set] = defaultdict(set)
            for day, person, _ in mine:
                if (as_of - day).days < facts.HISTORY_DAYS:
                    weeks[person] |= 1 << ((as_of - day).days // 7)
                if day >= found.window_start:
                    window_days[person].add(day)
            assert sorted(found.person_weeks) == sorted(weeks.values())
            assert found.active_days == tuple(sorted(len(days) for days in window_days.values()))
            key_days = {(day, person) for day, person, _ in mine if person in key_users}
            usual_from = found.window_start - timedelta(days=facts.KEY_USER_USUAL_DAYS)
            assert found.key_user_recent_days == sum(day >= found.window_start for day, _ in key_days)
            assert found.key_user_usual_days * 3 == sum(usual_from <= day < found.window_start for day, _ in key_days)
            if found.key_action:
                used = [day for day, _, feature in mine if feature == found.key_action]
                assert found.key_action_last == max(used, default=None)
            for module, mask in found.module_weeks.items():
                expected = 0
                for day, _, feature in mine:
                    if feature == module and (as_of - day).days < facts.FEATURE_DAYS:
                        expected |= 1 << ((as_of - day).days // 7)
                assert mask == expected


def test_a_unit_whose_seats_moved_into_decline_records_its_own_transition(scored):
    engine.recompute(AS_OF - timedelta(days=120))
    engine.recompute(AS_OF)
    unit_transitions = db.session.execute(
        select(
            StageTransition.from_stage, StageTransition.to_stage, StageTransition.reason, StageTransition.happened_on
        )
        .join(Unit, Unit.id == StageTransition.unit_id)
        .where(Unit.key == "declining", StageTransition.system_id.is_(None))
    ).all()
    assert [(t.from_stage, t.to_stage, t.happened_on) for t in unit_transitions] == [("adoption", "decline", AS_OF)]
    assert "most of the unit's seats are now in decline" in unit_transitions[0].reason
    count = select(func.count()).select_from(StageTransition).where(StageTransition.system_id.is_(None))
    before = db.session.scalar(count)
    engine.recompute(AS_OF)  # the same day again: nothing recorded twice
    assert db.session.scalar(count) == before


def test_a_subtree_scored_alone_gives_what_the_full_recompute_gives(scored):
    full = engine.compute(AS_OF)
    for key in ("declining", "idle", "scheduling", "no-data"):
        unit = db.session.scalar(select(Unit).where(Unit.key == key))
        alone = engine.compute_subtree(AS_OF, unit.id)
        assert alone.unit_records[unit.id] == full.unit_records[unit.id]
        assert alone.subscription_records == {
            sid: record for sid, record in full.subscription_records.items() if sid in alone.subscription_records
        }
        assert set(alone.unit_records) == {unit.id}  # nothing above it


def test_a_move_found_again_by_a_replay_on_other_days_is_recorded_once(scored):
    """Each day's recompute replays the weeks ending on its own day, so it places a move a few days from where
    the run of another day put it; the records keep one move, never two into the same stage in a row."""
    for days in range(1, 9):
        engine.recompute(AS_OF + timedelta(days=days))
    rows = (
        db.session.execute(
            select(StageTransition.unit_id, StageTransition.system_id, StageTransition.to_stage)
            .where(StageTransition.system_id.is_not(None))
            .order_by(StageTransition.unit_id, StageTransition.system_id, StageTransition.happened_on)
        )
        .tuples()
        .all()
    )
    assert rows  # the scenario has moves to keep
    twice = [(a, b) for a, b in pairwise(rows) if a == b]
    assert twice == []


def test_a_move_already_in_the_records_is_told_apart_from_a_new_one():
    from portal.services.health.engine import _already_recorded

    day = date(2026, 10, 4)
    stages = [(date(2026, 9, 1), "growth"), (day, "adoption")]
    assert _already_recorded(stages, day + timedelta(days=8), "adoption")  # in adoption since the 4th
    assert _already_recorded(stages, day - timedelta(days=3), "adoption")  # the 4th's move, placed earlier
    assert not _already_recorded(stages, day - timedelta(days=20), "adoption")  # too far apart to be the same
    assert not _already_recorded(stages, day + timedelta(days=8), "decline")
    assert not _already_recorded([], day, "adoption")
