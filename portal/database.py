"""Engine settings that must hold on every connection, and the session's account loader."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import Pool

from models import Account, db
from portal.extensions import login_manager

SQLITE_DEFAULT_WAL_PAGES = 1_000  # SQLite's own default: the log is folded back into the file every ~4 MB
SQLITE_CACHE_KIB = 65_536  # 64 MiB of page cache (the default is 2 MiB): imports insert into large indexes

# Settings a connection may change for a while (an import's write window) and must give back.
SQLITE_RESTORED_ON_CHECKIN = (
    "PRAGMA foreign_keys=ON",
    f"PRAGMA wal_autocheckpoint={SQLITE_DEFAULT_WAL_PAGES}",
    f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}",
)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    for statement in SQLITE_RESTORED_ON_CHECKIN:
        cursor.execute(statement)
    # WAL lets the web server read while an import or the scheduler writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL cannot corrupt the database; a power cut may only lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # Once folded back, a write-ahead log that an import grew to gigabytes is cut back to 64 MiB on disk.
    cursor.execute("PRAGMA journal_size_limit=67108864")
    cursor.close()


@event.listens_for(Pool, "checkin")
def _sqlite_defaults_back(dbapi_connection, _record) -> None:
    """A connection goes back to the pool with the defaults, whatever an import's window changed.

    The pool has rolled the connection back by now; these pragmas would do nothing inside a transaction.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    if dbapi_connection.in_transaction:
        dbapi_connection.rollback()
    for statement in SQLITE_RESTORED_ON_CHECKIN:
        dbapi_connection.execute(statement)


def driver_sql(connection: Connection, sql: str) -> str:
    """SQL written with ? placeholders, in the driver's own style (psycopg takes %s). Values always travel
    apart from the text."""
    return sql if connection.dialect.paramstyle == "qmark" else sql.replace("?", "%s")


def driver_rows(sql: str, params: Sequence[Any]) -> list[tuple]:
    """A read on the session's connection, its rows as the driver's own tuples.

    For the hot reads of a million rows (the scoring's day bits), where building SQLAlchemy rows would cost
    more than the query itself. `sql` uses ? placeholders (see driver_sql).
    """
    connection = db.session.connection()
    cursor = connection.connection.cursor()
    try:
        cursor.execute(driver_sql(connection, sql), tuple(params))
        return cursor.fetchall()
    finally:
        cursor.close()


def sqlite_import_window(dbapi_connection: sqlite3.Connection, *, wal_bytes: int, foreign_keys: bool) -> None:
    """Settings for one of an import's write windows, before its transaction begins (see the engine).

    They last until the connection returns to the pool, which puts the defaults back.
    """
    if dbapi_connection.in_transaction:
        return  # too late for this window: foreign_keys cannot change inside a transaction
    (page_bytes,) = dbapi_connection.execute("PRAGMA page_size").fetchone()
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={max(1, wal_bytes // page_bytes)}")
    dbapi_connection.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")


@login_manager.user_loader
def load_account(account_id: str) -> Account | None:
    account = db.session.get(Account, int(account_id))
    return account if account is not None and account.active else None
