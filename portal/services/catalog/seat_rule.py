"""The one rule for seat figures and seat advice: which subscriptions get them, and what they are.

Unused seats, their money, a renewal's recommended seat count and any advice to cut exist only for a per-seat
licence with seats whose system is measured by use. A site or free licence costs the same however many people
use it, and an endpoint agent or a mandatory training is not worth less because nobody "uses" it: those say
why instead, in the same words on every page, report, export and answer of the API.

No queries: `why_no_seat_figures` and `reclaimable_seats` take plain values (the scoring calls them with the
figures it gathered); the others read a subscription and its system as loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models import LicenseModel, Subscription, System

NOT_PER_SEAT = "not a per-seat licence"
NOT_MEASURED = "not measured by use"
NO_SEATS = "no seats on the subscription"


def why_no_seat_figures(per_seat: bool, seats: int, measured_by_use: bool) -> str | None:
    """None when a subscription gets seat figures and advice; otherwise why not, in words."""
    if not measured_by_use:
        return NOT_MEASURED
    if not per_seat:
        return NOT_PER_SEAT
    if seats <= 0:
        return NO_SEATS
    return None


def why_not(subscription: Subscription) -> str | None:
    """`why_no_seat_figures` of a subscription."""
    system = subscription.system
    per_seat = system.license_model == LicenseModel.PER_SEAT.value
    return why_no_seat_figures(per_seat, subscription.seats, system.measured_by_use)


def why_not_for_system(system: System) -> str | None:
    """Why none of a system's subscriptions gets seat figures, or None when those with seats do."""
    per_seat = system.license_model == LicenseModel.PER_SEAT.value
    return why_no_seat_figures(per_seat, 1, system.measured_by_use)


def gets_seat_advice(subscription: Subscription) -> bool:
    """Whether a subscription gets seat figures, a renewal recommendation and advice to cut."""
    return why_not(subscription) is None


def reclaimable_seats(active_people: int, seats: int, counted: bool) -> int:
    """Seats paid for that nobody used in the window; none where seats are not `counted` (see above)."""
    return max(0, seats - active_people) if counted else 0


@dataclass(frozen=True)
class SeatFigures:
    """A subscription's seats against its use, as every reader shows them."""

    seats: int
    active_people: int
    reclaimable: int  # seats nobody used in the window (0 where the rule gives no seat figures)
    reclaimable_cost: Decimal  # a year, at the subscription's cost per seat
    currency: str
    not_counted: str | None  # why there are no seat figures ("not a per-seat licence"), or None

    @property
    def counted(self) -> bool:
        return self.not_counted is None


def seat_figures(subscription: Subscription, active_people: int, unused: int | None = None) -> SeatFigures:
    """The seat figures of a subscription whose window saw `active_people` people. `unused`: the stored score's
    reclaimable seats when there is one (the scoring counts none while no usage data came), else seats less
    active people; either way none where the rule gives no seat figures (a score stored before the catalog
    changed included)."""
    reason = why_not(subscription)
    if reason is not None:
        reclaimable = 0
    elif unused is not None:
        reclaimable = unused
    else:
        reclaimable = reclaimable_seats(active_people, subscription.seats, counted=True)
    cost = (subscription.cost_per_seat * reclaimable).quantize(Decimal("1"))
    return SeatFigures(subscription.seats, active_people, reclaimable, cost, subscription.system.currency, reason)
