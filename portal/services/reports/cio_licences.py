"""The licence economics of the CIO's report: what the organisation spends, the paid seats nobody uses graded by
how safe reclaiming them is (portal/services/seat_use.py), where that money sits by system, and the renewals of
the next 90 days with the seats their use will need then (portal/services/forecast.py)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models import Subscription
from portal.services.catalog.forecast import monthly_active, renewal_forecast, renews_within
from portal.services.catalog.seat_rule import gets_seat_advice
from portal.services.catalog.seat_use import GRADES, money_by_grade, seat_use, unused_by_grade

RENEWAL_DAYS = 90
SYSTEMS_PICTURED = 8


@dataclass(frozen=True)
class Renewal:
    unit: str
    system: str
    renewal: date
    seats: int
    active: int
    recommended: int
    saving: Decimal
    currency: str
    low: int = 0  # the range of people a month expected at the renewal
    high: int = 0


@dataclass(frozen=True)
class SystemMoney:
    """A system's licence spend a year in the main currency, and the part of it on seats nobody uses, by grade."""

    system: str
    spend: Decimal
    unused: dict[str, Decimal]

    @property
    def in_use(self) -> Decimal:
        return max(self.spend - sum(self.unused.values(), Decimal(0)), Decimal(0))


@dataclass(frozen=True)
class Licences:
    currency: str  # the organisation's main currency: the one most subscriptions are paid in
    spend: dict[str, Decimal]  # currency → a year
    unused_seats: dict[str, int]  # grade → seats
    reclaimable: dict[str, dict[str, Decimal]]  # grade → currency → a year
    by_system: list[SystemMoney]  # the costliest systems, in the main currency
    renewals: list[Renewal]


def main_currency(subscriptions: Sequence[Subscription]) -> str:
    found = Counter(subscription.system.currency for subscription in subscriptions)
    return found.most_common(1)[0][0] if found else "EUR"


def licences(end: date, subscriptions: Sequence[Subscription]) -> Licences:
    currency = main_currency(subscriptions)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    unused: Counter[str] = Counter()
    reclaimable: dict[str, dict[str, Decimal]] = {grade: defaultdict(Decimal) for grade in GRADES}
    system_spend: dict[str, Decimal] = defaultdict(Decimal)
    system_unused: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    use = seat_use(end)
    for subscription in subscriptions:
        paid_in, cost, name = subscription.system.currency, subscription.effective_annual_cost, subscription.system.name
        spend[paid_in] += cost
        if paid_in == currency:
            system_spend[name] += cost
        if not gets_seat_advice(subscription):
            continue
        found = use.get((subscription.unit_id, subscription.system_id))
        unused.update(unused_by_grade(subscription.seats, found))
        for grade, amount in money_by_grade(subscription.seats, cost, found).items():
            reclaimable[grade][paid_in] += amount
            if paid_in == currency:
                system_unused[name][grade] += amount
    costliest = sorted(system_spend.items(), key=lambda pair: (-pair[1], pair[0]))[:SYSTEMS_PICTURED]
    return Licences(
        currency=currency,
        spend=dict(sorted(spend.items())),
        unused_seats={grade: unused[grade] for grade in GRADES},
        reclaimable={grade: dict(sorted(reclaimable[grade].items())) for grade in GRADES},
        by_system=[
            SystemMoney(name, amount, {grade: system_unused[name][grade] for grade in GRADES})
            for name, amount in costliest
            if amount
        ],
        renewals=renewals(end, subscriptions),
    )


def renewals(end: date, subscriptions: Sequence[Subscription]) -> list[Renewal]:
    """The renewals of the next 90 days that get seat advice (seat_rule.py), each with the seats its use will
    need then."""
    found = []
    series_of: dict[int, dict[int, list[int]]] = {}
    for subscription in subscriptions:
        if not renews_within(subscription, end, RENEWAL_DAYS):
            continue  # before reading the unit's use: the renewals are few, the subscriptions many
        if subscription.unit_id not in series_of:
            series_of[subscription.unit_id] = monthly_active(subscription.unit_id, end)
        seen = renewal_forecast(
            subscription, series_of[subscription.unit_id].get(subscription.system_id), end, RENEWAL_DAYS
        )
        if seen is None:
            continue
        found.append(
            Renewal(
                subscription.unit.name,
                subscription.system.name,
                subscription.renewal_date,
                subscription.seats,
                seen.active_now,
                seen.recommended,
                seen.saving,
                subscription.system.currency,
                round(seen.projection.low),
                round(seen.projection.high),
            )
        )
    return sorted(found, key=lambda r: (r.renewal, r.unit, r.system))
