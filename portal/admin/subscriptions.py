"""Admin pages for subscriptions (a unit's use of a system)."""

from __future__ import annotations

from flask import flash, render_template, request

from models import Subscription, db
from portal.admin import bp, queries
from portal.admin.common import actor, attempt, see_other
from portal.admin.unit_forms import SubscriptionForm
from portal.services.catalog import subscriptions


def _page(form: SubscriptionForm, subscription: Subscription | None, system_id: int | None) -> str:
    return render_template(
        "admin/subscription_form.html",
        form=form,
        subscription=subscription,
        module_keys=queries.module_keys(system_id),
    )


@bp.route("/subscriptions/new", methods=["GET", "POST"])
def subscription_new():
    """Subscribe a unit to a system; `?unit=KEY` and `?system=KEY` preselect them."""
    form = SubscriptionForm(
        unit_id=queries.unit_id(request.args.get("unit")), system_id=queries.system_id(request.args.get("system"))
    )
    if form.validate_on_submit():
        saved, subscription = attempt(
            form,
            lambda: subscriptions.create_subscription(form.unit_id.data, form.system_id.data, form.terms(), actor()),
        )
        if saved:
            flash(f"{subscription.unit.name} now subscribes to {subscription.system.name}.", "success")
            return see_other("units.unit", unit_key=subscription.unit.key)
    return _page(form, None, form.system_id.data)


@bp.route("/subscriptions/<int:subscription_id>/edit", methods=["GET", "POST"])
def subscription_edit(subscription_id: int):
    """Change seats, cost, dates and the key action of a subscription."""
    subscription = db.get_or_404(Subscription, subscription_id)
    form = SubscriptionForm(subscription=subscription)
    if form.validate_on_submit():
        saved, _ = attempt(form, lambda: subscriptions.update_subscription(subscription, form.terms(), actor()))
        if saved:
            flash(f"The subscription of {subscription.unit.name} to {subscription.system.name} is saved.", "success")
            return see_other("units.unit", unit_key=subscription.unit.key)
    return _page(form, subscription, subscription.system_id)


@bp.route("/subscriptions/<int:subscription_id>/delete", methods=["POST"])
def subscription_delete(subscription_id: int):
    """End a subscription; back to its unit."""
    subscription = db.get_or_404(Subscription, subscription_id)
    unit, system = subscription.unit, subscription.system
    subscriptions.delete_subscription(subscription, actor())
    db.session.commit()
    flash(f"{unit.name} no longer subscribes to {system.name}.", "success")
    return see_other("units.unit", unit_key=unit.key)
