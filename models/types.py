"""Column helpers shared by the model modules."""

from datetime import UTC, date, datetime, time
from enum import StrEnum

from sqlalchemy import CheckConstraint


def utcnow() -> datetime:
    """Timezone-aware now; stored as UTC on every engine."""
    return datetime.now(UTC)


def one_of(column: str, choices: type[StrEnum], name: str) -> CheckConstraint:
    """A CHECK constraint that keeps a string column inside an enum's values."""
    values = ", ".join(f"'{choice.value}'" for choice in choices)
    return CheckConstraint(f"{column} IN ({values})", name=name)


def as_utc(moment: datetime) -> datetime:
    """A stored moment, aware: SQLite gives DateTime(timezone=True) columns back without their zone (UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def start_of_day(day: date) -> datetime:
    """The first moment of a (UTC) day: where a day's or a period's stored moments begin."""
    return datetime.combine(day, time.min, tzinfo=UTC)
