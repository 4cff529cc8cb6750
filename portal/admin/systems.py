"""Admin pages for the catalog: systems and their modules."""

from __future__ import annotations

from flask import flash, render_template
from sqlalchemy import select

from models import Module, System, db
from portal.admin import bp, queries
from portal.admin.common import actor, attempt, see_other, system_or_404
from portal.admin.system_forms import ModuleForm, SystemForm
from portal.htmx import is_htmx
from portal.services.catalog import systems as catalog


def _page(form: SystemForm, system: System | None, module_form: ModuleForm | None = None) -> str:
    return render_template(
        "admin/system_form.html",
        form=form,
        system=system,
        module_form=module_form or ModuleForm(formdata=None, prefix="module"),
        categories=queries.categories(),
    )


@bp.route("/systems/new", methods=["GET", "POST"])
def system_new():
    """Add a system to the catalog."""
    form = SystemForm()
    if form.validate_on_submit():
        saved, system = attempt(form, lambda: catalog.create_system(form.key.data, form.details(), actor()))
        if saved:
            flash(f"{system.name} is in the catalog. Add its modules from Edit.", "success")
            return see_other("catalog.system", system_key=system.key)
    return _page(form, None)


@bp.route("/systems/<system_key>/edit", methods=["GET", "POST"])
def system_edit(system_key: str):
    """Change a system's details; its modules are managed on the same page."""
    system = system_or_404(system_key)
    form = SystemForm(system=system)
    if form.validate_on_submit():
        saved, _ = attempt(form, lambda: catalog.update_system(system, form.details(), actor()))
        if saved:
            flash(f"{system.name} is saved.", "success")
            return see_other("catalog.system", system_key=system.key)
    return _page(form, system)


def _modules_section(system: System, module_form: ModuleForm, saved: bool):
    """htmx swaps the section alone; without htmx, back to the page (with the errors, if any)."""
    if is_htmx():
        return render_template("admin/_modules.html", system=system, module_form=module_form)
    if saved:
        return see_other("admin.system_edit", system_key=system.key)
    return _page(SystemForm(formdata=None, system=system), system, module_form)


@bp.route("/systems/<system_key>/modules", methods=["POST"])
def module_add(system_key: str):
    """Add a module to a system; a duplicate key is answered inline."""
    system = system_or_404(system_key)
    form = ModuleForm(prefix="module")
    saved = False
    if form.validate_on_submit():
        saved, _ = attempt(
            form, lambda: catalog.add_module(system, form.key.data, form.name.data, form.is_core.data, actor())
        )
        if saved:
            saved, form = True, ModuleForm(formdata=None, prefix="module")
    return _modules_section(system, form, saved)


@bp.route("/systems/<system_key>/modules/<int:module_id>/delete", methods=["POST"])
def module_delete(system_key: str, module_id: int):
    """Remove a module from a system."""
    system = system_or_404(system_key)
    module = db.one_or_404(select(Module).where(Module.id == module_id, Module.system_id == system.id))
    catalog.remove_module(module, actor())
    db.session.commit()
    return _modules_section(system, ModuleForm(formdata=None, prefix="module"), saved=True)
