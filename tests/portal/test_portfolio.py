"""The portfolio: a manager's units by the attention they need, its filters, its movers, and the explanation."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models import Role, db
from portal.services.units import portfolio
from tests.scores import add_score

TODAY = date(2026, 11, 23)  # a Monday; the month began three weeks and a day ago


@pytest.fixture(autouse=True)
def fixed_today(frozen_clock):
    frozen_clock(TODAY)


def score_rows(
    unit, weekly: list[tuple[float, str, str]], system=None, subscription=None, reasons=("why",), explanation=None
) -> None:
    """Weekly stored scores ending today, oldest first: (score, colour, stage) each."""
    for back, (score, colour, stage) in enumerate(reversed(weekly)):
        add_score(
            unit,
            TODAY - timedelta(weeks=back),
            colour,
            score=score,
            subscription=subscription,
            system=system,
            stage=stage,
            profile_version=1,
            seats=subscription.seats if subscription else 0,
            active_people=0,
            reasons=[f"{reasons[0]} ({colour})", *reasons[1:]],
            explanation=explanation or {},
        )
    db.session.commit()


@pytest.fixture
def book(make_account, make_unit, make_system, make_subscription):
    anna = make_account(name="Anna Manager")
    bo = make_account(name="Bo Manager")
    division = make_unit(key="ops", name="Operations", account_manager=anna)
    falling = make_unit(key="falling", name="Falling Team", parent=division, account_manager=anna)
    steady = make_unit(key="steady", name="Steady Team", parent=division, account_manager=anna)
    wobbly = make_unit(key="wobbly", name="Wobbly <b>Team</b>", account_manager=anna)
    elsewhere = make_unit(key="elsewhere", name="Elsewhere", account_manager=bo)
    erp = make_system(key="erp", name="ERP", seat_cost=Decimal("100"))
    wiki = make_system(key="wiki", name="Wiki", seat_cost=Decimal("10"))
    falling_erp = make_subscription(unit=falling, system=erp, seats=50)
    steady_wiki = make_subscription(unit=steady, system=wiki, seats=20)
    wobbly_erp = make_subscription(unit=wobbly, system=erp, seats=10)
    make_subscription(unit=elsewhere, system=erp, seats=5)
    eight = 8
    score_rows(
        falling,
        [(85, "green", "adoption")] * 4
        + [(70, "green", "adoption"), (50, "yellow", "adoption"), (40, "red", "decline"), (30, "red", "decline")],
    )
    score_rows(steady, [(90, "green", "growth")] * eight)
    score_rows(wobbly, [(62, "yellow", "adoption")] * eight)
    score_rows(elsewhere, [(20, "red", "decline")] * eight)
    measures = {
        "measures": [
            {
                "key": "key_users",
                "raw": 0.15,
                "score": 10.0,
                "weight": 10,
                "share": 0.1,
                "contribution": 1.0,
                "change": -60.0,
                "reason": "key user activity down 85% vs usual",
                "critical": True,
            }
        ],
        "lift": "key users back to half their usual activity",
        "playbook": "win the key users back",
    }
    score_rows(falling, [(30, "red", "decline")], system=erp, subscription=falling_erp, explanation=measures)
    score_rows(steady, [(90, "green", "growth")], system=wiki, subscription=steady_wiki)
    score_rows(wobbly, [(62, "yellow", "adoption")], system=erp, subscription=wobbly_erp)
    return {"anna": anna, "bo": bo, "falling": falling, "steady": steady, "wobbly": wobbly, "elsewhere": elsewhere}


def unit_order(body: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/units/([\w-]+)">', body)


def test_a_manager_sees_their_units_most_urgent_first(client, auth, book):
    auth.login(book["anna"])
    body = client.get(f"/portfolio/?manager={book['bo'].id}").get_data(as_text=True)
    # Red, yellow, grey (the division has no score yet), green; another manager's unit never.
    assert unit_order(body) == ["falling", "wobbly", "ops", "steady"]
    assert "Elsewhere" not in body and "My portfolio" in body
    row = body[body.index('href="/units/falling"') :]
    row = row[: row.index("</tr>")]
    assert "why (red)" in row and "Decline" in row and "changed this month" in row
    assert "▼</span> -55" in row  # from 85 four weeks ago to 30
    assert "5\u202f000 EUR" in row  # 50 seats × 100 at stake: the subscription is red
    assert 'role="img" aria-label="Health score, last 8 weeks: from 85 to 30"' in row
    assert "Wobbly &lt;b&gt;Team&lt;/b&gt;" in body and "<b>Team</b>" not in body


def test_admins_and_the_cio_pick_a_manager_or_see_every_unit(client, login_as, book):
    login_as(Role.CIO)
    everyone = client.get("/portfolio/").get_data(as_text=True)
    assert set(unit_order(everyone)) == {"falling", "wobbly", "steady", "ops", "elsewhere"}
    assert "All units" in everyone and "Bo Manager" in everyone
    bo = client.get(f"/portfolio/?manager={book['bo'].id}").get_data(as_text=True)
    assert unit_order(bo) == ["elsewhere"] and "Bo Manager’s portfolio" in bo


def test_filters_answer_with_the_table_alone_and_combine(client, auth, book):
    auth.login(book["anna"])
    response = client.get("/portfolio/?colour=red", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "HX-Request" in response.headers["Vary"]
    assert unit_order(body) == ["falling"]
    assert unit_order(client.get("/portfolio/?system=wiki").get_data(as_text=True)) == ["steady"]
    assert unit_order(client.get("/portfolio/?division=ops&stage=growth").get_data(as_text=True)) == ["steady"]
    assert unit_order(client.get("/portfolio/?colour=green&system=erp").get_data(as_text=True)) == []
    # A nonsense value is ignored rather than failing.
    assert len(unit_order(client.get("/portfolio/?colour=purple&stage=<x>").get_data(as_text=True))) == 4


def test_changed_this_month_compares_with_the_last_score_before_the_month(client, auth, book, frozen_clock):
    auth.login(book["anna"])
    # Falling was green on 26 October, the last score before November: it changed this month.
    assert unit_order(client.get("/portfolio/?changed=1").get_data(as_text=True)) == ["falling"]
    # Seen from 2 December, the last score before the month is today's red: nothing changed in December yet.
    frozen_clock(date(2026, 12, 2))
    assert unit_order(client.get("/portfolio/?changed=1").get_data(as_text=True)) == []


def test_movers_lists_the_units_whose_colour_or_stage_changed(client, auth, book):
    auth.login(book["anna"])
    since = (TODAY - timedelta(weeks=5)).isoformat()
    body = client.get(f"/portfolio/movers?since={since}").get_data(as_text=True)
    assert unit_order(body) == ["falling"]
    assert "worse" in body and "Decline" in body
    assert unit_order(client.get(f"/portfolio/movers?since={TODAY.isoformat()}").get_data(as_text=True)) == []
    # A date that is not one falls back to the default (30 days) instead of failing.
    assert client.get("/portfolio/movers?since=yesterday").status_code == 200


def test_department_heads_have_no_portfolio(client, login_as, book):
    login_as(Role.DEPT_HEAD, units=[book["steady"]])
    # Not even that the page exists: the guard answers a department head 404 outside their pages.
    assert client.get("/portfolio/").status_code == 404
    assert client.get("/portfolio/movers").status_code == 404


def test_the_explanation_shows_the_measures_one_click_away(client, auth, book):
    auth.login(book["anna"])
    panel = client.get("/units/falling/explain?system=erp", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in panel
    for text in (
        "Key user",
        "key user activity down 85% vs usual",
        "caps the colour",
        "-60",
        "profile version 1",
        "key users back to half their usual activity",
        "Next step:</strong> Call the key users of",  # from the reason, not the stage's playbook
    ):
        assert text in panel, text
    assert "win the key users back" not in panel
    unit_panel = client.get("/units/falling/explain").get_data(as_text=True)
    assert "<html" in unit_panel and "why (red)" in unit_panel  # without htmx: a page of its own
    assert client.get("/units/ops/explain").status_code == 404  # not scored yet
    assert client.get("/units/falling/explain?system=nothing").status_code == 404


def test_a_department_head_can_explain_only_their_own_units(client, login_as, book):
    login_as(Role.DEPT_HEAD, units=[book["steady"]])
    assert client.get("/units/steady/explain").status_code == 200
    assert client.get("/units/steady/explain?system=wiki").status_code == 200
    assert client.get("/units/falling/explain?system=erp").status_code == 404
    assert client.get("/units/ops/explain").status_code == 404


def test_open_risks_late_steps_and_the_relationship_follow_each_unit(make_account, make_unit, make_person):
    from models import MitigationRoute, MitigationStep, PlanStep, Risk, RiskReason, Touchpoint

    anna = make_account(name="Anna Manager")
    calm = make_unit(key="calm", name="A Calm Team", account_manager=anna)
    risky = make_unit(key="risky", name="B Risky Team", account_manager=anna)
    for unit in (calm, risky):
        score_rows(unit, [(60, "yellow", "adoption")] * 3)
    reason = RiskReason(bucket="commercial", name="Spending freeze")
    risk = Risk(
        unit=risky,
        reason=reason,
        source="unit",
        probability="likely",
        cost_at_stake=Decimal("9000"),
        currency="EUR",
        seats_at_stake=20,
    )
    route = MitigationRoute(risk=risk, title="Meet the head")
    route.steps.append(MitigationStep(action="Call", due_on=TODAY - timedelta(days=1)))
    closed = Risk(
        unit=calm,
        reason=reason,
        source="data",
        probability="exploring",
        status="closed",
        outcome="saved",
        outcome_reason=reason,
        closed_at=datetime.now(UTC),
    )
    late = PlanStep(unit=risky, action="Train", side="it", owner_name="Kim", due_on=TODAY - timedelta(days=3))
    people = [make_person(unit=calm) for _ in range(10)]
    met = Touchpoint(unit=calm, kind="meeting", happened_on=TODAY - timedelta(days=5), people=people[:1])
    db.session.add_all([risk, route, closed, late, met])
    db.session.commit()
    view = portfolio.build(anna, portfolio.Filters())
    assert [row.unit.key for row in view.rows] == ["risky", "calm"]  # same colour and trend: open risks first
    risky_row, calm_row = view.rows
    assert (risky_row.follow_up.open_risks, risky_row.follow_up.risk_at_stake, risky_row.follow_up.late_steps) == (
        1,
        {"EUR": Decimal("9000.00")},
        2,
    )
    assert (calm_row.follow_up.open_risks, calm_row.follow_up.relationship.per_100) == (0, 10.0)


@pytest.fixture
def melons(make_account, make_unit, make_system, make_subscription):
    """Four units of one manager: a green unit hiding a red subscription, a greener one hiding a costlier red,
    a yellow unit of yellow parts and a green unit of green parts."""
    anna = make_account(name="Anna Manager")
    fsm = make_system(key="ifs-fsm", name="IFS FSM", seat_cost=Decimal("6000"))
    erp = make_system(key="erp", name="ERP", seat_cost=Decimal("5000"))
    crm = make_system(key="crm", name="CRM", seat_cost=Decimal("100"))
    wiki = make_system(key="wiki", name="Wiki", seat_cost=Decimal("10"))
    grey = make_system(key="legacy", name="Legacy", seat_cost=Decimal("999999"))
    plan = {
        # unit key: its own score and colour, then (system, seats, colour) per subscription
        "calm": ((92, "green"), [(crm, 5, "green"), (wiki, 5, "green")]),
        "yellowish": ((55, "yellow"), [(crm, 40, "yellow"), (wiki, 10, "yellow")]),
        "watermelon": ((80, "green"), [(fsm, 31, "red"), (crm, 100, "green"), (wiki, 200, "green"), (grey, 1, "grey")]),
        "big-red": ((88, "green"), [(erp, 50, "red"), (crm, 400, "green")]),
    }
    for key, ((score, colour), parts) in plan.items():
        unit = make_unit(key=key, name=key.capitalize(), account_manager=anna)
        score_rows(unit, [(score, colour, "adoption")])
        for system, seats, part_colour in parts:
            subscription = make_subscription(unit=unit, system=system, seats=seats)
            part_score = None if part_colour == "grey" else {"green": 85, "yellow": 55, "red": 30}[part_colour]
            score_rows(unit, [(part_score, part_colour, "adoption")], system=system, subscription=subscription)
    return anna


def test_the_portfolio_shows_each_unit_s_worst_part_and_puts_worse_parts_first(client, auth, melons):
    auth.login(melons)
    body = client.get("/portfolio/").get_data(as_text=True)
    # Red parts before yellow ones before none, whatever the unit's own colour; more money at stake first.
    assert unit_order(body) == ["big-red", "watermelon", "yellowish", "calm"]
    row = body[body.index('href="/units/watermelon"') :]
    row = row[: row.index("</tr>")]
    # One red of its three scored subscriptions (the grey one is not judged): the costliest red, its money.
    assert "1 red of 3 · IFS FSM · 186 k EUR" in row and "186\u202f000 EUR" in row
    yellowish = body[body.index('href="/units/yellowish"') :]
    assert "2 yellow of 2 · CRM · 4\u202f000 EUR" in yellowish[: yellowish.index("</tr>")]
    calm = body[body.index('href="/units/calm"') :]
    assert "worst-part" not in calm[: calm.index("</tr>")]  # all green: nothing
    view = portfolio.build(melons, portfolio.Filters())
    parts = {row.unit.key: row.worst_part for row in view.rows}
    assert parts["calm"] is None
    assert parts["big-red"] == portfolio.WorstPart("red", 1, 2, "ERP", Decimal("250000.00"), "EUR")
    assert parts["big-red"].text == "1 red of 2 · ERP · 250 k EUR"


def test_open_risks_order_units_whose_worst_parts_and_money_are_alike(client, auth, melons, make_unit):
    from models import Risk, RiskReason, Unit

    calm = db.session.scalar(db.select(Unit).where(Unit.key == "calm"))
    twin = make_unit(key="twin", name="A Twin", account_manager=melons)  # sorts before Calm by name alone
    score_rows(twin, [(92, "green", "adoption")])
    risk = Risk(unit=calm, reason=RiskReason(bucket="commercial", name="Freeze"), source="unit", probability="likely")
    db.session.add(risk)
    db.session.commit()
    view = portfolio.build(melons, portfolio.Filters())
    assert [row.unit.key for row in view.rows][-2:] == ["calm", "twin"]


def test_the_unit_page_says_why_its_colour_differs_from_its_score(client, auth, melons):
    from models import HealthScore, Unit

    unit = db.session.scalar(db.select(Unit).where(Unit.key == "watermelon"))
    note = "Yellow although 80: IFS FSM holds 186 k of 412 k EUR a year and is red"
    part = {"unit_key": "watermelon", "system_key": "ifs-fsm", "name": "IFS FSM", "score": 30.0, "colour": "red"}
    # The unit's stored row of today, as the roll-up writes it when a red part holds a third of the money.
    row = db.session.scalar(
        db.select(HealthScore).where(HealthScore.unit_id == unit.id, HealthScore.system_id.is_(None))
    )
    row.colour, row.reasons = "yellow", [note, "IFS FSM: why (red)"]
    row.explanation = {"children": [{**part, "seats": 31, "money": {"EUR": 186000.0}}], "colour_note": note}
    db.session.commit()
    auth.login(melons)
    page = client.get("/units/watermelon").get_data(as_text=True)
    assert f'<li class="colour-note">{note}</li>' in page
    panel = client.get("/units/watermelon/explain", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert note in panel and "186\u202f000 EUR" in panel  # the part's licence a year, in the parts' table
