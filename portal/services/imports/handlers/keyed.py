"""Kinds whose rows carry their own identity and may change: tickets, survey answers, people.

A row whose key is new is inserted; a known key is updated when anything differs and left alone when
nothing does. Within one batch a later row for the same key wins, as it would in a later file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, tuple_, update

from models import Person, SurveyAnswer, Ticket, TicketStatus, db
from portal import clock
from portal.services.imports import fields
from portal.services.imports.fields import FieldError
from portal.services.imports.formats import PERSON_ROLES, SURVEY_SCALES, TICKET_STATUSES, TICKET_TYPES
from portal.services.imports.handlers.base import (
    INSERTED,
    UNCHANGED,
    UPDATED,
    Lookups,
    Outcome,
    Pending,
    owning_unit,
)
from portal.services.imports.reading import Values

LOOKUP_CHUNK = 400  # keys per IN (…) query, well inside every engine's parameter limit


def _comparable(value: Any) -> Any:
    """SQLite hands back naive UTC datetimes; compare them with the aware ones the parsers make."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class KeyedUpsert:
    """Insert-or-update by a natural key, reporting inserted / updated / unchanged per row."""

    def __init__(self, table: Table, key_columns: tuple[str, ...]) -> None:
        self.table = table
        self.key_columns = key_columns

    def _existing(self, keys: list[tuple]) -> dict[tuple, dict[str, Any]]:
        key_expr = tuple_(*(self.table.c[name] for name in self.key_columns))
        found: dict[tuple, dict[str, Any]] = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            for row in db.session.execute(select(self.table).where(key_expr.in_(chunk))).mappings():
                found[tuple(row[name] for name in self.key_columns)] = dict(row)
        return found

    def write(self, records: list[dict[str, Any]], stamp: dict[str, Any] | None = None) -> list[Outcome]:
        """`stamp` columns (which run, when) go with every insert and real update but are never compared."""
        keys = [tuple(record[name] for name in self.key_columns) for record in records]
        existing = self._existing(list(dict.fromkeys(keys)))
        outcomes: list[Outcome] = []
        to_insert: dict[tuple, dict[str, Any]] = {}
        to_update: dict[tuple, dict[str, Any]] = {}
        for key, record in zip(keys, records, strict=True):
            current = to_insert.get(key) or to_update.get(key) or existing.get(key)
            if current is None:
                to_insert[key] = record
                outcomes.append(INSERTED)
            elif all(_comparable(current.get(name)) == _comparable(value) for name, value in record.items()):
                outcomes.append(UNCHANGED)
            elif key in to_insert:
                to_insert[key] = record
                outcomes.append(UPDATED)
            else:
                to_update[key] = {**record, "_id": existing[key]["id"]}
                outcomes.append(UPDATED)
        self._flush(list(to_insert.values()), list(to_update.values()), stamp or {})
        return outcomes

    def _flush(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]], stamp: dict[str, Any]) -> None:
        if stamp:
            inserts = [{**record, **stamp} for record in inserts]
            updates = [{**record, **stamp} for record in updates]
        if inserts:
            db.session.execute(insert(self.table), inserts)
        if updates:
            columns = [name for name in updates[0] if name != "_id"]
            statement = (
                update(self.table)
                .where(self.table.c.id == bindparam("_id"))
                .values({name: bindparam(name) for name in columns})
            )
            db.session.connection().execute(statement, updates)


class TicketHandler:
    batch_size = 2_000

    def __init__(self, lookups: Lookups, run_id: int) -> None:
        self.lookups = lookups
        self.run_id = run_id
        self.upsert = KeyedUpsert(Ticket.__table__, ("source_system", "ticket_id"))

    def prepare(self, values: Values) -> dict[str, Any]:
        person_id, unit_id = owning_unit(self.lookups, values)
        opened_at = fields.timestamp("opened_at", fields.required("opened_at", values.get("opened_at")))
        resolved_at = fields.timestamp("resolved_at", values.get("resolved_at"))
        if resolved_at is not None and resolved_at < opened_at:
            raise FieldError("resolved_at: comes before opened_at", "resolved_at")
        return {
            "source_system": fields.text("source_system", values.get("source_system"), 64) or "",
            "ticket_id": fields.key("ticket_id", fields.required("ticket_id", values.get("ticket_id"))),
            "unit_id": unit_id,
            "system_id": self.lookups.system_id("system_key", values.get("system_key")),
            "person_id": person_id,
            "opened_at": opened_at,
            "resolved_at": resolved_at,
            "status": fields.choice("status", values.get("status"), TICKET_STATUSES) or TicketStatus.NEW.value,
            "priority": fields.integer("priority", values.get("priority"), 1, 5),
            "type": fields.choice("type", values.get("type"), TICKET_TYPES),
            "category": fields.text("category", values.get("category"), 120),
            "csat": fields.integer("csat", values.get("csat"), 1, 5),
        }

    def write(self, batch: list[Pending]) -> list[Outcome]:
        stamp = {"run_id": self.run_id, "updated_at": clock.now()}
        return self.upsert.write([pending.record for pending in batch], stamp)


class SurveyHandler:
    batch_size = 2_000

    def __init__(self, lookups: Lookups, run_id: int) -> None:
        self.lookups = lookups
        self.run_id = run_id
        self.upsert = KeyedUpsert(SurveyAnswer.__table__, ("source_system", "response_id", "question"))

    def prepare(self, values: Values) -> dict[str, Any]:
        person_id, unit_id = owning_unit(self.lookups, values)
        question = fields.choice("question", fields.required("question", values.get("question")), SURVEY_SCALES)
        assert question is not None
        low, high = SURVEY_SCALES[question]
        score = fields.integer("score", fields.required("score", values.get("score")), low, high)
        return {
            "source_system": fields.text("source_system", values.get("source_system"), 64) or "",
            "response_id": fields.key("response_id", fields.required("response_id", values.get("response_id"))),
            "question": question,
            "submitted_at": fields.timestamp(
                "submitted_at", fields.required("submitted_at", values.get("submitted_at"))
            ),
            "unit_id": unit_id,
            "system_id": self.lookups.system_id("system_key", values.get("system_key")),
            "person_id": person_id,
            "score": score,
            "comment": fields.text("comment", values.get("comment"), 4_000),
        }

    def write(self, batch: list[Pending]) -> list[Outcome]:
        return self.upsert.write([pending.record for pending in batch], {"run_id": self.run_id})


class PeopleHandler:
    """The directory. People are pseudonymous keys: no names, no emails, so nothing here is audited per row."""

    batch_size = 5_000

    def __init__(self, lookups: Lookups, run_id: int) -> None:
        self.lookups = lookups
        self.upsert = KeyedUpsert(Person.__table__, ("key",))

    def prepare(self, values: Values) -> dict[str, Any]:
        person_key = fields.key("person_key", fields.required("person_key", values.get("person_key")), 254)
        unit_id = self.lookups.unit_id("unit_key", fields.required("unit_key", values.get("unit_key")))
        role = fields.choice("role", values.get("role"), PERSON_ROLES) or "user"
        return {"key": person_key, "unit_id": unit_id, "role": role}

    def write(self, batch: list[Pending]) -> list[Outcome]:
        outcomes = self.upsert.write([pending.record for pending in batch])
        self.lookups.forget_people()  # usage in the same process must see the new people
        return outcomes
