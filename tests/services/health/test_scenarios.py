"""The examples of DOMAIN.md, built as small organisations through the import engine and scored as of a date.

These run on SQLite and on PostgreSQL (.ci/run), so the facts queries are proven on both.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import HealthScore, StageTransition, Unit, db
from portal.services.health import engine
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
    measures = {m["key"]: m for m in record.explanation["measures"]}
    assert set(measures) >= {"seat_utilisation", "breadth", "habit", "key_users", "trend", "ticket_load"}
    key_users = measures["key_users"]
    assert key_users["critical"] and key_users["weight"] > 0 and key_users["reason"] == record.reasons[0]
    judged = [m for m in measures.values() if m["score"] is not None]
    assert sum(m["share"] for m in judged) == pytest.approx(1.0, abs=1e-3)
    assert sum(m["contribution"] for m in judged) == pytest.approx(record.score, abs=0.1)
    assert record.explanation["lift"].startswith("resolve: key user activity down")
    assert record.explanation["playbook"] and record.profile_version is not None
    unit = scored[("key-quiet", "")]
    assert unit.colour == "yellow" and unit.reasons[0].startswith("CRM: key user activity down")


def test_a_recompute_as_of_the_same_date_gives_the_same_result_and_keeps_one_row(scored):
    again = engine.recompute(AS_OF)
    for record in again.subscription_records.values():
        first = scored[(record.unit_key, record.system_key)]
        assert (record.score, record.colour, record.stage, record.reasons) == (
            first.score, first.colour, first.stage, first.reasons,
        )  # fmt: skip
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


def test_scanning_on_several_connections_gives_what_one_connection_gives(scored, app, monkeypatch):
    monkeypatch.setitem(app.config, "HEALTH_QUERY_WORKERS", 1)
    alone = engine.compute(AS_OF)
    monkeypatch.setitem(app.config, "HEALTH_QUERY_WORKERS", 3)
    together = engine.compute(AS_OF)
    assert {k: (r.score, r.colour, r.stage, r.reasons) for k, r in alone.subscription_records.items()} == {
        k: (r.score, r.colour, r.stage, r.reasons) for k, r in together.subscription_records.items()
    }
    # The workers' small scan cache does not stay with the pooled connections (an import needs the large one).
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -65_536


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
