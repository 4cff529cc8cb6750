"""Subscription use-cases: one per unit × system, coherent dates and key actions, audited."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditLog, Subscription, db
from portal.services.catalog import subscriptions
from portal.services.catalog.subscriptions import SubscriptionError, SubscriptionTerms


def _entries() -> list[AuditLog]:
    statement = select(AuditLog).where(AuditLog.entity_type == "subscription").order_by(AuditLog.id)
    return list(db.session.scalars(statement))


@pytest.fixture
def pair(make_unit, make_system):
    return make_unit(key="field"), make_system(key="planner")


def test_create_and_audit(pair, make_account):
    unit, system = pair
    actor = make_account()
    terms = SubscriptionTerms(
        seats=5, annual_cost=Decimal("99.9"), go_live=date(2025, 1, 1), key_action="routes", key_action_every_days=7
    )
    subscription = subscriptions.create_subscription(unit.id, system.id, terms, actor)
    assert subscription.annual_cost == Decimal("99.90")
    [entry] = _entries()
    assert (entry.action, entry.entity_key, entry.actor) == ("create", "field/planner", actor.name)
    assert entry.changes["go_live"] == [None, "2025-01-01"]


@pytest.mark.parametrize(
    ("terms", "field", "message"),
    [
        (SubscriptionTerms(seats=-1), "seats", "cannot be negative"),
        (SubscriptionTerms(annual_cost=Decimal("-1")), "annual_cost", "cannot be negative"),
        (
            SubscriptionTerms(go_live=date(2025, 2, 1), renewal_date=date(2025, 1, 31)),
            "renewal_date",
            "before the go-live",
        ),
        (SubscriptionTerms(key_action="Monthly Planning", key_action_every_days=30), "key_action", "lowercase"),
        (SubscriptionTerms(key_action="planning"), "key_action_every_days", "Give a number of days"),
        (
            SubscriptionTerms(key_action="planning", key_action_every_days=0),
            "key_action_every_days",
            "between 1 and 366",
        ),
        (
            SubscriptionTerms(key_action="planning", key_action_every_days=367),
            "key_action_every_days",
            "between 1 and 366",
        ),
        (SubscriptionTerms(key_action_every_days=30), "key_action", "Name the key action"),
    ],
)
def test_rules(pair, terms, field, message):
    unit, system = pair
    with pytest.raises(SubscriptionError, match=message) as raised:
        subscriptions.create_subscription(unit.id, system.id, terms, None)
    assert raised.value.field == field
    assert db.session.scalar(select(Subscription)) is None


def test_renewal_on_the_go_live_day_and_bounds_are_fine(pair):
    unit, system = pair
    terms = SubscriptionTerms(
        go_live=date(2025, 1, 1), renewal_date=date(2025, 1, 1), key_action="x", key_action_every_days=366
    )
    assert subscriptions.create_subscription(unit.id, system.id, terms, None).key_action_every_days == 366


def test_one_subscription_per_unit_and_system(pair, make_subscription):
    unit, system = pair
    make_subscription(unit=unit, system=system)
    with pytest.raises(SubscriptionError, match="already subscribes") as raised:
        subscriptions.create_subscription(unit.id, system.id, SubscriptionTerms(), None)
    assert raised.value.field == "system_id"


@pytest.mark.parametrize("missing", ["unit_id", "system_id"])
def test_unknown_unit_or_system(pair, missing):
    unit, system = pair
    ids = {"unit_id": unit.id, "system_id": system.id, missing: 999999}
    with pytest.raises(SubscriptionError, match="no longer exists") as raised:
        subscriptions.create_subscription(ids["unit_id"], ids["system_id"], SubscriptionTerms(), None)
    assert raised.value.field == missing


def test_update_and_delete_are_audited(make_subscription):
    subscription = make_subscription(seats=10)
    subscriptions.update_subscription(subscription, SubscriptionTerms(seats=12), None)
    subscriptions.update_subscription(subscription, SubscriptionTerms(seats=12), None)  # no change, no entry
    subscriptions.delete_subscription(subscription, None)
    db.session.commit()
    assert db.session.scalar(select(Subscription)) is None
    update, delete = _entries()
    assert (update.action, update.changes) == ("update", {"seats": [10, 12]})
    assert (delete.action, delete.changes["seats"], delete.actor) == ("delete", [12, None], "system")
