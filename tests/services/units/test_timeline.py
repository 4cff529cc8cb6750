"""A unit's timeline: every kind of event in one order, filtered by kind and by who is looking, a page at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from models import (
    Goal,
    PlanStep,
    Probability,
    ReviewProduced,
    RiskOutcome,
    RiskSource,
    Role,
    StageTransition,
    TouchpointKind,
    db,
)
from portal.services.risks import lifecycle as risks
from portal.services.risks import reasons as risk_reasons
from portal.services.units import timeline as unit_timeline
from portal.services.units import touchpoints
from tests.scores import add_score
from tests.scoring_later import scoring_later


@pytest.fixture
def history(make_account, make_unit, make_system, make_subscription, make_person, run_import, app):
    risk_reasons.add_defaults()
    manager = make_account(name="Anna Manager")
    unit = make_unit(key="planning", name="Planning", account_manager=manager)
    system = make_system(key="fsm", name="Field Service", modules=(("planning", True),))
    make_subscription(unit=unit, system=system, seats=10)
    person = make_person(unit=unit, key="p1")
    for day, colour in ((date(2026, 9, 6), "green"), (date(2026, 9, 13), "green"), (date(2026, 9, 20), "yellow")):
        add_score(unit, day, colour, score=60.0, reasons=["key users quieter"])
    db.session.add(
        StageTransition(
            unit_id=unit.id,
            system_id=system.id,
            happened_on=date(2026, 9, 27),
            from_stage="growth",
            to_stage="decline",
            reason="fewer active weeks",
        )
    )
    reason = risk_reasons.by_bucket()[risk_reasons.RiskBucket.SUCCESS][0]
    said = risks.Assessment(system.id, reason.id, RiskSource.DATA, Probability.LIKELY, None, None, None, "")
    risk = risks.open_risk(unit, said, manager)
    risk.opened_at = datetime(2026, 10, 1, tzinfo=UTC)
    risks.close(risk, RiskOutcome.SAVED, risk.reason_id, "", manager)
    risk.closed_at = datetime(2026, 11, 2, tzinfo=UTC)
    db.session.add(
        Goal(
            unit=unit,
            name="Plan every job",
            metric="jobs a day",
            baseline=Decimal(300),
            target=Decimal(500),
            due_on=date(2027, 1, 1),
            reached_on=date(2026, 10, 15),
        )
    )
    db.session.add(
        PlanStep(
            unit=unit,
            action="Name super-users",
            side="unit",
            owner_name="Kim",
            status="done",
            due_on=date(2026, 10, 1),
            done_at=datetime(2026, 10, 5, tzinfo=UTC),
        )
    )
    training = touchpoints.TouchpointDetails(TouchpointKind.TRAINING, date(2026, 10, 20), manager.id, [person.id], "")
    touchpoints.log(unit, training, date(2026, 11, 23), manager)
    db.session.add(
        ReviewProduced(
            unit_id=unit.id,
            period_start=date(2026, 7, 1),
            period_end=date(2026, 9, 30),
            produced_at=datetime(2026, 11, 10, tzinfo=UTC),
            actor="Anna Manager",
        )
    )
    db.session.commit()
    with scoring_later(app):
        header = "source_system,source_record_id,person_key,system_key,occurred_at,feature,count\n"
        run = run_import("usage", header + "idp,1,p1,fsm,2026-11-20T10:00:00Z,planning,2\n")
    run.finished_at = datetime(2026, 11, 21, tzinfo=UTC)
    db.session.commit()
    head = make_account(role=Role.DEPT_HEAD.value, units=[unit])
    return {"unit": unit, "manager": manager, "head": head}


def test_every_kind_of_event_in_one_order_newest_first(history):
    found = unit_timeline.timeline(history["unit"], history["manager"], [])
    assert [(event.at.date().isoformat(), event.kind) for event in found.events] == [
        ("2026-11-21", "import"),
        ("2026-11-10", "review"),
        ("2026-11-02", "risk"),
        ("2026-10-20", "touchpoint"),
        ("2026-10-15", "goal"),
        ("2026-10-05", "step"),
        ("2026-10-01", "risk"),
        ("2026-09-27", "stage"),
        ("2026-09-20", "colour"),
    ]
    titles = [event.title for event in found.events]
    assert "Planning: green → yellow" in titles and "Planning × Field Service: growth → decline" in titles
    assert any(title.startswith("Risk closed, saved") for title in titles)
    assert not found.has_more


def test_a_head_sees_no_risks_touchpoints_or_imports_and_kinds_filter(history):
    kinds = {event.kind for event in unit_timeline.timeline(history["unit"], history["head"], []).events}
    assert kinds == {"review", "goal", "step", "stage", "colour"}
    asked = unit_timeline.timeline(history["unit"], history["head"], ["risk", "goal"])
    assert [event.kind for event in asked.events] == ["goal"]  # risks are not the head's to ask for
    staff = unit_timeline.timeline(history["unit"], history["manager"], ["risk"])
    assert [event.kind for event in staff.events] == ["risk", "risk"]


def test_the_timeline_comes_a_page_at_a_time(history, monkeypatch):
    monkeypatch.setattr(unit_timeline, "PER_PAGE", 4)
    first = unit_timeline.timeline(history["unit"], history["manager"], [], page=1)
    second = unit_timeline.timeline(history["unit"], history["manager"], [], page=3)
    assert (len(first.events), first.has_more) == (4, True)
    assert (len(second.events), second.has_more) == (1, False)
