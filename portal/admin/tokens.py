"""Admin pages for API tokens."""

from __future__ import annotations

from flask import flash, render_template

from models import ApiToken, db
from portal.admin import bp, queries
from portal.admin.common import actor, attempt, see_other, shown_once
from portal.admin.forms import TokenForm
from portal.services.platform import tokens


@bp.route("/tokens", endpoint="tokens")
def token_list():
    """Every API token, live ones first."""
    return render_template("admin/tokens.html", tokens=queries.tokens())


@bp.route("/tokens/new", methods=["GET", "POST"])
def token_new():
    """Issue a token; its secret is in this response only, never stored or flashed."""
    form = TokenForm()
    if form.validate_on_submit():
        saved, issued = attempt(form, lambda: tokens.issue_token(form.name.data, form.scopes.data, actor()))
        if saved:
            token, secret = issued
            return shown_once(render_template("admin/token_created.html", token=token, secret=secret))
    return render_template("admin/token_form.html", form=form, scopes=tokens.SCOPES)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id: int):
    """Revoke a token at once; revoking it again changes nothing."""
    token = db.get_or_404(ApiToken, token_id)
    if tokens.revoke_token(token, actor()):
        db.session.commit()
        flash(f"The token “{token.name}” is revoked; it no longer works.", "success")
    else:
        flash(f"The token “{token.name}” was already revoked.", "info")
    return see_other("admin.tokens")
