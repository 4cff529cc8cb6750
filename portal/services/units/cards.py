"""A unit's systems as its department head sees them: one card per subscription.

Each card: the stored colour and stage with the reasons, active people against seats and the money in
unused seats, tickets in the last 90 days against the 90 before, satisfaction, the key users' activity, and
the active people of each of the last 26 weeks. A few queries per unit, whatever its number of systems.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from models import Person, PersonRole, Subscription, SurveyAnswer, SurveyQuestion, Ticket, TicketType, Unit, db
from models.types import start_of_day
from portal.charts import build as charts
from portal.charts.shapes import Chart
from portal.formatting import number
from portal.services.catalog.forecast import (
    REACH_DAYS,
    SeatForecast,
    monthly_active_from,
    renewal_forecast,
)
from portal.services.catalog.seat_rule import SeatFigures, seat_figures
from portal.services.catalog.seat_use import low_seat_mark
from portal.services.health.advice import Step
from portal.services.health.day_bits import days_between, weeks_back
from portal.services.health.engine import UnitHealth
from portal.services.health.facts import person_days
from portal.services.health.measures import net_promoter_score
from portal.services.health.rollup import Record

TREND_WEEKS = 26
TICKET_DAYS = 90
SURVEY_DAYS = 180  # the satisfaction shown: the answers of the last half year
KEY_USER_DAYS = 30
TICKET_SWING_PERCENT = 20  # tickets up or down by a fifth or more against the 90 days before: a trend worth colour


@dataclass(frozen=True)
class KeyUser:
    key: str
    active_days: int  # in the last 30 days
    usual_days: float  # per 30 days, in the 90 days before


@dataclass(frozen=True)
class Satisfaction:
    answers: int
    nps: int | None
    csat: float | None  # 1–5
    ces: float | None  # 1–7, 7 = very easy
    value: float | None  # 0–10
    newest: date | None


@dataclass(frozen=True)
class SystemCard:
    subscription: Subscription
    record: Record | None
    active_people: int  # in the last 30 days
    seats: SeatFigures  # the unused seats and their money a year, or why there are none (seat_rule.py)
    tickets: int  # in the last 90 days
    tickets_before: int  # in the 90 days before those
    incidents: int
    satisfaction: Satisfaction
    key_users: Sequence[KeyUser]
    weekly_active: Sequence[int]  # the last 26 weeks, oldest first
    week_labels: Sequence[str]
    forecast: SeatForecast | None = None  # the seats needed at the renewal, when it is ahead
    next_steps: tuple[Step, ...] = ()  # what to do about its score (portal/services/health/advice.py)

    def trend_chart(self) -> Chart:
        seats = self.subscription.seats if self.seats.counted else None
        peak, latest = max(self.weekly_active, default=0), self.weekly_active[-1] if self.weekly_active else 0
        label = f"Active people per week over the last {len(self.weekly_active)} weeks: {number(latest)} in the latest"
        label += f", at most {number(peak)}"
        if seats:
            label += f"; {number(seats)} seats paid for"
        return charts.weekly_trend(self.weekly_active, self.week_labels, seats, label)

    @property
    def seats_low(self) -> float:
        """Where the seats meter turns low."""
        return low_seat_mark(self.subscription.seats)

    @property
    def ticket_change(self) -> float | None:
        """Tickets against the 90 days before, as a ratio (None when there were none before)."""
        return self.tickets / self.tickets_before if self.tickets_before else None

    @property
    def ticket_change_percent(self) -> int | None:
        """Tickets against the 90 days before, in whole percent up (+) or down (-)."""
        change = self.ticket_change
        return None if change is None else round((change - 1) * 100)

    @property
    def ticket_trend(self) -> str:
        """Tickets up by TICKET_SWING_PERCENT or more read "down" (worse), down as much "up", else "flat"."""
        change = self.ticket_change_percent or 0
        if change >= TICKET_SWING_PERCENT:
            return "down"
        return "up" if change <= -TICKET_SWING_PERCENT else "flat"


def _tickets(unit_id: int, as_of: date) -> dict[int, tuple[int, int, int]]:
    """system → (tickets in the last 90 days, in the 90 before, incidents among the recent)."""
    recent_from = as_of - timedelta(days=TICKET_DAYS - 1)
    rows = db.session.execute(
        select(Ticket.system_id, Ticket.opened_at, Ticket.type).where(
            Ticket.unit_id == unit_id,
            Ticket.system_id.is_not(None),
            Ticket.opened_at >= start_of_day(recent_from - timedelta(days=TICKET_DAYS)),
            Ticket.opened_at < start_of_day(as_of + timedelta(days=1)),
        )
    )
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for system_id, opened_at, kind in rows:
        figures = counts[system_id]
        if opened_at.date() >= recent_from:
            figures[0] += 1
            figures[2] += kind == TicketType.INCIDENT
        else:
            figures[1] += 1
    return {system_id: (recent, before, incidents) for system_id, (recent, before, incidents) in counts.items()}


def _satisfaction(unit_id: int, as_of: date) -> dict[int, Satisfaction]:
    rows = db.session.execute(
        select(SurveyAnswer.system_id, SurveyAnswer.question, SurveyAnswer.score, SurveyAnswer.submitted_at).where(
            SurveyAnswer.unit_id == unit_id,
            SurveyAnswer.system_id.is_not(None),
            SurveyAnswer.submitted_at >= start_of_day(as_of - timedelta(days=SURVEY_DAYS - 1)),
            SurveyAnswer.submitted_at < start_of_day(as_of + timedelta(days=1)),
        )
    )
    scores: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    newest: dict[int, date] = {}
    for system_id, question, score, submitted_at in rows:
        scores[system_id][question].append(score)
        newest[system_id] = max(newest.get(system_id, date.min), submitted_at.date())

    def mean(values: list[int]) -> float | None:
        return sum(values) / len(values) if values else None

    return {
        system_id: Satisfaction(
            answers=sum(len(values) for values in by_question.values()),
            nps=round(net_promoter_score(by_question[SurveyQuestion.NPS])) if by_question[SurveyQuestion.NPS] else None,
            csat=mean(by_question[SurveyQuestion.CSAT]),
            ces=mean(by_question[SurveyQuestion.CES]),
            value=mean(by_question[SurveyQuestion.VALUE]),
            newest=newest.get(system_id),
        )
        for system_id, by_question in scores.items()
    }


NO_ANSWERS = Satisfaction(0, None, None, None, None, None)


def cards(
    unit: Unit,
    subscriptions: Sequence[Subscription],
    health: UnitHealth,
    as_of: date,
    steps: Mapping[str, tuple[Step, ...]] | None = None,
) -> list[SystemCard]:
    """The unit's systems as cards, in the order of `subscriptions`; `steps`: each system's next steps, by key."""
    trend_days = 7 * TREND_WEEKS
    reach = max(trend_days, KEY_USER_DAYS + 90, REACH_DAYS)
    days = person_days(as_of, unit.id, reach)
    first = as_of - timedelta(days=reach - 1)
    weekly: dict[int, list[int]] = defaultdict(lambda: [0] * TREND_WEEKS)
    active_30: dict[int, int] = defaultdict(int)
    window_from = as_of - timedelta(days=KEY_USER_DAYS - 1)
    usual_from, usual_to = window_from - timedelta(days=90), window_from - timedelta(days=1)
    key_people = dict(
        db.session.execute(
            select(Person.id, Person.key).where(Person.unit_id == unit.id, Person.role == PersonRole.KEY_USER.value)
        )
        .tuples()
        .all()
    )
    key_users: dict[int, list[KeyUser]] = defaultdict(list)
    for (system_id, person_id), active in days.items():
        trend_part = active >> (reach - trend_days)  # the last 26 weeks of the bits
        weeks = weeks_back(trend_part, trend_days)
        counts = weekly[system_id]
        while weeks:
            lowest = weeks & -weeks
            counts[TREND_WEEKS - lowest.bit_length()] += 1  # week 0 (the latest) is the last bar
            weeks ^= lowest
        recent = days_between(active, first, window_from, as_of)
        active_30[system_id] += recent > 0
        if person_id in key_people:
            usual = days_between(active, first, usual_from, usual_to) / 3
            key_users[system_id].append(KeyUser(key_people[person_id], recent, usual))
    tickets = _tickets(unit.id, as_of)
    satisfaction = _satisfaction(unit.id, as_of)
    monthly = monthly_active_from(days, first, as_of)
    labels = [
        (as_of - timedelta(days=7 * (TREND_WEEKS - 1 - index) + 6)).strftime("%d %b") for index in range(TREND_WEEKS)
    ]
    found = []
    for subscription in subscriptions:
        system_id = subscription.system_id
        record = health.systems.get(subscription.system.key)
        # The score's own figures when there is one (its window skips the unit's quiet days), else the last 30.
        active = record.active_people if record else active_30.get(system_id, 0)
        recent, before, incidents = tickets.get(system_id, (0, 0, 0))
        known_keys = {user.key for user in key_users.get(system_id, [])}
        silent = [KeyUser(key, 0, 0.0) for key in sorted(key_people.values()) if key not in known_keys]
        found.append(
            SystemCard(
                subscription=subscription,
                record=record,
                active_people=active,
                seats=seat_figures(subscription, active, record.reclaimable_seats if record else None),
                tickets=recent,
                tickets_before=before,
                incidents=incidents,
                satisfaction=satisfaction.get(system_id, NO_ANSWERS),
                key_users=sorted(key_users.get(system_id, []), key=lambda user: user.key) + silent,
                weekly_active=weekly[system_id],
                week_labels=labels,
                forecast=renewal_forecast(subscription, monthly.get(system_id), as_of),
                next_steps=(steps or {}).get(subscription.system.key, ()),
            )
        )
    return found
