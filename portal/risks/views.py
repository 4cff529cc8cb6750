"""The risk register: the list, opening a risk on a unit, and one risk's page with its plan and timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import flash, render_template, request
from flask_login import current_user
from sqlalchemy import select

from models import (
    MitigationRoute,
    MitigationStep,
    Risk,
    RiskOutcome,
    RiskStatus,
    RiskSuggestion,
    System,
    Unit,
    db,
)
from portal import clock
from portal.actions import act, actor, attempt, see_other
from portal.forms import RuleForm
from portal.htmx import render_page_or_partial
from portal.render.csv_export import csv_download
from portal.risks import bp
from portal.risks.forms import CloseForm, CommentForm, RegisterFilterForm, RiskForm, RouteForm, StepForm
from portal.services.platform import accounts
from portal.services.risks import escalation as risk_escalation
from portal.services.risks import lifecycle as risks
from portal.services.risks import register as risk_register
from portal.services.risks import suggestions as risk_suggestions


@bp.route("/")
def index():
    """Every risk the filters ask for (open ones by default), most money at stake first."""
    form = RegisterFilterForm(request.args)
    filters = form.filters()
    suggestions = risk_suggestions.pending(first_for=current_user.id)
    return render_page_or_partial(
        "risks/index.html",
        "risks/_results.html",
        risks=risk_register.register(filters),
        form=form,
        filters=filters,
        owners=accounts.staff_choices(),
        today=clock.today(),
        suggestions=suggestions,
        covered=risk_suggestions.covered_by(suggestions),
    )


RISK_COLUMNS = (
    "id",
    "unit_key",
    "unit",
    "system",
    "bucket",
    "reason",
    "source",
    "probability",
    "status",
    "outcome",
    "outcome_reason",
    "seats_at_stake",
    "cost_at_stake",
    "currency",
    "owner",
    "opened_on",
    "closed_on",
    "routes",
    "steps_late",
    "description",
)


def _csv_row(risk: Risk, day: date) -> tuple:
    reason = risk.outcome_reason.name if risk.outcome_reason else ""
    closed = risk.closed_at.date() if risk.closed_at else ""
    return (
        risk.id,
        risk.unit.key,
        risk.unit.name,
        risk.system.name if risk.system else "",
        risk.reason.bucket,
        risk.reason.name,
        risk.source,
        risk.probability,
        risk.status,
        risk.outcome or "",
        reason,
        risk.seats_at_stake,
        risk.cost_at_stake,
        risk.currency,
        risk.owner.email if risk.owner else "",
        risk.opened_at.date(),
        closed,
        len(risk.routes),
        risk.late_steps(day),
        risk.description,
    )


@bp.route("/export.csv")
def export():
    """The register as the filters show it, as CSV (cells a spreadsheet would run as formulas are neutralised)."""
    filters = RegisterFilterForm(request.args).filters()
    day = clock.today()
    rows = (_csv_row(risk, day) for risk in risk_register.register(filters))
    return csv_download(f"risks-{filters.status}-{day}.csv", RISK_COLUMNS, rows)


@bp.route("/escalation")
def escalation():
    """All open risks by reason, owner, age and size; a year of risks opened and closed; why units left."""
    return render_template("risks/escalation.html", view=risk_escalation.build(clock.today()))


def _unit_or_404(key: str) -> Unit:
    return db.one_or_404(select(Unit).where(Unit.key == key))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Open a risk on a unit (?unit=KEY), optionally on one of its systems (?system=KEY)."""
    unit = _unit_or_404(request.args.get("unit", ""))
    form = RiskForm(unit=unit)
    if request.method == "GET":
        system = db.session.scalar(select(System).where(System.key == request.args.get("system", "")))
        impact = risks.default_impact(unit, system)
        form.system_id.data = system.id if system else None
        form.seats_at_stake.data, form.cost_at_stake.data = impact.seats, impact.cost
    if form.validate_on_submit():
        saved, risk = attempt(form, lambda: risks.open_risk(unit, form.assessment(), actor()))
        if saved:
            flash("The risk is in the register. Next: assess it and plan at least two routes.", "success")
            return see_other("risks.detail", risk_id=risk.id)
    return render_template("risks/form.html", form=form, unit=unit, risk=None)


def _risk_or_404(risk_id: int) -> Risk:
    return db.get_or_404(Risk, risk_id)


def _step_form(route_id: int, formdata: object = None) -> StepForm:
    # One form per route, each with its own field ids and names.
    return StepForm(prefix=f"route{route_id}", **({} if formdata else {"formdata": None}))


def _detail(
    risk: Risk, status: int = 200, failed_step: StepForm | None = None, failed_route: int | None = None, **forms
):
    step_forms = {route.id: _step_form(route.id) for route in risk.routes}
    if failed_step is not None and failed_route is not None:
        step_forms[failed_route] = failed_step
    forms = {"route_form": RouteForm(formdata=None), "comment_form": CommentForm(formdata=None), **forms}
    return render_template(
        "risks/detail.html",
        risk=risk,
        gaps=risks.plan_gaps(risk),
        today=clock.today(),
        moves=risks.next_moves(risk),
        step_forms=step_forms,
        **forms,
    ), status


@bp.route("/<int:risk_id>")
def detail(risk_id: int):
    """A risk: what is at stake, its plan, its timeline."""
    return _detail(_risk_or_404(risk_id))


@bp.route("/<int:risk_id>/edit", methods=["GET", "POST"])
def edit(risk_id: int):
    """Reassess a risk: reason, probability, impact, owner, description."""
    risk = _risk_or_404(risk_id)
    form = RiskForm(unit=risk.unit, risk=risk)
    if form.validate_on_submit():
        saved, _ = attempt(form, lambda: risks.reassess(risk, form.assessment(), actor()))
        if saved:
            flash("The assessment is saved.", "success")
            return see_other("risks.detail", risk_id=risk.id)
    return render_template("risks/form.html", form=form, unit=risk.unit, risk=risk)


@bp.route("/<int:risk_id>/status", methods=["POST"])
def move(risk_id: int):
    """Move a risk to assessing or mitigating (mitigating once its plan is ready)."""
    risk = _risk_or_404(risk_id)
    to = RiskStatus(request.form["status"]) if request.form.get("status") in set(RiskStatus) else None
    if to is None:
        flash("Choose what the risk moves to.", "error")
        return see_other("risks.detail", risk_id=risk.id)
    act(lambda: risks.move(risk, to, actor()), f"The risk is now {to.label.lower()}.")
    return see_other("risks.detail", risk_id=risk.id)


@bp.route("/<int:risk_id>/close", methods=["GET", "POST"])
def close(risk_id: int):
    """Close a risk as saved, downgraded or lost, with the reason."""
    risk = _risk_or_404(risk_id)
    form = CloseForm(risk=risk)
    if form.validate_on_submit():
        outcome, reason_id, note = RiskOutcome(form.outcome.data), form.outcome_reason_id.data, form.note.data
        saved, _ = attempt(form, lambda: risks.close(risk, outcome, reason_id, note, actor()))
        if saved:
            flash(f"The risk is closed: {outcome.label.lower()}.", "success")
            return see_other("risks.detail", risk_id=risk.id)
    return render_template("risks/close.html", form=form, risk=risk)


@bp.route("/<int:risk_id>/routes", methods=["POST"])
def route_add(risk_id: int):
    risk = _risk_or_404(risk_id)
    form = RouteForm()
    return _change_on_detail(
        risk, form, lambda: risks.add_route(risk, form.title.data, actor()), "plan", route_form=form
    )


@bp.route("/<int:risk_id>/routes/<int:route_id>/steps", methods=["POST"])
def step_add(risk_id: int, route_id: int):
    risk = _risk_or_404(risk_id)
    in_risk = MitigationRoute.id == route_id, MitigationRoute.risk_id == risk.id
    route = db.one_or_404(select(MitigationRoute).where(*in_risk))
    form = _step_form(route.id, formdata=True)
    return _change_on_detail(
        risk,
        form,
        lambda: risks.add_step(route, form.action.data, form.owner_id.data, form.due_on.data, actor()),
        f"route-{route.id}",
        failed_step=form,
        failed_route=route.id,
    )


@bp.route("/<int:risk_id>/steps/<int:step_id>/done", methods=["POST"])
def step_done(risk_id: int, step_id: int):
    risk = _risk_or_404(risk_id)
    in_risk = MitigationStep.id == step_id, MitigationRoute.risk_id == risk.id
    step = db.one_or_404(select(MitigationStep).join(MitigationRoute).where(*in_risk))
    act(lambda: risks.complete_step(step, actor()))
    return see_other("risks.detail", risk_id=risk.id, _anchor=f"route-{step.route_id}")


@bp.route("/<int:risk_id>/comments", methods=["POST"])
def comment(risk_id: int):
    risk = _risk_or_404(risk_id)
    form = CommentForm()
    return _change_on_detail(
        risk, form, lambda: risks.comment(risk, form.text.data, actor()), "timeline", comment_form=form
    )


def _change_on_detail(risk: Risk, form: RuleForm, change: Callable[[], object], anchor: str, **failed: object):
    """A form posted from the risk's page: the change made, back to its place on the page; or the page again
    (400) with the form and its errors where it was."""
    if form.validate_on_submit():
        saved, _ = attempt(form, change)
        if saved:
            return see_other("risks.detail", risk_id=risk.id, _anchor=anchor)
    return _detail(risk, 400, **failed)


def _suggestion_or_404(suggestion_id: int) -> RiskSuggestion:
    return db.get_or_404(RiskSuggestion, suggestion_id)


def _back_from(suggestion: RiskSuggestion):
    """Back where the decision was taken: the unit's page or the register."""
    if request.form.get("back") == "unit":
        return see_other("units.unit", unit_key=suggestion.unit.key, _anchor="risks-title")
    return see_other("risks.index", _anchor="suggestions")


@bp.route("/suggestions/<int:suggestion_id>/accept", methods=["POST"])
def suggestion_accept(suggestion_id: int):
    """Open the risk a signal suggests, and go to it to assess it."""
    suggestion = _suggestion_or_404(suggestion_id)
    done = "The risk is in the register, from the data signal. Assess it and plan at least two routes."
    accepted, risk = act(lambda: risk_suggestions.accept(suggestion, actor()), done)
    return see_other("risks.detail", risk_id=risk.id) if accepted else _back_from(suggestion)


@bp.route("/suggestions/<int:suggestion_id>/dismiss", methods=["POST"])
def suggestion_dismiss(suggestion_id: int):
    """Not a risk: the signal is not suggested again for this unit and system."""
    suggestion = _suggestion_or_404(suggestion_id)
    note = request.form.get("note", "")
    act(
        lambda: risk_suggestions.dismiss(suggestion, note, actor()),
        f"Dismissed: {suggestion.kind.label.lower()} at {suggestion.unit.name}.",
    )
    return _back_from(suggestion)


@bp.route("/suggestions/<int:suggestion_id>/snooze", methods=["POST"])
def suggestion_snooze(suggestion_id: int):
    """Not now: the suggestion comes back on the date if the signal still fires."""
    suggestion = _suggestion_or_404(suggestion_id)
    note = request.form.get("note", "")
    try:
        until = date.fromisoformat(request.form.get("until", ""))
    except ValueError:
        until = None
    act(
        lambda: risk_suggestions.snooze(suggestion, until, note, clock.today(), actor()),
        f"Snoozed until {until}: {suggestion.kind.label.lower()} at {suggestion.unit.name}.",
    )
    return _back_from(suggestion)
