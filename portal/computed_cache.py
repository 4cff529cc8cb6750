"""Results computed from the data, kept in the process while the data stays as it was.

A success review computes its unit's health twice from the raw data; the same review asked again, by the
page, its PDF or another reader, need not. Each result is kept under the data version it was computed at
(portal/data_version.py); once any transaction changes the data, the version moves on and everything kept
under older versions is dropped. The version is read before the data, so a result is never kept under a
newer version than the data it came from.

Per process and per app: gunicorn's workers each keep their own, and nothing here is shared between two
databases. Only plain values go in (records, bytes), never ORM objects, which belong to one session.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

from portal import data_version

KEPT = 256  # results; a review's health is a few kilobytes, its PDF some tens
EXTENSION = "rapport_computed_cache"

Value = TypeVar("Value")


class ComputedCache:
    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self.version: int | None = None
        self.entries: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()
        self.computing: dict[Hashable, threading.Lock] = {}

    def get(self, version: int, key: Hashable) -> tuple[bool, object]:
        with self.lock:
            if version != self.version or key not in self.entries:
                return False, None
            self.entries.move_to_end(key)
            return True, self.entries[key]

    def put(self, version: int, key: Hashable, value: object) -> None:
        with self.lock:
            if self.version is None or version > self.version:
                self.entries.clear()  # the data changed: nothing kept so far still holds
                self.version = version
            elif version < self.version:
                return  # computed by a transaction that began before the data changed
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def computing_lock(self, key: Hashable) -> threading.Lock:
        """Held while one thread computes `key`: the others asking for it at once wait and take its result
        instead of computing it again beside it (a review's first readers after a data change)."""
        with self.lock:
            return self.computing.setdefault(key, threading.Lock())

    def done_computing(self, key: Hashable) -> None:
        with self.lock:
            self.computing.pop(key, None)


def _cache() -> ComputedCache:
    return current_app.extensions.setdefault(EXTENSION, ComputedCache())


def remember(key: Hashable, compute: Callable[[], Value]) -> Value:
    """`compute()`, or what it gave for `key` before while the data has not changed since."""
    cache = _cache()
    version = data_version.current()
    if version is None:
        return compute()  # this transaction's own writes are in the data: nothing kept applies
    found, value = cache.get(version, key)
    if found:
        return value  # type: ignore[return-value]
    with cache.computing_lock(key):
        found, value = cache.get(version, key)  # computed by another thread while this one waited
        if not found:
            value = compute()
            cache.put(version, key, value)
    cache.done_computing(key)
    return value  # type: ignore[return-value]
