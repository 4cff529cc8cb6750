"""Appends to the audit log; every use-case that changes data calls `record`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from models import Account, AuditLog, db

SYSTEM_ACTOR = "system"


def _plain(value: Any) -> Any:
    """JSON-safe form of a column value."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for the fields whose value differs."""
    return {
        field: [_plain(before.get(field)), _plain(after.get(field))]
        for field in sorted(set(before) | set(after))
        if before.get(field) != after.get(field)
    }


def record(
    actor: Account | None,
    action: str,
    entity_type: str,
    entity_key: str,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    entry = AuditLog(
        actor_id=actor.id if actor is not None else None,
        actor=actor.name if actor is not None else SYSTEM_ACTOR,
        action=action,
        entity_type=entity_type,
        entity_key=entity_key,
        changes={key: _plain(value) for key, value in (changes or {}).items()},
    )
    db.session.add(entry)
    return entry


def record_changes(
    actor: Account | None, entity_type: str, entity_key: str, before: dict[str, Any], after: dict[str, Any]
) -> AuditLog | None:
    """Record an update with what changed; an edit that changed nothing leaves no entry."""
    changes = changes_between(before, after)
    if not changes:
        return None
    return record(actor, "update", entity_type, entity_key, changes)
