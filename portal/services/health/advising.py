"""The next steps of a unit's scores as its pages, review and API show them: the figures the advice names are
read from the data here, the advice itself is portal/services/health/advice.py."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from models import Account, System, Ticket, db
from models.types import start_of_day
from portal.services.health.advice import Audience, Context, Step, audience_of, next_steps, unit_next_steps
from portal.services.health.rollup import Record

WINDOW_DAYS = 30  # the measures' window when a record does not say where its window began


def audience_for(viewer: Account | None) -> Audience:
    """A department head reads the head's words; IT staff, the command line and IT's tokens read IT's."""
    return Audience.IT if viewer is None else audience_of(viewer.role)


def _window_start(record: Record, as_of: date) -> date:
    start = record.explanation.window_start
    return date.fromisoformat(start) if start else as_of - timedelta(days=WINDOW_DAYS - 1)


def top_ticket_categories(unit_id: int, starts: dict[int, date], as_of: date) -> dict[int, str]:
    """Per system id, the commonest ticket category of the unit's tickets from the system's window start to
    `as_of` (ties: the first by name); tickets without a category are not counted."""
    if not starts:
        return {}
    rows = db.session.execute(
        select(Ticket.system_id, Ticket.category, Ticket.opened_at).where(
            Ticket.unit_id == unit_id,
            Ticket.system_id.in_(starts),
            Ticket.category.is_not(None),
            Ticket.opened_at >= start_of_day(min(starts.values())),
            Ticket.opened_at < start_of_day(as_of + timedelta(days=1)),
        )
    )
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for system_id, category, opened_at in rows:
        if category.strip() and opened_at.date() >= starts[system_id]:
            counts[system_id][category.strip()] += 1
    return {
        system_id: min(counted, key=lambda name: (-counted[name], name.casefold()))
        for system_id, counted in counts.items()
    }


def contexts(unit_id: int, records: Iterable[Record], as_of: date) -> dict[str, Context]:
    """Per system key, the figures the advice on the unit's subscription records names."""
    by_key = {record.system_key: record for record in records if record.system_key}
    if not by_key:
        return {}
    ids = dict(db.session.execute(select(System.key, System.id).where(System.key.in_(by_key))).tuples().all())
    starts = {ids[key]: _window_start(record, record.as_of or as_of) for key, record in by_key.items() if key in ids}
    categories = top_ticket_categories(unit_id, starts, as_of)
    return {
        key: Context(record.name, record.reclaimable_seats, categories.get(ids.get(key, -1)))
        for key, record in by_key.items()
    }


@dataclass(frozen=True)
class Advice:
    """The next steps of a unit and of each of its subscriptions, for one audience."""

    unit: tuple[Step, ...] = ()
    systems: dict[str, tuple[Step, ...]] = field(default_factory=dict)  # by system key


def advise(
    unit_id: int, unit: Record | None, subscriptions: Sequence[Record], audience: Audience, as_of: date
) -> Advice:
    """The unit's steps and its subscriptions', from their records (stored or computed as of `as_of`)."""
    found = contexts(unit_id, subscriptions, as_of)
    pairs = [(record, found.get(record.system_key, Context(record.name))) for record in subscriptions]
    return Advice(
        unit_next_steps(unit, pairs, audience),
        {
            record.system_key: next_steps(record.explanation.measures, record.stage, audience, context)
            for record, context in pairs
        },
    )
