"""Admin pages for login accounts."""

from __future__ import annotations

from flask import flash, render_template, request

from models import Account, Role, db
from portal.admin import bp, queries
from portal.admin.common import actor, attempt, see_other, shown_once
from portal.admin.forms import AccountForm, NewAccountForm
from portal.services.platform import accounts


@bp.route("/accounts", endpoint="accounts")
def account_list():
    """Every login account, optionally only those of one role."""
    role = request.args.get("role", "")
    role = role if role in set(Role) else ""
    return render_template("admin/accounts.html", accounts=queries.accounts(role or None), role=role, roles=list(Role))


def _saved(account: Account, verb: str, generated_password: str | None):
    """A generated password is shown once, on this response; otherwise back to the list."""
    if generated_password is not None:
        page = render_template("admin/account_saved.html", account=account, verb=verb, password=generated_password)
        return shown_once(page)
    flash(f"{account.name} is {verb}.", "success")
    return see_other("admin.accounts")


@bp.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    """Create a login account."""
    form = NewAccountForm()
    if form.validate_on_submit():
        password, generated = form.chosen_password()
        saved, account = attempt(
            form,
            lambda: accounts.create_account(
                form.email.data,
                form.name.data,
                form.role.data,
                units=accounts.units_by_ids(form.units.data),
                password=password,
                actor=actor(),
                active=form.active.data,
            ),
        )
        if saved:
            return _saved(account, "created", password if generated else None)
    return render_template("admin/account_form.html", form=form, account=None)


@bp.route("/accounts/<int:account_id>/edit", methods=["GET", "POST"])
def account_edit(account_id: int):
    """Change an account's details, role, units, status or password."""
    account = db.get_or_404(Account, account_id)
    form = AccountForm(account=account)
    if form.validate_on_submit():
        password, generated = form.chosen_password()
        saved, _ = attempt(
            form,
            lambda: accounts.update_account(
                account,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                units=accounts.units_by_ids(form.units.data),
                active=form.active.data,
                password=password,
                actor=actor(),
            ),
        )
        if saved:
            return _saved(account, "saved", password if generated else None)
    return render_template("admin/account_form.html", form=form, account=account)
