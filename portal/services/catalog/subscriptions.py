"""Subscriptions (a unit's use of a system): create, change, end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import Account, Subscription, System, Unit, db
from portal.services.catalog.systems import SLUG_RULE, cents, is_slug
from portal.services.errors import RuleViolation
from portal.services.platform import audit

MAX_CADENCE_DAYS = 366


class SubscriptionError(RuleViolation):
    """A subscription change that breaks a rule; the message is for the user, `field` says where it belongs."""


@dataclass(frozen=True)
class SubscriptionTerms:
    """What an admin may change on a subscription (the unit and system are fixed at creation)."""

    seats: int = 0
    annual_cost: Decimal | None = None  # None: seats × the system's seat cost
    go_live: date | None = None
    renewal_date: date | None = None
    key_action: str | None = None
    key_action_every_days: int | None = None


def label(subscription: Subscription) -> str:
    return f"{subscription.unit.key}/{subscription.system.key}"


def snapshot(subscription: Subscription) -> dict[str, object]:
    return {
        "unit": subscription.unit.key,
        "system": subscription.system.key,
        "seats": subscription.seats,
        "annual_cost": subscription.annual_cost,
        "go_live": subscription.go_live,
        "renewal_date": subscription.renewal_date,
        "key_action": subscription.key_action,
        "key_action_every_days": subscription.key_action_every_days,
    }


def _check(terms: SubscriptionTerms) -> None:
    if terms.seats < 0:
        raise SubscriptionError("Seats cannot be negative.", "seats")
    if terms.annual_cost is not None and terms.annual_cost < 0:
        raise SubscriptionError("The annual cost cannot be negative.", "annual_cost")
    if terms.go_live and terms.renewal_date and terms.renewal_date < terms.go_live:
        raise SubscriptionError("The renewal cannot come before the go-live date.", "renewal_date")
    if terms.key_action is not None and not is_slug(terms.key_action):
        raise SubscriptionError(SLUG_RULE, "key_action")
    if terms.key_action is None and terms.key_action_every_days is not None:
        raise SubscriptionError("Name the key action this cadence is for, or clear the cadence.", "key_action")
    if terms.key_action is not None and terms.key_action_every_days is None:
        raise SubscriptionError(
            "How often should the unit do the key action? Give a number of days.", "key_action_every_days"
        )
    if terms.key_action_every_days is not None and not 1 <= terms.key_action_every_days <= MAX_CADENCE_DAYS:
        raise SubscriptionError(f"The cadence is between 1 and {MAX_CADENCE_DAYS} days.", "key_action_every_days")


def _apply(subscription: Subscription, terms: SubscriptionTerms) -> None:
    subscription.seats = terms.seats
    subscription.annual_cost = cents(terms.annual_cost)
    subscription.go_live = terms.go_live
    subscription.renewal_date = terms.renewal_date
    subscription.key_action = terms.key_action
    subscription.key_action_every_days = terms.key_action_every_days


def create_subscription(unit_id: int, system_id: int, terms: SubscriptionTerms, actor: Account | None) -> Subscription:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise SubscriptionError("The chosen unit no longer exists; reload the page.", "unit_id")
    system = db.session.get(System, system_id)
    if system is None:
        raise SubscriptionError("The chosen system no longer exists; reload the page.", "system_id")
    duplicate = select(Subscription.id).where(Subscription.unit_id == unit.id, Subscription.system_id == system.id)
    if db.session.scalar(duplicate) is not None:
        raise SubscriptionError(f"{unit.name} already subscribes to {system.name}; edit that one instead.", "system_id")
    _check(terms)
    subscription = Subscription(unit=unit, system=system)
    _apply(subscription, terms)
    db.session.add(subscription)
    db.session.flush()
    audit.record(
        actor, "create", "subscription", label(subscription), audit.changes_between({}, snapshot(subscription))
    )
    return subscription


def update_subscription(subscription: Subscription, terms: SubscriptionTerms, actor: Account | None) -> None:
    _check(terms)
    before = snapshot(subscription)
    _apply(subscription, terms)
    db.session.flush()
    audit.record_changes(actor, "subscription", label(subscription), before, snapshot(subscription))


def delete_subscription(subscription: Subscription, actor: Account | None) -> None:
    before = snapshot(subscription)
    db.session.delete(subscription)
    db.session.flush()
    audit.record(
        actor, "delete", "subscription", f"{before['unit']}/{before['system']}", audit.changes_between(before, {})
    )
