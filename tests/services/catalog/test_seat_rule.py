"""One rule for seat figures and advice (portal/services/catalog/seat_rule.py): per-seat licences with seats whose
system is measured by use get them, everything else says why — and every reader agrees."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import Role, db
from portal.services.catalog.adoption import adoption
from portal.services.catalog.forecast import renewal_forecast
from portal.services.catalog.seat_rule import (
    NO_SEATS,
    NOT_MEASURED,
    NOT_PER_SEAT,
    gets_seat_advice,
    seat_figures,
    why_no_seat_figures,
)
from portal.services.health import backtest, engine
from portal.services.platform import tokens
from portal.services.reports import cio, reviews
from portal.services.reports.cio_licences import licences
from portal.services.units.cards import cards
from tests.scoring_later import scoring_later

AS_OF = date(2026, 3, 31)
SEATS = 10
PEOPLE = 3  # each uses every system: 7 of 10 seats unused wherever seats count


@pytest.mark.parametrize(
    ("per_seat", "seats", "measured", "why"),
    [
        (True, 10, True, None),
        (False, 10, True, NOT_PER_SEAT),
        (True, 0, True, NO_SEATS),
        (True, 10, False, NOT_MEASURED),
        (False, 10, False, NOT_MEASURED),
    ],
)
def test_only_a_per_seat_licence_with_seats_measured_by_use_gets_seat_figures(per_seat, seats, measured, why):
    assert why_no_seat_figures(per_seat, seats, measured) == why


@pytest.fixture
def four_licences(make_unit, make_system, make_subscription, make_person, run_import, app, frozen_clock):
    """One unit, three people using four systems every weekday: per seat, site, free and a per-seat agent not
    measured by use; 10 seats each, all renewing in 45 days."""
    frozen_clock(AS_OF)
    unit = make_unit(key="sched", name="Scheduling", headcount=PEOPLE)
    systems = {
        "erp": make_system(key="erp", name="ERP", license_model="per_seat", seat_cost=Decimal("100")),
        "wiki": make_system(key="wiki", name="Wiki", license_model="site", seat_cost=Decimal("50")),
        "draw": make_system(key="draw", name="Draw", license_model="free", seat_cost=None),
        "agent": make_system(key="agent", name="Agent", license_model="per_seat", seat_cost=Decimal("40")),
    }
    systems["agent"].measured_by_use = False
    for system in systems.values():
        make_subscription(
            unit=unit,
            system=system,
            seats=SEATS,
            go_live=AS_OF - timedelta(days=300),
            renewal_date=AS_OF + timedelta(days=45),
        )
    people = [make_person(unit=unit, key=f"p{n}") for n in range(PEOPLE)]
    db.session.commit()
    lines = ["person_key,system_key,occurred_at,feature"]
    for back in range(150):
        day = AS_OF - timedelta(days=back)
        if day.weekday() < 5:
            lines += [f"{person.key},{key},{day.isoformat()},core" for person in people for key in systems]
    tickets = ["ticket_id,system_key,unit_key,opened_at,type"]
    tickets += [f"a{n},agent,sched,{(AS_OF - timedelta(days=7 * n)).isoformat()},request" for n in range(26)]
    with scoring_later(app):
        assert run_import("usage", "\n".join(lines) + "\n").refused == 0
        assert run_import("tickets", "\n".join(tickets) + "\n").refused == 0
    engine.recompute(AS_OF)
    db.session.commit()
    return unit


def test_cards_system_page_review_cio_report_forecast_export_and_api_agree(four_licences, client, login_as):
    unit = four_licences
    by_key = {subscription.system.key: subscription for subscription in unit.subscriptions}
    assert {key for key, subscription in by_key.items() if gets_seat_advice(subscription)} == {"erp"}
    expected = {"erp": 7, "wiki": 0, "draw": 0, "agent": 0}
    why = {"erp": None, "wiki": NOT_PER_SEAT, "draw": NOT_PER_SEAT, "agent": NOT_MEASURED}
    assert {key: seat_figures(s, PEOPLE).reclaimable for key, s in by_key.items()} == expected

    # The unit's cards.
    health = engine.unit_health(unit.id)
    found = {card.subscription.system.key: card for card in cards(unit, unit.subscriptions, health, AS_OF)}
    assert {key: card.seats.reclaimable for key, card in found.items()} == expected
    assert {key: card.seats.not_counted for key, card in found.items()} == why
    assert found["erp"].seats.reclaimable_cost == Decimal("700")
    assert {key for key, card in found.items() if card.forecast} == {"erp"}

    # The forecast itself, asked directly.
    assert {key for key, s in by_key.items() if renewal_forecast(s, [PEOPLE] * 13, AS_OF)} == {"erp"}

    # Each system's page: renewals advised for the per-seat licence only, and why not for the others.
    pages = {key: adoption(s.system, AS_OF) for key, s in by_key.items()}
    assert {key for key, page in pages.items() if page.renewals} == {"erp"}
    assert {key: page.not_counted for key, page in pages.items()} == why

    # The review.
    review = reviews.build(unit, reviews.Period(AS_OF - timedelta(days=89), AS_OF), "Org", AS_OF)
    lines = {line.key: line for line in review.systems}
    assert {key: line.reclaimable for key, line in lines.items()} == expected
    assert {key: line.not_counted for key, line in lines.items()} == why
    assert review.reclaimable_cost == {"EUR": Decimal("700")}
    assert review.without_seat_figures == f"No seat figures — {NOT_PER_SEAT}: Draw, Wiki; {NOT_MEASURED}: Agent."

    # The CIO's report: unused seats, renewals and the cut list hold the per-seat licence alone.
    money = licences(AS_OF, list(by_key.values()))
    assert sum(money.unused_seats.values()) == 7
    assert [renewal.system for renewal in money.renewals] == ["ERP"]
    report = cio.build(date(2026, 3, 1), "Org", AS_OF)
    cuts = [decision for decision in report.decisions if decision.startswith("Cut ")]
    assert len(cuts) == 1 and cuts[0].startswith("Cut ERP for Scheduling from 10 to ")
    assert "1 per-seat subscription renews in the next 90 days" in " ".join(report.headlines)

    # The health export (stored records) and the API answer the same.
    exported = {record.system_key: record.reclaimable_seats for record in engine.stored_records(AS_OF, {unit.id})}
    assert {key: exported[key] for key in expected} == expected
    _, secret = tokens.issue_token("feed", ["read"], None)
    db.session.commit()
    answer = client.get("/api/v1/units/sched/health", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert {item["system_key"]: item["reclaimable_seats"] for item in answer["subscriptions"]} == expected

    # And the pages say so in words.
    login_as(Role.ADMIN)
    unit_page = client.get("/units/sched").get_data(as_text=True)
    assert unit_page.count(f"<small>{NOT_PER_SEAT}</small>") == 2  # the cards of the site and the free licence
    assert unit_page.count(f"<small>{NOT_MEASURED}</small>") == 1
    assert unit_page.count("<strong>Renewal ") == 1  # the per-seat licence's renewal advice
    assert NOT_PER_SEAT in client.get("/systems/wiki").get_data(as_text=True)
    assert NOT_MEASURED in client.get("/systems/agent").get_data(as_text=True)
    period = f"start={(AS_OF - timedelta(days=89)).isoformat()}&end={AS_OF.isoformat()}"
    assert review.without_seat_figures in client.get(f"/units/sched/review?{period}").get_data(as_text=True)


def test_the_agent_not_measured_by_use_is_scored_on_its_tickets(four_licences):
    (record,) = [r for r in engine.stored_records(AS_OF, {four_licences.id}) if r.system_key == "agent"]
    assert record.score is not None and record.colour != "grey"
    measures = {part.key: part for part in record.explanation.measures}
    assert measures["ticket_load"].score is not None
    assert all(measures[key].reason == NOT_MEASURED for key in ("seat_utilisation", "breadth", "habit", "trend"))


def test_the_backtest_leaves_the_agent_out(four_licences):
    timelines = backtest.replay(AS_OF - timedelta(days=14), AS_OF)
    assert sorted(timelines) == ["sched × draw", "sched × erp", "sched × wiki"]
