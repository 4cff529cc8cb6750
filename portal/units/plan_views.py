"""A unit's goals and success plan: one page that IT staff edit and the unit's head reads, comments on, and
marks their own steps done on."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user
from sqlalchemy import select

from models import Goal, GoalMeasure, PlanSide, PlanStep, StepStatus, Unit, db
from portal import clock
from portal.access.scope import visible_unit
from portal.actions import act, actor, attempt, see_other
from portal.render.csv_export import csv_download
from portal.services.units import goals
from portal.services.units import plan as success_plan
from portal.units import bp
from portal.units.plan_forms import CommentForm, GoalForm, ProgressForm, StepForm


def _page(unit, status: int = 200, failed_progress: tuple[int, ProgressForm] | None = None, **forms):
    plan = success_plan.plan_of(unit, clock.today())
    progress_forms = {
        goal.id: ProgressForm(formdata=None, prefix=f"goal{goal.id}", recorded_on=clock.today())
        for goal in plan.goals
        if goal.kind == GoalMeasure.MANUAL
    }
    if failed_progress is not None:
        progress_forms[failed_progress[0]] = failed_progress[1]
    forms = {
        "step_form": StepForm(formdata=None, unit=unit, goals=plan.goals),
        "comment_form": CommentForm(formdata=None),
        **forms,
    }
    html = render_template(
        "units/plan.html",
        unit=unit,
        plan=plan,
        statuses=list(StepStatus),
        progress_forms=progress_forms,
        **forms,
    )
    return html, status


@bp.route("/<unit_key>/plan")
def plan(unit_key: str):
    """The unit's goals with their progress, the plan's steps (late ones first to the eye), the comments."""
    return _page(visible_unit(current_user, unit_key))


@bp.route("/<unit_key>/goals/new", methods=["GET", "POST"])
def goal_new(unit_key: str):
    """Set a goal with the unit, in its own numbers."""
    return _goal_page(visible_unit(current_user, unit_key), None)


@bp.route("/<unit_key>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def goal_edit(unit_key: str, goal_id: int):
    unit = visible_unit(current_user, unit_key)
    return _goal_page(unit, db.one_or_404(select(Goal).where(Goal.id == goal_id, Goal.unit_id == unit.id)))


def _goal_page(unit: Unit, goal: Goal | None):
    form = GoalForm(unit=unit, goal=goal)
    if form.validate_on_submit():
        details = _goal_details(form)
        if goal is None:
            saved, _ = attempt(form, lambda: goals.create(unit, details, actor()))
        else:
            saved, _ = attempt(form, lambda: goals.update(goal, details, actor()))
        if saved:
            flash("The goal is set." if goal is None else "The goal is saved.", "success")
            return see_other("units.plan", unit_key=unit.key)
    return render_template("units/goal_form.html", form=form, unit=unit, goal=goal)


def _goal_details(form: GoalForm) -> goals.GoalDetails:
    return goals.GoalDetails(
        name=form.name.data,
        metric=form.metric.data or "",
        baseline=form.baseline.data,
        target=form.target.data,
        due_on=form.due_on.data,
        measure=GoalMeasure(form.measure.data),
        system_id=form.system_id.data,
    )


@bp.route("/<unit_key>/goals/<int:goal_id>/progress", methods=["POST"])
def goal_progress(unit_key: str, goal_id: int):
    unit = visible_unit(current_user, unit_key)
    goal = db.one_or_404(select(Goal).where(Goal.id == goal_id, Goal.unit_id == unit.id))
    form = ProgressForm(prefix=f"goal{goal.id}")
    if form.validate_on_submit():
        saved, _ = attempt(
            form,
            lambda: goals.record_progress(
                goal, form.value.data, form.recorded_on.data, form.note.data or "", clock.today(), actor()
            ),
        )
        if saved:
            return see_other("units.plan", unit_key=unit.key, _anchor=f"goal-{goal.id}")
    return _page(unit, 400, failed_progress=(goal.id, form))


@bp.route("/<unit_key>/plan/steps", methods=["POST"])
def plan_step_new(unit_key: str):
    unit = visible_unit(current_user, unit_key)
    form = StepForm(unit=unit, goals=success_plan.plan_of(unit, clock.today()).goals)
    if form.validate_on_submit():
        details = success_plan.StepDetails(
            action=form.action.data,
            side=PlanSide(form.side.data),
            owner_name=form.owner_name.data,
            due_on=form.due_on.data,
            system_id=form.system_id.data,
            goal_id=form.goal_id.data,
        )
        saved, _ = attempt(form, lambda: success_plan.add_step(unit, details, actor()))
        if saved:
            return see_other("units.plan", unit_key=unit.key, _anchor="steps")
    return _page(unit, 400, step_form=form)


@bp.route("/<unit_key>/plan/steps/<int:step_id>/status", methods=["POST"])
def plan_step_status(unit_key: str, step_id: int):
    """Move a step (IT staff), or mark a step of the unit's side done (its head)."""
    unit = visible_unit(current_user, unit_key)
    step = db.one_or_404(select(PlanStep).where(PlanStep.id == step_id, PlanStep.unit_id == unit.id))
    wanted = request.form.get("status", "")
    act(
        lambda: success_plan.set_status(
            step, StepStatus(wanted) if wanted in set(StepStatus) else StepStatus.DONE, actor()
        )
    )
    return see_other("units.plan", unit_key=unit.key, _anchor=f"step-{step.id}")


@bp.route("/<unit_key>/plan/comments", methods=["POST"])
def plan_comment(unit_key: str):
    unit = visible_unit(current_user, unit_key)
    form = CommentForm()
    if form.validate_on_submit():
        saved, _ = attempt(form, lambda: success_plan.comment(unit, form.text.data, actor()))
        if saved:
            return see_other("units.plan", unit_key=unit.key, _anchor="comments")
    return _page(unit, 400, comment_form=form)


GOAL_COLUMNS = (
    "goal",
    "metric",
    "baseline",
    "target",
    "due_on",
    "progress_from",
    "system",
    "recorded_on",
    "value",
    "note",
    "reached_on",
)


@bp.route("/<unit_key>/goals.csv")
def goals_csv(unit_key: str):
    """The unit's goals and every progress entry, one row each (a goal without entries: one row)."""
    unit = visible_unit(current_user, unit_key)
    plan = success_plan.plan_of(unit, clock.today())

    def rows():
        for goal in plan.goals:
            head = (
                goal.name,
                goal.metric,
                goal.baseline,
                goal.target,
                goal.due_on,
                goal.measure,
                goal.system.name if goal.system else "",
            )
            for entry in goal.progress or [None]:
                entry_cells = (entry.recorded_on, entry.value, entry.note) if entry else ("", "", "")
                yield (*head, *entry_cells, goal.reached_on or "")

    return csv_download(f"goals-{unit.key}-{clock.today()}.csv", GOAL_COLUMNS, rows())
