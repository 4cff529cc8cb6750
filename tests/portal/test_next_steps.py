"""The next step is the same everywhere it shows — the unit page, its cards, the explanation panel, the success
review and the health API — and a department head reads it in their own words."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta

import pytest

from models import Role, Ticket, db
from portal.services.health import engine
from portal.services.platform import tokens
from portal.services.reports import reviews
from tests.scores import add_score

TODAY = date(2026, 11, 23)
WINDOW_START = TODAY - timedelta(days=29)
SURGE = {
    "key": "ticket_load",
    "raw": 3.2,
    "score": 30.0,
    "weight": 10,
    "reason": "3.2× the usual tickets in the last 30 days (16 tickets)",
    "critical": True,
}
HEALTHY = {"key": "habit", "raw": 0.9, "score": 100.0, "weight": 10, "reason": "9 of 10 people used it"}
IT_STEP = "CRM tickets 3.2× usual, most about Login: review Login with the service desk and the vendor"
HEAD_STEP = "Your team asked for help with CRM 3.2× as often as usual, most about Login: tell IT what gets in the way"
PLAYBOOK_STORED = "stage playbook kept with the score"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def ticket(unit, system, number: int, day: date, category: str | None) -> Ticket:
    opened = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)
    return Ticket(ticket_id=f"T-{number}", unit_id=unit.id, system_id=system.id, opened_at=opened, category=category)


@pytest.fixture
def surge(frozen_clock, make_unit, make_system, make_subscription):
    """Planning's CRM in a ticket surge, most of the window's tickets about Login (Printing only before it)."""
    frozen_clock(TODAY)
    unit = make_unit(key="planning", name="Planning")
    crm = make_system(key="crm", name="CRM")
    wiki = make_system(key="wiki", name="Wiki")
    subscription = make_subscription(unit=unit, system=crm, seats=20)
    quiet = make_subscription(unit=unit, system=wiki, seats=20)
    explanation = {"measures": [SURGE], "playbook": PLAYBOOK_STORED, "window_start": WINDOW_START.isoformat()}
    add_score(unit, TODAY, "yellow", subscription=subscription, explanation=explanation, reasons=[SURGE["reason"]])
    calm = {"measures": [HEALTHY], "playbook": PLAYBOOK_STORED, "window_start": WINDOW_START.isoformat()}
    add_score(unit, TODAY, "green", score=90.0, subscription=quiet, explanation=calm)
    add_score(unit, TODAY, "yellow", explanation={"children": [], "playbook": PLAYBOOK_STORED})
    categories = ["Login", "Login", "Login", "Printing", None, "Login"]
    db.session.add_all(ticket(unit, crm, n, TODAY - timedelta(days=n), c) for n, c in enumerate(categories))
    # Before the window, Printing was the commonest: it does not count for today's surge.
    db.session.add_all(ticket(unit, crm, 100 + n, WINDOW_START - timedelta(days=1 + n), "Printing") for n in range(6))
    db.session.commit()
    return unit


def page_text(client, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def review_titles(client, unit, monkeypatch) -> str:
    """The review's page, its health read from the stored scores (a review computes them from the raw data,
    which these tests do not hold): the advice is what is compared here, not the scoring."""
    stored = engine.unit_health(unit.id)
    by_id = {subscription.id: stored.systems[subscription.system.key] for subscription in unit.subscriptions}
    monkeypatch.setattr(reviews, "_health", lambda unit, as_of: (stored.unit, by_id))
    return page_text(client, f"/units/planning/review?from={(TODAY - timedelta(days=60)).isoformat()}&to={TODAY}")


def test_it_reads_the_same_step_on_every_page_and_in_the_api(client, login_as, surge, monkeypatch):
    manager = login_as(Role.ACCOUNT_MANAGER)
    unit_page = page_text(client, "/units/planning")
    health_card = unit_page[unit_page.index('aria-label="Health"') : unit_page.index('aria-label="Key figures"')]
    crm_card = unit_page[unit_page.index('id="card-crm"') : unit_page.index('id="card-wiki"')]
    assert IT_STEP in health_card and IT_STEP in crm_card
    assert PLAYBOOK_STORED not in unit_page  # the reasons speak, not the stored stage line
    assert IT_STEP in page_text(client, "/units/planning/explain?system=crm")
    assert IT_STEP in page_text(client, "/units/planning/explain")
    assert IT_STEP in review_titles(client, surge, monkeypatch)
    _, secret = tokens.issue_token("reader", ["read"], manager)
    db.session.commit()
    answer = client.get("/api/v1/units/planning/health", headers=bearer(secret)).get_json()
    [crm, wiki] = answer["subscriptions"]
    assert crm["next_steps"][0].startswith(IT_STEP) and answer["unit"]["next_steps"][0].startswith(IT_STEP)
    # A subscription that nothing holds down keeps its stage's playbook line, as on its card.
    assert wiki["next_steps"] == ["Make the key action a routine, answer tickets fast, and ask about business value."]


def test_a_department_head_reads_the_step_phrased_for_them_and_no_advice_to_it(client, login_as, surge, monkeypatch):
    head = login_as(Role.DEPT_HEAD, units=[surge])
    for path in ("/units/planning", "/units/planning/explain?system=crm", "/units/planning/explain"):
        page = page_text(client, path)
        assert HEAD_STEP in page, path
        assert "service desk" not in page and "CRM tickets" not in page and PLAYBOOK_STORED not in page, path
    review = review_titles(client, surge, monkeypatch)
    assert "What IT asks of you" in review and HEAD_STEP in review and "What IT recommends" not in review
    _, secret = tokens.issue_token("mine", ["read"], head)
    db.session.commit()
    answer = client.get("/api/v1/units/planning/health", headers=bearer(secret)).get_json()
    assert answer["unit"]["next_steps"][0].startswith(HEAD_STEP)
