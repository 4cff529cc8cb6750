"""Admin pages for units."""

from __future__ import annotations

from flask import flash, render_template

from models import db
from portal.admin import bp
from portal.admin.common import actor, see_other, unit_or_404
from portal.admin.unit_forms import UnitForm
from portal.services import org


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    """Add a unit to the organisation."""
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = org.create_unit(form.key.data, form.details(), actor())
        except org.OrgError as error:
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"{unit.name} is created.", "success")
            return see_other("units.unit", unit_key=unit.key)
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<unit_key>/edit", methods=["GET", "POST"])
def unit_edit(unit_key: str):
    """Change a unit: name, place in the hierarchy, people, headcount, country, quiet periods."""
    unit = unit_or_404(unit_key)
    form = UnitForm(unit=unit)
    if form.validate_on_submit():
        try:
            org.update_unit(unit, form.details(), actor())
        except org.OrgError as error:
            form.add_error(error)
        else:
            db.session.commit()
            flash(f"{unit.name} is saved.", "success")
            return see_other("units.unit", unit_key=unit.key)
    return render_template("admin/unit_form.html", form=form, unit=unit)
