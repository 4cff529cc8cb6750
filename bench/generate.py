"""Generate a large organisation as canonical CSV files (UTF-8, header row), for `make bench`.

At scale 1.0: 100 units in three levels (4 divisions, 16 departments, 80 teams), 100 systems with 3 to 6
modules each, 1,500 subscriptions (15 per unit), 10,000 people and 10 million usage rows over 13 months of
working days. The scale only changes the usage rows: the master data stays full-size so the import's
lookups are as large as in production.

Every usage row is valid: its person's unit subscribes to the system, its feature is one of that system's
modules and its source_record_id is unique. The same seed gives byte-identical files. Rows are written a
chunk at a time, so memory stays flat whatever the scale.

    python bench/generate.py DIR [--scale 1.0] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DIVISIONS, DEPARTMENTS, TEAMS = 4, 16, 80
SYSTEMS = 100
SUBSCRIPTIONS_PER_UNIT = 15
PEOPLE = 10_000
USAGE_ROWS = 10_000_000
MONTHS = 13
END = date(2026, 10, 30)  # a fixed end, so the files do not depend on the day they are generated
CHUNK = 50_000  # rows per write: big enough to amortise the call, small enough to keep memory flat
MODULE_POOL = ("core", "reports", "mobile", "admin", "planning", "approvals", "analytics", "api", "workflow")
CATEGORIES = ("ERP", "CRM", "Collaboration", "HR", "Finance", "Analytics", "Service desk", "Engineering")
VENDORS = ("Northwind", "Contoso", "Fabrikam", "Initech", "Globex", "Umbrella", "Hooli", "Soylent")
USAGE_HEADER = (
    "source_system",
    "source_record_id",
    "person_key",
    "system_key",
    "occurred_at",
    "feature",
    "count",
    "duration_seconds",
    "unit_key",
)


@dataclass(frozen=True)
class Organisation:
    """What the usage rows are drawn from: each person's unit's subscribed systems and their modules."""

    unit_keys: list[str]
    system_modules: dict[str, tuple[str, ...]]
    subscribed: dict[str, list[str]]  # unit key -> system keys

    def person_unit(self, number: int) -> str:
        return self.unit_keys[number % len(self.unit_keys)]


def _person_key(number: int) -> str:
    return f"p{number:05d}"


def _units() -> list[tuple[str, str]]:
    """(key, parent key or ""), parents before children so a single pass of the import resolves them."""
    divisions = [(f"div-{d}", "") for d in range(DIVISIONS)]
    departments = [(f"dept-{d}", f"div-{d % DIVISIONS}") for d in range(DEPARTMENTS)]
    teams = [(f"team-{t}", f"dept-{t % DEPARTMENTS}") for t in range(TEAMS)]
    return divisions + departments + teams


def _write(path: Path, header: tuple[str, ...] | list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_units(folder: Path, rng: random.Random) -> list[str]:
    units = _units()
    headcount = PEOPLE // len(units)
    rows = [
        (
            key,
            key.replace("-", " ").title(),
            parent,
            f"head.{key}@example.org",
            f"am{n % 8}@example.org",
            headcount,
            rng.choice(("SE", "DE", "FR", "NL")),
            "07-01..07-31" if n % 5 == 0 else "",
        )
        for n, (key, parent) in enumerate(units)
    ]
    _write(
        folder / "units.csv",
        ("unit_key", "name", "parent_key", "head_email", "manager_email", "headcount", "country", "quiet_periods"),
        rows,
    )
    return [key for key, _ in units]


def write_systems(folder: Path, rng: random.Random) -> dict[str, tuple[str, ...]]:
    modules: dict[str, tuple[str, ...]] = {}
    rows = []
    for s in range(SYSTEMS):
        key = f"sys-{s}"
        # "core" first, then a few others: every system has a core module the subscriptions can point at.
        modules[key] = ("core", *rng.sample(MODULE_POOL[1:], rng.randint(2, 5)))
        model = "site" if s % 10 == 0 else "free" if s % 10 == 1 else "per_seat"
        rows.append(
            (
                key,
                f"System {s}",
                rng.choice(CATEGORIES),
                rng.choice(VENDORS),
                f"it{s % 12}@example.org",
                model,
                0 if model == "free" else rng.choice((60, 120, 240, 480)),
                "EUR",
                ";".join(modules[key]),
                ";".join(modules[key][:2]),
            )
        )
    _write(
        folder / "systems.csv",
        (
            "system_key",
            "name",
            "category",
            "vendor",
            "owner_email",
            "license_model",
            "seat_cost",
            "currency",
            "modules",
            "core_modules",
        ),
        rows,
    )
    return modules


def write_subscriptions(folder: Path, rng: random.Random, units: list[str], modules: dict) -> dict[str, list[str]]:
    systems = list(modules)
    subscribed = {unit: sorted(rng.sample(systems, SUBSCRIPTIONS_PER_UNIT)) for unit in units}
    seats = PEOPLE // len(units)
    rows = [
        (
            unit,
            system,
            seats,
            seats * rng.choice((100, 200, 300)),
            f"{rng.randint(2019, 2024)}-01-01",
            f"2027-{rng.randint(1, 12):02d}-01",
            modules[system][1],
            rng.choice((7, 30)),
        )
        for unit, keys in subscribed.items()
        for system in keys
    ]
    _write(
        folder / "subscriptions.csv",
        (
            "unit_key",
            "system_key",
            "seats",
            "annual_cost",
            "go_live",
            "renewal_date",
            "key_action",
            "key_action_every_days",
        ),
        rows,
    )
    return subscribed


def write_people(folder: Path, units: list[str]) -> None:
    rows = (
        (_person_key(n), units[n % len(units)], "key_user" if n % 50 == 0 else "head" if n % 997 == 0 else "user")
        for n in range(PEOPLE)
    )
    _write(folder / "people.csv", ("person_key", "unit_key", "role"), rows)


def write_master(folder: Path, rng: random.Random) -> Organisation:
    units = write_units(folder, rng)
    modules = write_systems(folder, rng)
    subscribed = write_subscriptions(folder, rng, units, modules)
    write_people(folder, units)
    return Organisation(units, modules, subscribed)


def working_days() -> list[date]:
    start = END - timedelta(days=round(MONTHS * 30.44))
    days = (start + timedelta(days=n) for n in range((END - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def usage_lines(organisation: Organisation, rng: random.Random, total: int) -> Iterator[list[str]]:
    """Chunks of CSV lines, day by day; exactly `total` rows, the remainder spread over the first days.

    Lines are formatted here rather than by csv.writer: every cell is a key, a number or a timestamp (never a
    comma, quote or line break), so no quoting is ever needed, and skipping the tuple and the writer's
    per-cell checks makes generation about twice as fast.
    """
    # Per person, the (system, modules) pairs they may use: resolved once, so the row loop only draws numbers.
    modules_of = organisation.system_modules
    subscribed = organisation.subscribed
    choices = [[(key, modules_of[key]) for key in subscribed[organisation.person_unit(n)]] for n in range(PEOPLE)]
    people = [_person_key(n) for n in range(PEOPLE)]
    # Office hours, UTC, as text once: formatting a time per row would cost more than drawing it.
    clock = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(7 * 3600, 18 * 3600)]
    days = working_days()
    per_day, extra = divmod(total, len(days))
    # random() scaled to an index is several times faster than randrange/choice, and just as deterministic.
    draw = rng.random
    start = 0
    for index, day in enumerate(days):
        stamp = day.isoformat() + "T"
        remaining = per_day + (1 if index < extra else 0)
        while remaining:
            size = min(CHUNK, remaining)
            chunk = []
            append = chunk.append
            for record in range(start, start + size):
                person = int(draw() * PEOPLE)
                options = choices[person]
                system, modules = options[int(draw() * len(options))]
                moment = stamp + clock[int(draw() * len(clock))]
                feature = modules[int(draw() * len(modules))]
                append(
                    f"idp,{record},{people[person]},{system},{moment},{feature},"
                    f"{int(draw() * 8) + 1},{int(draw() * 1770) + 30},\n"
                )
            start += size
            remaining -= size
            yield chunk


def write_usage(folder: Path, organisation: Organisation, rng: random.Random, total: int) -> int:
    written = 0
    with (folder / "usage.csv").open("w", newline="", encoding="utf-8") as handle:
        handle.write(",".join(USAGE_HEADER) + "\n")
        for chunk in usage_lines(organisation, rng, total):
            handle.write("".join(chunk))
            written += len(chunk)
    return written


def usage_total(scale: float) -> int:
    return max(1, round(USAGE_ROWS * scale))


def generate(folder: Path, scale: float = 1.0, seed: int = 1) -> dict[str, int]:
    """Write the five files into `folder`; returns the row count of each."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    organisation = write_master(folder, rng)
    usage = write_usage(folder, organisation, rng, usage_total(scale))
    return {
        "units": len(organisation.unit_keys),
        "systems": len(organisation.system_modules),
        "subscriptions": sum(len(keys) for keys in organisation.subscribed.values()),
        "people": PEOPLE,
        "usage": usage,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[1])
    parser.add_argument("folder", type=Path, metavar="DIR", help="where the CSV files go (created if missing)")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the 10 million usage rows (default 1.0)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same files (default 1)")
    arguments = parser.parse_args()
    started = time.perf_counter()
    counts = generate(arguments.folder, arguments.scale, arguments.seed)
    seconds = time.perf_counter() - started
    print(", ".join(f"{count:,} {kind}" for kind, count in counts.items()) + f" -> {arguments.folder}")
    print(f"generated in {seconds:.1f} s ({counts['usage'] / seconds:,.0f} usage rows/s)")


if __name__ == "__main__":
    main()
