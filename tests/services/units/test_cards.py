"""The unit page's system cards: seats, money in unused seats, tickets and their trend, satisfaction, key users,
and the weekly trend, from data loaded through the import engine."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import db
from portal.services.health.engine import UnitHealth
from portal.services.units.cards import TREND_WEEKS, cards
from tests.scoring_later import scoring_later

AS_OF = date(2026, 3, 31)  # a Tuesday


@pytest.fixture
def unit_with_data(make_unit, make_system, make_person, make_subscription, run_import, app):
    unit = make_unit(key="sched", name="Scheduling")
    system = make_system(key="crm", seat_cost=Decimal("120"), modules=(("contacts", True),))
    make_subscription(unit=unit, system=system, seats=10)
    people = [make_person(unit=unit, key=f"p{n}@x.test") for n in range(4)]
    key_user = make_person(unit=unit, key="key@x.test", role="key_user")
    db.session.commit()
    lines = ["person_key,system_key,occurred_at,feature"]
    for back in range(0, 60):  # the four people: every weekday of the last 60 days
        day = AS_OF - timedelta(days=back)
        if day.weekday() < 5:
            lines += [f"{person.key},crm,{day.isoformat()},contacts" for person in people]
    for back in (3, 10, 100, 101, 102):  # the key user: twice recently, three times in the 90 days before
        lines.append(f"{key_user.key},crm,{(AS_OF - timedelta(days=back)).isoformat()},contacts")
    with scoring_later(app):
        assert run_import("usage", "\n".join(lines) + "\n").refused == 0
        tickets = ["ticket_id,system_key,unit_key,opened_at,type"]
        tickets += [f"t{n},crm,sched,{(AS_OF - timedelta(days=n * 10)).isoformat()},incident" for n in range(6)]
        tickets += [f"u{n},crm,sched,{(AS_OF - timedelta(days=100 + n)).isoformat()},request" for n in range(2)]
        assert run_import("tickets", "\n".join(tickets) + "\n").refused == 0
        answers = ["response_id,submitted_at,unit_key,system_key,question,score"]
        answers += [
            f"r{n},{(AS_OF - timedelta(days=20)).isoformat()},sched,crm,nps,{s}" for n, s in enumerate((10, 9, 7, 3))
        ]
        answers += [
            "r9,2026-02-01,sched,crm,csat,4",
            "r8,2026-02-02,sched,crm,csat,5",
            "r7,2025-01-01,sched,crm,csat,1",
        ]
        assert run_import("surveys", "\n".join(answers) + "\n").refused == 0
    return unit


def test_a_card_says_seats_money_tickets_satisfaction_and_key_users(unit_with_data):
    unit = unit_with_data
    (card,) = cards(unit, unit.subscriptions, UnitHealth(None, {}), AS_OF)
    assert card.active_people == 5 and card.seats.reclaimable == 5  # four people and the key user, of 10 seats
    assert card.seats.reclaimable_cost == Decimal("600")  # 5 × 120 a year
    # Tickets opened 0…50 days ago: six in the last 90 days, all incidents; two in the 90 before.
    assert (card.tickets, card.tickets_before, card.incidents) == (6, 2, 6) and card.ticket_change == 3
    # NPS: 2 promoters, 1 detractor of 4 answers = +25; CSAT from the half year only (the 2025 answer is out).
    assert card.satisfaction.nps == 25 and card.satisfaction.csat == 4.5 and card.satisfaction.answers == 6
    (key,) = card.key_users
    assert (key.key, key.active_days, key.usual_days) == ("key@x.test", 2, 1.0)


def test_the_trend_counts_active_people_per_week_oldest_first(unit_with_data):
    unit = unit_with_data
    (card,) = cards(unit, unit.subscriptions, UnitHealth(None, {}), AS_OF)
    assert len(card.weekly_active) == TREND_WEEKS == len(card.week_labels)
    # Weeks 0–8 back: the four people, and the key user in weeks 0 and 1; week 14: the key user alone.
    expected = [0] * TREND_WEEKS
    for week in range(9):
        expected[TREND_WEEKS - 1 - week] = 5 if week < 2 else 4
    expected[TREND_WEEKS - 1 - 14] = 1
    assert card.weekly_active == expected
    assert card.week_labels[-1] == "25 Mar"  # the week of 25–31 March ends on the as-of day
    chart = card.trend_chart()
    assert "10 seats paid for" in chart.label and "5 in the latest" in chart.label


def test_a_card_forecasts_the_seats_its_renewal_needs(unit_with_data):
    from models import Subscription

    subscription = db.session.scalar(db.select(Subscription))
    no_renewal = cards(subscription.unit, [subscription], UnitHealth(None, {}), AS_OF)[0]
    assert no_renewal.forecast is None
    subscription.renewal_date = AS_OF + timedelta(days=60)
    db.session.commit()
    [card] = cards(subscription.unit, [subscription], UnitHealth(None, {}), AS_OF)
    seen = card.forecast
    # Four people every weekday for 60 days, the key user now and then: five a month lately, fewer before.
    assert seen.active_now == 5 and seen.seats == 10 and seen.renewal == AS_OF + timedelta(days=60)
    assert seen.projection.low <= seen.projection.expected <= seen.projection.high
    assert 0 < seen.recommended <= 10 and seen.saving == Decimal(120) * (10 - seen.recommended)
