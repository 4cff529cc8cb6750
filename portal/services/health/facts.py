"""The figures behind a health score, gathered from the stored data as of a date.

Everything here reads the data up to the as-of date and nothing after it, so a score can be recomputed for
any past date and comes out the same. The usage is read as day bits (portal/services/day_bits.py): per
person and subscription, the days they were active over the history, a few rows per person; per feature,
the days it was used.

From each person's days come their active days in the 30-day window (and the key users' usual level before
it), and one bit mask of active weeks (bit w set: active in week w, counted back from the as-of date). From
the masks come, without going back to the database, the active people of any block of weeks — the trend,
the stage of each of the last weeks, the same weeks a year earlier — and the unit's own weekly activity,
from which its usual quiet weeks are learned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import selectinload

from models import (
    LicenseModel,
    Person,
    PersonRole,
    Subscription,
    SurveyAnswer,
    System,
    Ticket,
    TicketType,
    Unit,
    UsageFeatureDays,
    db,
)
from portal.database import driver_rows
from portal.services.health.calendar import (
    UnitCalendar,
    declared_quiet,
    learned_quiet_weeks,
)
from portal.services.health.day_bits import (
    assemble,
    assemble_each,
    days_between,
    last_day,
    span_of,
    span_start,
    weeks_back,
)
from portal.services.health.measures import Answers, expected_people
from portal.services.health.quiet_periods import QuietPeriodError, parse_quiet_periods

T = TypeVar("T")

HISTORY_WEEKS = 124  # about 28 months: a year back, plus the baselines and seasons around it
HISTORY_DAYS = 7 * HISTORY_WEEKS
FEATURE_WEEKS = 30  # modules taken up or dropped are judged on the last 30 weeks
FEATURE_DAYS = 7 * FEATURE_WEEKS
KEY_USER_USUAL_DAYS = 90  # the key users' usual level: their active days in the 90 days before the window
TICKET_USUAL_DAYS = 180  # the unit's usual ticket level: the 180 days before the window
SENTIMENT_SPAN_DAYS = 90  # the latest survey answers: those within 90 days of the newest one


@dataclass(frozen=True, slots=True)
class SubscriptionFacts:
    """What the measures of one subscription need, as of one date."""

    subscription_id: int
    unit_id: int
    system_id: int
    unit_key: str
    system_key: str
    as_of: date
    seats: int
    per_seat: bool
    people_on_record: int  # the unit's people imported
    headcount: int | None  # the unit's headcount as its admin keeps it (None: not known)
    go_live: date | None
    calendar: UnitCalendar
    window_start: date
    active_days: Sequence[int]  # per person active in the window: on how many days
    person_weeks: Sequence[int]  # per person ever active within the history: a mask of active weeks
    observed_weeks: int  # how far back (in weeks) the subscription's data reaches; 0: no data at all
    unit_observed_weeks: int
    key_user_count: int
    key_user_recent_days: int  # the key users' active days in the window
    key_user_usual_days: float  # … and per 30 days in the 90 days before it (0: none)
    key_user_usual_covered: bool  # the data reaches back over those 90 days
    modules: Sequence[str]
    core_modules: Sequence[str]
    module_weeks: dict[str, int] = field(default_factory=dict)  # module key → mask of weeks it was used
    core_in_window: Sequence[str] = ()  # core modules used in the 30-day window
    key_action: str | None = None
    key_action_every_days: int | None = None
    key_action_last: date | None = None
    tickets: int = 0  # opened in the window
    incidents: int = 0
    usual_tickets_per_person: float | None = None  # per active person per 30 days, the unit's own
    norm_tickets_per_person: float | None = None  # … and across all units of the system
    answers: Sequence[Answers] = ()
    newest_answer: date | None = None
    measured_by_use: bool = True  # False: an endpoint agent, a mandatory training (judged on tickets, sentiment)
    usual_tickets: float | None = None  # per 30 days, the subscription's own count: the reference without use
    seat_cost: Decimal = Decimal(0)  # what one seat costs a year
    currency: str = "EUR"  # the system's

    @property
    def active_people(self) -> int:
        return len(self.active_days)

    @property
    def expected_people(self) -> int:
        """The unit's people who could use the system: breadth and the stage rules read this one figure."""
        return expected_people(self.people_on_record, self.headcount)

    @property
    def window_is_seasonal(self) -> bool:
        return self.window_start < self.as_of - timedelta(days=29)


def end_of(day: date) -> datetime:
    """The first instant after `day` (UTC): a timestamp belongs to the as-of date when it is before this."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def in_batches(values: Sequence[T], size: int = 500) -> Iterable[Sequence[T]]:
    """Slices small enough for an IN (…) list on every engine."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def as_date(value: date | str) -> date:
    """A date column's value: SQLite may hand back its ISO text where an aggregate hid the column type."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def history_start(as_of: date) -> date:
    return as_of - timedelta(days=HISTORY_DAYS - 1)


@dataclass
class _UnitData:
    unit: Unit
    people: int = 0
    key_users: set[int] = field(default_factory=set)
    person_weeks: dict[tuple[int, int], int] = field(default_factory=dict)  # (system, person) → mask
    by_system: dict[int, list[int]] = field(default_factory=dict)  # system → the masks of its people
    calendar: UnitCalendar | None = None
    observed_weeks: int = 0


PERSON_DAYS = (
    "SELECT system_id, person_id, span, day_bits FROM usage_person_days WHERE unit_id = ? AND span BETWEEN ? AND ?"
)


def person_days(as_of: date, unit_id: int, days: int = HISTORY_DAYS) -> dict[tuple[int, int], int]:
    """(system, person) → the days they were active in the `days` days ending on `as_of` (bit i: the first
    of those days + i).

    The one read of a full recompute that returns a row per person and span (a million at 10,000 people):
    the driver's tuples, not SQLAlchemy rows, which would cost twice the query.
    """
    first = as_of - timedelta(days=days - 1)
    rows = driver_rows(PERSON_DAYS, (unit_id, span_of(first), span_of(as_of)))
    return assemble_each((((system, person), span, bits) for system, person, span, bits in rows), first, as_of)


def _calendar(as_of: date, unit: Unit, person_weeks: dict[tuple[int, int], int]) -> tuple[UnitCalendar, int]:
    """The unit's quiet days: declared, and learned from its own weekly activity a year earlier."""
    try:
        periods = parse_quiet_periods(unit.quiet_periods)
    except QuietPeriodError:
        periods = []  # stored text is validated on the way in; an old bad value must not stop the scoring
    by_person: dict[int, int] = defaultdict(int)
    for (_, person_id), mask in person_weeks.items():
        by_person[person_id] |= mask
    everyone = 0
    for mask in by_person.values():
        everyone |= mask
    observed = everyone.bit_length()
    weekly = [0] * observed
    for mask in by_person.values():
        while mask:
            lowest = mask & -mask
            weekly[lowest.bit_length() - 1] += 1
            mask ^= lowest
    learned = learned_quiet_weeks(weekly, observed, horizon=HISTORY_WEEKS)
    text = "; ".join(period.describe() for period in periods)
    return UnitCalendar(as_of, declared_quiet(periods), learned, text), observed


@dataclass
class _WindowFigures:
    """Per subscription: each active person's active days in the window; the key users' days."""

    active_days: dict[tuple[int, int], dict[int, int]] = field(default_factory=lambda: defaultdict(dict))
    key_user_days: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def _read_unit(as_of: date, data: _UnitData, window: _WindowFigures) -> date:
    """Read one unit's activity: its people's weeks, its calendar, and its window's figures. Returns the
    window's first day."""
    unit_id = data.unit.id
    days = person_days(as_of, unit_id)
    data.person_weeks = {key: weeks_back(active, HISTORY_DAYS) for key, active in days.items()}
    data.calendar, data.observed_weeks = _calendar(as_of, data.unit, data.person_weeks)
    by_system: dict[int, list[int]] = defaultdict(list)
    for (system_id, _), mask in data.person_weeks.items():
        by_system[system_id].append(mask)
    data.by_system = by_system
    first, start = history_start(as_of), data.calendar.window_start()
    usual_from, usual_to = start - timedelta(days=KEY_USER_USUAL_DAYS), start - timedelta(days=1)
    for (system_id, person_id), active in days.items():
        in_window = days_between(active, first, start, as_of)
        if in_window:
            window.active_days[(unit_id, system_id)][person_id] = in_window
        if person_id in data.key_users:
            figures = window.key_user_days[(unit_id, system_id)]
            figures[0] += in_window
            figures[1] += days_between(active, first, usual_from, usual_to)
    return start


def _features(
    as_of: date, unit_ids: Sequence[int], modules: dict[int, set[str]]
) -> tuple[dict[tuple[int, int], dict[str, int]], dict[tuple[int, int, str], date]]:
    """Per subscription: a week mask per module used in the last FEATURE_WEEKS; and when each feature was
    last used, however long ago (a key action may be yearly)."""
    recent_first = as_of - timedelta(days=FEATURE_DAYS - 1)
    rows_by_feature: dict[tuple[int, int, str], list[tuple[int, int]]] = defaultdict(list)
    for batch in in_batches(unit_ids):
        for unit_id, system_id, feature, span, bits in db.session.execute(
            select(
                UsageFeatureDays.unit_id,
                UsageFeatureDays.system_id,
                UsageFeatureDays.feature,
                UsageFeatureDays.span,
                UsageFeatureDays.day_bits,
            ).where(UsageFeatureDays.unit_id.in_(batch), UsageFeatureDays.span <= span_of(as_of))
        ):
            rows_by_feature[(unit_id, system_id, feature)].append((span, bits))
    weeks: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    last: dict[tuple[int, int, str], date] = {}
    for (unit_id, system_id, feature), rows in rows_by_feature.items():
        first = span_start(min(span for span, _ in rows))
        last_used = last_day(assemble(rows, first, as_of), first)
        if last_used is None:
            continue  # used only after the as-of date
        last[(unit_id, system_id, feature)] = last_used
        if feature in modules.get(system_id, ()) and last_used >= recent_first:
            weeks[(unit_id, system_id)][feature] = weeks_back(assemble(rows, recent_first, as_of), FEATURE_DAYS)
    return weeks, last


@dataclass(frozen=True, slots=True)
class _TicketFigures:
    window: int
    incidents: int
    before: int  # in the TICKET_USUAL_DAYS before the window


def _tickets(
    as_of: date, pairs: Sequence[tuple[int, int]], starts: dict[int, date], system_ids: Sequence[int]
) -> tuple[dict[tuple[int, int], _TicketFigures], dict[int, int]]:
    """Per subscription: tickets in the window, incidents among them, and before it; per system: all units'
    tickets in the last 180 days (for the system's norm)."""
    earliest = min(starts.values(), default=as_of) - timedelta(days=TICKET_USUAL_DAYS)
    wanted = set(pairs)
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    per_system: dict[int, int] = defaultdict(int)
    norm_from = datetime.combine(as_of - timedelta(days=TICKET_USUAL_DAYS - 1), time.min, tzinfo=UTC)
    for batch in in_batches(system_ids):
        rows = db.session.execute(
            select(Ticket.unit_id, Ticket.system_id, Ticket.opened_at, Ticket.type).where(
                Ticket.system_id.in_(batch),
                Ticket.opened_at >= datetime.combine(earliest, time.min, tzinfo=UTC),
                Ticket.opened_at < end_of(as_of),
            )
        )
        for unit_id, system_id, opened_at, kind in rows:
            opened_at = opened_at if opened_at.tzinfo else opened_at.replace(tzinfo=UTC)
            if opened_at >= norm_from:
                per_system[system_id] += 1
            if (unit_id, system_id) not in wanted:
                continue
            start = starts[unit_id]
            figures = counts[(unit_id, system_id)]
            if opened_at.date() >= start:
                figures[0] += 1
                figures[1] += kind == TicketType.INCIDENT
            elif opened_at.date() >= start - timedelta(days=TICKET_USUAL_DAYS):
                figures[2] += 1
    return {pair: _TicketFigures(*figures) for pair, figures in counts.items()}, dict(per_system)


def _answers(as_of: date, unit_ids: Sequence[int]) -> dict[tuple[int, int], tuple[list[Answers], date | None]]:
    rows_by_pair: dict[tuple[int, int], list[tuple[date, str, int]]] = defaultdict(list)
    for batch in in_batches(unit_ids):
        rows = db.session.execute(
            select(
                SurveyAnswer.unit_id,
                SurveyAnswer.system_id,
                SurveyAnswer.submitted_at,
                SurveyAnswer.question,
                SurveyAnswer.score,
            ).where(
                SurveyAnswer.unit_id.in_(batch),
                SurveyAnswer.system_id.is_not(None),
                SurveyAnswer.submitted_at < end_of(as_of),
            )
        )
        for unit_id, system_id, submitted_at, question, score in rows:
            rows_by_pair[(unit_id, system_id)].append((submitted_at.date(), question, score))
    found: dict[tuple[int, int], tuple[list[Answers], date | None]] = {}
    for pair, rows in rows_by_pair.items():
        newest = max(day for day, _, _ in rows)
        since = newest - timedelta(days=SENTIMENT_SPAN_DAYS)
        by_question: dict[str, list[int]] = defaultdict(list)
        for day, question, score in rows:
            if day >= since:
                by_question[question].append(score)
        found[pair] = ([Answers(question, tuple(scores)) for question, scores in sorted(by_question.items())], newest)
    return found


def gather(
    as_of: date, subscription_ids: Sequence[int] | None = None, active_elsewhere: dict[int, int] | None = None
) -> list[SubscriptionFacts]:
    """The facts of every subscription (or of the given ones) as of the end of `as_of`.

    `active_elsewhere` gives, per system, the active people of the subscriptions *not* being gathered (from
    their stored scores), so that a partial re-score still knows each system's ticket norm across units.
    """
    query = select(Subscription).options(
        selectinload(Subscription.unit), selectinload(Subscription.system).selectinload(System.modules)
    )
    if subscription_ids is not None:
        if not subscription_ids:
            return []
        query = query.where(Subscription.id.in_(sorted(subscription_ids)))
    subscriptions = list(db.session.scalars(query.order_by(Subscription.id)))
    if not subscriptions:
        return []
    units: dict[int, _UnitData] = {s.unit_id: _UnitData(s.unit) for s in subscriptions}
    unit_ids = sorted(units)
    for batch in in_batches(unit_ids):
        for unit_id, count in db.session.execute(
            select(Person.unit_id, func.count()).where(Person.unit_id.in_(batch)).group_by(Person.unit_id)
        ):
            units[unit_id].people = count
        for unit_id, person_id in db.session.execute(
            select(Person.unit_id, Person.id).where(Person.unit_id.in_(batch), Person.role == PersonRole.KEY_USER.value)
        ):
            units[unit_id].key_users.add(person_id)

    window = _WindowFigures()
    starts = {unit_id: _read_unit(as_of, data, window) for unit_id, data in units.items()}
    modules = {s.system_id: {m.key for m in s.system.modules} for s in subscriptions}
    module_weeks, feature_last = _features(as_of, unit_ids, modules)
    pairs = [(s.unit_id, s.system_id) for s in subscriptions]
    system_ids = sorted({s.system_id for s in subscriptions})
    tickets, system_tickets = _tickets(as_of, pairs, starts, system_ids)
    answers = _answers(as_of, unit_ids)

    # The system's ticket norm: its tickets per active person across all units (per 30 days).
    system_active: dict[int, int] = defaultdict(int, active_elsewhere or {})
    for s in subscriptions:
        system_active[s.system_id] += len(window.active_days.get((s.unit_id, s.system_id), {}))
    months = TICKET_USUAL_DAYS / 30

    facts: list[SubscriptionFacts] = []
    for s in subscriptions:
        pair = (s.unit_id, s.system_id)
        data = units[s.unit_id]
        assert data.calendar is not None
        start = starts[s.unit_id]
        masks = data.by_system.get(s.system_id, [])
        everyone = 0
        for mask in masks:
            everyone |= mask
        observed = everyone.bit_length()
        days = window.active_days.get(pair, {})
        recent_key, before_key = window.key_user_days.get(pair, (0, 0))
        usual_key_covered = data.observed_weeks * 7 >= (as_of - start).days + KEY_USER_USUAL_DAYS
        core = tuple(sorted(m.key for m in s.system.core_modules))
        in_window = tuple(sorted(m for m in core if feature_last.get((*pair, m), date.min) >= start))
        key_last = feature_last.get((*pair, s.key_action)) if s.key_action else None
        ticket = tickets.get(pair, _TicketFigures(0, 0, 0))
        active = len(days)
        covered_days = observed * 7 - (as_of - start).days
        usual_tickets = None
        if covered_days >= TICKET_USUAL_DAYS // 2 and active:
            months_before = min(covered_days, TICKET_USUAL_DAYS) / 30
            usual_tickets = ticket.before / months_before / active
        usual_count = None
        if not s.system.measured_by_use:
            # Without use to count, the tickets are held against the subscription's own usual count a month; its
            # ticket history is taken to reach as far back as the unit's data (an agent may send none of its own).
            reach_days = max(observed, data.observed_weeks) * 7 - (as_of - start).days
            if reach_days >= TICKET_USUAL_DAYS // 2:
                usual_count = ticket.before / (min(reach_days, TICKET_USUAL_DAYS) / 30)
        norm = None
        if system_active[s.system_id]:
            norm = system_tickets.get(s.system_id, 0) / months / system_active[s.system_id]
        survey, newest = answers.get(pair, ([], None))
        facts.append(
            SubscriptionFacts(
                subscription_id=s.id,
                unit_id=s.unit_id,
                system_id=s.system_id,
                unit_key=s.unit.key,
                system_key=s.system.key,
                as_of=as_of,
                seats=s.seats,
                per_seat=s.system.license_model == LicenseModel.PER_SEAT.value,
                people_on_record=data.people,
                headcount=s.unit.headcount,
                go_live=s.go_live,
                calendar=data.calendar,
                window_start=start,
                active_days=tuple(sorted(days.values())),
                person_weeks=tuple(masks),
                observed_weeks=observed,
                unit_observed_weeks=data.observed_weeks,
                key_user_count=len(data.key_users),
                key_user_recent_days=recent_key,
                key_user_usual_days=before_key / (KEY_USER_USUAL_DAYS / 30),
                key_user_usual_covered=usual_key_covered,
                modules=tuple(sorted(modules[s.system_id])),
                core_modules=core,
                module_weeks=module_weeks.get(pair, {}),
                core_in_window=in_window,
                key_action=s.key_action,
                key_action_every_days=s.key_action_every_days,
                key_action_last=key_last,
                tickets=ticket.window,
                incidents=ticket.incidents,
                usual_tickets_per_person=usual_tickets,
                norm_tickets_per_person=norm,
                answers=tuple(survey),
                newest_answer=newest,
                measured_by_use=s.system.measured_by_use,
                usual_tickets=usual_count,
                seat_cost=s.cost_per_seat,
                currency=s.system.currency,
            )
        )
    return facts


def affected_subscriptions(pairs: Iterable[tuple[int, int | None]]) -> list[int]:
    """The subscriptions touched by (unit, system) pairs an import wrote; a pair without a system (a
    unit-level ticket or answer) touches all of the unit's subscriptions."""
    wanted = set(pairs)
    whole_units = sorted({unit for unit, system in wanted if system is None})
    exact = sorted((unit, system) for unit, system in wanted if system is not None)
    found: set[int] = set()
    for batch in in_batches(whole_units):
        found.update(db.session.scalars(select(Subscription.id).where(Subscription.unit_id.in_(batch))))
    for chunk in in_batches(exact):
        found.update(
            db.session.scalars(
                select(Subscription.id).where(tuple_(Subscription.unit_id, Subscription.system_id).in_(chunk))
            )
        )
    return sorted(found)
