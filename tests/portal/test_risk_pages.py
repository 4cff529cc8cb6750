"""The risk register's pages: open a risk from a unit, plan it, move it, close it; IT staff only."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Risk, RiskReason, RiskSuggestion, Role, db
from portal.services.risks import reasons as risk_reasons


@pytest.fixture
def unit_with_system(make_unit, make_system, make_subscription):
    risk_reasons.add_defaults()
    unit = make_unit(key="planning", name="Planning")
    system = make_system(key="fsm", name="Field Service", seat_cost=Decimal("60.00"))
    make_subscription(unit=unit, system=system, seats=40)
    return unit, system


def reason(name: str) -> RiskReason:
    return db.session.scalar(select(RiskReason).where(RiskReason.name == name))


def only_risk() -> Risk:
    return db.session.scalar(select(Risk))


def test_an_account_manager_opens_a_risk_from_the_unit_page(client, login_as, unit_with_system):
    manager = login_as(Role.ACCOUNT_MANAGER)
    _, system = unit_with_system
    page = client.get("/units/planning").get_data(as_text=True)
    assert "Open risks" in page and "/risks/new?unit=planning" in page
    form = client.get("/risks/new?unit=planning&system=fsm").get_data(as_text=True)
    assert re.search(r'name="seats_at_stake"[^>]*value="40"', form)  # filled from the subscription
    assert re.search(r'name="cost_at_stake"[^>]*value="2400.00"', form)
    response = client.post(
        "/risks/new?unit=planning",
        data={
            "system_id": system.id,
            "reason_id": reason("Budget cut").id,
            "source": "environment",
            "probability": "likely",
            "seats_at_stake": "",
            "cost_at_stake": "",
            "owner_id": manager.id,
            "description": "<script>alert(1)</script> budget cut",
        },
    )
    assert response.status_code == 303
    risk = only_risk()
    assert response.headers["Location"] == f"/risks/{risk.id}"
    assert (risk.seats_at_stake, risk.owner) == (40, manager)
    detail = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; budget cut" in detail and "<script>alert(1)" not in detail
    assert "at least 2 mitigation routes" in detail
    assert f"· {manager.name}</span>" in detail and manager.email not in detail  # the timeline names, never addresses
    assert "Budget cut" in client.get("/risks/").get_data(as_text=True)
    assert "Budget cut" in client.get("/units/planning").get_data(as_text=True)


def test_the_plan_is_built_on_the_risk_page_and_mitigation_waits_for_it(client, login_as, unit_with_system):
    manager = login_as(Role.ACCOUNT_MANAGER)
    client.post(
        "/risks/new?unit=planning",
        data={"system_id": "", "reason_id": reason("Low adoption").id, "source": "data", "probability": "exploring"},
    )
    risk = only_risk()
    refused = client.post(f"/risks/{risk.id}/status", data={"status": "mitigating"}, follow_redirects=True)
    assert "Mitigation starts once the plan has at least 2 mitigation routes" in refused.get_data(as_text=True)
    for title in ("Retrain the planners", "Win a sponsor"):
        assert client.post(f"/risks/{risk.id}/routes", data={"title": title}).status_code == 303
    db.session.expire_all()
    first, second = risk.routes
    no_date = {f"route{first.id}-action": "Book", f"route{first.id}-owner_id": manager.id}
    missing_date = client.post(f"/risks/{risk.id}/routes/{first.id}/steps", data=no_date)
    assert missing_date.status_code == 400 and "Give it a due date." in missing_date.get_data(as_text=True)
    for route in (first, second):
        answer = client.post(
            f"/risks/{risk.id}/routes/{route.id}/steps",
            data={
                f"route{route.id}-action": "Meet them",
                f"route{route.id}-owner_id": manager.id,
                f"route{route.id}-due_on": "2026-12-01",
            },
        )
        assert answer.status_code == 303
    assert client.post(f"/risks/{risk.id}/status", data={"status": "mitigating"}).status_code == 303
    db.session.expire_all()
    assert risk.status == "mitigating"
    step = first.steps[0]
    client.post(f"/risks/{risk.id}/steps/{step.id}/done")
    client.post(f"/risks/{risk.id}/comments", data={"text": "They liked the training."})
    closed = client.post(
        f"/risks/{risk.id}/close",
        data={"outcome": "saved", "outcome_reason_id": risk.reason_id, "note": "Adoption is back."},
    )
    assert closed.status_code == 303
    db.session.expire_all()
    assert (risk.status, risk.outcome) == ("closed", "saved")
    timeline = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    for line in (
        "Moved the risk to mitigating.",
        "Done: Retrain the planners: Meet them.",
        "They liked the training.",
        "Closed the risk: saved",
    ):
        assert line in timeline
    assert "Reassess" not in timeline  # a closed risk is read only


def test_a_department_head_meets_no_risk_register(client, login_as, unit_with_system, make_account):
    unit, _ = unit_with_system
    manager = make_account()
    from portal.services.risks import lifecycle as risks

    said = risks.Assessment(
        None, reason("Budget cut").id, risks.RiskSource.UNIT, risks.Probability.LIKELY, None, None, manager.id, "Secret"
    )
    risk = risks.open_risk(unit, said, manager)
    db.session.commit()
    login_as(Role.DEPT_HEAD, units=[unit])
    page = client.get("/units/planning").get_data(as_text=True)
    assert "Open risks" not in page and "Budget cut" not in page
    for path in ("/risks/", f"/risks/{risk.id}", "/risks/new?unit=planning"):
        assert client.get(path).status_code == 404


def test_an_admin_adds_renames_and_retires_reasons(client, login_as):
    risk_reasons.add_defaults()
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get("/admin/risk-reasons").get_data(as_text=True)
    assert "Budget cut" in page and "Commercial" in page
    assert client.post("/admin/risk-reasons", data={"bucket": "commercial", "name": "Merger"}).status_code == 303
    twice = client.post("/admin/risk-reasons", data={"bucket": "commercial", "name": "Merger"})
    assert twice.status_code == 400 and "Commercial already has the reason “Merger”." in twice.get_data(as_text=True)
    budget = reason("Budget cut")
    prefix = f"r{budget.id}"
    client.post(f"/admin/risk-reasons/{budget.id}", data={f"{prefix}-name": "Budget cuts"})  # unticked: retired
    db.session.expire_all()
    assert (budget.name, budget.active) == ("Budget cuts", False)
    assert reason("Merger").active


def pending_suggestion(unit, system) -> RiskSuggestion:
    suggestion = RiskSuggestion(
        unit_id=unit.id,
        system_id=system.id,
        signal="ticket_surge",
        evidence="tickets: 14 in 30 days",
        first_seen_on=date(2026, 11, 1),
        last_seen_on=date(2026, 11, 20),
    )
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def test_suggestions_are_decided_from_the_register_and_the_unit_page(client, login_as, unit_with_system):
    login_as(Role.ACCOUNT_MANAGER)
    unit, system = unit_with_system
    suggestion = pending_suggestion(unit, system)
    register = client.get("/risks/").get_data(as_text=True)
    assert "Suggested by the data" in register and "tickets: 14 in 30 days" in register
    assert "Ticket surge" in client.get("/units/planning").get_data(as_text=True)
    no_reason = client.post(
        f"/risks/suggestions/{suggestion.id}/dismiss", data={"note": "", "back": "unit"}, follow_redirects=True
    )
    assert "Say why you dismiss it" in no_reason.get_data(as_text=True)
    assert no_reason.request.path == "/units/planning"
    snoozed = client.post(
        f"/risks/suggestions/{suggestion.id}/snooze", data={"note": "After the audit", "until": "2099-01-01"}
    )
    assert snoozed.status_code == 303 and snoozed.headers["Location"] == "/risks/#suggestions"
    db.session.expire_all()
    assert (suggestion.status, suggestion.snoozed_until) == ("snoozed", date(2099, 1, 1))
    assert "Suggested by the data" not in client.get("/risks/").get_data(as_text=True)


def test_accepting_a_suggestion_leads_to_its_new_risk(client, login_as, unit_with_system):
    login_as(Role.ACCOUNT_MANAGER)
    suggestion = pending_suggestion(*unit_with_system)
    accepted = client.post(f"/risks/suggestions/{suggestion.id}/accept")
    risk = only_risk()
    assert accepted.headers["Location"] == f"/risks/{risk.id}"
    page = client.get(f"/risks/{risk.id}").get_data(as_text=True)
    assert "Ticket surge: tickets: 14 in 30 days" in page and "Bugs and outages" in page


def test_the_escalation_view_shows_the_register_grouped(client, login_as, unit_with_system):
    manager = login_as(Role.CIO)
    said = {
        "system_id": "",
        "reason_id": reason("Budget cut").id,
        "source": "unit",
        "probability": "likely",
        "owner_id": manager.id,
    }
    client.post("/risks/new?unit=planning", data=said)
    page = client.get("/risks/escalation").get_data(as_text=True)
    assert "Commercial: Budget cut" in page and "Risks opened and closed each month" in page
    assert page.count("<svg") >= 1


def test_the_suggestion_lists_name_the_open_risk_that_covers_a_suggestion(client, login_as, unit_with_system):
    login_as(Role.ACCOUNT_MANAGER)
    unit, system = unit_with_system
    pending_suggestion(unit, system)
    client.post(
        "/risks/new?unit=planning",
        data={
            "system_id": system.id,
            "reason_id": reason("Bugs and outages").id,  # what a ticket surge is filed under
            "source": "unit",
            "probability": "likely",
            "description": "The planners keep calling about the crashes",
        },
    )
    risk = only_risk()
    for path in ("/risks/", "/units/planning"):
        page = client.get(path).get_data(as_text=True)
        assert "Covered by" in page and f'href="/risks/{risk.id}">risk #{risk.id}</a>' in page, path
