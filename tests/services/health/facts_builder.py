"""One way for the pure health tests to build a subscription's facts: plain defaults for what a test does not
care about, and the fields it does care about passed by name."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.services.health.calendar import UnitCalendar, declared_quiet
from portal.services.health.facts import SubscriptionFacts


def subscription_facts(as_of: date, person_weeks: tuple[int, ...] = (), **fields: Any) -> SubscriptionFacts:
    """Facts of one subscription as of `as_of`: no quiet time, data reaching as far back as `person_weeks`."""
    calendar = fields.pop("calendar", None) or UnitCalendar(as_of, declared_quiet([]), frozenset(), "")
    observed = max((mask.bit_length() for mask in person_weeks), default=0)
    values: dict[str, Any] = {
        "subscription_id": 1,
        "unit_id": 1,
        "system_id": 1,
        "unit_key": "u",
        "system_key": "s",
        "as_of": as_of,
        "seats": 0,
        "per_seat": False,
        "people_on_record": 0,
        "headcount": None,
        "go_live": None,
        "calendar": calendar,
        "window_start": calendar.window_start(),
        "active_days": (),
        "person_weeks": person_weeks,
        "observed_weeks": observed,
        "unit_observed_weeks": observed,
        "key_user_count": 0,
        "key_user_recent_days": 0,
        "key_user_usual_days": 0.0,
        "key_user_usual_covered": False,
        "modules": (),
        "core_modules": (),
    }
    values.update(fields)
    return SubscriptionFacts(**values)
