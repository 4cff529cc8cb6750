"""Admin pages for subscriptions."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Subscription, db


def _error(page: str, field: str) -> str | None:
    match = re.search(rf'<small class="field-error" id="{field}-error">([^<]*)</small>', page)
    return match.group(1) if match else None


@pytest.fixture
def unit(make_unit):
    return make_unit(key="field-service", name="Field Service")


@pytest.fixture
def system(make_system):
    return make_system(key="planner", name="Planner", modules=(("monthly-planning", True), ("routes", False)))


@pytest.fixture
def form(unit, system):
    def data(**overrides):
        values = {
            "unit_id": str(unit.id),
            "system_id": str(system.id),
            "seats": "40",
            "annual_cost": "",
            "go_live": "2025-03-01",
            "renewal_date": "2026-03-01",
            "key_action": "monthly-planning",
            "key_action_every_days": "31",
        }
        values.update(overrides)
        return values

    return data


def test_create_a_subscription(client, admin, form, unit, system, audit_entries):
    response = client.post("/admin/subscriptions/new", data=form())
    assert response.status_code == 303
    assert response.headers["Location"] == "/units/field-service"
    subscription = db.session.scalar(select(Subscription))
    assert (subscription.unit_id, subscription.system_id, subscription.seats) == (unit.id, system.id, 40)
    assert subscription.annual_cost is None  # the default: seats × seat cost
    assert subscription.effective_annual_cost == Decimal("4800.00")
    assert (subscription.go_live, subscription.renewal_date) == (date(2025, 3, 1), date(2026, 3, 1))
    assert (subscription.key_action, subscription.key_action_every_days) == ("monthly-planning", 31)
    entry = audit_entries("subscription")[-1]
    assert (entry.action, entry.entity_key) == ("create", "field-service/planner")
    assert entry.changes["seats"] == [None, 40]


def test_query_arguments_preselect_unit_and_system(client, admin, unit, system):
    page = client.get("/admin/subscriptions/new?unit=field-service&system=planner").get_data(as_text=True)
    assert f'<option selected value="{unit.id}">Field Service</option>' in page
    assert f'<option selected value="{system.id}">Planner</option>' in page
    assert '<option value="monthly-planning"></option>' in page  # the key action's suggestions
    assert "seats × the system&#39;s seat cost" in page


def test_a_feature_key_outside_the_modules_is_accepted(client, admin, form):
    assert client.post("/admin/subscriptions/new", data=form(key_action="ran-route-optimiser")).status_code == 303
    assert db.session.scalar(select(Subscription.key_action)) == "ran-route-optimiser"


def test_no_key_action_needs_no_cadence(client, admin, form):
    response = client.post("/admin/subscriptions/new", data=form(key_action="", key_action_every_days=""))
    assert response.status_code == 303
    assert db.session.scalar(select(Subscription.key_action)) is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"unit_id": ""}, "unit_id", "Choose a unit."),
        ({"system_id": ""}, "system_id", "Choose a system."),
        ({"system_id": "999999"}, "system_id", "Choose a system from the list."),
        ({"seats": "-1"}, "seats", "At least 0."),
        ({"seats": ""}, "seats", "How many seats?"),
        ({"annual_cost": "-5"}, "annual_cost", "The annual cost cannot be negative."),
        ({"renewal_date": "2025-02-28"}, "renewal_date", "The renewal cannot come before the go-live date."),
        ({"go_live": "01/03/2025"}, "go_live", "Not a valid date value."),
        ({"key_action": "Monthly Planning"}, "key_action", "Use lowercase letters"),
        ({"key_action_every_days": ""}, "key_action_every_days", "Give a number of days."),
        ({"key_action_every_days": "0"}, "key_action_every_days", "Between 1 and 366 days."),
        ({"key_action_every_days": "367"}, "key_action_every_days", "Between 1 and 366 days."),
        ({"key_action": "", "key_action_every_days": "7"}, "key_action", "Name the key action"),
    ],
)
def test_invalid_subscription_is_refused_inline(client, admin, form, overrides, field, message):
    response = client.post("/admin/subscriptions/new", data=form(**overrides))
    assert response.status_code == 200
    assert message in (_error(response.get_data(as_text=True), field) or "")
    assert db.session.scalar(select(Subscription)) is None


def test_one_subscription_per_unit_and_system(client, admin, form, unit, system, make_subscription):
    make_subscription(unit=unit, system=system, seats=5)
    response = client.post("/admin/subscriptions/new", data=form())
    assert _error(response.get_data(as_text=True), "system_id") == (
        "Field Service already subscribes to Planner; edit that one instead."
    )
    assert db.session.scalars(select(Subscription.seats)).all() == [5]


def test_edit_a_subscription(client, admin, unit, system, make_subscription, audit_entries):
    subscription = make_subscription(unit=unit, system=system, seats=10)
    page = client.get(f"/admin/subscriptions/{subscription.id}/edit").get_data(as_text=True)
    assert 'name="seats"' in page
    assert 'name="unit_id"' not in page  # the unit and system are fixed
    data = {"seats": "12", "annual_cost": "999.5", "go_live": "", "renewal_date": "", "key_action": ""}
    response = client.post(f"/admin/subscriptions/{subscription.id}/edit", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/units/field-service"
    saved = db.session.get(Subscription, subscription.id)
    assert (saved.seats, saved.annual_cost) == (12, Decimal("999.50"))
    assert audit_entries("subscription")[-1].changes == {"annual_cost": [None, "999.50"], "seats": [10, 12]}


def test_edit_refuses_a_renewal_before_go_live(client, admin, make_subscription):
    subscription = make_subscription(seats=10, go_live=date(2025, 1, 1))
    data = {"seats": "10", "go_live": "2025-06-01", "renewal_date": "2025-05-01"}
    response = client.post(f"/admin/subscriptions/{subscription.id}/edit", data=data)
    assert "The renewal cannot come before the go-live date." in response.get_data(as_text=True)
    assert db.session.get(Subscription, subscription.id).go_live == date(2025, 1, 1)


def test_delete_a_subscription(client, admin, unit, system, make_subscription, audit_entries):
    subscription = make_subscription(unit=unit, system=system, seats=10)
    page = client.get(f"/admin/subscriptions/{subscription.id}/edit").get_data(as_text=True)
    assert f'action="/admin/subscriptions/{subscription.id}/delete"' in page
    response = client.post(f"/admin/subscriptions/{subscription.id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == "/units/field-service"
    assert db.session.scalar(select(Subscription)) is None
    entry = audit_entries("subscription")[-1]
    assert (entry.action, entry.entity_key, entry.changes["seats"]) == ("delete", "field-service/planner", [10, None])


def test_delete_is_post_only_and_unknown_ids_are_404(client, admin, make_subscription):
    subscription = make_subscription()
    assert client.get(f"/admin/subscriptions/{subscription.id}/delete").status_code == 405
    assert client.post("/admin/subscriptions/999999/delete").status_code == 404
    assert client.get("/admin/subscriptions/999999/edit").status_code == 404
