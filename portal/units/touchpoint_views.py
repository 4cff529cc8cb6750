"""A unit's touchpoints: IT's meetings, trainings, check-ins, reviews and escalations with its people."""

from __future__ import annotations

from flask import flash, render_template
from flask_login import current_user

from models import TouchpointKind
from portal import clock
from portal.access.scope import visible_unit
from portal.actions import actor, attempt, see_other
from portal.services.platform import accounts
from portal.services.units import touchpoints
from portal.units import bp
from portal.units.plan_forms import TouchpointForm


@bp.route("/<unit_key>/touchpoints", methods=["GET", "POST"])
def touchpoints_page(unit_key: str):
    """The unit's touchpoints, newest first, its relationship figure, and the form to log one."""
    unit = visible_unit(current_user, unit_key)
    form = TouchpointForm(people=touchpoints.people_of(unit), staff=accounts.staff_choices())
    if not form.is_submitted():
        form.happened_on.data, form.it_account_id.data = clock.today(), current_user.id
    if form.validate_on_submit():
        details = touchpoints.TouchpointDetails(
            kind=TouchpointKind(form.kind.data),
            happened_on=form.happened_on.data,
            it_account_id=form.it_account_id.data,
            person_ids=form.person_ids.data or [],
            notes=form.notes.data or "",
        )
        saved, _ = attempt(form, lambda: touchpoints.log(unit, details, clock.today(), actor()))
        if saved:
            flash("The touchpoint is logged.", "success")
            return see_other("units.touchpoints_page", unit_key=unit.key)
    figure = touchpoints.relationships([unit.id], clock.today())[unit.id]
    return render_template(
        "units/touchpoints.html", unit=unit, form=form, touchpoints=touchpoints.recent(unit), relationship=figure
    ), 400 if form.errors or form.form_errors else 200
