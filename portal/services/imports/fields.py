"""Pure parsers for the cells of the canonical formats: text in, a typed value or a plain reason out.

Every reason names the column and quotes the value, so a refused row says what to fix:
"occurred_at: '31/02/2026' is not a date (YYYY-MM-DD)".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation

from portal.services.errors import RuleViolation

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates outside this window are typing mistakes (a year 0202 or 20260), never real activity.
EARLIEST = date(1970, 1, 1)
LATEST = date(2199, 12, 31)
MAX_QUOTED = 60


class FieldError(RuleViolation):
    """One cell that cannot be used; the message is the refusal reason."""


def shown(value: str) -> str:
    """The value as a reason quotes it: control characters made visible, long values cut."""
    visible = value.encode("unicode_escape", "backslashreplace").decode("ascii") if not value.isprintable() else value
    return visible if len(visible) <= MAX_QUOTED else visible[: MAX_QUOTED - 1] + "…"


def _fail(column: str, value: str, what: str) -> FieldError:
    return FieldError(f"{column}: '{shown(value)}' {what}", column)


def required(column: str, value: str | None) -> str:
    if value is None:
        raise FieldError(f"{column}: a value is required", column)
    return value


def text(column: str, value: str | None, max_length: int) -> str | None:
    if value is None:
        return None
    if len(value) > max_length:
        raise FieldError(f"{column}: {len(value):,} characters is longer than the {max_length:,} allowed", column)
    return value


def key(column: str, value: str | None, max_length: int = 128) -> str | None:
    """A reference to a unit, system, person or record: any printable text without spaces at the ends."""
    return text(column, value, max_length)


def integer(column: str, value: str | None, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise _fail(column, value, "is not a whole number") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise _fail(column, value, f"is outside {_range(minimum, maximum)}")
    return number


def _range(minimum: int | None, maximum: int | None) -> str:
    if maximum is None:
        return f"{minimum} or more"
    if minimum is None:
        return f"{maximum} or less"
    return f"{minimum}–{maximum}"


def decimal(column: str, value: str | None, minimum: Decimal | None = Decimal(0)) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _fail(column, value, "is not a number (use a dot for decimals, no thousands separator)") from None
    if not number.is_finite():
        raise _fail(column, value, "is not a finite number")
    if abs(number) >= Decimal("1e12"):
        raise _fail(column, value, "is too large")
    if minimum is not None and number < minimum:
        raise _fail(column, value, f"cannot be below {minimum}")
    return number


def day(column: str, value: str | None) -> date | None:
    if value is None:
        return None
    if DATE_RE.fullmatch(value) is None:
        raise _fail(column, value, "is not a date (YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise _fail(column, value, "is not a date in the calendar") from None
    if not EARLIEST <= parsed <= LATEST:
        raise _fail(column, value, f"is outside {EARLIEST.year}–{LATEST.year}")
    return parsed


def timestamp(column: str, value: str | None, *, date_alone: bool = True) -> datetime | None:
    """An ISO 8601 timestamp in UTC; no zone means UTC, and a date alone means its midnight (UTC)."""
    if value is None:
        return None
    if date_alone and len(value) == 10:
        parsed_day = day(column, value)
        return datetime.combine(parsed_day, time(), UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(column, value, "is not a timestamp (ISO 8601, such as 2026-03-31T14:05:00Z)") from None
    if len(value) < 16 or value[4] != "-":  # fromisoformat also takes 20260331 and a bare date
        raise _fail(column, value, "is not a timestamp (ISO 8601, such as 2026-03-31T14:05:00Z)")
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if not EARLIEST <= parsed.date() <= LATEST:
        raise _fail(column, value, f"is outside {EARLIEST.year}–{LATEST.year}")
    return parsed


def choice(column: str, value: str | None, choices: Iterable[str]) -> str | None:
    if value is None:
        return None
    options = tuple(choices)
    folded = value.lower()
    if folded not in options:
        raise _fail(column, value, f"is not one of {', '.join(options)}")
    return folded


YES_NO = {"yes": True, "no": False}


def yes_no(column: str, value: str | None, blank: bool) -> bool:
    """`yes` or `no` (any case); a blank cell means `blank`."""
    if value is None:
        return blank
    answer = YES_NO.get(value.lower())
    if answer is None:
        raise _fail(column, value, "is not yes or no")
    return answer


def key_list(column: str, value: str | None) -> list[str] | None:
    """`a;b;c` → ['a', 'b', 'c']; empty parts are dropped, order and first occurrence kept."""
    if value is None:
        return None
    seen: dict[str, None] = {}
    for part in value.split(";"):
        if part.strip():
            seen.setdefault(part.strip(), None)
    return list(seen)


def finite_number_text(value: float) -> str | None:
    """A JSON number as the text a CSV cell would hold; NaN and infinities have no text."""
    if math.isnan(value) or math.isinf(value):
        return None
    return repr(value) if not value.is_integer() else str(int(value))
