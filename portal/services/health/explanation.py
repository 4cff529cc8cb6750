"""What a score is made of, typed: the explanation stored with every score and read back by the pages, the
PDFs, the API and the reviews.

`to_json()` gives the JSON stored in `health_score.explanation` (its keys, their order and the rounding the
engine applied); `from_json()` reads a stored one back, rows of older versions included (a missing key takes
its default). Pure: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.services.health.profiles import MEASURE_LABELS


@dataclass(frozen=True, slots=True)
class MeasureLine:
    """One measure of a subscription's score, as rounded for the store."""

    key: str
    raw: float | None = None
    score: float | None = None  # None: the measure could not judge
    weight: float = 0.0
    share: float = 0.0
    contribution: float = 0.0
    change: float | None = None  # its score minus the previous snapshot's
    reason: str = ""
    critical: bool = False  # a critical signal: it caps the subscription's colour
    unused: tuple[str, ...] = ()  # the core modules nobody used (depth)

    @property
    def label(self) -> str:
        return MEASURE_LABELS.get(self.key, self.key.replace("_", " "))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "raw": self.raw,
            "score": self.score,
            "weight": self.weight,
            "share": self.share,
            "contribution": self.contribution,
            "change": self.change,
            "reason": self.reason,
            "critical": self.critical,
        }
        if self.unused:
            data["unused"] = list(self.unused)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MeasureLine:
        return cls(
            data["key"],
            data.get("raw"),
            data.get("score"),
            data.get("weight", 0.0),
            data.get("share", 0.0),
            data.get("contribution", 0.0),
            data.get("change"),
            data.get("reason", ""),
            bool(data.get("critical", False)),
            tuple(data.get("unused", ())),
        )


# Yearly licence money as (currency, amount) pairs, currencies in order: amounts in different currencies are
# never added up or converted. A tuple, not a dict, so the frozen records that carry it stay hashable.
Money = tuple[tuple[str, float], ...]


def add_money(amounts: Iterable[Money]) -> Money:
    """The sum per currency; zero amounts left out."""
    totals: dict[str, float] = {}
    for money in amounts:
        for currency, amount in money:
            totals[currency] = totals.get(currency, 0.0) + amount
    return tuple((currency, round(total, 2)) for currency, total in sorted(totals.items()) if total)


@dataclass(frozen=True, slots=True)
class RollUpPart:
    """One part of a unit's score: a subscription of its own, or a unit below it."""

    unit_key: str
    system_key: str  # empty for a unit
    name: str
    score: float | None
    colour: str
    stage: str | None
    seats: int
    money: Money = ()  # its yearly licence money: a subscription's effective annual cost, a unit's sum of its own

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "unit_key": self.unit_key,
            "system_key": self.system_key,
            "name": self.name,
            "score": self.score,
            "colour": self.colour,
            "stage": self.stage,
            "seats": self.seats,
        }
        if self.money:
            data["money"] = dict(self.money)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RollUpPart:
        return cls(
            data.get("unit_key", ""),
            data.get("system_key", ""),
            data.get("name", ""),
            data.get("score"),
            data.get("colour", "grey"),
            data.get("stage"),
            data.get("seats", 0),
            add_money([tuple((data.get("money") or {}).items())]),
        )


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a score: a subscription's measure lines, what would lift it one colour and why its stage; or a
    unit's parts (`children` set). Both say what moves the stage on (the playbook line)."""

    measures: tuple[MeasureLine, ...] = ()
    lift: str | None = None  # the smallest change that would lift the colour one step
    stage_reason: str = ""
    playbook: str = ""
    window_start: str = ""  # ISO date: the first day of the measures' window
    cadence: str = ""  # the users' cadence the habit was judged by
    children: tuple[RollUpPart, ...] | None = None  # a unit's parts; None for a subscription
    colour_note: str = ""  # a unit's: why its colour is worse than its score's own ("Yellow although 71: …")

    @property
    def critical_signals(self) -> tuple[MeasureLine, ...]:
        """The measures that cap the colour."""
        return tuple(line for line in self.measures if line.critical)

    def measure(self, key: str) -> MeasureLine | None:
        return next((line for line in self.measures if line.key == key), None)

    def to_json(self) -> dict[str, Any]:
        if self.children is not None:
            data: dict[str, Any] = {"children": [part.to_json() for part in self.children], "playbook": self.playbook}
            if self.colour_note:
                data["colour_note"] = self.colour_note
            return data
        return {
            "measures": [line.to_json() for line in self.measures],
            "lift": self.lift,
            "stage_reason": self.stage_reason,
            "playbook": self.playbook,
            "window_start": self.window_start,
            "cadence": self.cadence,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Explanation:
        data = data or {}
        children = data.get("children")
        return cls(
            tuple(
                MeasureLine.from_json(line)
                for line in data.get("measures", ())
                if isinstance(line, Mapping) and "key" in line
            ),
            data.get("lift"),
            data.get("stage_reason", ""),
            data.get("playbook", ""),
            data.get("window_start", ""),
            data.get("cadence", ""),
            None if children is None else tuple(RollUpPart.from_json(part) for part in children),
            data.get("colour_note", ""),
        )
