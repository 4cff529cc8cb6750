"""Figures about support tickets that several pages and reports give the same way."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from statistics import median
from typing import Protocol

from models.types import as_utc


class _Resolvable(Protocol):
    opened_at: datetime
    resolved_at: datetime | None


def median_hours_to_resolve(tickets: Iterable[_Resolvable]) -> float | None:
    """Half of the resolved tickets were resolved within this many hours; None when none was resolved.
    A resolution stamped before the opening (a source's clock) is left out rather than counted negative."""
    hours = [
        (as_utc(ticket.resolved_at) - as_utc(ticket.opened_at)).total_seconds() / 3600
        for ticket in tickets
        if ticket.resolved_at is not None and as_utc(ticket.resolved_at) >= as_utc(ticket.opened_at)
    ]
    return median(hours) if hours else None
