"""Usage rows: stored once each, and rolled up per unit × system × day × person × feature as they land.

This is the hot path (millions of rows per file), so it talks to the database driver directly: on SQLite
one executemany per batch for the raw rows and one for the rollup; on PostgreSQL a COPY and one
INSERT … SELECT for each. The rollup only ever receives the rows that were new in this batch, which keeps
it exact when the same file comes twice.

The day bits the scoring reads (usage_person_days, usage_feature_days) are gathered from the same new rows
and written once per checkpoint, in its transaction: a person active on 40 days of a window is one upsert.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from models import db
from portal.data_version import mark_changed
from portal.database import driver_sql
from portal.services.health.day_bits import DayBitsAccumulator
from portal.services.imports import fields
from portal.services.imports.handlers.base import Lookups, RunStopped
from portal.services.imports.reading import Values

MAX_COUNT = 1_000_000
MAX_DURATION = 31 * 24 * 3600

INSERT_EVENTS = (
    "INSERT INTO usage_event (dedup_key, source_system, source_record_id, person_id, system_id, unit_id, "
    "occurred_at, day, feature, count, duration_seconds, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (dedup_key) DO NOTHING"
)
# When some rows of a batch were already known, the rollup is fed from the rows the batch really inserted (ids
# above the batch's start, this run's): set-based SQL, so a duplicate never counts twice.
# ("WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join condition.)
ROLL_UP = (
    "INSERT INTO usage_daily (unit_id, system_id, day, person_id, feature, events, duration_seconds) "
    "SELECT unit_id, system_id, day, person_id, coalesce(feature, ''), sum(count), sum(coalesce(duration_seconds, 0)) "
    "FROM usage_event WHERE run_id = ? AND id > ? GROUP BY unit_id, system_id, day, person_id, coalesce(feature, '') "
    "ON CONFLICT (unit_id, system_id, day, person_id, feature) DO UPDATE SET "
    "events = usage_daily.events + excluded.events, "
    "duration_seconds = usage_daily.duration_seconds + excluded.duration_seconds"
)
# The rows a batch really inserted, when some were known already: their day bits come from here.
NEW_ROWS = (
    "SELECT unit_id, system_id, day, person_id, coalesce(feature, '') FROM usage_event WHERE run_id = ? AND id > ?"
)
# Day bits only get set: an upsert ORs the new days into the stored ones.
UPSERT_PERSON_DAYS = (
    "INSERT INTO usage_person_days (unit_id, system_id, person_id, span, day_bits) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (unit_id, system_id, person_id, span) DO UPDATE SET "
    "day_bits = usage_person_days.day_bits | excluded.day_bits"
)
UPSERT_FEATURE_DAYS = (
    "INSERT INTO usage_feature_days (unit_id, system_id, feature, span, day_bits) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (unit_id, system_id, feature, span) DO UPDATE SET "
    "day_bits = usage_feature_days.day_bits | excluded.day_bits"
)
DAY_BITS_FLUSH_AT = 200_000  # gathered keys written early, within the same transaction, to bound the memory

# PostgreSQL takes a batch through scratch tables, filled by COPY (see UsageHandler._stage).
POSTGRES_STAGING = {
    "usage_event_stage": "usage_event_stage (dedup_key, source_system, source_record_id, person_id, system_id, "
    "unit_id, occurred_at, day, feature, count, duration_seconds, run_id)",
    "usage_daily_stage": "usage_daily_stage (unit_id, system_id, day, person_id, feature, events, duration_seconds)",
    "usage_person_days_stage": "usage_person_days_stage (unit_id, system_id, person_id, span, day_bits)",
    "usage_feature_days_stage": "usage_feature_days_stage (unit_id, system_id, feature, span, day_bits)",
}
POSTGRES_UPSERT_STAGED_DAYS = {
    "usage_person_days_stage": "INSERT INTO usage_person_days SELECT * FROM usage_person_days_stage "
    "ON CONFLICT (unit_id, system_id, person_id, span) DO UPDATE SET "
    "day_bits = usage_person_days.day_bits | excluded.day_bits",
    "usage_feature_days_stage": "INSERT INTO usage_feature_days SELECT * FROM usage_feature_days_stage "
    "ON CONFLICT (unit_id, system_id, feature, span) DO UPDATE SET "
    "day_bits = usage_feature_days.day_bits | excluded.day_bits",
}
POSTGRES_INSERT_STAGED = (
    "INSERT INTO usage_event (dedup_key, source_system, source_record_id, person_id, system_id, unit_id, "
    "occurred_at, day, feature, count, duration_seconds, run_id) "
    "SELECT dedup_key, source_system, source_record_id, person_id, system_id, unit_id, occurred_at, day, feature, "
    "count, duration_seconds, run_id FROM usage_event_stage ON CONFLICT (dedup_key) DO NOTHING"
)
POSTGRES_ADD_STAGED_SUMS = (
    "INSERT INTO usage_daily (unit_id, system_id, day, person_id, feature, events, duration_seconds) "
    "SELECT unit_id, system_id, day, person_id, feature, events, duration_seconds FROM usage_daily_stage "
    "ON CONFLICT (unit_id, system_id, day, person_id, feature) DO UPDATE SET "
    "events = usage_daily.events + excluded.events, "
    "duration_seconds = usage_daily.duration_seconds + excluded.duration_seconds"
)
# Otherwise (the usual case) it takes the sums the reader made.
UPSERT_SUMS = (
    "INSERT INTO usage_daily (unit_id, system_id, day, person_id, feature, events, duration_seconds) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, system_id, day, person_id, feature) DO UPDATE SET "
    "events = usage_daily.events + excluded.events, "
    "duration_seconds = usage_daily.duration_seconds + excluded.duration_seconds"
)


# A prepared row is the tuple the INSERT takes, in its column order; these name the places read back.
DEDUP, PERSON, SYSTEM, UNIT, DAY, FEATURE, COUNT, DURATION = 0, 3, 4, 5, 7, 8, 9, 10


@dataclass(slots=True)
class UsagePack:
    """A batch ready for the writer: unique rows, how many repeats were dropped, the rollup sums, and the
    master rows the batch refers to (table -> ids)."""

    rows: list[tuple]
    repeats: int
    sums: list[tuple]
    references: dict[str, set[int]]
    pairs: set[tuple[int, int]]  # (unit, system): the subscriptions whose health the batch may change


class ReferenceGone(RunStopped):
    """A person, unit or system this import refers to was deleted while the import ran."""


# Each id column of a prepared row and the master table it refers to.
REFERENCES = (("person", PERSON), ("system", SYSTEM), ("unit", UNIT))


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


def dedup_key(
    source: str,
    record_id: str | None,
    person_key: str,
    system_key: str,
    occurred_utc: str,
    feature: str | None,
    count: int,
    duration: int | None,
    unit_key: str | None,
) -> bytes:
    """What makes two rows the same event: the source's record id, or (without one) the row's content."""
    if record_id is not None:
        identity = f"id\x1f{source}\x1f{record_id}"
    else:
        duration_text = "" if duration is None else str(duration)
        content = (person_key, system_key, occurred_utc, feature or "", str(count), duration_text, unit_key or "")
        identity = "\x1f".join(("row", source, *content))
    return hashlib.blake2b(identity.encode("utf-8", "surrogatepass"), digest_size=16).digest()


# The columns a usage row is made of, in the order UsageHandler._prepare takes them.
FIELDS = (
    "person_key",
    "system_key",
    "occurred_at",
    "count",
    "duration_seconds",
    "unit_key",
    "source_system",
    "source_record_id",
    "feature",
)


class UsageHandler:
    batch_size = 5_000
    refuses_on_write = False  # every refusal is decided in prepare, so pending rows need not keep their raw text
    # Every person, system and unit was looked up in prepare: on SQLite the engine lets the writes skip the
    # per-row foreign-key checks, and before_commit checks the window's references once instead.
    resolves_references = True

    def __init__(self, lookups: Lookups, run_id: int) -> None:
        self.lookups = lookups
        self.run_id = run_id
        self.people = lookups.people
        self.systems = lookups.systems
        self.positions: list[int | None] = []
        connection = db.session.connection()
        self.sqlite = connection.dialect.name == "sqlite"
        self.insert_events = driver_sql(connection, INSERT_EVENTS)
        self.roll_up = driver_sql(connection, ROLL_UP)
        self.upsert_sums = driver_sql(connection, UPSERT_SUMS)
        self.new_rows = driver_sql(connection, NEW_ROWS)
        self.upsert_days = (driver_sql(connection, UPSERT_PERSON_DAYS), driver_sql(connection, UPSERT_FEATURE_DAYS))
        self.day_bits = DayBitsAccumulator()
        # PostgreSQL: the connections that have this run's scratch tables (weakly held: the pool owns them).
        self.staged_on: weakref.WeakSet[Any] = weakref.WeakSet()
        self.touched: set[tuple[int, int]] = set()  # (unit, system) pairs written to, for the re-score
        self.window_references: dict[str, set[int]] = {table: set() for table, _ in REFERENCES}

    def prepare(self, values: Values) -> tuple:
        get = values.get
        return self._prepare(*[get(name) for name in FIELDS])

    def bind(self, columns: list[str | None]) -> None:
        """Learn where each field sits in a CSV file's cells, for prepare_cells."""
        self.positions = [columns.index(name) if name in columns else None for name in FIELDS]

    def prepare_cells(self, cells: list[str]) -> tuple:
        """The fast lane for CSV files: the same checks as prepare, read by position from the row's cells."""
        return self._prepare(*[None if at is None else cells[at].strip() or None for at in self.positions])

    def _prepare(
        self,
        person_key: str | None,
        system_key: str | None,
        occurred_at: str | None,
        count_text: str | None,
        duration_text: str | None,
        unit_key: str | None,
        source_system: str | None,
        record_id: str | None,
        feature: str | None,
    ) -> tuple:
        person = self.people.get(person_key) if person_key is not None else None
        if person is None:
            person = self.lookups.person("person_key", fields.required("person_key", person_key))
            assert person is not None
        system_id = self.systems.get(system_key) if system_key is not None else None
        if system_id is None:
            system_id = self.lookups.system_id("system_key", fields.required("system_key", system_key))
        occurred, day = utc_text(fields.required("occurred_at", occurred_at))
        count = _whole_number(count_text, "count", 1, MAX_COUNT, default=1)
        duration = _whole_number(duration_text, "duration_seconds", 0, MAX_DURATION, default=None)
        unit_id = person[1] if unit_key is None else self.lookups.unit_id("unit_key", unit_key)
        source = source_system or ""
        if len(source) > 64 or (record_id and len(record_id) > 128) or (feature and len(feature) > 128):
            fields.text("source_system", source, 64)
            fields.key("source_record_id", record_id)
            fields.text("feature", feature, 128)
        key = dedup_key(source, record_id, person_key, system_key, occurred, feature, count, duration, unit_key)  # type: ignore[arg-type]
        if not self.sqlite:  # psycopg takes dates and aware datetimes, not SQLite's text forms
            return (
                key,
                source,
                record_id,
                person[0],
                system_id,
                unit_id,
                datetime.fromisoformat(occurred).replace(tzinfo=UTC),
                date.fromisoformat(day),
                feature,
                count,
                duration,
                self.run_id,
            )
        return (
            key,
            source,
            record_id,
            person[0],
            system_id,
            unit_id,
            occurred,
            day,
            feature,
            count,
            duration,
            self.run_id,
        )

    def pack(self, records: list[tuple]) -> UsagePack:
        """Pure work done where the rows were prepared (possibly the reader process): drop repeats within the
        batch and sum what the rollup will need, so the writer only inserts."""
        rows: dict[bytes, tuple] = {}
        for record in records:
            rows.setdefault(record[DEDUP], record)
        sums: dict[tuple, list[int]] = {}
        for row in rows.values():
            group = (row[UNIT], row[SYSTEM], row[DAY], row[PERSON], row[FEATURE] or "")
            totals = sums.get(group)
            if totals is None:
                sums[group] = [row[COUNT], row[DURATION] or 0]
            else:
                totals[0] += row[COUNT]
                totals[1] += row[DURATION] or 0
        unique = list(rows.values())
        return UsagePack(
            rows=unique,
            repeats=len(records) - len(rows),
            # In key order, so the upserts walk the rollup's b-tree forwards.
            sums=sorted((*group, events, seconds) for group, (events, seconds) in sums.items()),
            references={table: {row[at] for row in unique} for table, at in REFERENCES},
            pairs={(group[0], group[1]) for group in sums},
        )

    def write_packed(self, pack: UsagePack) -> tuple[int, int]:
        """Insert the batch; returns (inserted, unchanged). The rollup receives exactly the inserted rows."""
        connection = db.session.connection()
        for table, ids in pack.references.items():
            self.window_references[table] |= ids
        self.touched |= pack.pairs
        last_id = connection.exec_driver_sql("SELECT max(id) FROM usage_event").scalar() or 0
        mark_changed(connection)  # the driver's cursor below writes where SQLAlchemy does not see it
        # The driver's own cursor: SQLAlchemy would inspect every one of the thousands of parameter tuples.
        cursor = connection.connection.cursor()
        try:
            inserted = self._insert(cursor, pack.rows)
            if inserted == len(pack.rows):  # all new, the usual case: the sums made in pack are exact
                if pack.sums:
                    self._add_sums(cursor, pack.sums)
                    self.day_bits.add(pack.sums)
            elif inserted:  # some were known: sum only the rows this batch really inserted
                cursor.execute(self.roll_up, (self.run_id, last_id))
                cursor.execute(self.new_rows, (self.run_id, last_id))
                self.day_bits.add(cursor.fetchall())
            if len(self.day_bits) >= DAY_BITS_FLUSH_AT:
                self._write_day_bits(cursor)
        finally:
            cursor.close()
        return inserted, len(pack.rows) - inserted + pack.repeats

    def before_commit(self) -> None:
        """Write the window's day bits; refuse to commit rows whose person, system or unit was deleted since
        the run looked them up.

        On SQLite the window's writes skipped the foreign-key checks (the engine's _open_window); one query
        per table here keeps the same guarantee. PostgreSQL checked every row already.
        """
        connection = db.session.connection()
        if len(self.day_bits):
            mark_changed(connection)
            cursor = connection.connection.cursor()
            try:
                self._write_day_bits(cursor)
            finally:
                cursor.close()
        references, self.window_references = self.window_references, {table: set() for table, _ in REFERENCES}
        if connection.dialect.name != "sqlite":
            return
        for table, ids in references.items():
            if not ids:
                continue
            found = connection.exec_driver_sql(
                f"SELECT count(*) FROM {table} WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608 (fixed names)
                (json.dumps(sorted(ids)),),
            ).scalar()
            if found != len(ids):
                raise ReferenceGone(
                    f"{len(ids) - (found or 0):,} {table} record(s) this import refers to were deleted while it ran; "
                    "import the file again: it resumes from the last checkpoint and refuses rows whose key is gone."
                )

    def _insert(self, cursor: Any, rows: list[tuple]) -> int:
        if self.sqlite:
            cursor.executemany(self.insert_events, rows)
            return cursor.rowcount
        # PostgreSQL runs one INSERT per row of an executemany; COPY into a scratch table and one
        # INSERT … SELECT from it do the batch in two statements.
        self._stage(cursor, "usage_event_stage", rows)
        cursor.execute(POSTGRES_INSERT_STAGED)
        return cursor.rowcount

    def _add_sums(self, cursor: Any, sums: list[tuple]) -> None:
        if self.sqlite:
            cursor.executemany(self.upsert_sums, sums)
            return
        self._stage(cursor, "usage_daily_stage", sums)
        cursor.execute(POSTGRES_ADD_STAGED_SUMS)

    def _write_day_bits(self, cursor: Any) -> None:
        people, features = self.day_bits.drain()
        person_upsert, feature_upsert = self.upsert_days
        for rows, upsert, stage in (
            (people, person_upsert, "usage_person_days_stage"),
            (features, feature_upsert, "usage_feature_days_stage"),
        ):
            if self.sqlite:
                cursor.executemany(upsert, rows)
            else:
                self._stage(cursor, stage, rows)
                cursor.execute(POSTGRES_UPSERT_STAGED_DAYS[stage])

    def _stage(self, cursor: Any, table: str, rows: list[tuple]) -> None:
        # Temporary tables belong to a connection, and a checkpoint's commit may hand this run another one
        # from the pool next time: the tables are made on each connection the run meets.
        connection = cursor.connection
        if connection not in self.staged_on:
            # Temporary tables: private to this connection, dropped with it, never written to the WAL.
            # Only the columns and their types: the staged rows have no id yet, and no constraint is wanted.
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS usage_event_stage AS SELECT dedup_key, source_system, "
                "source_record_id, person_id, system_id, unit_id, occurred_at, day, feature, count, "
                "duration_seconds, run_id FROM usage_event WITH NO DATA"
            )
            for derived in ("usage_daily", "usage_person_days", "usage_feature_days"):
                cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {derived}_stage AS TABLE {derived} WITH NO DATA")
            self.staged_on.add(connection)
        cursor.execute(f"TRUNCATE {table}")
        with cursor.copy(f"COPY {POSTGRES_STAGING[table]} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
