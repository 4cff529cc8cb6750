"""GET /api/v1/risks and /api/v1/units/<key>/goals: scope `read`; the register is IT's, goals are scoped."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models import Goal, GoalProgress, Probability, RiskSource, Role, db
from portal.services.platform import tokens
from portal.services.risks import lifecycle as risks
from portal.services.risks import reasons as risk_reasons
from tests.api.conftest import bearer


def test_the_register_and_goals_read_through_the_api(
    client, make_token, make_unit, make_system, make_subscription, make_account
):
    risk_reasons.add_defaults()
    manager = make_account(name="Anna Manager")
    unit, other = make_unit(key="planning", account_manager=manager), make_unit(key="finance")
    system = make_system(key="fsm", seat_cost=Decimal("60"))
    make_subscription(unit=unit, system=system, seats=10)
    reason = risk_reasons.by_bucket()[risk_reasons.RiskBucket.COMMERCIAL][0]
    risk = risks.open_risk(
        unit,
        risks.Assessment(
            system.id, reason.id, RiskSource.UNIT, Probability.LIKELY, None, None, None, "=cmd|' /C calc'!A0"
        ),
        manager,
    )
    route = risks.add_route(risk, "Meet the head", manager)
    risks.add_step(route, "Call", manager.id, date(2026, 12, 1), manager)
    goal = Goal(
        unit=unit,
        name="Plan every job",
        metric="jobs a day",
        baseline=Decimal(300),
        target=Decimal(500),
        due_on=date(2027, 1, 1),
    )
    goal.progress.append(GoalProgress(recorded_on=date(2026, 11, 1), value=Decimal(420)))
    db.session.add_all(
        [goal, Goal(unit=other, name="Theirs", metric="x", baseline=1, target=2, due_on=date(2027, 1, 1))]
    )
    db.session.commit()

    _, read = make_token("read")
    [answer] = client.get("/api/v1/risks", headers=read).get_json()
    assert (answer["unit_key"], answer["system_key"], answer["probability"], answer["seats_at_stake"]) == (
        "planning",
        "fsm",
        "likely",
        10,
    )
    assert answer["cost_at_stake"] == "600.00" and answer["owner"] == manager.email
    assert answer["routes"] == [
        {
            "title": "Meet the head",
            "steps": [{"action": "Call", "owner": manager.email, "due_on": "2026-12-01", "done_at": None}],
        }
    ]
    assert client.get("/api/v1/risks?status=closed", headers=read).get_json() == []
    [goal_answer] = client.get("/api/v1/units/planning/goals", headers=read).get_json()
    assert (
        goal_answer["latest"] == {"recorded_on": "2026-11-01", "value": "420.00"} and goal_answer["target"] == "500.00"
    )

    head = make_account(role=Role.DEPT_HEAD.value, units=[unit])
    _, secret = tokens.issue_token("head's feed", ["read"], head)
    db.session.commit()
    as_head = bearer(secret)
    assert client.get("/api/v1/risks", headers=as_head).status_code == 403
    assert client.get("/api/v1/units/planning/goals", headers=as_head).status_code == 200
    assert client.get("/api/v1/units/finance/goals", headers=as_head).status_code == 404
    _, write_only = make_token("write:usage")
    assert client.get("/api/v1/risks", headers=write_only).status_code == 403
