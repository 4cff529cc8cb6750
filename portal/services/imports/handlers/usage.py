"""Usage rows: stored once each, and rolled up per person × system × day and per feature × day as they land.

This is the hot path (millions of rows per file), so it talks to the database driver directly: one
executemany per batch for the raw rows and one for each rollup. The rollups only ever receive the rows
that were new in this batch, which keeps them exact when the same file comes twice.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from models import db
from portal.services.imports import fields
from portal.services.imports.handlers.base import INSERTED, UNCHANGED, Lookups, Outcome, Pending
from portal.services.imports.reading import Values

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite, so the ORM reads it back
MAX_COUNT = 1_000_000
MAX_DURATION = 31 * 24 * 3600
SEPARATOR = b"\x1f"

INSERT_EVENTS = (
    "INSERT INTO usage_event (dedup_key, source_system, source_record_id, person_id, system_id, unit_id, "
    "occurred_at, day, feature, count, duration_seconds, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (dedup_key) DO NOTHING"
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
NEW_SINCE = "SELECT dedup_key FROM usage_event WHERE run_id = ? AND id > ?"


def _to_format_style(sql: str) -> str:
    return sql.replace("?", "%s")


@dataclass(slots=True)
class UsageRecord:
    dedup_key: bytes
    source_system: str
    source_record_id: str | None
    person_id: int
    system_id: int
    unit_id: int
    occurred_at: datetime
    day: date
    feature: str | None
    count: int
    duration_seconds: int | None


def dedup_key(values: Values, occurred_at: datetime, count: int, duration: int | None) -> bytes:
    """What makes two rows the same event: the source's record id, or (without one) the row's content."""
    source = values.get("source_system") or ""
    record_id = values.get("source_record_id")
    if record_id is not None:
        parts = ("id", source, record_id)
    else:
        parts = (
            "row",
            source,
            values["person_key"] or "",
            values["system_key"] or "",
            occurred_at.isoformat(),
            values.get("feature") or "",
            str(count),
            "" if duration is None else str(duration),
            values.get("unit_key") or "",
        )
    return hashlib.blake2b(SEPARATOR.join(part.encode("utf-8") for part in parts), digest_size=16).digest()


class UsageHandler:
    batch_size = 5_000

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
        self.upsert_daily = to_driver(UPSERT_DAILY)
        self.upsert_features = to_driver(UPSERT_FEATURES)
        self.new_since = to_driver(NEW_SINCE)

    def prepare(self, values: Values) -> UsageRecord:
        person_key = fields.required("person_key", values.get("person_key"))
        person = self.people.get(person_key)
        if person is None:
            person = self.lookups.person("person_key", person_key)  # raises with the reason
        system_key = fields.required("system_key", values.get("system_key"))
        system_id = self.systems.get(system_key)
        if system_id is None:
            system_id = self.lookups.system_id("system_key", system_key)
        occurred_at = fields.timestamp("occurred_at", fields.required("occurred_at", values.get("occurred_at")))
        count = fields.integer("count", values.get("count"), 1, MAX_COUNT) if values.get("count") else 1
        duration = fields.integer("duration_seconds", values.get("duration_seconds"), 0, MAX_DURATION)
        unit_key = values.get("unit_key")
        unit_id = person[1] if unit_key is None else self.lookups.unit_id("unit_key", unit_key)
        source_system = fields.text("source_system", values.get("source_system"), 64) or ""
        record_id = fields.key("source_record_id", values.get("source_record_id"))
        feature = fields.text("feature", values.get("feature"), 128)
        return UsageRecord(
            dedup_key(values, occurred_at, count, duration),
            source_system,
            record_id,
            person[0],
            system_id,
            unit_id,
            occurred_at,
            occurred_at.date(),
            feature,
            count,
            duration,
        )

    def _event_row(self, record: UsageRecord) -> tuple:
        if self.sqlite:
            occurred: object = record.occurred_at.strftime(SQLITE_DATETIME)
            day: object = record.day.isoformat()
        else:
            occurred, day = record.occurred_at, record.day
        return (
            record.dedup_key,
            record.source_system,
            record.source_record_id,
            record.person_id,
            record.system_id,
            record.unit_id,
            occurred,
            day,
            record.feature,
            record.count,
            record.duration_seconds,
            self.run_id,
        )

    def write(self, batch: list[Pending]) -> list[Outcome]:
        outcomes: list[Outcome] = [UNCHANGED] * len(batch)
        first_of_key: dict[bytes, int] = {}
        for index, pending in enumerate(batch):
            first_of_key.setdefault(pending.record.dedup_key, index)  # a repeat within the batch is unchanged
        candidates = [batch[index].record for index in first_of_key.values()]
        connection = db.session.connection()
        last_id = connection.exec_driver_sql("SELECT max(id) FROM usage_event").scalar() or 0
        result = connection.exec_driver_sql(self.insert_events, [self._event_row(r) for r in candidates])
        new = self._new_records(connection, candidates, result.rowcount, last_id)
        for record in new:
            outcomes[first_of_key[record.dedup_key]] = INSERTED
        self._roll_up(connection, new)
        return outcomes

    def _new_records(
        self, connection: Connection, candidates: list[UsageRecord], inserted: int, last_id: int
    ) -> list[UsageRecord]:
        if inserted == len(candidates):
            return candidates
        if inserted == 0:
            return []
        keys = {bytes(row[0]) for row in connection.exec_driver_sql(self.new_since, (self.run_id, last_id))}
        return [record for record in candidates if record.dedup_key in keys]

    def _roll_up(self, connection: Connection, records: list[UsageRecord]) -> None:
        if not records:
            return
        daily: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        features: dict[tuple, int] = defaultdict(int)
        for record in records:
            day = record.day.isoformat() if self.sqlite else record.day
            totals = daily[(record.unit_id, record.system_id, day, record.person_id)]
            totals[0] += record.count
            totals[1] += record.duration_seconds or 0
            if record.feature is not None:
                features[(record.unit_id, record.system_id, record.feature, day)] += record.count
        connection.exec_driver_sql(
            self.upsert_daily, [(*key, events, seconds) for key, (events, seconds) in daily.items()]
        )
        if features:
            connection.exec_driver_sql(self.upsert_features, [(*key, events) for key, events in features.items()])
