"""A unit's use of a system: the customer relationship that gets a health score."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.catalog import LicenseModel, System
from models.org import Unit


class Subscription(db.Model):
    __tablename__ = "subscription"
    __table_args__ = (
        UniqueConstraint("unit_id", "system_id"),
        CheckConstraint("seats >= 0", name="seats_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id"), index=True)
    seats: Mapped[int] = mapped_column(default=0)
    # Empty means "seats × the system's seat cost", so a price change in the catalog flows through.
    annual_cost: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    go_live: Mapped[date | None]
    renewal_date: Mapped[date | None]
    key_action: Mapped[str | None] = mapped_column(String(64))
    key_action_every_days: Mapped[int | None]

    unit: Mapped[Unit] = relationship(back_populates="subscriptions")
    system: Mapped[System] = relationship(back_populates="subscriptions")

    def __repr__(self) -> str:
        return f"<Subscription {self.unit_id}×{self.system_id}>"

    @property
    def effective_annual_cost(self) -> Decimal:
        if self.annual_cost is not None:
            return self.annual_cost
        if self.system.license_model == LicenseModel.FREE or self.system.seat_cost is None:
            return Decimal("0.00")
        return (self.system.seat_cost * self.seats).quantize(Decimal("0.01"))

    @property
    def cost_per_seat(self) -> Decimal:
        """What one seat costs a year: the subscription's cost over its seats (0 without seats)."""
        return self.effective_annual_cost / self.seats if self.seats else Decimal(0)

    @property
    def cost_is_default(self) -> bool:
        return self.annual_cost is None
