"""The scoring profiles in use: one per lifecycle stage, versioned, editable by an admin.

The defaults below become version 1–4 the first time scores are computed. An admin's edit never changes a
stored profile: it adds the next version, and every score records the version that made it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from sqlalchemy import func, select

from models import Account, ScoringProfile, db
from portal.services.errors import RuleViolation
from portal.services.health.measures import SEATS_CRITICAL_BELOW
from portal.services.health.scoring import Profile
from portal.services.health.stages import Stage
from portal.services.platform.audit import record

MEASURE_KEYS = (
    "seat_utilisation",
    "breadth",
    "habit",
    "depth",
    "key_users",
    "key_action",
    "ticket_load",
    "sentiment",
    "trend",
)

MEASURE_LABELS = {
    "seat_utilisation": "Seat utilisation",
    "breadth": "Breadth",
    "habit": "Habit",
    "depth": "Depth",
    "key_users": "Key users",
    "key_action": "Key action",
    "ticket_load": "Ticket load",
    "sentiment": "Sentiment",
    "trend": "Trend",
}

# Onboarding is judged on reach (is the team getting on board, is the key user active); adoption on routine
# (habit, the key action, tickets); growth on depth; decline on whether the drop goes on.
DEFAULT_WEIGHTS: dict[Stage, dict[str, float]] = {
    Stage.ONBOARDING: {
        "seat_utilisation": 10,
        "breadth": 25,
        "habit": 10,
        "depth": 10,
        "key_users": 15,
        "key_action": 10,
        "ticket_load": 10,
        "sentiment": 10,
        "trend": 0,
    },
    Stage.ADOPTION: {
        "seat_utilisation": 15,
        "breadth": 10,
        "habit": 15,
        "depth": 10,
        "key_users": 10,
        "key_action": 10,
        "ticket_load": 10,
        "sentiment": 10,
        "trend": 10,
    },
    Stage.GROWTH: {
        "seat_utilisation": 15,
        "breadth": 10,
        "habit": 10,
        "depth": 15,
        "key_users": 10,
        "key_action": 10,
        "ticket_load": 10,
        "sentiment": 10,
        "trend": 10,
    },
    Stage.DECLINE: {
        "seat_utilisation": 15,
        "breadth": 10,
        "habit": 10,
        "depth": 10,
        "key_users": 10,
        "key_action": 10,
        "ticket_load": 10,
        "sentiment": 10,
        "trend": 15,
    },
}


class ProfileError(RuleViolation):
    pass


def _as_profile(row: ScoringProfile) -> Profile:
    return Profile(
        row.version, dict(row.weights), row.green_at, row.yellow_at, row.min_coverage, row.seats_critical_below
    )


def _latest_rows() -> dict[Stage, ScoringProfile]:
    latest = (
        select(ScoringProfile.stage, func.max(ScoringProfile.version).label("version"))
        .group_by(ScoringProfile.stage)
        .subquery()
    )
    rows = db.session.scalars(
        select(ScoringProfile).join(
            latest, (ScoringProfile.stage == latest.c.stage) & (ScoringProfile.version == latest.c.version)
        )
    )
    return {Stage(row.stage): row for row in rows}


def current_profiles() -> dict[Stage, Profile]:
    """The profile in force for each stage; the defaults are stored as the first versions when missing."""
    return {stage: _as_profile(row) for stage, row in current_rows().items()}


def current_rows() -> dict[Stage, ScoringProfile]:
    """The stored version in force for each stage (the defaults are stored first when missing)."""
    rows = _latest_rows()
    missing = [stage for stage in Stage if stage not in rows]
    if missing:
        next_version = (db.session.scalar(select(func.max(ScoringProfile.version))) or 0) + 1
        for offset, stage in enumerate(missing):
            row = ScoringProfile(
                version=next_version + offset,
                stage=stage.value,
                weights=DEFAULT_WEIGHTS[stage],
                green_at=70.0,
                yellow_at=45.0,
                min_coverage=0.5,
                seats_critical_below=SEATS_CRITICAL_BELOW,
                note="the defaults",
            )
            db.session.add(row)
            rows[stage] = row
        db.session.flush()
    return {stage: rows[stage] for stage in Stage}


def history(stage: Stage) -> list[ScoringProfile]:
    """Every version of a stage's profile, newest first."""
    return list(
        db.session.scalars(
            select(ScoringProfile).where(ScoringProfile.stage == stage.value).order_by(ScoringProfile.version.desc())
        )
    )


def profile_version(version: int) -> ScoringProfile | None:
    return db.session.scalar(select(ScoringProfile).where(ScoringProfile.version == version))


def check_profile(
    weights: Mapping[str, float],
    green_at: float,
    yellow_at: float,
    min_coverage: float,
    seats_critical_below: float = SEATS_CRITICAL_BELOW,
) -> None:
    """Refuse a profile that could not score: unknown measures, negative or no weight, crossed thresholds, a
    seat share outside 0–1."""
    unknown = sorted(set(weights) - set(MEASURE_KEYS))
    if unknown:
        raise ProfileError(f"unknown measures: {', '.join(unknown)}")
    for key, weight in weights.items():
        if not math.isfinite(weight) or weight < 0:
            raise ProfileError(f"{key}: a weight must be a number of 0 or more")
    if sum(weights.values()) <= 0:
        raise ProfileError("at least one measure needs a weight above 0")
    if not (0 <= yellow_at < green_at <= 100):
        raise ProfileError("thresholds: 0 ≤ yellow < green ≤ 100")
    if not (0 < min_coverage <= 1):
        raise ProfileError("the share of weight that must be able to judge is above 0 and at most 1")
    if not (0 <= seats_critical_below <= 1):
        raise ProfileError("the share of seats used below which unused seats are critical is from 0 to 1")


def save_profile(
    stage: Stage,
    weights: Mapping[str, float],
    green_at: float,
    yellow_at: float,
    min_coverage: float,
    actor: Account | None,
    note: str = "",
    seats_critical_below: float = SEATS_CRITICAL_BELOW,
) -> ScoringProfile:
    """Store an edit as the stage's next version; the scores change at the next recompute."""
    check_profile(weights, green_at, yellow_at, min_coverage, seats_critical_below)
    current_profiles()  # the defaults exist first, so that version numbers tell the history
    version = (db.session.scalar(select(func.max(ScoringProfile.version))) or 0) + 1
    row = ScoringProfile(
        version=version,
        stage=stage.value,
        weights={key: float(weights.get(key, 0)) for key in MEASURE_KEYS},
        green_at=green_at,
        yellow_at=yellow_at,
        min_coverage=min_coverage,
        seats_critical_below=seats_critical_below,
        note=note,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    record(
        actor,
        "update",
        "scoring_profile",
        f"{stage.value} v{version}",
        {
            "weights": row.weights,
            "green_at": green_at,
            "yellow_at": yellow_at,
            "min_coverage": min_coverage,
            "seats_critical_below": seats_critical_below,
        },
    )
    return row
