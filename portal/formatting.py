"""Figures as people read them, the same on the pages and in the PDFs."""

from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | float | int | None, currency: str = "EUR") -> str:
    if value is None:
        return "—"
    amount = Decimal(value).quantize(Decimal("1"))
    return f"{amount:,.0f} {currency}".replace(",", "\u202f")


def number(value: int | float | Decimal | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):  # a stored amount: whole numbers without ".00", others to two places
        value = int(value) if value == value.to_integral_value() else value.quantize(Decimal("0.01"))
    return f"{value:,}".replace(",", "\u202f")
