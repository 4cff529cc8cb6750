"""From measures to one explained score and colour: pure functions, no database.

The score is the weighted average of the measures that could judge, under a scoring profile (one per
lifecycle stage). A weakest-link rule lets a critical signal cap the colour however good the average is,
and two critical signals at once make it red. Every score carries its explanation: each measure's raw value,
score, weight, contribution and change, the reasons worst first, and the smallest change that would lift
it one colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from portal.services.health.measures import SEATS_CRITICAL_BELOW, Colour, Measure

# The measures that watch behaviour: without any of them a score would rest on opinions and tickets alone.
BEHAVIOUR_KEYS = ("seat_utilisation", "breadth", "habit", "depth", "key_users", "key_action", "trend")
BEHAVIOUR = frozenset(BEHAVIOUR_KEYS)
COLOUR_ORDER = {Colour.GREEN: 0, Colour.YELLOW: 1, Colour.RED: 2}


@dataclass(frozen=True, slots=True)
class Profile:
    """Weights and thresholds; an admin edits them, and each saved edit is a new version."""

    version: int
    weights: Mapping[str, float]
    green_at: float = 70.0  # a score at or above this is green
    yellow_at: float = 45.0  # at or above this (and below green) yellow; below it red
    min_coverage: float = 0.5  # the share of the weight whose measures must be able to judge, or grey
    seats_critical_below: float = SEATS_CRITICAL_BELOW  # paid seats used below this share: a critical signal

    def colour_of(self, score: float) -> Colour:
        if score >= self.green_at:
            return Colour.GREEN
        return Colour.YELLOW if score >= self.yellow_at else Colour.RED


@dataclass(frozen=True, slots=True)
class Part:
    """One measure's place in a score."""

    measure: Measure
    weight: float  # as the profile sets it
    share: float  # of the weight of the measures that judged (0 for one that could not)
    contribution: float  # points of the score it brings: share × its score
    change: float | None  # its score minus the previous period's, when both exist


@dataclass(frozen=True, slots=True)
class Score:
    score: float | None
    colour: Colour
    profile_version: int
    parts: Sequence[Part]
    reasons: Sequence[str]  # worst first; the first is the headline
    lift: str | None = None  # the smallest change that would lift the colour one step
    capped_by: Sequence[Measure] = field(default_factory=tuple)


def _reasons(parts: Sequence[Part], caps: Sequence[Measure]) -> list[str]:
    """Critical signals first, then the measures that cost the most points, then the rest."""
    capped = [measure.reason for measure in caps]
    judged = sorted(
        (part for part in parts if part.measure.sufficient and part.measure.key not in {m.key for m in caps}),
        key=lambda part: part.share * (100 - (part.measure.score or 0)),
        reverse=True,
    )
    return capped + [part.measure.reason for part in judged]


def _cap(caps: Sequence[Measure]) -> Colour | None:
    """The best colour the critical signals allow: the worst single cap, and red when two or more hold."""
    if not caps:
        return None
    if len(caps) >= 2:
        return Colour.RED
    return caps[0].cap


def score(
    measures: Sequence[Measure], profile: Profile, previous: Mapping[str, float] | None = None, by_use: bool = True
) -> Score:
    """The explained score of one subscription.

    `by_use` False: a system whose value is not in people using it (an endpoint agent, a mandatory training).
    Its behaviour measures do not apply, so they neither count in the weight that must judge nor are needed:
    it is scored on tickets and sentiment, and grey only when neither can judge.
    """
    previous = previous or {}
    applies = [measure for measure in measures if by_use or measure.key not in BEHAVIOUR]
    total_weight = sum(profile.weights.get(measure.key, 0.0) for measure in applies)
    judged = [m for m in measures if m.sufficient and profile.weights.get(m.key, 0.0) > 0]
    judged_weight = sum(profile.weights[m.key] for m in judged)
    caps = [m for m in measures if m.sufficient and m.cap is not None]

    def part(measure: Measure) -> Part:
        weight = profile.weights.get(measure.key, 0.0)
        share = weight / judged_weight if measure in judged and judged_weight else 0.0
        before = previous.get(measure.key)
        change = measure.score - before if measure.score is not None and before is not None else None
        return Part(measure, weight, share, share * (measure.score or 0.0), change)

    parts = [part(measure) for measure in measures]
    behaviour_seen = any(m.key in BEHAVIOUR for m in judged) or not by_use
    if not judged or not behaviour_seen or total_weight <= 0 or judged_weight / total_weight < profile.min_coverage:
        missing = list(dict.fromkeys(m.reason for m in measures if not m.sufficient))  # once each, in order
        reasons = ["insufficient data: " + "; ".join(missing) if missing else "insufficient data"]
        return Score(None, Colour.GREY, profile.version, parts, reasons)
    value = min(100.0, max(0.0, sum(p.contribution for p in parts)))  # float sums may stray past the ends
    by_score = profile.colour_of(value)
    cap = _cap(caps)
    colour = cap if cap is not None and COLOUR_ORDER[cap] > COLOUR_ORDER[by_score] else by_score
    binding = [m for m in caps if COLOUR_ORDER[colour] > COLOUR_ORDER[by_score]] if colour != by_score else []
    return Score(
        value,
        colour,
        profile.version,
        parts,
        _reasons(parts, caps),
        _lift(value, colour, parts, binding, profile),
        binding,
    )


def _lift(
    value: float, colour: Colour, parts: Sequence[Part], binding: Sequence[Measure], profile: Profile
) -> str | None:
    """The smallest change that would lift the colour one step.

    When critical signals hold the colour down, they must go first. Otherwise: the measure that needs the
    smallest rise of its own score to bring the average over the next threshold.
    """
    if colour == Colour.GREEN:
        return None
    if binding:
        return "resolve: " + "; ".join(measure.reason for measure in binding)
    target = profile.green_at if colour == Colour.YELLOW else profile.yellow_at
    needed = target - value
    best: tuple[float, Part] | None = None
    for candidate in parts:
        if candidate.share <= 0 or candidate.measure.score is None:
            continue
        rise = needed / candidate.share
        if candidate.measure.score + rise <= 100 and (best is None or rise < best[0]):
            best = (rise, candidate)
    if best is None:
        return f"no single measure can add the {needed:.0f} points needed; several must improve"
    rise, chosen = best
    name = chosen.measure.key.replace("_", " ")
    return f"{name}: raise its score from {chosen.measure.score:.0f} to {chosen.measure.score + rise:.0f}"


@dataclass(frozen=True, slots=True)
class Weighted:
    score: Score
    weight: float  # seats, or the annual cost


def roll_up(children: Sequence[Weighted], profile: Profile) -> tuple[float | None, Colour]:
    """A unit from its subscriptions (weighted by seats or cost), a division from its units."""
    return roll_up_values([(child.score.score, child.weight) for child in children], profile)


def roll_up_values(children: Sequence[tuple[float | None, float]], profile: Profile) -> tuple[float | None, Colour]:
    """The weighted mean of (score, weight) pairs and its colour.

    Grey children (no score) are left out; a parent with no coloured child is grey. A child that carries no
    weight (a free system with no seats) still counts, as one.
    """
    scored = [(value, max(weight, 1.0)) for value, weight in children if value is not None]
    if not scored:
        return None, Colour.GREY
    total = sum(weight for _, weight in scored)
    value = min(100.0, max(0.0, sum(value * weight for value, weight in scored) / total))
    return value, profile.colour_of(value)
