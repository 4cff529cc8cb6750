"""A department head reaches no other unit's data: not by a page, a fragment, an export or a form.

The test walks `app.url_map`, so a route added later is covered without being listed here.
"""

from datetime import date

import pytest

from models import (
    ApiToken,
    Goal,
    ImportRefusal,
    ImportRun,
    MitigationRoute,
    MitigationStep,
    PlanStep,
    Risk,
    RiskReason,
    RiskSuggestion,
    Role,
    db,
)
from portal.access.matrix import ROLE_MATRIX, TOKEN

HOSTILE_NAME = "Zeta Secret Unit"


@pytest.fixture
def two_units(make_unit, make_system, make_subscription, make_account, make_person):
    mine = make_unit(key="mine", name="My Own Unit")
    team = make_unit(key="my-team", name="My Team", parent=mine)
    other = make_unit(key="other", name=HOSTILE_NAME)
    other_child = make_unit(key="other-child", name=f"{HOSTILE_NAME} Child", parent=other)
    system = make_system(key="only-other", name="Other Only System")
    subscription = make_subscription(unit=other, system=system, seats=42)
    make_subscription(unit=team)
    make_person(unit=other, key="other.person@example.test")
    other_head = make_account(role=Role.DEPT_HEAD.value, name=f"{HOSTILE_NAME} Head", units=[other])
    token, _secret = ApiToken.issue("other token", ["read"], other_head)
    db.session.add(token)
    run = ImportRun(kind="units", source="web", status="failed", file_name=f"{HOSTILE_NAME}.csv", actor=other_head)
    db.session.add(run)
    db.session.flush()
    db.session.add(ImportRefusal(run_id=run.id, line=2, raw=f'["other", "{HOSTILE_NAME}"]', reason="refused"))
    reason = RiskReason(bucket="commercial", name=f"{HOSTILE_NAME} budget")
    risk = Risk(
        unit=other,
        system=system,
        reason=reason,
        source="unit",
        probability="likely",
        description=f"{HOSTILE_NAME} may leave",
    )
    route = MitigationRoute(risk=risk, title="Meet the head")
    route.steps.append(MitigationStep(action="Call", due_on=date(2026, 1, 1)))
    suggestion = RiskSuggestion(
        unit=other,
        system=system,
        signal="red_weeks",
        evidence=f"{HOSTILE_NAME} is red",
        first_seen_on=date(2026, 1, 1),
        last_seen_on=date(2026, 1, 1),
    )
    goal = Goal(unit=other, name=f"{HOSTILE_NAME} goal", metric="jobs", baseline=1, target=2, due_on=date(2027, 1, 1))
    plan_step = PlanStep(
        unit=other, action=f"{HOSTILE_NAME} step", side="unit", owner_name="Zed", due_on=date(2027, 1, 1)
    )
    db.session.add_all([risk, route, suggestion, goal, plan_step])
    db.session.commit()
    return {
        "mine": mine,
        "team": team,
        "other": other,
        "other_child": other_child,
        "system": system,
        "subscription": subscription,
        "account": other_head,
        "token": token,
        "run": run,
        "risk": risk,
        "suggestion": suggestion,
        "goal": goal,
        "plan_step": plan_step,
    }


def _url_values(rule, data) -> dict | None:
    values = {}
    for argument in rule.arguments:
        if argument == "unit_key":
            values[argument] = data["other"].key
        elif argument == "system_key":
            values[argument] = data["system"].key
        elif argument == "subscription_id":
            values[argument] = data["subscription"].id
        elif argument == "account_id":
            values[argument] = data["account"].id
        elif argument == "module_id":
            values[argument] = data["system"].modules[0].id
        elif argument == "token_id":
            values[argument] = data["token"].id
        elif argument == "run_id":
            values[argument] = data["run"].id
        elif argument == "risk_id":
            values[argument] = data["risk"].id
        elif argument in ("year", "month"):  # a monthly report: organisation-wide, never a department head's
            values[argument] = 2026 if argument == "year" else 10
        elif argument == "name":  # a scheduled job: no unit data
            values[argument] = "recompute"
        elif argument == "goal_id":
            values[argument] = data["goal"].id
        elif argument == "suggestion_id":
            values[argument] = data["suggestion"].id
        elif argument == "reason_id":
            values[argument] = data["risk"].reason_id
        elif argument == "route_id":
            values[argument] = data["risk"].routes[0].id
        elif argument == "step_id":
            values[argument] = data["risk"].routes[0].steps[0].id
        elif argument == "kind":
            values[argument] = "units"
        elif argument == "stage":
            values[argument] = "adoption"
        elif argument == "filename":
            return None  # static files carry no unit data
        else:
            raise AssertionError(f"teach this test how to fill <{argument}> in {rule.rule}")
    return values


def _requests(app, data):
    for rule in app.url_map.iter_rules():
        values = _url_values(rule, data)
        if values is None:
            continue
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, path


def test_department_head_reaches_no_other_unit(app, client, login_as, two_units):
    login_as(Role.DEPT_HEAD, units=[two_units["mine"]])
    checked = 0
    for rule, method, path in _requests(app, two_units):
        if rule.endpoint in {"auth.logout", "auth.login"}:
            continue
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(path, method=method, headers=headers, data={})
            body = response.get_data(as_text=True)
            assert HOSTILE_NAME not in body, f"{method} {path} leaks another unit"
            assert "Other Only System" not in body, f"{method} {path} leaks another unit's system"
            if ROLE_MATRIX[rule.endpoint] is TOKEN:  # the API takes a bearer token only, never the session
                assert response.status_code == 401, f"{method} {path} answered {response.status_code}"
                assert "Set-Cookie" not in response.headers, f"{method} {path} touched the session"
            elif rule.arguments:
                assert response.status_code == 404, f"{method} {path} answered {response.status_code}"
            else:
                assert response.status_code in {200, 302, 404, 405}, f"{method} {path}"
            checked += 1
    assert checked > 20
    # Nothing was changed by any of those requests.
    db.session.expire_all()
    assert two_units["subscription"].seats == 42
    assert two_units["token"].revoked_at is None
    assert two_units["risk"].status == "open" and len(two_units["risk"].events) == 0
    assert two_units["suggestion"].status == "pending"
    assert two_units["plan_step"].status == "planned" and two_units["goal"].progress == []


def test_department_head_sees_their_own_unit_and_the_units_below(client, login_as, two_units):
    login_as(Role.DEPT_HEAD, units=[two_units["mine"]])
    assert client.get("/units/mine").status_code == 200
    assert client.get("/units/my-team").status_code == 200
    listing = client.get("/units/").get_data(as_text=True)
    assert "My Own Unit" in listing
    assert "My Team" in listing
    assert HOSTILE_NAME not in listing


def test_department_head_with_one_unit_lands_on_it(client, login_as, two_units):
    login_as(Role.DEPT_HEAD, units=[two_units["mine"]])
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/units/mine"
