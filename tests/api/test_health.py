"""GET /api/v1/units and /api/v1/units/<key>/health: scope `read`, department scoping, as_of, and a push that
re-scores the subscription it touched at once."""

from __future__ import annotations

from datetime import timedelta

from models import Role, db
from portal import clock
from portal.services.platform import tokens
from tests.api.conftest import bearer


def _usage(people, system_key, days=40):
    today = clock.today()
    return [
        {"person_key": person.key, "system_key": system_key, "occurred_at": (today - timedelta(days=n)).isoformat()}
        for person in people
        for n in range(0, days, 2)
    ]


def test_a_push_rescores_its_subscription_and_the_api_explains_it(client, make_token, org, make_subscription):
    make_subscription(unit=org["unit"], system=org["system"], seats=5)
    db.session.commit()
    _, write = make_token("write:usage")
    pushed = client.post("/api/v1/usage", json=_usage(org["people"], "ifs"), headers=write)
    assert pushed.status_code == 200, pushed.get_json()

    _, read = make_token("read")
    answer = client.get("/api/v1/units/sched/health", headers=read)
    assert answer.status_code == 200
    body = answer.get_json()
    (subscription,) = body["subscriptions"]
    assert subscription["system_key"] == "ifs" and subscription["active_people"] == 2
    assert subscription["reclaimable_seats"] == 3 and subscription["colour"] in {"yellow", "red"}
    measures = {m["key"]: m for m in subscription["measures"]}
    # 2 of 5 paid seats used: under half, a critical signal that names the unused seats' yearly cost
    assert measures["seat_utilisation"]["reason"] == "2 of 5 seats used in the last 30 days: 3 unused, 360 EUR a year"
    assert measures["seat_utilisation"]["critical"]
    assert body["unit"]["unit_key"] == "sched" and body["unit"]["system_key"] == ""

    units = client.get("/api/v1/units", headers=read).get_json()
    assert [u["unit_key"] for u in units] == ["sched"] and units[0]["colour"] == subscription["colour"]

    before = (clock.today() - timedelta(days=200)).isoformat()
    past = client.get(f"/api/v1/units/sched/health?as_of={before}", headers=read).get_json()
    assert past["as_of"] == before and past["subscriptions"][0]["colour"] == "grey"


def test_the_health_api_needs_the_read_scope_a_date_and_respects_department_scoping(
    client, make_token, make_unit, make_account
):
    mine, _ = make_unit(key="mine"), make_unit(key="theirs")
    head = make_account(role=Role.DEPT_HEAD.value, units=[mine])
    db.session.commit()
    _, write_only = make_token("write:usage")
    assert client.get("/api/v1/units", headers=write_only).status_code == 403
    _, secret = tokens.issue_token("head's feed", ["read"], head)
    db.session.commit()
    as_head = bearer(secret)
    assert [u["unit_key"] for u in client.get("/api/v1/units", headers=as_head).get_json()] == ["mine"]
    assert client.get("/api/v1/units/theirs/health", headers=as_head).status_code == 404
    assert client.get("/api/v1/units/mine/health", headers=as_head).status_code == 200
    bad = client.get("/api/v1/units/mine/health?as_of=31/02/2026", headers=as_head)
    assert bad.status_code == 400 and "is not a date" in bad.get_json()["error"]
