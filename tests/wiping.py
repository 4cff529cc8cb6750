"""Empty every table between tests, as the tests' own data needs."""

from __future__ import annotations

from collections.abc import Callable

from models import db

# The data version's one row stays: the number only ever rises, so nothing computed and kept for one test's
# data can be taken for another's (portal/computed_cache.py).
KEPT_TABLES = frozenset({"data_version"})


def wipe_data(execute: Callable) -> None:
    """Delete every row (children first) through `execute`, a session's or a connection's."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            execute(table.delete())
