"""The one reader of the latest stored score: subscriptions or units, on or before a date, within a window."""

from __future__ import annotations

from datetime import date, timedelta

from models import HealthScore, db
from portal.services.health.latest import FRESH_DAYS, latest_by_subscription, latest_scores
from tests.scores import add_score

AS_OF = date(2026, 11, 23)


def score(unit, day, colour, subscription=None):
    add_score(unit, day, colour, subscription=subscription)


def latest(**window) -> dict[int, tuple[date, str]]:
    subscriptions = window.pop("subscriptions")
    rows = db.session.scalars(latest_scores(AS_OF, subscriptions=subscriptions, **window))
    return {(row.subscription_id if subscriptions else row.unit_id): (row.as_of, row.colour) for row in rows}


def test_the_latest_row_of_each_subject_on_or_before_the_day_within_the_window(make_unit, make_subscription):
    unit, other = make_unit(key="u1"), make_unit(key="u2")
    recent, old = make_subscription(unit=unit), make_subscription(unit=other)
    score(unit, AS_OF - timedelta(days=8), "red", recent)
    score(unit, AS_OF - timedelta(days=1), "green", recent)
    score(unit, AS_OF + timedelta(days=1), "yellow", recent)  # after the day: not seen
    score(other, AS_OF - timedelta(days=FRESH_DAYS), "red", old)  # just outside a fortnight
    score(unit, AS_OF - timedelta(days=3), "yellow")  # the unit's own row
    score(other, AS_OF - timedelta(days=40), "green")
    db.session.flush()

    assert latest(subscriptions=True) == {
        recent.id: (AS_OF - timedelta(days=1), "green"),
        old.id: (AS_OF - timedelta(days=FRESH_DAYS), "red"),
    }
    assert latest(subscriptions=True, within_days=FRESH_DAYS) == {recent.id: (AS_OF - timedelta(days=1), "green")}
    assert set(latest(subscriptions=True, within_days=FRESH_DAYS + 1)) == {recent.id, old.id}
    assert latest(subscriptions=False) == {
        unit.id: (AS_OF - timedelta(days=3), "yellow"),
        other.id: (AS_OF - timedelta(days=40), "green"),
    }
    assert latest(subscriptions=False, within_days=28) == {unit.id: (AS_OF - timedelta(days=3), "yellow")}
    assert set(latest(subscriptions=True, where=[HealthScore.unit_id == other.id])) == {old.id}

    brief = latest_by_subscription([recent.id, old.id], AS_OF)
    assert set(brief) == {recent.id} and brief[recent.id].colour == "green"
