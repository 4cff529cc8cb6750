"""A small organisation with a past, written as canonical CSV files: one unit per example of DOMAIN.md.

Usage follows working days (no weekends), with random absences, so the rules are tested on data that looks
like a real feed rather than on tidy numbers. Everything is counted back from AS_OF.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

AS_OF = date(2026, 8, 20)  # a Thursday, in the middle of a Swedish site's quiet August
HISTORY_START = date(2025, 5, 1)  # 15 months: a year back, and the baselines around it
TEAM = 12


@dataclass
class Org:
    units: list[dict[str, object]] = field(default_factory=list)
    systems: list[dict[str, object]] = field(default_factory=list)
    people: list[dict[str, object]] = field(default_factory=list)
    subscriptions: list[dict[str, object]] = field(default_factory=list)
    usage: list[dict[str, object]] = field(default_factory=list)
    tickets: list[dict[str, object]] = field(default_factory=list)
    surveys: list[dict[str, object]] = field(default_factory=list)

    def csv(self, kind: str) -> str:
        rows = getattr(self, kind)
        columns = list(dict.fromkeys(column for row in rows for column in row))
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, columns)
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()


def working_days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def team(org: Org, unit: str, size: int = TEAM, key_users: int = 1) -> list[str]:
    keys = [f"{unit}-{n:02d}" for n in range(1, size + 1)]
    for n, key in enumerate(keys):
        org.people.append({"person_key": key, "unit_key": unit, "role": "key_user" if n < key_users else "user"})
    return keys


def use(
    org: Org,
    people: list[str],
    system: str,
    start: date,
    end: date,
    *,
    seed: int,
    presence: float = 0.8,
    active: Callable[[str, date], bool] = lambda person, day: True,
    feature: Callable[[date], str] = lambda d: "",
) -> None:
    """Each person uses the system on working days between start and end, present on `presence` of them."""
    rng = random.Random(seed)
    for day in working_days(max(start, HISTORY_START), min(end, AS_OF)):
        for person in people:
            if active(person, day) and rng.random() < presence:
                org.usage.append(
                    {
                        "person_key": person,
                        "system_key": system,
                        "occurred_at": day.isoformat(),
                        "feature": feature(day),
                    }
                )


def tickets(org: Org, unit: str, system: str, days: list[date], prefix: str) -> None:
    for n, day in enumerate(days):
        org.tickets.append(
            {
                "source_system": "desk",
                "ticket_id": f"{prefix}-{n}",
                "system_key": system,
                "unit_key": unit,
                "opened_at": f"{day.isoformat()}T09:00:00Z",
                "status": "resolved",
                "type": "request",
            }
        )


def subscribe(org: Org, unit: str, system: str, seats: int, **terms: object) -> None:
    org.subscriptions.append({"unit_key": unit, "system_key": system, "seats": seats, **terms})


def organisation() -> Org:
    org = Org()
    org.systems = [
        {
            "system_key": "crm",
            "name": "CRM",
            "license_model": "per_seat",
            "seat_cost": "40",
            "modules": "contacts;reports",
            "core_modules": "contacts",
        },
        {
            "system_key": "fsm",
            "name": "Field Service",
            "license_model": "per_seat",
            "seat_cost": "60",
            "modules": "dispatch;planning",
            "core_modules": "dispatch;planning",
        },
        {
            "system_key": "erp",
            "name": "ERP",
            "license_model": "per_seat",
            "seat_cost": "90",
            "modules": "",
            "core_modules": "",
        },
        {"system_key": "legacy", "name": "Legacy intranet", "license_model": "site", "modules": "", "core_modules": ""},
    ]
    unit_names = {
        "steady": "Steady adopters",
        "onboarding": "Onboarding team",
        "growing": "Growing team",
        "declining": "Declining team",
        "august": "Swedish site",
        "august-learned": "Swedish site (undeclared)",
        "key-quiet": "Key user gone quiet",
        "surge": "Ticket surge",
        "scheduling": "Technician scheduling",
        "idle": "Idle seats",
        "no-data": "No data yet",
        "stale-a": "Legacy A",
        "stale-b": "Legacy B",
    }
    for key, name in unit_names.items():
        org.units.append({"unit_key": key, "name": name, "quiet_periods": "08-01..08-31" if key == "august" else ""})
    contacts = lambda day: "contacts"  # noqa: E731

    steady = team(org, "steady")
    subscribe(org, "steady", "crm", 14)
    use(org, steady, "crm", HISTORY_START, AS_OF, seed=1, feature=contacts)

    onboarding = team(org, "onboarding")
    live = AS_OF - timedelta(days=40)
    subscribe(org, "onboarding", "crm", 12, go_live=live.isoformat())
    ramp = lambda person, day: int(person[-2:]) <= 3 + (day - live).days // 5  # noqa: E731 — more people each week
    use(org, onboarding, "crm", live, AS_OF, seed=2, active=ramp, feature=contacts)

    growing = team(org, "growing", size=14)
    subscribe(org, "growing", "crm", 16)
    grown_from = AS_OF - timedelta(days=140)

    def widening(person: str, day: date) -> bool:  # six people, then one more every 17 days
        number = int(person[-2:])
        return number <= 6 or (day > grown_from and number <= 6 + (day - grown_from).days // 17)

    reports = lambda day: "reports" if day > AS_OF - timedelta(days=35) and day.day % 2 else "contacts"  # noqa: E731
    use(org, growing, "crm", HISTORY_START, AS_OF, seed=3, active=widening, feature=reports)

    declining = team(org, "declining")
    subscribe(org, "declining", "crm", 14)
    fading_from = AS_OF - timedelta(days=150)
    fading = lambda person, day: day < fading_from or int(person[-2:]) <= 12 - (day - fading_from).days // 19  # noqa: E731
    use(org, declining, "crm", HISTORY_START, AS_OF, seed=4, active=fading, feature=contacts)

    for unit, seed in (("august", 5), ("august-learned", 6)):
        people = team(org, unit)
        subscribe(org, unit, "crm", 14)
        use(org, people, "crm", HISTORY_START, AS_OF, seed=seed, active=lambda p, day: day.month != 8, feature=contacts)

    quiet = team(org, "key-quiet")
    subscribe(org, "key-quiet", "crm", 14)
    silent_from = AS_OF - timedelta(days=24)
    use(
        org,
        quiet,
        "crm",
        HISTORY_START,
        AS_OF,
        seed=7,
        feature=contacts,
        active=lambda person, day: not (person.endswith("-01") and day >= silent_from),
    )

    surge = team(org, "surge")
    subscribe(org, "surge", "crm", 14)
    use(org, surge, "crm", HISTORY_START, AS_OF, seed=8, feature=contacts)
    monthly = [HISTORY_START + timedelta(days=30 * n + 3) for n in range(14)]
    recent = [AS_OF - timedelta(days=n * 3 + 1) for n in range(8)]
    tickets(org, "surge", "crm", [day for day in monthly if day < AS_OF - timedelta(days=30)] + recent, "surge")

    scheduling = team(org, "scheduling")
    subscribe(org, "scheduling", "fsm", 14, key_action="planning", key_action_every_days=30)
    last_planning = AS_OF - timedelta(days=75)
    planning = lambda day: "planning" if day.day <= 2 and day <= last_planning else "dispatch"  # noqa: E731
    use(org, scheduling, "fsm", HISTORY_START, AS_OF, seed=9, feature=planning)
    for n, score in enumerate((2, 3, 2)):
        submitted = f"{(AS_OF - timedelta(days=10 + n)).isoformat()}T12:00:00Z"
        answer = {"source_system": "pulse", "response_id": f"s-{n}", "unit_key": "scheduling", "system_key": "fsm"}
        org.surveys.append({**answer, "submitted_at": submitted, "question": "value", "score": score})

    idle = team(org, "idle", size=60)
    subscribe(org, "idle", "erp", 100)
    use(org, idle[:40], "erp", HISTORY_START, AS_OF, seed=10, presence=0.9)

    team(org, "no-data")
    subscribe(org, "no-data", "crm", 10)

    stopped = AS_OF - timedelta(days=30)
    for unit, seed in (("stale-a", 11), ("stale-b", 12)):
        people = team(org, unit)
        subscribe(org, unit, "legacy", 0)
        use(org, people, "legacy", HISTORY_START, stopped, seed=seed)
    return org


KINDS_IN_ORDER = ("units", "systems", "people", "subscriptions", "usage", "tickets", "surveys")
