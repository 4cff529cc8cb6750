"""The IT systems catalog: systems and their modules."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.types import one_of

if TYPE_CHECKING:
    from models.accounts import Account
    from models.subscriptions import Subscription


class LicenseModel(StrEnum):
    PER_SEAT = "per_seat"
    SITE = "site"
    FREE = "free"

    @property
    def label(self) -> str:
        return {"per_seat": "Per seat", "site": "Site licence", "free": "Free"}[self.value]


class System(db.Model):
    __tablename__ = "system"
    __table_args__ = (one_of("license_model", LicenseModel, "license_model"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(60), default="", index=True)
    vendor: Mapped[str] = mapped_column(String(120), default="", index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    license_model: Mapped[str] = mapped_column(String(10), default=LicenseModel.PER_SEAT.value)
    seat_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # False for a system whose value is not in people using it (an endpoint agent, a mandatory training): it is
    # judged on tickets and sentiment, never on seats used or active people (docs/scoring.md).
    measured_by_use: Mapped[bool] = mapped_column(default=True, server_default=true())

    owner: Mapped[Account | None] = relationship()
    modules: Mapped[list[Module]] = relationship(
        back_populates="system", cascade="all, delete-orphan", order_by="Module.key"
    )
    subscriptions: Mapped[list[Subscription]] = relationship(back_populates="system")

    def __repr__(self) -> str:
        return f"<System {self.key}>"

    @property
    def license_model_enum(self) -> LicenseModel:
        return LicenseModel(self.license_model)

    @property
    def core_modules(self) -> list[Module]:
        return [module for module in self.modules if module.is_core]


class Module(db.Model):
    __tablename__ = "module"
    __table_args__ = (UniqueConstraint("system_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    is_core: Mapped[bool] = mapped_column(default=False)

    system: Mapped[System] = relationship(back_populates="modules")
