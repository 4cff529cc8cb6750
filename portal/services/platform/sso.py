"""Single sign-on: from the verified claims of an OpenID Connect ID token to the Rapport account they sign in.

The protocol (discovery, the authorisation code flow with PKCE, state, nonce, the token's signature, issuer,
audience and expiry) is Authlib's work in portal/auth/sso.py; this module only decides, from claims that are
already verified, who the person is in Rapport and what they may do. The provider is the source of truth for
roles: the groups in its token are mapped to a role (and, for a department head, to units) in configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from models import Account, Role, Unit, db
from portal import clock
from portal.services.errors import RuleViolation
from portal.services.platform import accounts, audit

# When the groups of one person map to several roles, the one that sees most wins: the mapping grants access,
# and a person in both the admins' and the account managers' groups is an admin.
ROLE_PRECEDENCE = (Role.ADMIN, Role.CIO, Role.ACCOUNT_MANAGER, Role.DEPT_HEAD)


class SignInRefused(RuleViolation):
    """The provider vouched for the person, but Rapport does not let them in (the message says why)."""


class SsoConfigError(ValueError):
    """The single sign-on settings cannot be read."""


@dataclass(frozen=True, slots=True)
class GroupMapping:
    """Which role each of the provider's groups gives, and which units a department heads' group covers."""

    roles: Mapping[str, Role] = field(default_factory=dict)
    units: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # group → unit keys
    claim: str = "groups"


def _pairs(text: str, setting: str) -> list[tuple[str, str]]:
    """`a=b; c=d` → [(a, b), (c, d)]; groups may hold spaces and commas, so `;` separates the pairs."""
    pairs = []
    for entry in text.split(";"):
        if not entry.strip():
            continue
        group, sep, value = entry.rpartition("=")
        if not sep or not group.strip() or not value.strip():
            raise SsoConfigError(f"{setting}: {entry.strip()!r} is not GROUP=VALUE.")
        pairs.append((group.strip(), value.strip()))
    return pairs


def read_mapping(roles: str, units: str, claim: str = "groups") -> GroupMapping:
    """The mapping from its two settings (RAPPORT_OIDC_GROUP_ROLES, RAPPORT_OIDC_GROUP_UNITS)."""
    role_of: dict[str, Role] = {}
    for group, value in _pairs(roles, "RAPPORT_OIDC_GROUP_ROLES"):
        try:
            role_of[group] = Role(value)
        except ValueError:
            names = ", ".join(role.value for role in Role)
            raise SsoConfigError(f"RAPPORT_OIDC_GROUP_ROLES: {value!r} is not a role ({names}).") from None
    units_of = {
        group: tuple(key.strip() for key in value.split(",") if key.strip())
        for group, value in _pairs(units, "RAPPORT_OIDC_GROUP_UNITS")
    }
    return GroupMapping(role_of, units_of, claim.strip() or "groups")


def _groups(claims: Mapping[str, Any], claim: str) -> list[str] | None:
    """The groups the token carries; None when it carries no groups claim at all (Google, for one)."""
    value = claims.get(claim)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [str(item) for item in value]
    return []


def email_of(claims: Mapping[str, Any]) -> str:
    """The person's address: `email`, or the sign-in name where a provider sends no email (Entra's UPN)."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return accounts.normalise_email(value)
    raise SignInRefused("Your provider did not tell Rapport your email address, so no account can be matched.")


def _role_and_units(groups: Sequence[str], mapping: GroupMapping) -> tuple[Role | None, list[str]]:
    roles = {mapping.roles[group] for group in groups if group in mapping.roles}
    role = next((candidate for candidate in ROLE_PRECEDENCE if candidate in roles), None)
    unit_keys = sorted({key for group in groups for key in mapping.units.get(group, ())})
    return role, unit_keys


def _display_name(claims: Mapping[str, Any], email: str) -> str:
    name = claims.get("name")
    if isinstance(name, str) and name.strip():
        return name.strip()[:120]
    given, family = claims.get("given_name"), claims.get("family_name")
    joined = " ".join(part for part in (given, family) if isinstance(part, str) and part.strip())
    return joined[:120] or email


def sign_in(claims: Mapping[str, Any], mapping: GroupMapping) -> Account:
    """The account for a verified ID token's claims: found by email, or made on the first sign-in.

    The role follows the groups whenever the token carries a mapped one. A token with no groups claim at all
    signs in an account an admin already made (its role is then the admin's choice); any other case without a
    mapped group is refused, as is a turned-off account and a department head with no unit.
    """
    email = email_of(claims)
    account = accounts.find_account(email)
    groups = _groups(claims, mapping.claim)
    role, unit_keys = _role_and_units(groups or [], mapping)
    if account is not None and not account.active:
        raise SignInRefused("Your Rapport account is turned off. An admin can turn it on again.")
    if role is None:
        if account is not None and groups is None:
            return _signed_in(account)
        raise SignInRefused("None of your groups gives access to Rapport. Ask an admin to map one of them to a role.")
    try:
        units = accounts.units_by_keys(unit_keys) if role == Role.DEPT_HEAD else []
    except accounts.AccountError as error:
        raise SignInRefused(f"Your groups name units Rapport does not know: {error}") from None
    if role == Role.DEPT_HEAD and account is not None:
        # The units Rapport's own records name them head of count as theirs too (Admin › Units › Head).
        units = sorted({*units, *_headed_by(account)}, key=lambda unit: unit.key)
    if role == Role.DEPT_HEAD and not units:
        raise SignInRefused(
            "You are a department head, but no unit is yours: neither your groups nor Rapport's units name you."
        )
    if account is None:
        account = accounts.create_account(email, _display_name(claims, email), role.value, units)
        audit.record(account, "create_by_sign_in", "account", email, {"groups": sorted(groups or [])})
    elif account.role != role.value or (role == Role.DEPT_HEAD and set(account.units) != set(units)):
        try:
            accounts.update_account(
                account, email=account.email, name=account.name, role=role.value, units=units, active=True
            )
        except accounts.AccountError as error:  # the last admin, whose groups no longer say admin
            raise SignInRefused(f"Your groups changed your role, but {error}") from None
    return _signed_in(account)


def _headed_by(account: Account) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.head_id == account.id)))


def _signed_in(account: Account) -> Account:
    account.last_login_at = clock.now()
    audit.record(account, "login", "account", account.email, {"via": "single sign-on"})
    return account
