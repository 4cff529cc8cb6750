"""Login accounts, their roles and the API tokens issued to machines."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Column, DateTime, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from models import db
from models.types import one_of, utcnow

if TYPE_CHECKING:
    from models.org import Unit


class Role(StrEnum):
    ADMIN = "admin"
    CIO = "cio"
    ACCOUNT_MANAGER = "account_manager"
    DEPT_HEAD = "dept_head"

    @property
    def label(self) -> str:
        return {
            "admin": "Admin",
            "cio": "CIO",
            "account_manager": "Account manager",
            "dept_head": "Department head",
        }[self.value]


# The units a department head may see (their own; the units below follow from the hierarchy).
account_unit = Table(
    "account_unit",
    db.metadata,
    Column("account_id", ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True),
)

# A real hash of a random password: checking against it costs the same as a real check,
# so an unknown email cannot be told from a wrong password by timing.
_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


class Account(UserMixin, db.Model):
    __tablename__ = "account"
    __table_args__ = (one_of("role", Role, "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    units: Mapped[list[Unit]] = relationship(secondary=account_unit, order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Account {self.email} {self.role}>"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            check_password_hash(_DUMMY_HASH, password)
            return False
        return check_password_hash(self.password_hash, password)

    @staticmethod
    def check_no_account(password: str) -> bool:
        """Spend the time of a password check when there is no account, then fail."""
        check_password_hash(_DUMMY_HASH, password)
        return False


class ApiToken(db.Model):
    """A named, scoped bearer token; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_token"

    PREFIX = "rap_"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    scopes: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[Account | None] = relationship()

    @staticmethod
    def hash_secret(secret: str) -> str:
        # Tokens carry 256 bits of randomness, so a fast hash is enough (no dictionary to guard).
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, name: str, scopes: list[str], created_by: Account | None) -> tuple[ApiToken, str]:
        secret = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls(
            name=name,
            token_hash=cls.hash_secret(secret),
            hint=secret[: len(cls.PREFIX) + 4],
            scopes=" ".join(sorted(set(scopes))),
            created_by=created_by,
        )
        return token, secret

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()
