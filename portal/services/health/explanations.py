"""Why a colour: the stored explanation of a unit's or a subscription's latest score, in the viewer's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from models import Account, ScoringProfile, Unit, db
from portal import clock
from portal.access.scope import visible_unit, visible_unit_ids
from portal.services.errors import NotFound
from portal.services.health.advice import Step
from portal.services.health.advising import advise, audience_for
from portal.services.health.engine import unit_health
from portal.services.health.explanation import MeasureLine, RollUpPart
from portal.services.health.rollup import Record


@dataclass(frozen=True)
class Explained:
    """A record's explanation as the viewer may see it."""

    unit_key: str
    unit_name: str
    record: Record
    measures: tuple[MeasureLine, ...]  # a subscription's
    children: list[RollUpPart]  # a unit's subscriptions and sub-units (only those the viewer may see)
    profile_note: str
    next_steps: tuple[Step, ...] = ()  # what to do about it, in the viewer's words

    @property
    def is_subscription(self) -> bool:
        return bool(self.record.system_key)


def explain(viewer: Account, unit_key: str, system_key: str = "") -> Explained:
    """The explanation of the unit (or of its subscription of `system_key`); NotFound outside the viewer's
    scope or before the first score."""
    unit = visible_unit(viewer, unit_key)
    health = unit_health(unit.id)
    record = health.systems.get(system_key) if system_key else health.unit
    if record is None:
        raise NotFound(f"no score yet for “{unit_key}” {system_key}".rstrip())
    children = list(record.explanation.children or ())
    visible = visible_unit_ids(viewer)
    if visible is not None:
        # A unit's explanation lists its sub-units; a department head's scope always includes them, but the
        # stored list is filtered all the same: nothing outside the scope leaves the server.
        keys = set(db.session.scalars(select(Unit.key).where(Unit.id.in_(visible))))
        children = [child for child in children if child.unit_key in keys]
    profile = None
    if record.profile_version is not None:
        profile = db.session.scalar(select(ScoringProfile).where(ScoringProfile.version == record.profile_version))
    note = f"scoring profile version {record.profile_version}" if record.profile_version is not None else ""
    if profile is not None:
        note += f" ({profile.stage}, green from {profile.green_at:g}, yellow from {profile.yellow_at:g})"
    advice = advise(unit.id, health.unit, list(health.systems.values()), audience_for(viewer), clock.today())
    steps = advice.systems.get(system_key, ()) if system_key else advice.unit
    return Explained(unit.key, unit.name, record, record.explanation.measures, children, note, steps)
