"""Which risks a subscription's recent scores suggest, and the figures that say so. Pure: plain snapshots in,
signals out; portal/services/risk_suggestions.py reads the snapshots and keeps the suggestions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from models import Colour, SignalKind, Stage
from portal.services.health.explanation import MeasureLine

WEAK = 50.0  # a measure scoring below this is a signal
# The measure behind each signal that reads one measure of the latest score.
MEASURE_SIGNALS = (
    (SignalKind.KEY_USERS_QUIET, "key_users"),
    (SignalKind.TICKET_SURGE, "ticket_load"),
    (SignalKind.KEY_ACTION_MISSED, "key_action"),
)
# The reason each signal suggests, by its default name (an admin may have renamed or retired it).
SUGGESTED_REASON = {
    SignalKind.RED_WEEKS: "Low adoption",
    SignalKind.KEY_USERS_QUIET: "Weak relationship with the champion",
    SignalKind.TICKET_SURGE: "Bugs and outages",
    SignalKind.KEY_ACTION_MISSED: "Low adoption",
    SignalKind.STAGE_FALLING: "Low return on investment",
}


@dataclass(frozen=True)
class Snapshot:
    """One stored score of a subscription."""

    as_of: date
    colour: str
    stage: str | None
    measures: Mapping[str, MeasureLine] = field(default_factory=dict)  # by measure key


def window_days(red_weeks: int, stage_weeks: int) -> int:
    """How far back the snapshots must reach for both rules."""
    return 7 * max(red_weeks, stage_weeks)


def signals(history: Sequence[Snapshot], red_weeks: int, stage_weeks: int) -> dict[SignalKind, str]:
    """The signals of one subscription from its snapshots (oldest first, the latest last), with the evidence
    in words."""
    if not history:
        return {}
    latest = history[-1]
    found: dict[SignalKind, str] = {}
    recent = [s for s in history if s.as_of > latest.as_of - timedelta(weeks=red_weeks)] if red_weeks > 0 else []
    # Red at each score of the weeks, and scores reaching back over them (not one red day of a new system).
    spans_the_weeks = bool(recent) and recent[0].as_of <= latest.as_of - timedelta(weeks=red_weeks - 1)
    if spans_the_weeks and all(snapshot.colour == Colour.RED for snapshot in recent):
        found[SignalKind.RED_WEEKS] = (
            f"Red at every score of the last {red_weeks} weeks, {recent[0].as_of:%-d %b} – {latest.as_of:%-d %b %Y}."
        )
    for kind, key in MEASURE_SIGNALS:
        measure = latest.measures.get(key)
        if measure is not None and measure.score is not None and measure.score < WEAK:
            found[kind] = f"{measure.reason or key} (scores {measure.score:.0f} of 100 on {latest.as_of:%-d %b %Y})."
    if latest.stage == Stage.DECLINE:
        since = latest.as_of - timedelta(weeks=stage_weeks)
        before = [s for s in history[:-1] if s.as_of >= since and s.stage and s.stage != Stage.DECLINE]
        if before:
            found[SignalKind.STAGE_FALLING] = (
                f"From {before[-1].stage} on {before[-1].as_of:%-d %b} into decline by {latest.as_of:%-d %b %Y}."
            )
    return found
