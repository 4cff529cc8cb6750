"""The organisation: units in a hierarchy and the pseudonymous people whose activity is measured."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models import db
from models.types import one_of

if TYPE_CHECKING:
    from models.accounts import Account
    from models.subscriptions import Subscription

LEVEL_NAMES = ("division", "department", "team")


class Unit(db.Model):
    """A customer of IT: a division, department or team."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"), index=True)
    headcount: Mapped[int | None]
    country: Mapped[str | None] = mapped_column(String(2))
    # Recurring `MM-DD..MM-DD` ranges separated by `;` (see portal.services.health.quiet_periods).
    quiet_periods: Mapped[str] = mapped_column(String(500), default="")

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")
    head: Mapped[Account | None] = relationship(foreign_keys=[head_id])
    account_manager: Mapped[Account | None] = relationship(foreign_keys=[account_manager_id])
    subscriptions: Mapped[list[Subscription]] = relationship(back_populates="unit")
    people: Mapped[list[Person]] = relationship(back_populates="unit")

    def __repr__(self) -> str:
        return f"<Unit {self.key}>"

    @property
    def ancestors(self) -> list[Unit]:
        """From the top of the hierarchy down to this unit's parent."""
        chain: list[Unit] = []
        node = self.parent
        while node is not None:
            chain.insert(0, node)
            node = node.parent
        return chain

    @property
    def depth(self) -> int:
        return len(self.ancestors)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[min(self.depth, len(LEVEL_NAMES) - 1)]


class PersonRole(StrEnum):
    USER = "user"
    KEY_USER = "key_user"
    ADMIN = "admin"
    HEAD = "head"


class Person(db.Model):
    """Someone whose activity is measured; the key is an email or an opaque id, never a login."""

    __tablename__ = "person"
    __table_args__ = (one_of("role", PersonRole, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(254), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=PersonRole.USER.value)

    unit: Mapped[Unit] = relationship(back_populates="people")
