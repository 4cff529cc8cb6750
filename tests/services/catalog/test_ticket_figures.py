"""The time to resolve, as every page and report gives it."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from portal.services.catalog.ticket_figures import median_hours_to_resolve


def ticket(opened_hour: int, resolved_hour: int | None, naive: bool = False):
    zone = None if naive else UTC
    opened = datetime(2026, 10, 1, opened_hour, tzinfo=zone)
    resolved = None if resolved_hour is None else datetime(2026, 10, 2, resolved_hour, tzinfo=zone)
    return SimpleNamespace(opened_at=opened, resolved_at=resolved)


def test_half_of_the_resolved_tickets_were_resolved_within_the_median():
    # 24, 26 and 30 hours; one still open; one stamped resolved before it was opened (a source's clock).
    backwards = SimpleNamespace(
        opened_at=datetime(2026, 10, 5, tzinfo=UTC), resolved_at=datetime(2026, 10, 4, tzinfo=UTC)
    )
    tickets = [ticket(0, 0), ticket(0, 2, naive=True), ticket(0, 6), ticket(3, None), backwards]
    assert median_hours_to_resolve(tickets) == 26
    assert median_hours_to_resolve([ticket(3, None)]) is None
