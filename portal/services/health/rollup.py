"""Units and divisions from their subscriptions: weighted scores, the dominant stage, the worst reasons.

Pure: it works on plain records, whether they were just computed or read back from the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from portal.services.health.explanation import Explanation, RollUpPart
from portal.services.health.measures import Colour
from portal.services.health.scoring import Profile, roll_up_values
from portal.services.health.stages import PLAYBOOK, Stage

SEVERITY = {Colour.RED.value: 0, Colour.YELLOW.value: 1, Colour.GREY.value: 2, Colour.GREEN.value: 3}
UNIT_REASONS = 5  # a unit names this many of its worst subscriptions and sub-units


@dataclass(frozen=True, slots=True)
class Record:
    """One row of the health export: a subscription (system_key set) or a unit (system_key empty)."""

    unit_key: str
    system_key: str
    name: str  # the system's name for a subscription, the unit's for a unit
    score: float | None
    colour: str
    stage: str | None
    seats: int
    active_people: int
    reclaimable_seats: int
    reasons: Sequence[str]
    profile_version: int | None = None
    explanation: Explanation = field(default_factory=Explanation)
    as_of: date | None = None  # set on records read back from the store

    def export(self) -> dict[str, object]:
        return {
            "unit_key": self.unit_key,
            "system_key": self.system_key,
            "score": None if self.score is None else round(self.score, 1),
            "colour": self.colour,
            "stage": self.stage or "",
            "seats": self.seats,
            "active_people": self.active_people,
            "reclaimable_seats": self.reclaimable_seats,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class UnitNode:
    id: int
    key: str
    name: str
    parent_id: int | None


def _dominant_stage(children: Sequence[Record]) -> str | None:
    """The stage that holds most of the seats (each child counting at least one)."""
    weights: dict[str, float] = defaultdict(float)
    for child in children:
        if child.stage:
            weights[child.stage] += max(child.seats, 1)
    if not weights:
        return None
    order = [stage.value for stage in Stage]
    return max(weights, key=lambda stage: (weights[stage], -order.index(stage)))


def _median_colour(children: Sequence[Record]) -> Colour | None:
    """The colour of the weighted median child: the worst colour that children holding at least half of
    the weight share or are worse than. A critical signal that holds a subscription at yellow thus holds
    a unit that is mostly that subscription, but not a unit with twenty other healthy systems."""
    coloured = [(child.colour, max(child.seats, 1)) for child in children if child.score is not None]
    total = sum(weight for _, weight in coloured)
    if not total:
        return None
    for colour in (Colour.RED, Colour.YELLOW):
        at_least = {Colour.RED: {Colour.RED}, Colour.YELLOW: {Colour.RED, Colour.YELLOW}}[colour]
        if sum(weight for child_colour, weight in coloured if child_colour in at_least) * 2 >= total:
            return colour
    return Colour.GREEN


def unit_record(unit: UnitNode, children: Sequence[Record], profiles: Mapping[Stage, Profile]) -> Record:
    """A unit's record from its subscriptions and sub-units."""
    stage = _dominant_stage(children)
    profile = profiles[Stage(stage) if stage else Stage.ADOPTION]
    value, colour = roll_up_values([(child.score, child.seats) for child in children], profile)
    median = _median_colour(children)
    if median is not None and SEVERITY[median.value] < SEVERITY[colour.value]:
        colour = median
    worst = sorted(
        (child for child in children if child.colour in (Colour.RED.value, Colour.YELLOW.value)),
        key=lambda child: (SEVERITY[child.colour], child.score if child.score is not None else 0.0),
    )
    reasons = [f"{child.name}: {child.reasons[0]}" for child in worst[:UNIT_REASONS] if child.reasons]
    if not children:
        reasons = ["no subscriptions"]
    elif value is None:
        reasons = ["insufficient data: none of its subscriptions could be scored"]
    elif not reasons:
        reasons = [f"all {len(children)} scored {'parts are' if len(children) > 1 else 'part is'} healthy"]
    parts = tuple(
        RollUpPart(child.unit_key, child.system_key, child.name, child.score, child.colour, child.stage, child.seats)
        for child in sorted(children, key=lambda child: (SEVERITY[child.colour], child.name))
    )
    explanation = Explanation(playbook=PLAYBOOK[Stage(stage)] if stage else "", children=parts)
    return Record(
        unit.key,
        "",
        unit.name,
        value,
        colour.value,
        stage,
        sum(child.seats for child in children),
        sum(child.active_people for child in children),
        sum(child.reclaimable_seats for child in children),
        reasons,
        profile.version,
        explanation,
    )


def roll_up_units(
    units: Mapping[int, UnitNode],
    subscriptions: Mapping[int, Sequence[Record]],  # unit id → its own subscriptions' records
    wanted: set[int],
    profiles: Mapping[Stage, Profile],
) -> dict[int, Record]:
    """Records for the wanted units, each from its own subscriptions and its sub-units' records."""
    children_of: dict[int | None, list[int]] = defaultdict(list)
    for node in units.values():
        children_of[node.parent_id].append(node.id)
    done: dict[int, Record] = {}

    def record_of(unit_id: int) -> Record:
        if unit_id not in done:
            below = [record_of(child) for child in children_of[unit_id]]
            below = [child for child in below if child.reasons != ["no subscriptions"]]
            done[unit_id] = unit_record(units[unit_id], [*subscriptions.get(unit_id, ()), *below], profiles)
        return done[unit_id]

    return {unit_id: record_of(unit_id) for unit_id in wanted if unit_id in units}


def with_ancestors(units: Mapping[int, UnitNode], unit_ids: set[int]) -> set[int]:
    found = set()
    for unit_id in unit_ids:
        node = units.get(unit_id)
        while node is not None and node.id not in found:
            found.add(node.id)
            node = units.get(node.parent_id) if node.parent_id is not None else None
    return found
