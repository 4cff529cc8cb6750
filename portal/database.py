"""Engine settings that must hold on every connection, and the session's account loader."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

from models import Account, db
from portal.extensions import login_manager


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the web server read while an import or the scheduler writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL cannot corrupt the database; a power cut may only lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MiB of page cache (the default is 2 MiB): imports insert into large indexes at random places.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@login_manager.user_loader
def load_account(account_id: str) -> Account | None:
    account = db.session.get(Account, int(account_id))
    return account if account is not None and account.active else None
