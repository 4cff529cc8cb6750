"""Admin pages for units."""

from __future__ import annotations

from flask import flash, render_template

from portal.admin import bp
from portal.admin.common import actor, attempt, see_other, unit_or_404
from portal.admin.unit_forms import UnitForm
from portal.services.units import org


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    """Add a unit to the organisation."""
    form = UnitForm()
    if form.validate_on_submit():
        saved, unit = attempt(form, lambda: org.create_unit(form.key.data, form.details(), actor()))
        if saved:
            flash(f"{unit.name} is created.", "success")
            return see_other("units.unit", unit_key=unit.key)
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<unit_key>/edit", methods=["GET", "POST"])
def unit_edit(unit_key: str):
    """Change a unit: name, place in the hierarchy, people, headcount, country, quiet periods."""
    unit = unit_or_404(unit_key)
    form = UnitForm(unit=unit)
    if form.validate_on_submit():
        saved, _ = attempt(form, lambda: org.update_unit(unit, form.details(), actor()))
        if saved:
            flash(f"{unit.name} is saved.", "success")
            return see_other("units.unit", unit_key=unit.key)
    return render_template("admin/unit_form.html", form=form, unit=unit)
