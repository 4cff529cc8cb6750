"""Login accounts: creation, passwords, authentication."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import func, select

from models import Account, Role, Unit, db
from portal import clock
from portal.services.errors import RuleViolation
from portal.services.platform import audit

MIN_PASSWORD_LENGTH = 12


class AccountError(RuleViolation):
    """A request about accounts that breaks a rule."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def generate_password() -> str:
    # 16 url-safe characters ≈ 96 bits: strong, and short enough to type from a terminal.
    return secrets.token_urlsafe(12)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "password")


def find_account(email: str) -> Account | None:
    return db.session.scalar(select(Account).where(Account.email == normalise_email(email)))


def units_by_keys(keys: Iterable[str]) -> list[Unit]:
    wanted = {key.strip() for key in keys if key.strip()}
    if not wanted:
        return []
    found = list(db.session.scalars(select(Unit).where(Unit.key.in_(wanted))))
    missing = wanted - {unit.key for unit in found}
    if missing:
        raise AccountError(f"Unknown unit key(s): {', '.join(sorted(missing))}.", "units")
    return found


def validate_role_units(role: str, units: list[Unit]) -> None:
    if role == Role.DEPT_HEAD and not units:
        raise AccountError("A department head needs at least one unit.", "units")
    if role != Role.DEPT_HEAD and units:
        raise AccountError("Only department heads are attached to units.", "units")


def units_by_ids(ids: Iterable[int]) -> list[Unit]:
    wanted = set(ids)
    if not wanted:
        return []
    found = list(db.session.scalars(select(Unit).where(Unit.id.in_(wanted))))
    if len(found) != len(wanted):
        raise AccountError("One of the chosen units no longer exists; reload the page.", "units")
    return found


def snapshot(account: Account) -> dict[str, object]:
    """The audited view of an account (never its password hash)."""
    return {
        "email": account.email,
        "name": account.name,
        "role": account.role,
        "units": sorted(unit.key for unit in account.units),
        "active": account.active,
    }


def _check_role(role: str) -> None:
    if role not in set(Role):
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(Role)}.", "role")


def _check_email_free(email: str, account: Account | None = None) -> None:
    holder = find_account(email)
    if holder is not None and holder is not account:
        raise AccountError(f"An account with the email {email} already exists.", "email")


def create_account(
    email: str,
    name: str,
    role: str,
    units: list[Unit] | None = None,
    password: str | None = None,
    actor: Account | None = None,
    active: bool = True,
) -> Account:
    """Create an account; without a password it cannot sign in until one is set."""
    email = normalise_email(email)
    _check_role(role)
    _check_email_free(email)
    units = units or []
    validate_role_units(role, units)
    account = Account(email=email, name=name.strip() or email, role=role, units=units, active=active)
    if password is not None:
        check_password_strength(password)
        account.set_password(password)
    db.session.add(account)
    db.session.flush()
    changes = audit.changes_between({}, snapshot(account))
    if password is not None:
        changes["password"] = [None, "set"]
    audit.record(actor, "create", "account", email, changes)
    return account


def _protect_last_admin(account: Account, role: str, active: bool) -> None:
    """Refuse the change that would leave nobody able to run the admin pages."""
    if account.role != Role.ADMIN or not account.active or (role == Role.ADMIN and active):
        return
    if count_admins() <= 1:
        field = "active" if role == Role.ADMIN else "role"
        raise AccountError("This is the last active admin: make another account an admin first.", field)


def update_account(
    account: Account,
    *,
    email: str,
    name: str,
    role: str,
    units: list[Unit],
    active: bool,
    password: str | None = None,
    actor: Account | None = None,
) -> None:
    """Change an account's details (and its password when one is given); logs what changed."""
    email = normalise_email(email)
    _check_role(role)
    _check_email_free(email, account)
    validate_role_units(role, units)
    _protect_last_admin(account, role, active)
    if password is not None:
        check_password_strength(password)
    before = snapshot(account)
    account.email, account.name, account.role = email, name.strip() or email, role
    account.units, account.active = units, active
    if password is not None:
        account.set_password(password)
    db.session.flush()
    changes = audit.changes_between(before, snapshot(account))
    if password is not None:
        changes["password"] = [None, "changed"]
    if changes:  # saving an untouched form is not an event worth logging
        audit.record(actor, "update", "account", account.email, changes)


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
    account.last_login_at = clock.now()
    return account


def active_with_role(role: Role) -> list[Account]:
    """The active accounts of a role, by email: who a job's message goes to."""
    return list(
        db.session.scalars(
            select(Account).where(Account.role == role.value, Account.active.is_(True)).order_by(Account.email)
        )
    )


def count_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Account).where(Account.role == Role.ADMIN, Account.active)
    )


# IT staff: the people who own risks, steps and touchpoints (a department head is the unit's side).
STAFF_ROLES = frozenset({Role.ADMIN.value, Role.ACCOUNT_MANAGER.value, Role.CIO.value})


def is_staff(account: Account) -> bool:
    return account.role in STAFF_ROLES


def staff_choices() -> list[tuple[int, str]]:
    """The active IT staff, by name, with their role: for "owner" and "who from IT" lists."""
    accounts = db.session.scalars(
        select(Account).where(Account.role.in_(STAFF_ROLES), Account.active.is_(True)).order_by(Account.name)
    )
    return [(account.id, f"{account.name} ({Role(account.role).label})") for account in accounts]
