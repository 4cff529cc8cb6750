"""Touchpoints with a unit, and the relationship figure they make.

The relationship figure: the distinct people of a unit (and of the units below it) that IT met in the last
quarter, per 100 of its users (the people Rapport knows in it), against a target (default 2 per 100).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from models import Account, Person, Touchpoint, TouchpointKind, Unit, db, touchpoint_person
from portal.access.scope import descendants_of, subtrees
from portal.services.errors import RuleViolation
from portal.services.platform import audit
from portal.services.platform.accounts import STAFF_ROLES

QUARTER_DAYS = 91
MAX_NOTES = 4000


class TouchpointError(RuleViolation):
    pass


@dataclass(frozen=True)
class TouchpointDetails:
    kind: TouchpointKind
    happened_on: date | None
    it_account_id: int | None
    person_ids: list[int]
    notes: str


def people_of(unit: Unit) -> list[Person]:
    """The people a touchpoint with the unit may name: the unit's and those of the units below it."""
    below = descendants_of({unit.id})
    return list(db.session.scalars(select(Person).where(Person.unit_id.in_(sorted(below))).order_by(Person.key)))


def log(unit: Unit, details: TouchpointDetails, today: date, actor: Account) -> Touchpoint:
    if details.happened_on is None or details.happened_on > today:
        raise TouchpointError("Give the day it happened: today or before.", "happened_on")
    it_account = db.session.get(Account, details.it_account_id) if details.it_account_id else None
    if it_account is None or it_account.role not in STAFF_ROLES:
        raise TouchpointError("Choose who from IT took part.", "it_account_id")
    allowed = {person.id: person for person in people_of(unit)}
    if any(person_id not in allowed for person_id in details.person_ids):
        raise TouchpointError("Choose the people from the unit's own list.", "person_ids")
    if not details.person_ids:
        raise TouchpointError("Choose at least one of the unit's people who took part.", "person_ids")
    notes = details.notes.strip()
    if len(notes) > MAX_NOTES:
        raise TouchpointError(f"Notes have at most {MAX_NOTES:,} characters.", "notes")
    touchpoint = Touchpoint(
        unit=unit,
        kind=details.kind.value,
        happened_on=details.happened_on,
        it_account=it_account,
        notes=notes,
        created_by_id=actor.id,
        people=[allowed[person_id] for person_id in sorted(set(details.person_ids))],
    )
    db.session.add(touchpoint)
    db.session.flush()
    said = {
        "kind": [None, touchpoint.kind],
        "happened_on": [None, touchpoint.happened_on.isoformat()],
        "people": [None, len(touchpoint.people)],
    }
    audit.record(actor, "create", "touchpoint", f"{unit.key}/{touchpoint.id}", said)
    return touchpoint


def recent(unit: Unit, limit: int = 50) -> list[Touchpoint]:
    statement = (
        select(Touchpoint)
        .where(Touchpoint.unit_id == unit.id)
        .order_by(Touchpoint.happened_on.desc(), Touchpoint.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class Relationship:
    people_met: int  # distinct people of the unit met in the quarter
    users: int  # the people Rapport knows in the unit
    target: float  # per 100 users

    @property
    def per_100(self) -> float | None:
        return None if not self.users else 100 * self.people_met / self.users

    @property
    def below_target(self) -> bool:
        return self.per_100 is not None and self.per_100 < self.target


def relationships(unit_ids: Iterable[int], as_of: date) -> dict[int, Relationship]:
    """The relationship figure of each unit (its subtree counted), in two queries whatever their number."""
    target = current_app.config["RELATIONSHIP_TARGET_PER_100"]
    wanted = list(unit_ids)
    subtree = subtrees(wanted)
    users_by_unit = dict(
        db.session.execute(select(Person.unit_id, func.count()).group_by(Person.unit_id)).tuples().all()
    )
    met_rows = db.session.execute(
        select(Touchpoint.unit_id, touchpoint_person.c.person_id)
        .join(touchpoint_person, touchpoint_person.c.touchpoint_id == Touchpoint.id)
        .where(Touchpoint.happened_on > as_of - timedelta(days=QUARTER_DAYS), Touchpoint.happened_on <= as_of)
    ).tuples()
    met_by_unit: dict[int, set[int]] = defaultdict(set)
    for unit_id, person_id in met_rows:
        met_by_unit[unit_id].add(person_id)
    figures = {}
    for unit_id in wanted:
        met = set().union(*(met_by_unit.get(member, set()) for member in subtree[unit_id]))
        users = sum(users_by_unit.get(member, 0) for member in subtree[unit_id])
        figures[unit_id] = Relationship(len(met), users, target)
    return figures
