"""One system across all the units that use it: monthly adoption, seats used against paid, stages, and where
its tickets come from."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Person, Stage, Subscription, System, Ticket, UsagePersonDays, db
from models.types import start_of_day
from portal.charts import build as charts
from portal.charts.shapes import Chart
from portal.months import month_starts, shift
from portal.services.catalog.forecast import (
    Projection,
    SeatForecast,
    monthly_active_from,
    project,
    renewal_forecast,
)
from portal.services.catalog.seat_rule import gets_seat_advice, why_not_for_system
from portal.services.health.day_bits import assemble_each, days_between, span_of
from portal.services.health.facts import in_batches
from portal.services.health.latest import Latest, latest_by_subscription
from portal.services.health.measures import expected_people

MONTHS = 12
TICKET_DAYS = 90
HOTSPOTS = 5
RENEWAL_HORIZON = 365  # the renewals the page forecasts
QUARTER_WEEKS = 13
GROWTH_WORTH_TRAINING = 1  # people a month: fewer expected newcomers read as no growth
STEADY_TICKETS = 0.5  # tickets a month by which the monthly count must move each month to be rising or falling


@dataclass(frozen=True)
class UnitAdoption:
    subscription: Subscription
    monthly: list[float | None]  # active people ÷ seats (or ÷ the unit's people), per month, oldest first
    latest: Latest | None
    tickets: int  # in the last 90 days

    @property
    def tickets_per_person(self) -> float | None:
        active = self.latest.active_people if self.latest else 0
        return self.tickets / active if active else None


@dataclass(frozen=True)
class Demand:
    """What the system will ask of IT in the next quarter (portal/services/forecast.py's lines)."""

    onboarding_units: int
    new_people: Projection | None  # people a month, added across its units in the next 13 weeks
    tickets: Projection | None  # tickets a month, three months on

    @property
    def expects_growth(self) -> bool:
        """At least GROWTH_WORTH_TRAINING more people a month are expected."""
        return self.new_people is not None and self.new_people.expected >= GROWTH_WORTH_TRAINING

    @property
    def ticket_trend(self) -> str:
        """Whether the tickets are rising, falling or steady: their line against STEADY_TICKETS either way."""
        slope = self.tickets.per_week if self.tickets else 0.0
        if slope > STEADY_TICKETS:
            return "rising"
        return "falling" if slope < -STEADY_TICKETS else "steady"


@dataclass(frozen=True)
class SystemAdoption:
    system: System
    as_of: date
    month_labels: list[str]
    units: list[UnitAdoption]  # by unit name
    stages: dict[str, int]
    hotspots: list[UnitAdoption]  # most tickets per active person first
    renewals: list[tuple[Subscription, SeatForecast]] = field(default_factory=list)  # the next 12 months
    demand: Demand | None = None

    @property
    def not_counted(self) -> str | None:
        """Why the system gets no seat figures ("not a per-seat licence"), or None (seat_rule.py)."""
        return why_not_for_system(self.system)

    @property
    def per_seat(self) -> bool:
        """Whether its use is read against seats: a per-seat licence measured by use."""
        return self.not_counted is None

    @property
    def by_subscription(self) -> dict[int, UnitAdoption]:
        return {unit.subscription.id: unit for unit in self.units}

    def heatmap(self) -> Chart:
        rows = [(adoption.subscription.unit.name, adoption.monthly) for adoption in self.units]
        base = "of seats in use" if self.per_seat else "of the unit's people active"
        label = (
            f"{self.system.name}: the share {base} in each of the last {MONTHS} months, one row per unit "
            f"({len(rows)} units)"
        )
        return charts.heatmap(rows, self.month_labels, label, describe="{:.0%} " + base)


def _months(as_of: date) -> list[tuple[date, date]]:
    """The last 12 calendar months, the current (partial) one last."""
    starts = month_starts(as_of, MONTHS)
    ends = [start - timedelta(days=1) for start in starts[1:]] + [as_of]
    return list(zip(starts, ends, strict=True))


def adoption(system: System, as_of: date) -> SystemAdoption:
    subscriptions = sorted(
        db.session.scalars(
            select(Subscription).where(Subscription.system_id == system.id).options(selectinload(Subscription.unit))
        ),
        key=lambda subscription: (subscription.unit.name.casefold(), subscription.unit.key),
    )
    unit_ids = [subscription.unit_id for subscription in subscriptions]
    months = _months(as_of)
    first = months[0][0]
    active: dict[int, list[int]] = defaultdict(lambda: [0] * MONTHS)
    days_by_unit: dict[tuple[int, int], int] = {}
    for batch in in_batches(unit_ids):
        rows = db.session.connection().execute(
            select(
                UsagePersonDays.unit_id, UsagePersonDays.person_id, UsagePersonDays.span, UsagePersonDays.day_bits
            ).where(
                UsagePersonDays.unit_id.in_(batch),
                UsagePersonDays.system_id == system.id,
                UsagePersonDays.span.between(span_of(first), span_of(as_of)),
            )
        )
        days = assemble_each((((unit_id, person), span, bits) for unit_id, person, span, bits in rows), first, as_of)
        days_by_unit.update(days)
        for (unit_id, _), bits in days.items():
            counts = active[unit_id]
            for index, (start, end) in enumerate(months):
                counts[index] += days_between(bits, first, start, end) > 0
    people = dict(
        db.session.execute(
            select(Person.unit_id, func.count()).where(Person.unit_id.in_(unit_ids)).group_by(Person.unit_id)
        )
        .tuples()
        .all()
    )
    since = start_of_day(as_of - timedelta(days=TICKET_DAYS - 1))
    tickets = Counter(
        unit_id
        for (unit_id,) in db.session.execute(
            select(Ticket.unit_id).where(Ticket.system_id == system.id, Ticket.opened_at >= since)
        )
    )
    latest = latest_by_subscription([subscription.id for subscription in subscriptions], as_of)
    units = []
    for subscription in subscriptions:
        expected = (
            subscription.seats
            if gets_seat_advice(subscription)
            else expected_people(people.get(subscription.unit_id, 0), subscription.unit.headcount)
        )
        counts = active.get(subscription.unit_id, [0] * MONTHS)
        live_from = subscription.go_live
        monthly = [
            None if not expected or (live_from is not None and end < live_from) else min(1.0, count / expected)
            for count, (_, end) in zip(counts, months, strict=True)
        ]
        found = latest.get(subscription.id)
        units.append(UnitAdoption(subscription, monthly, found, tickets.get(subscription.unit_id, 0)))
    stages = Counter(unit.latest.stage for unit in units if unit.latest and unit.latest.stage)
    # Most tickets per active person first; units whose active people are unknown after them, by count.
    hotspots = sorted(
        (unit for unit in units if unit.tickets),
        key=lambda unit: (unit.tickets_per_person is None, -(unit.tickets_per_person or 0), -unit.tickets),
    )[:HOTSPOTS]
    labels = [start.strftime("%b") for start, _ in months]
    series = monthly_active_from(days_by_unit, first, as_of)
    renewals = [
        (subscription, seen)
        for subscription in subscriptions
        if (seen := renewal_forecast(subscription, series.get(subscription.unit_id), as_of, RENEWAL_HORIZON))
    ]
    demand = _demand(system, as_of, units, series)
    return SystemAdoption(
        system,
        as_of,
        labels,
        units,
        dict(stages),
        hotspots,
        sorted(renewals, key=lambda pair: pair[0].renewal_date),
        demand,
    )


def _demand(system: System, as_of: date, units: list[UnitAdoption], series: dict[int, list[int]]) -> Demand:
    onboarding = sum(1 for unit in units if unit.latest and unit.latest.stage == Stage.ONBOARDING)
    total = [sum(values) for values in zip(*series.values(), strict=True)] if series else []
    now = total[-1] if total else 0
    ahead = project(total, QUARTER_WEEKS) if total else None
    growth = None
    if ahead is not None:
        growth = Projection(
            max(ahead.expected - now, 0.0), max(ahead.low - now, 0.0), max(ahead.high - now, 0.0), ahead.per_week
        )
    starts = month_starts(shift(as_of, -1), 6)  # the six whole months before this one
    since = start_of_day(starts[0])
    until = start_of_day(as_of.replace(day=1))
    opened = Counter(
        moment.date().replace(day=1) if isinstance(moment, datetime) else moment
        for (moment,) in db.session.execute(
            select(Ticket.opened_at).where(
                Ticket.system_id == system.id, Ticket.opened_at >= since, Ticket.opened_at < until
            )
        )
    )
    monthly = [opened.get(start, 0) for start in starts]  # the six whole months before this one
    tickets = project(monthly, ahead=3) if any(monthly) else None  # three months on
    return Demand(onboarding, growth, tickets)
