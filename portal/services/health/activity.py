"""What the scoring asks of the usage data, answered from the daily rollups; and the raw data's retention.

Every figure is for one unit × system over a window of days ending on (and including) a date, so the same
question a year earlier is the same call with an earlier date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from models import Person, PersonRole, UsageDaily, UsageEvent, db

WINDOWS = (7, 30, 90)


def _window(end: date, days: int) -> tuple[date, date]:
    return end - timedelta(days=days - 1), end


def active_people(unit_id: int, system_id: int, end: date, days: int) -> int:
    """Distinct people active on the system for the unit in the window."""
    start, end = _window(end, days)
    return db.session.scalar(
        select(func.count(func.distinct(UsageDaily.person_id))).where(
            UsageDaily.unit_id == unit_id,
            UsageDaily.system_id == system_id,
            UsageDaily.day.between(start, end),
        )
    )


def active_days(unit_id: int, system_id: int, end: date, days: int) -> dict[int, int]:
    """Per active person, on how many days of the window they were active."""
    start, end = _window(end, days)
    rows = db.session.execute(
        select(UsageDaily.person_id, func.count())
        .where(UsageDaily.unit_id == unit_id, UsageDaily.system_id == system_id, UsageDaily.day.between(start, end))
        .group_by(UsageDaily.person_id)
    )
    return {person_id: count for person_id, count in rows}


def features_used(unit_id: int, system_id: int, end: date, days: int) -> dict[str, int]:
    """Events per feature (modules, key actions) in the window."""
    start, end = _window(end, days)
    rows = db.session.execute(
        select(UsageDaily.feature, func.sum(UsageDaily.events))
        .where(
            UsageDaily.unit_id == unit_id,
            UsageDaily.system_id == system_id,
            UsageDaily.day.between(start, end),
            UsageDaily.feature != "",
        )
        .group_by(UsageDaily.feature)
    )
    return {feature: int(events) for feature, events in rows}


def last_use_of(unit_id: int, system_id: int, feature: str, end: date) -> date | None:
    """The last day on or before `end` the feature was used — when the key action last happened."""
    return db.session.scalar(
        select(func.max(UsageDaily.day)).where(
            UsageDaily.unit_id == unit_id,
            UsageDaily.system_id == system_id,
            UsageDaily.feature == feature,
            UsageDaily.day <= end,
        )
    )


def key_user_events(unit_id: int, system_id: int, end: date, days: int) -> dict[int, int]:
    """Events per key user of the unit in the window (key users with no activity appear with 0)."""
    start, end = _window(end, days)
    key_users = select(Person.id).where(Person.unit_id == unit_id, Person.role == PersonRole.KEY_USER.value)
    events = dict.fromkeys(db.session.scalars(key_users), 0)
    rows = db.session.execute(
        select(UsageDaily.person_id, func.sum(UsageDaily.events))
        .where(
            UsageDaily.unit_id == unit_id,
            UsageDaily.system_id == system_id,
            UsageDaily.day.between(start, end),
            UsageDaily.person_id.in_(key_users),
        )
        .group_by(UsageDaily.person_id)
    )
    events.update({person_id: int(total) for person_id, total in rows})
    return events


@dataclass(frozen=True)
class ActivityFigures:
    """Distinct active people over the last 7 / 30 / 90 days, now and in the same windows a year earlier."""

    now: dict[int, int]
    year_ago: dict[int, int]


def activity_figures(unit_id: int, system_id: int, end: date) -> ActivityFigures:
    year_ago = end - timedelta(days=364)  # 52 weeks: the same weekdays a year earlier
    return ActivityFigures(
        now={days: active_people(unit_id, system_id, end, days) for days in WINDOWS},
        year_ago={days: active_people(unit_id, system_id, year_ago, days) for days in WINDOWS},
    )


def retention_cutoff(today: date, months: int) -> date:
    """The first day still kept: the same day of the month, `months` months ago (clamped to month ends)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: day 1 always exists")


def purge_raw_activity(today: date, months: int) -> int:
    """Delete raw usage rows older than the retention; the daily rollups already hold what they said."""
    cutoff = retention_cutoff(today, months)
    result = db.session.execute(delete(UsageEvent).where(UsageEvent.day < cutoff))
    return result.rowcount or 0
