"""One scheduler per installation: a lock the scheduler holds while it lives; a second one waits for it.

On PostgreSQL a session advisory lock, held by a connection of its own (the database frees it when the
process dies, however it dies). On SQLite an exclusive lock on a file beside the database (the operating
system frees it the same way). Either way a second `flask scheduler` — a second machine's, a restart that
overlaps — waits, and takes over when the first stops.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

ADVISORY_KEY = 0x52617070  # "Rapp": one number for every Rapport scheduler of a database
WAIT_SECONDS = 5.0


class SchedulerLock:
    def __init__(self, engine: Engine, fallback_folder: Path) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        database = engine.url.database
        beside_the_database = database and not self.postgres and database != ":memory:"
        self.path = Path(f"{database}.scheduler-lock") if beside_the_database else fallback_folder / "scheduler.lock"
        self._file: IO[bytes] | None = None
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        if self.postgres:
            connection = self.engine.connect()
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
            connection.commit()
            if taken:
                self._connection = connection
                return True
            connection.close()
            return False
        handle = self.path.open("a+b")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def acquire(self, waiting: Callable[[], None] | None = None) -> None:
        """Take the lock, waiting for it as long as another scheduler holds it (`waiting` is told once)."""
        told = False
        while not self.try_acquire():
            if waiting is not None and not told:
                waiting()
                told = True
            time.sleep(WAIT_SECONDS)

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            self._connection.close()
            self._connection = None
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
