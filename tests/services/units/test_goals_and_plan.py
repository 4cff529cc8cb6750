"""A unit's goals (by hand or computed from Rapport's measures) and its success plan."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from models import GoalMeasure, PlanSide, Role, StepStatus, db
from portal.services.units import goals
from portal.services.units import plan as success_plan
from tests.scores import add_score

TODAY = date(2026, 11, 23)


@pytest.fixture
def setting(make_account, make_unit, make_system, make_subscription):
    manager = make_account(name="Anna Manager")
    unit = make_unit(key="planning", name="Planning", account_manager=manager)
    head = make_account(role=Role.DEPT_HEAD.value, name="Hedda Head", units=[unit])
    system = make_system(key="fsm", name="Field Service")
    subscription = make_subscription(unit=unit, system=system, seats=40)
    return {"manager": manager, "head": head, "unit": unit, "system": system, "subscription": subscription}


def goal_details(**changes) -> goals.GoalDetails:
    values = {
        "name": "Plan every job in the tool",
        "metric": "jobs planned a day",
        "baseline": Decimal("300"),
        "target": Decimal("5000"),
        "due_on": date(2027, 6, 30),
    }
    values.update(changes)
    return goals.GoalDetails(**values)


def test_a_goal_in_the_units_own_numbers_is_reached_on_its_first_entry_at_the_target(setting):
    goal = goals.create(setting["unit"], goal_details(), setting["manager"])
    manager = setting["manager"]
    goals.record_progress(goal, Decimal("1200"), TODAY - timedelta(days=30), "first month", TODAY, manager)
    assert (goal.reached_on, round(goal.share_done, 3)) == (None, round(900 / 4700, 3))
    goals.record_progress(goal, Decimal("5100"), TODAY, "", TODAY, manager)
    assert goal.reached_on == TODAY and goal.share_done == 1.0
    goals.record_progress(
        goal, Decimal("4000"), TODAY + timedelta(days=1), "a bad day", TODAY + timedelta(days=1), manager
    )
    assert goal.reached_on == TODAY  # reached once, stays reached
    goals.record_progress(goal, Decimal("4900"), TODAY, "corrected", TODAY, manager)  # the day's value corrected
    assert [p.value for p in goal.progress] == [Decimal("1200"), Decimal("4900"), Decimal("4000")]
    assert goal.reached_on is None


def test_a_goal_downwards_is_reached_at_or_below_its_target(setting):
    fewer = goal_details(name="Fewer tickets", metric="tickets a month", baseline=Decimal("80"), target=Decimal("20"))
    goal = goals.create(setting["unit"], fewer, setting["manager"])
    goals.record_progress(goal, Decimal("50"), TODAY, "", TODAY, setting["manager"])
    assert goal.reached_on is None and goal.share_done == pytest.approx(0.5)
    goals.record_progress(goal, Decimal("19"), TODAY, "", TODAY, setting["manager"])
    assert goal.reached_on == TODAY


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": " "}, "name"),
        ({"metric": ""}, "metric"),
        ({"target": Decimal("300")}, "target"),
        ({"measure": GoalMeasure.ACTIVE_PEOPLE, "system_id": None}, "system_id"),
    ],
)
def test_a_goal_that_cannot_be_followed_is_refused_where_it_fails(setting, changes, field):
    with pytest.raises(goals.GoalError) as refused:
        goals.create(setting["unit"], goal_details(**changes), setting["manager"])
    assert refused.value.field == field


def test_progress_by_hand_needs_a_value_and_a_day_not_in_the_future(setting):
    goal = goals.create(setting["unit"], goal_details(), setting["manager"])
    with pytest.raises(goals.GoalError) as no_value:
        goals.record_progress(goal, None, TODAY, "", TODAY, setting["manager"])
    assert no_value.value.field == "value"
    with pytest.raises(goals.GoalError) as future:
        goals.record_progress(goal, Decimal(1), TODAY + timedelta(days=1), "", TODAY, setting["manager"])
    assert future.value.field == "recorded_on"


def test_an_adoption_goal_takes_its_progress_from_the_days_scores(setting):
    details = goal_details(
        name="Half the seats in use",
        metric="",
        baseline=Decimal("10"),
        target=Decimal("50"),
        measure=GoalMeasure.SEAT_UTILISATION,
        system_id=setting["system"].id,
    )
    goal = goals.create(setting["unit"], details, setting["manager"])
    assert goal.metric == "% of seats in use"
    for day, active in ((TODAY - timedelta(days=1), 12), (TODAY, 22)):
        add_score(
            setting["unit"],
            day,
            "yellow",
            score=60.0,
            subscription=setting["subscription"],
            reasons=[],
            active_people=active,
        )
    db.session.flush()
    assert goals.refresh_computed(TODAY - timedelta(days=1)) == 1
    assert goals.refresh_computed(TODAY) == 1
    assert goals.refresh_computed(TODAY) == 1  # the same day again: one entry, updated
    assert [(p.recorded_on, p.value, p.computed) for p in goal.progress] == [
        (TODAY - timedelta(days=1), Decimal("30.0"), True),
        (TODAY, Decimal("55.0"), True),
    ]
    assert goal.reached_on == TODAY
    with pytest.raises(goals.GoalError, match="computed"):
        goals.record_progress(goal, Decimal(1), TODAY, "", TODAY, setting["manager"])


def step(setting, side: PlanSide, due: date = TODAY + timedelta(days=7)):
    details = success_plan.StepDetails(
        action="Train the planners", side=side, owner_name="Kim", due_on=due, system_id=setting["system"].id
    )
    return success_plan.add_step(setting["unit"], details, setting["manager"])


def test_the_head_marks_done_only_the_units_own_steps(setting):
    ours, theirs = step(setting, PlanSide.UNIT), step(setting, PlanSide.IT)
    head = setting["head"]
    success_plan.set_status(ours, StepStatus.DONE, head)
    assert ours.status == "done" and ours.done_by_id == head.id and ours.done_at is not None
    with pytest.raises(success_plan.PlanError, match="your unit's side"):
        success_plan.set_status(theirs, StepStatus.DONE, head)
    with pytest.raises(success_plan.PlanError):
        success_plan.set_status(ours, StepStatus.PLANNED, head)  # undoing is IT's
    success_plan.set_status(ours, StepStatus.PLANNED, setting["manager"])
    assert (ours.status, ours.done_at) == ("planned", None)


def test_a_step_needs_an_owner_and_a_due_date_and_what_is_late_stands_out(setting):
    with pytest.raises(success_plan.PlanError) as no_owner:
        success_plan.add_step(
            setting["unit"], success_plan.StepDetails("Train", PlanSide.UNIT, " ", TODAY), setting["manager"]
        )
    assert no_owner.value.field == "owner_name"
    with pytest.raises(success_plan.PlanError) as no_date:
        success_plan.add_step(
            setting["unit"], success_plan.StepDetails("Train", PlanSide.UNIT, "Kim", None), setting["manager"]
        )
    assert no_date.value.field == "due_on"
    late, due_later = step(setting, PlanSide.IT, TODAY - timedelta(days=2)), step(setting, PlanSide.UNIT)
    done_late = step(setting, PlanSide.UNIT, TODAY - timedelta(days=5))
    success_plan.set_status(done_late, StepStatus.DONE, setting["manager"])
    db.session.commit()
    plan = success_plan.plan_of(setting["unit"], TODAY)
    assert plan.late == 1 and plan.steps[:2] == [late, due_later] and plan.steps[-1] == done_late
    assert plan.open_steps == [late, due_later]


def test_the_head_and_it_comment_on_the_plan(setting):
    success_plan.comment(setting["unit"], "Can the training move to March?", setting["head"])
    success_plan.comment(setting["unit"], "Yes: 4 March.", setting["manager"])
    db.session.commit()
    comments = success_plan.plan_of(setting["unit"], TODAY).comments
    assert {c.author for c in comments} == {"Hedda Head", "Anna Manager"}
    assert {c.text for c in comments} == {"Can the training move to March?", "Yes: 4 March."}
    with pytest.raises(success_plan.PlanError):
        success_plan.comment(setting["unit"], "   ", setting["head"])
