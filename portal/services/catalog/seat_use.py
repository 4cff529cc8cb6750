"""How long paid seats have gone unused, per subscription, graded by how safe reclaiming them is: never used
(safe), unused for 90 days (likely safe), unused for 30 days only (ask first)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from portal.database import driver_rows
from portal.services.health.day_bits import assemble_each, days_between, span_of

EVER = (
    "SELECT unit_id, system_id, COUNT(DISTINCT person_id) FROM usage_person_days WHERE span <= ? "
    "GROUP BY unit_id, system_id"
)
RECENT = "SELECT unit_id, system_id, person_id, span, day_bits FROM usage_person_days WHERE span BETWEEN ? AND ?"
GRADES = ("never used", "unused 90 days", "unused 30 days")
LOW_SEAT_USE = 0.6  # a seats meter reads "low" (amber) below three in five seats in use


def low_seat_mark(seats: int) -> float:
    """Where a meter of `seats` paid seats turns low (its `low` attribute)."""
    return seats * LOW_SEAT_USE


@dataclass(frozen=True)
class SeatUse:
    ever: int  # people who ever used it, up to the day
    in_90: int
    in_30: int


def seat_use(as_of: date) -> dict[tuple[int, int], SeatUse]:
    """(unit, system) → the people who used it ever, in the last 90 and the last 30 days up to `as_of`."""
    ever = {(unit, system): count for unit, system, count in driver_rows(EVER, (span_of(as_of),))}
    first = as_of - timedelta(days=89)
    rows = driver_rows(RECENT, (span_of(first), span_of(as_of)))
    days = assemble_each(
        (((unit, system, person), span, bits) for unit, system, person, span, bits in rows), first, as_of
    )
    in_90: dict[tuple[int, int], int] = defaultdict(int)
    in_30: dict[tuple[int, int], int] = defaultdict(int)
    for (unit, system, _person), bits in days.items():
        if bits:
            in_90[(unit, system)] += 1
            in_30[(unit, system)] += days_between(bits, first, as_of - timedelta(days=29), as_of) > 0
    return {key: SeatUse(count, in_90.get(key, 0), in_30.get(key, 0)) for key, count in ever.items()}


def unused_by_grade(seats: int, use: SeatUse | None) -> dict[str, int]:
    """The seats of a subscription nobody used, by the grade of how safe reclaiming them is (each seat once)."""
    use = use or SeatUse(0, 0, 0)
    never = max(seats - use.ever, 0)
    in_90 = max(seats - use.in_90, 0) - never
    in_30 = max(seats - use.in_30, 0) - never - in_90
    return {GRADES[0]: never, GRADES[1]: max(in_90, 0), GRADES[2]: max(in_30, 0)}


def money_by_grade(seats: int, annual_cost: Decimal, use: SeatUse | None) -> dict[str, Decimal]:
    per_seat = annual_cost / seats if seats else Decimal(0)
    return {grade: (per_seat * count).quantize(Decimal("1")) for grade, count in unused_by_grade(seats, use).items()}
