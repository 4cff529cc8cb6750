"""Raise the data version in every transaction that changes the data, in that transaction.

Every write through SQLAlchemy is seen on its way to the driver (an INSERT, UPDATE or DELETE marks the
connection); writes that go to the driver directly (the usage import's bulk paths) mark it themselves with
`mark_changed`. Just before such a transaction commits, one UPDATE raises the number, so a reader sees the new
data and the new number together, or neither. The UPDATE comes last so that, on PostgreSQL, the row it locks
is held only for the moment of the commit, not for a whole import checkpoint.

A counter, not a fingerprint of the data (the highest ids, say): SQLite hands a deleted row's id to the next
insert, so a same-day re-score could leave every id as it was and the data changed.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.engine import Connection, Engine

from models import DataVersion, db
from models.data_version import SINGLE_ROW

CHANGED = "rapport_data_changed"
# Writes that change nothing anything is computed from: sign-ins, tokens, the migrations' own bookkeeping. The
# audit log too: an audited change writes its own tables beside its entry, and those raise the version; a
# sign-in writes the entry alone. And the log of reviews made into PDFs, which each download writes.
UNTRACKED_TABLES = frozenset(
    {"account", "api_token", "audit_log", "alembic_version", "data_version", "review_produced"}
)
WRITE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+\"?(\w+)", re.IGNORECASE
)
RAISE = "UPDATE data_version SET version = version + 1 WHERE id = 1"  # models.data_version.SINGLE_ROW
TABLE_EXISTS = {
    "sqlite": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'data_version'",
    "postgresql": "SELECT to_regclass('data_version') IS NOT NULL",
}


def writes_data(statement: str) -> bool:
    """Whether a statement may change data something is computed from. Unknown shapes (a WITH … INSERT)
    count as writes when they name a write: a version raised for nothing costs a recomputation, a version
    not raised would show stale figures."""
    found = WRITE.match(statement)
    if found:
        return found.group(1).lower() not in UNTRACKED_TABLES
    head = statement.lstrip()[:4].upper()
    return head == "WITH" and re.search(r"\b(INSERT|UPDATE|DELETE)\b", statement, re.IGNORECASE) is not None


def mark_changed(connection: Connection) -> None:
    """For writes that bypass SQLAlchemy's execution (raw driver cursors): this transaction changes data."""
    connection.info[CHANGED] = True


def current() -> int | None:
    """The version the session's transaction sees; None once the transaction has written data of its own,
    which no version names until it commits."""
    session = db.session
    if session.new or session.dirty or session.deleted or session.connection().info.get(CHANGED):
        return None
    return session.scalar(select(DataVersion.version).where(DataVersion.id == SINGLE_ROW)) or 0


@event.listens_for(Engine, "begin")
def _forget(connection: Connection) -> None:
    connection.info.pop(CHANGED, None)


@event.listens_for(Engine, "rollback")
def _forget_rolled_back(connection: Connection) -> None:
    connection.info.pop(CHANGED, None)


@event.listens_for(Engine, "before_cursor_execute")
def _notice(connection: Connection, _cursor: Any, statement: str, *_rest: Any) -> None:
    if CHANGED not in connection.info and writes_data(statement):
        connection.info[CHANGED] = True


@event.listens_for(Engine, "commit")
def _raise_version(connection: Connection) -> None:
    # Called just before the driver's commit. The UPDATE goes to the driver directly: SQLAlchemy is in the
    # middle of committing and would not take a statement through the connection now.
    if not connection.info.pop(CHANGED, False):
        return
    driver_connection = connection.connection.dbapi_connection
    cursor = driver_connection.cursor()
    try:
        if _has_table(connection, cursor):
            cursor.execute(RAISE)
    finally:
        cursor.close()


def _has_table(connection: Connection, cursor: Any) -> bool:
    """False only before the migration that makes the table has run (the earlier migrations write data), or
    after a downgrade past it. Asked every time, not remembered: a few microseconds beside any write."""
    query = TABLE_EXISTS.get(connection.dialect.name)
    if query is None:
        return False
    cursor.execute(query)
    row = cursor.fetchone()
    return bool(row and row[0])
