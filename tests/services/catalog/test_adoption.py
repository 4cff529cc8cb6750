"""A system across the units that use it: monthly adoption, stages, ticket hotspots."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from models import db
from portal.charts.shapes import Rect
from portal.services.catalog.adoption import MONTHS, adoption
from tests.scores import add_score
from tests.scoring_later import scoring_later

AS_OF = date(2026, 3, 31)


def test_each_unit_gets_a_row_of_monthly_shares_and_the_busiest_desk_is_a_hotspot(
    make_unit, make_system, make_person, make_subscription, run_import, app
):
    system = make_system(key="crm", name="CRM", seat_cost=Decimal("50"))
    busy = make_unit(key="busy", name="Busy")
    quiet = make_unit(key="quiet", name="Quiet")
    late = make_unit(key="late", name="Late Starter")
    busy_sub = make_subscription(unit=busy, system=system, seats=4)
    make_subscription(unit=quiet, system=system, seats=10)
    make_subscription(unit=late, system=system, seats=2, go_live=date(2026, 2, 15))
    busy_people = [make_person(unit=busy, key=f"b{n}") for n in range(4)]
    quiet_person = make_person(unit=quiet, key="q0")
    db.session.commit()
    lines = ["person_key,system_key,occurred_at"]
    lines += [f"{person.key},crm,2026-03-{day:02d}" for person in busy_people for day in (2, 3)]  # all 4 in March
    lines += [f"{busy_people[0].key},crm,2026-01-15"]  # one of 4 in January
    lines += [f"{quiet_person.key},crm,2025-06-01", f"{quiet_person.key},crm,2025-03-31"]  # the 2nd: too early
    tickets = ["ticket_id,system_key,unit_key,opened_at"]
    tickets += [f"t{n},crm,busy,{(AS_OF - timedelta(days=n)).isoformat()}" for n in range(3)]
    tickets += ["q1,crm,quiet,2026-03-30", "old,crm,quiet,2025-10-01"]
    with scoring_later(app):
        assert run_import("usage", "\n".join(lines) + "\n").refused == 0
        assert run_import("tickets", "\n".join(tickets) + "\n").refused == 0
    add_score(busy, AS_OF, "green", score=80, subscription=busy_sub, stage="growth", seats=4, active_people=4)
    db.session.commit()

    view = adoption(system, AS_OF)
    assert view.month_labels[0] == "Apr" and view.month_labels[-1] == "Mar" and len(view.month_labels) == MONTHS
    rows = {unit.subscription.unit.key: unit for unit in view.units}
    assert [unit.subscription.unit.name for unit in view.units] == ["Busy", "Late Starter", "Quiet"]
    assert rows["busy"].monthly[-1] == 1.0 and rows["busy"].monthly[-3] == 0.25 and rows["busy"].monthly[-2] == 0
    # June 2025 is the third of the twelve months (April 2025 – March 2026); 31 March 2025 is before them.
    assert rows["quiet"].monthly == [0.0, 0.0, 0.1] + [0.0] * (MONTHS - 3)
    # Not live before 15 February: no figure rather than a misleading zero.
    assert rows["late"].monthly[:-2] == [None] * (MONTHS - 2) and rows["late"].monthly[-2:] == [0.0, 0.0]
    assert view.stages == {"growth": 1}
    assert [unit.subscription.unit.key for unit in view.hotspots] == ["busy", "quiet"]
    assert rows["busy"].tickets_per_person == 0.75 and rows["quiet"].tickets == 1

    chart = view.heatmap()
    cells = [shape for shape in chart.shapes if isinstance(shape, Rect)]
    assert len(cells) == 3 * MONTHS
    assert "Busy, Mar: 100% of seats in use" in {cell.title for cell in cells}
    assert "Late Starter, Apr: no data" in {cell.title for cell in cells}


def test_the_system_page_forecasts_renewals_training_and_support(
    make_unit, make_system, make_person, make_subscription, run_import, app
):
    system = make_system(key="crm", name="CRM", seat_cost=Decimal("50"))
    growing = make_unit(key="growing", name="Growing")
    subscription = make_subscription(unit=growing, system=system, seats=30, renewal_date=AS_OF + timedelta(days=91))
    people = [make_person(unit=growing, key=f"g{n}") for n in range(20)]
    db.session.commit()
    # One more person each week for twenty weeks: the use grows.
    lines = ["person_key,system_key,occurred_at"]
    lines += [
        f"{person.key},crm,{AS_OF - timedelta(weeks=week)}"
        for n, person in enumerate(people)
        for week in range(0, 20 - n)
    ]
    tickets = ["ticket_id,system_key,unit_key,opened_at"]
    tickets += [f"t{month}-{n},crm,growing,2026-{month:02d}-10" for month in range(1, 3) for n in range(month * 2)]
    tickets += [f"o{n},crm,growing,2025-{month:02d}-10" for n, month in enumerate((10, 11, 12))]
    with scoring_later(app):
        assert run_import("usage", "\n".join(lines) + "\n").refused == 0
        assert run_import("tickets", "\n".join(tickets) + "\n").refused == 0
    add_score(growing, AS_OF, "green", score=70, subscription=subscription, stage="onboarding", active_people=20)
    db.session.commit()

    view = adoption(system, AS_OF)
    [(renewing, seen)] = view.renewals
    assert renewing == subscription
    assert seen.active_now == 20 and seen.projection.per_week > 0.5  # growing
    assert seen.projection.expected > 20 and seen.recommended >= round(seen.projection.expected)
    assert view.demand.new_people.expected > 5  # about one more a week for a quarter
    # Tickets a month from October to March: 1, 1, 1, 2, 4, 0 (March is this month: not whole, left out).
    assert view.demand.tickets is not None and view.demand.onboarding_units == 1
