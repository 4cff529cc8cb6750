"""A unit's goals and plan page: IT staff set goals and steps; the unit's head reads, comments, and marks the
unit's own steps done."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from models import Goal, PlanComment, PlanStep, Role, db


@pytest.fixture
def unit(make_unit, make_system, make_subscription):
    unit = make_unit(key="planning", name="Planning")
    make_subscription(unit=unit, system=make_system(key="fsm", name="Field Service"), seats=40)
    return unit


def test_it_sets_a_goal_and_plans_steps_on_both_sides(client, login_as, unit):
    login_as(Role.ACCOUNT_MANAGER)
    assert "What IT and the unit agreed to do next" in client.get("/units/planning").get_data(as_text=True)
    response = client.post(
        "/units/planning/goals/new",
        data={
            "name": "Plan every job in the tool",
            "measure": "manual",
            "system_id": "",
            "metric": "jobs planned a day",
            "baseline": "300",
            "target": "5000",
            "due_on": "2027-06-30",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/units/planning/plan"
    goal = db.session.scalar(select(Goal))
    prefix = f"goal{goal.id}"
    entry = {f"{prefix}-value": "1200", f"{prefix}-recorded_on": "2026-11-01", f"{prefix}-note": "October"}
    client.post(f"/units/planning/goals/{goal.id}/progress", data=entry)
    for action, side in (("Book the planners' training", "it"), ("Name two super-users", "unit")):
        added = client.post(
            "/units/planning/plan/steps",
            data={"action": action, "side": side, "owner_name": "Kim", "due_on": "2026-01-15"},
        )
        assert added.status_code == 303
    missing = client.post("/units/planning/plan/steps", data={"action": "No date", "side": "it", "owner_name": "Kim"})
    assert missing.status_code == 400 and "Give it a due date." in missing.get_data(as_text=True)
    page = client.get("/units/planning/plan").get_data(as_text=True)
    assert "1\u202f200" in page and "2 steps late" in page and "Name two super-users" in page
    unit_page = client.get("/units/planning").get_data(as_text=True)
    assert "Plan every job in the tool" in unit_page and "2 late" in unit_page


def test_the_head_comments_and_marks_only_the_units_steps_done(client, login_as, unit):
    theirs = PlanStep(unit=unit, action="Name two super-users", side="unit", owner_name="Kim", due_on=date(2027, 1, 1))
    ours = PlanStep(unit=unit, action="Book the training", side="it", owner_name="Anna", due_on=date(2027, 1, 1))
    db.session.add_all([theirs, ours])
    db.session.commit()
    login_as(Role.DEPT_HEAD, units=[unit])
    page = client.get("/units/planning/plan").get_data(as_text=True)
    assert "Mark done: Name two super-users" in page and "Mark done: Book the training" not in page
    assert "Set a goal" not in page
    assert client.post(f"/units/planning/plan/steps/{theirs.id}/status", data={"status": "done"}).status_code == 303
    refused = client.post(
        f"/units/planning/plan/steps/{ours.id}/status", data={"status": "done"}, follow_redirects=True
    )
    assert "You can mark done the steps on your unit&#39;s side" in refused.get_data(as_text=True)
    client.post("/units/planning/plan/comments", data={"text": "Can the training move to March?"})
    db.session.expire_all()
    assert (theirs.status, ours.status) == ("done", "planned")
    assert db.session.scalar(select(PlanComment.text)) == "Can the training move to March?"
    for path in ("/units/planning/goals/new",):
        assert client.get(path).status_code == 404
    assert client.post("/units/planning/plan/steps", data={"action": "x"}).status_code == 404


def test_it_logs_a_touchpoint_and_sees_the_relationship_figure(client, login_as, unit, make_person):
    manager = login_as(Role.ACCOUNT_MANAGER)
    people = [make_person(unit=unit) for _ in range(50)]
    page = client.get("/units/planning").get_data(as_text=True)
    assert "People met per 100 users" in page and "0 of 50" in page
    logged = client.post(
        "/units/planning/touchpoints",
        data={
            "kind": "meeting",
            "happened_on": "2026-11-20",
            "it_account_id": manager.id,
            "person_ids": [people[0].id, people[1].id],
            "notes": "Quarterly check <b>bold</b>",
        },
    )
    assert logged.status_code == 303
    page = client.get("/units/planning/touchpoints").get_data(as_text=True)
    assert "Meeting" in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "2 of 50" in client.get("/units/planning").get_data(as_text=True)
    nobody = client.post(
        "/units/planning/touchpoints",
        data={"kind": "meeting", "happened_on": "2026-11-20", "it_account_id": manager.id},
    )
    assert nobody.status_code == 400 and "at least one of the unit" in nobody.get_data(as_text=True)


def test_a_head_sees_neither_touchpoints_nor_the_relationship_figure(client, login_as, unit):
    login_as(Role.DEPT_HEAD, units=[unit])
    assert "People met per 100 users" not in client.get("/units/planning").get_data(as_text=True)
    assert client.get("/units/planning/touchpoints").status_code == 404


def test_the_timeline_page_filters_and_pages_in_place(client, login_as, unit, monkeypatch):
    from portal.services.units import timeline as unit_timeline

    monkeypatch.setattr(unit_timeline, "PER_PAGE", 2)
    login_as(Role.ACCOUNT_MANAGER)
    for n in range(3):
        db.session.add(
            PlanStep(
                unit=unit,
                action=f"Step {n}",
                side="it",
                owner_name="Kim",
                status="done",
                due_on=date(2026, 10, 1),
                done_at=datetime(2026, 10, 1 + n, tzinfo=UTC),
            )
        )
    db.session.commit()
    page = client.get("/units/planning/timeline").get_data(as_text=True)
    assert "Step 2" in page and "Step 1" in page and "Step 0" not in page and "Show older" in page
    older = client.get("/units/planning/timeline?kind=step&page=2", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "<html" not in older and "Step 0" in older and "Show older" not in older
    none = client.get("/units/planning/timeline?kind=touchpoint", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Nothing yet." in none


def test_a_downloaded_review_goes_on_the_timeline(client, login_as, unit):
    login_as(Role.ACCOUNT_MANAGER)
    assert client.get("/units/planning/review.pdf?from=2026-07-01&to=2026-09-30").status_code == 200
    page = client.get("/units/planning/timeline?kind=review").get_data(as_text=True)
    assert "Success review of 1 Jul 2026 – 30 Sep 2026" in page


def test_goals_download_as_csv_for_the_unit_only(client, login_as, unit, make_unit):
    goal = Goal(
        unit=unit, name="+Plan every job", metric="jobs a day", baseline=300, target=500, due_on=date(2027, 1, 1)
    )
    db.session.add(goal)
    db.session.commit()
    login_as(Role.DEPT_HEAD, units=[unit])
    text = client.get("/units/planning/goals.csv").get_data(as_text=True)
    assert text.splitlines()[1].startswith("'+Plan every job,jobs a day,300.00,500.00,2027-01-01,manual")
    other = make_unit(key="finance")
    assert client.get(f"/units/{other.key}/goals.csv").status_code == 404
