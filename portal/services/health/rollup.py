"""Units and divisions from their subscriptions: weighted scores, the dominant stage, the worst reasons.

Pure: it works on plain records, whether they were just computed or read back from the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from portal.formatting import money_short
from portal.services.health.explanation import Explanation, Money, RollUpPart, add_money
from portal.services.health.measures import Colour
from portal.services.health.scoring import Profile, roll_up_values
from portal.services.health.stages import PLAYBOOK, Stage

SEVERITY = {Colour.RED.value: 0, Colour.YELLOW.value: 1, Colour.GREY.value: 2, Colour.GREEN.value: 3}
UNIT_REASONS = 5  # a unit names this many of its worst subscriptions and sub-units
NAMED_PARTS = 3  # a sentence on what holds a unit's colour names this many parts, then "and N more"


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
    money: Money = ()  # the yearly licence money the roll-up weighs beside the seats (not in the export)

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


@dataclass(frozen=True, slots=True)
class Hold:
    """A colour a unit's parts hold it at, worse than its score's own, and the words that say which parts."""

    colour: Colour
    why: str  # "M-Files holds 23 of 43 seats and is yellow"


def _weight(child: Record) -> int:
    return max(child.seats, 1)  # a system with no seats counts as one, as in the score


def _holds(parts: Sequence[Record], share: str) -> str:
    """ "M-Files holds 23 of 43 seats and is yellow"; several parts: "A, B and 2 more hold … and are yellow or red"."""
    names = [part.name for part in parts[:NAMED_PARTS]]
    if len(parts) > NAMED_PARTS:
        names.append(f"{len(parts) - NAMED_PARTS} more")
    present = {part.colour for part in parts}
    colours = " or ".join(colour.value for colour in (Colour.YELLOW, Colour.RED) if colour.value in present)
    if len(names) == 1:
        return f"{names[0]} holds {share} and is {colours}"
    return f"{', '.join(names[:-1])} and {names[-1]} hold {share} and are {colours}"


def _half_the_seats(scored: Sequence[Record]) -> Hold | None:
    """The colour of the weighted median part: the worst colour that parts holding at least half of the seats
    share or are worse than. A critical signal that holds a subscription at yellow thus holds a unit that is
    mostly that subscription, but not a unit with twenty other healthy systems."""
    total = sum(_weight(child) for child in scored)
    for colour, at_least in ((Colour.RED, {Colour.RED}), (Colour.YELLOW, {Colour.RED, Colour.YELLOW})):
        holding = sorted((child for child in scored if child.colour in at_least), key=lambda c: (-_weight(c), c.name))
        if total and sum(_weight(child) for child in holding) * 2 >= total:
            named: list[Record] = []
            for child in holding:  # the largest parts that together reach half, named
                named.append(child)
                if sum(_weight(part) for part in named) * 2 >= total:
                    break
            held = sum(_weight(part) for part in named)
            return Hold(colour, _holds(named, f"{held:,} of {total:,} seats"))
    return None


def _half_the_money(scored: Sequence[Record]) -> Hold | None:
    """The half-the-seats rule weighed by licence money, within each currency: a unit that spends most of its
    licence money on a yellow system is yellow, however few seats that system has (one costly expert system
    among cheap office tools)."""
    money = dict(add_money(child.money for child in scored))
    found: Hold | None = None
    for currency, whole in money.items():
        priced = [(child, dict(child.money).get(currency, 0.0)) for child in scored]
        for colour, at_least in ((Colour.RED, {Colour.RED}), (Colour.YELLOW, {Colour.RED, Colour.YELLOW})):
            holding = sorted(
                ((child, amount) for child, amount in priced if child.colour in at_least and amount > 0),
                key=lambda pair: (-pair[1], pair[0].name),
            )
            if not whole or sum(amount for _, amount in holding) * 2 < whole:
                continue
            named: list[Record] = []
            held = 0.0
            for child, amount in holding:  # the costliest parts that together reach half, named
                named.append(child)
                held += amount
                if held * 2 >= whole:
                    break
            share = (
                f"{money_short(held, currency).removesuffix(f' {currency}')} of {money_short(whole, currency)} a year"
            )
            if found is None or SEVERITY[colour.value] < SEVERITY[found.colour.value]:
                found = Hold(colour, _holds(named, share))
            break
    return found


def _red_third(scored: Sequence[Record]) -> Hold | None:
    """Yellow at best while one red part holds a third or more of the seats or of the licence money: a unit
    must never look green while a part that large is failing (a watermelon: green outside, red inside).

    Money is compared within the red part's own currency — its amount against the amounts of the parts
    priced in that currency — since currencies never add up and Rapport converts none."""
    seats = sum(_weight(child) for child in scored)
    money = dict(add_money(child.money for child in scored))
    heaviest: tuple[float, str] | None = None  # the largest share a red part holds, and its words
    for child in scored:
        if child.colour != Colour.RED.value:
            continue
        shares = [(_weight(child), seats, f"{_weight(child):,} of {seats:,} seats")]
        for currency, amount in child.money:
            held = money_short(amount, currency).removesuffix(f" {currency}")
            shares.append((amount, money[currency], f"{held} of {money_short(money[currency], currency)} a year"))
        for part, whole, words in shares:
            if whole > 0 and part * 3 >= whole and (heaviest is None or part / whole > heaviest[0]):
                heaviest = (part / whole, _holds([child], words))
    return Hold(Colour.YELLOW, heaviest[1]) if heaviest else None


def _held_colour(value: float | None, colour: Colour, children: Sequence[Record]) -> tuple[Colour, str]:
    """The unit's colour after its parts have held it, and the sentence why when that differs from its score's
    own colour ("Yellow although 71: M-Files holds 23 of 43 seats and is yellow")."""
    scored = [child for child in children if child.score is not None]
    note = ""
    for hold in (_half_the_seats(scored), _half_the_money(scored), _red_third(scored)):
        if value is not None and hold is not None and SEVERITY[hold.colour.value] < SEVERITY[colour.value]:
            # The score rounded as the pages round it (`| round | int`), so the sentence and the page agree.
            colour, note = hold.colour, f"{hold.colour.value.capitalize()} although {round(value)}: {hold.why}"
    return colour, note


def unit_record(unit: UnitNode, children: Sequence[Record], profiles: Mapping[Stage, Profile]) -> Record:
    """A unit's record from its subscriptions and sub-units."""
    stage = _dominant_stage(children)
    profile = profiles[Stage(stage) if stage else Stage.ADOPTION]
    value, own_colour = roll_up_values([(child.score, child.seats) for child in children], profile)
    colour, colour_note = _held_colour(value, own_colour, children)
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
    if colour_note:
        reasons = [colour_note, *reasons]
    parts = tuple(
        RollUpPart(
            child.unit_key,
            child.system_key,
            child.name,
            child.score,
            child.colour,
            child.stage,
            child.seats,
            child.money,
        )
        for child in sorted(children, key=lambda child: (SEVERITY[child.colour], child.name))
    )
    playbook = PLAYBOOK[Stage(stage)] if stage else ""
    explanation = Explanation(playbook=playbook, children=parts, colour_note=colour_note)
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
        money=add_money(child.money for child in children),
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
