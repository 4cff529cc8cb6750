"""Admin page for the reasons risks are opened and closed for: add, rename, retire, bring back."""

from __future__ import annotations

from flask import flash, render_template

from models import RiskBucket, RiskReason, db
from portal.admin import bp
from portal.admin.common import actor, attempt, see_other
from portal.admin.forms import RiskReasonForm, RiskReasonRenameForm
from portal.services.risks import reasons as risk_reasons


def _page(form: RiskReasonForm, status: int = 200):
    groups = risk_reasons.by_bucket(include_retired=True)
    renames = {
        reason.id: RiskReasonRenameForm(formdata=None, prefix=f"r{reason.id}", obj=reason)
        for reasons in groups.values()
        for reason in reasons
    }
    return render_template("admin/risk_reasons.html", groups=groups, form=form, renames=renames), status


@bp.route("/risk-reasons", methods=["GET", "POST"], endpoint="risk_reasons")
def risk_reasons_index():
    """The reasons of each bucket; a new one is added from the form below them."""
    form = RiskReasonForm()
    if form.validate_on_submit():
        saved, reason = attempt(form, lambda: risk_reasons.add(RiskBucket(form.bucket.data), form.name.data, actor()))
        if saved:
            flash(f"“{reason.name}” is a {RiskBucket(reason.bucket).label.lower()} reason now.", "success")
            return see_other("admin.risk_reasons")
        return _page(form, 400)
    return _page(form)


@bp.route("/risk-reasons/<int:reason_id>", methods=["POST"], endpoint="risk_reason_edit")
def risk_reason_edit(reason_id: int):
    """Rename a reason, retire it (no longer offered; the risks citing it keep it) or bring it back."""
    reason = db.get_or_404(RiskReason, reason_id)
    form = RiskReasonRenameForm(prefix=f"r{reason.id}")
    if form.validate_on_submit():
        saved, _ = attempt(form, lambda: risk_reasons.update(reason, form.name.data, form.active.data, actor()))
        if saved:
            flash(f"“{reason.name}” is saved{'' if reason.active else ' and retired'}.", "success")
            return see_other("admin.risk_reasons")
    flash(" ".join([*form.form_errors, *(e for errors in form.errors.values() for e in errors)]), "error")
    return see_other("admin.risk_reasons")
