"""Usage rows: stored once each, and rolled up per person × system × day and per feature × day as they land.

This is the hot path (millions of rows per file), so it talks to the database driver directly: one
executemany per batch for the raw rows and one for each rollup. The rollups only ever receive the rows
that were new in this batch, which keeps them exact when the same file comes twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from models import db
from portal.services.imports import fields
from portal.services.imports.handlers.base import Lookups, Pending
from portal.services.imports.reading import Values

MAX_COUNT = 1_000_000
MAX_DURATION = 31 * 24 * 3600

INSERT_EVENTS = (
    "INSERT INTO usage_event (dedup_key, source_system, source_record_id, person_id, system_id, unit_id, "
    "occurred_at, day, feature, count, duration_seconds, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (dedup_key) DO NOTHING"
)
# The rollups are fed from the rows this batch really inserted (ids above the batch's start, this run's):
# set-based SQL, so duplicates never count twice and no row passes through Python a second time.
# ("WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join condition.)
ROLL_UP_DAILY = (
    "INSERT INTO usage_daily (unit_id, system_id, day, person_id, events, duration_seconds) "
    "SELECT unit_id, system_id, day, person_id, sum(count), sum(coalesce(duration_seconds, 0)) "
    "FROM usage_event WHERE run_id = ? AND id > ? GROUP BY unit_id, system_id, day, person_id "
    "ON CONFLICT (unit_id, system_id, day, person_id) DO UPDATE SET "
    "events = usage_daily.events + excluded.events, "
    "duration_seconds = usage_daily.duration_seconds + excluded.duration_seconds"
)
ROLL_UP_FEATURES = (
    "INSERT INTO feature_daily (unit_id, system_id, feature, day, events) "
    "SELECT unit_id, system_id, feature, day, sum(count) "
    "FROM usage_event WHERE run_id = ? AND id > ? AND feature IS NOT NULL GROUP BY unit_id, system_id, feature, day "
    "ON CONFLICT (unit_id, system_id, feature, day) DO UPDATE SET events = feature_daily.events + excluded.events"
)
UPSERT_DAILY = (
    "INSERT INTO usage_daily (unit_id, system_id, day, person_id, events, duration_seconds) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, system_id, day, person_id) DO UPDATE SET "
    "events = usage_daily.events + excluded.events, "
    "duration_seconds = usage_daily.duration_seconds + excluded.duration_seconds"
)
UPSERT_FEATURES = (
    "INSERT INTO feature_daily (unit_id, system_id, feature, day, events) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (unit_id, system_id, feature, day) DO UPDATE SET events = feature_daily.events + excluded.events"
)


def _to_format_style(sql: str) -> str:
    return sql.replace("?", "%s")


# A prepared row is the tuple the INSERT takes, in its column order; these name the places read back.
DEDUP, PERSON, SYSTEM, UNIT, DAY, FEATURE, COUNT, DURATION = 0, 3, 4, 5, 7, 8, 9, 10


@dataclass(slots=True)
class UsagePack:
    """A batch ready for the writer: unique rows, how many repeats were dropped, and the rollup sums."""

    rows: list[tuple]
    repeats: int
    daily: list[tuple]
    features: list[tuple]


def utc_text(value: str) -> tuple[str, str]:
    """(the UTC timestamp as SQLAlchemy stores it on SQLite, the UTC day), from an occurred_at cell.

    The common shapes (a date, or seconds with Z or no zone) are sliced rather than rebuilt: this runs for
    every usage row, and parsing still checks that the date is real.
    """
    length = len(value)
    if length == 10 and value[4] == "-":
        fields.day("occurred_at", value)
        return f"{value} 00:00:00.000000", value
    if (length == 19 or (length == 20 and value[19] == "Z")) and value[10] in "T ":
        try:
            datetime.fromisoformat(value[:19])
        except ValueError:
            pass  # the careful parser below says what is wrong
        else:
            if "1970" <= value[:4] <= "2199":
                return f"{value[:10]} {value[11:19]}.000000", value[:10]
    moment = fields.timestamp("occurred_at", value)
    assert moment is not None
    text = moment.replace(tzinfo=None).isoformat(" ", "microseconds")
    return text, text[:10]


def _whole_number(text: str | None, column: str, minimum: int, maximum: int, default: int | None) -> int | None:
    """Plain digits are read directly (most rows); anything else goes through the careful parser."""
    if text is None:
        return default
    if text.isascii() and text.isdigit() and minimum <= (number := int(text)) <= maximum:
        return number
    return fields.integer(column, text, minimum, maximum)


def dedup_key(values: Values, occurred_utc: str, count: int, duration: int | None) -> bytes:
    """What makes two rows the same event: the source's record id, or (without one) the row's content."""
    source = values.get("source_system") or ""
    record_id = values.get("source_record_id")
    if record_id is not None:
        identity = f"id\x1f{source}\x1f{record_id}"
    else:
        identity = "\x1f".join(
            (
                "row",
                source,
                values["person_key"] or "",
                values["system_key"] or "",
                occurred_utc,
                values.get("feature") or "",
                str(count),
                "" if duration is None else str(duration),
                values.get("unit_key") or "",
            )
        )
    return hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class UsageHandler:
    batch_size = 5_000
    refuses_on_write = False  # every refusal is decided in prepare, so pending rows need not keep their raw text

    def __init__(self, lookups: Lookups, run_id: int) -> None:
        self.lookups = lookups
        self.run_id = run_id
        self.people = lookups.people
        self.systems = lookups.systems
        connection = db.session.connection()
        self.sqlite = connection.dialect.name == "sqlite"
        # The statements are written with qmark placeholders; psycopg wants %s. Values always travel apart.
        to_driver = (lambda sql: sql) if connection.dialect.paramstyle == "qmark" else _to_format_style
        self.insert_events = to_driver(INSERT_EVENTS)
        self.roll_up_daily = to_driver(ROLL_UP_DAILY)
        self.roll_up_features = to_driver(ROLL_UP_FEATURES)
        self.upsert_daily = to_driver(UPSERT_DAILY)
        self.upsert_features = to_driver(UPSERT_FEATURES)

    def prepare(self, values: Values) -> tuple:
        get = values.get
        person_key, system_key = get("person_key"), get("system_key")
        person = self.people.get(person_key) if person_key is not None else None
        if person is None:
            person = self.lookups.person("person_key", fields.required("person_key", person_key))
            assert person is not None
        system_id = self.systems.get(system_key) if system_key is not None else None
        if system_id is None:
            system_id = self.lookups.system_id("system_key", fields.required("system_key", system_key))
        occurred, day = utc_text(fields.required("occurred_at", get("occurred_at")))
        count = _whole_number(get("count"), "count", 1, MAX_COUNT, default=1)
        duration = _whole_number(get("duration_seconds"), "duration_seconds", 0, MAX_DURATION, default=None)
        unit_key = get("unit_key")
        unit_id = person[1] if unit_key is None else self.lookups.unit_id("unit_key", unit_key)
        source_system = get("source_system") or ""
        record_id = get("source_record_id")
        feature = get("feature")
        if len(source_system) > 64 or (record_id and len(record_id) > 128) or (feature and len(feature) > 128):
            fields.text("source_system", source_system, 64)
            fields.key("source_record_id", record_id)
            fields.text("feature", feature, 128)
        key = dedup_key(values, occurred, count, duration)  # type: ignore[arg-type]
        if not self.sqlite:  # psycopg takes dates and aware datetimes, not SQLite's text forms
            return (key, source_system, record_id, person[0], system_id, unit_id,
                    datetime.fromisoformat(occurred).replace(tzinfo=UTC), date.fromisoformat(day),
                    feature, count, duration, self.run_id)  # fmt: skip
        return (key, source_system, record_id, person[0], system_id, unit_id, occurred, day,
                feature, count, duration, self.run_id)  # fmt: skip

    def pack(self, batch: list[Pending]) -> UsagePack:
        """Pure work done where the rows were prepared (possibly the reader process): drop repeats within the
        batch and sum what the rollups will need, so the writer only inserts."""
        rows: dict[bytes, tuple] = {}
        for pending in batch:
            rows.setdefault(pending.record[DEDUP], pending.record)
        daily: dict[tuple, list[int]] = {}
        features: dict[tuple, int] = {}
        for row in rows.values():
            unit_id, system_id, day, count = row[UNIT], row[SYSTEM], row[DAY], row[COUNT]
            totals = daily.setdefault((unit_id, system_id, day, row[PERSON]), [0, 0])
            totals[0] += count
            totals[1] += row[DURATION] or 0
            if row[FEATURE] is not None:
                key = (unit_id, system_id, row[FEATURE], day)
                features[key] = features.get(key, 0) + count
        return UsagePack(
            rows=list(rows.values()),
            repeats=len(batch) - len(rows),
            daily=sorted((*key, events, seconds) for key, (events, seconds) in daily.items()),
            features=sorted((*key, events) for key, events in features.items()),
        )

    def write_packed(self, pack: UsagePack) -> tuple[int, int]:
        """Insert the batch; returns (inserted, unchanged). The rollups receive exactly the inserted rows."""
        connection = db.session.connection()
        last_id = connection.exec_driver_sql("SELECT max(id) FROM usage_event").scalar() or 0
        inserted = connection.exec_driver_sql(self.insert_events, pack.rows).rowcount
        if inserted == len(pack.rows):  # all new, the usual case: the sums made in pack are exact
            if pack.daily:
                connection.exec_driver_sql(self.upsert_daily, pack.daily)
            if pack.features:
                connection.exec_driver_sql(self.upsert_features, pack.features)
        elif inserted:  # some were known: sum only the rows this batch really inserted
            connection.exec_driver_sql(self.roll_up_daily, (self.run_id, last_id))
            connection.exec_driver_sql(self.roll_up_features, (self.run_id, last_id))
        return inserted, len(pack.rows) - inserted + pack.repeats
