"""Figures as people read them, the same on the pages and in the PDFs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal


def money(value: Decimal | float | int | None, currency: str = "EUR") -> str:
    if value is None:
        return "—"
    amount = Decimal(value).quantize(Decimal("1"))
    return f"{amount:,.0f} {currency}".replace(",", "\u202f")


def by_currency(amounts_in: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Money summed per currency (currencies never add up), the currencies in order."""
    totals: dict[str, Decimal] = {}
    for currency, amount in amounts_in:
        totals[currency] = totals.get(currency, Decimal(0)) + amount
    return dict(sorted(totals.items()))


def amounts(by_currency: Mapping[str, Decimal], none: str = "") -> str:
    """Money in several currencies, never converted: "1 200 EUR and 300 USD"; zero amounts left out."""
    return " and ".join(money(amount, currency) for currency, amount in by_currency.items() if amount) or none


def money_short(value: Decimal | float | int, currency: str = "EUR") -> str:
    """A large amount rounded for a headline figure or a chart: 2.2 M EUR, 180 k EUR."""
    amount = float(value)
    if abs(amount) >= 1_000_000:
        return f"{amount / 1_000_000:.1f} M {currency}"
    if abs(amount) >= 10_000:
        return f"{amount / 1000:.0f} k {currency}"
    return money(value, currency)


def number(value: int | float | Decimal | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):  # a stored amount: whole numbers without ".00", others to two places
        value = int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))
    return f"{value:,}".replace(",", "\u202f")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun: "1 risk", "16 subscriptions", digits grouped."""
    return f"{number(count)} {noun if count == 1 else plural or noun + 's'}"


def duration(hours: float) -> str:
    """Hours as people say them: "5 hours", "3 days"."""
    if hours < 48:
        return f"{hours:.0f} hour{'s' if round(hours) != 1 else ''}"
    return f"{hours / 24:.0f} days"
