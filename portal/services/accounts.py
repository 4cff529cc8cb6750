"""Login accounts: creation, passwords, authentication."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import func, select

from models import Account, Role, Unit, db
from models.types import utcnow
from portal.services import audit

MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def generate_password() -> str:
    # 16 url-safe characters ≈ 96 bits: strong, and short enough to type from a terminal.
    return secrets.token_urlsafe(12)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def find_account(email: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.email == normalise_email(email)))


def units_by_keys(keys: Iterable[str]) -> list[Unit]:
    wanted = {key.strip() for key in keys if key.strip()}
    if not wanted:
        return []
    found = list(db.session.scalars(select(Unit).where(Unit.key.in_(wanted))))
    missing = wanted - {unit.key for unit in found}
    if missing:
        raise AccountError(f"Unknown unit key(s): {', '.join(sorted(missing))}.")
    return found


def validate_role_units(role: str, units: list[Unit]) -> None:
    if role == Role.DEPT_HEAD and not units:
        raise AccountError("A department head needs at least one unit.")
    if role != Role.DEPT_HEAD and units:
        raise AccountError("Only department heads are attached to units.")


def create_account(
    email: str,
    name: str,
    role: str,
    units: list[Unit] | None = None,
    password: str | None = None,
    actor: Account | None = None,
) -> Account:
    """Create an account; without a password it cannot sign in until one is set."""
    email = normalise_email(email)
    if role not in set(Role):
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(Role)}.")
    if find_account(email) is not None:
        raise AccountError(f"An account with the email {email} already exists.")
    units = units or []
    validate_role_units(role, units)
    account = Account(email=email, name=name.strip() or email, role=role, units=units)
    if password is not None:
        check_password_strength(password)
        account.set_password(password)
    db.session.add(account)
    db.session.flush()
    audit.record(actor, "create", "account", email, {"role": role, "units": [unit.key for unit in units]})
    return account


def set_password(account: Account, password: str, actor: Account | None = None) -> None:
    check_password_strength(password)
    account.set_password(password)
    audit.record(actor, "set_password", "account", account.email)


def authenticate(email: str, password: str) -> Account | None:
    """The active account with that email and password; None for any kind of failure."""
    account = find_account(email)
    if account is None:
        Account.check_no_account(password)
        return None
    if not account.check_password(password) or not account.active:
        return None
    account.last_login_at = utcnow()
    return account


def count_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Account).where(Account.role == Role.ADMIN, Account.active)
    )
