"""Sign in, sign out, change one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from models import db
from portal.auth import bp
from portal.auth.forms import ChangePasswordForm, LoginForm
from portal.extensions import limiter
from portal.forms import EmptyForm
from portal.services.platform import accounts, audit

LOGIN_FAILED = "Email or password is incorrect."
LOCAL_LOGIN_OFF = "Passwords are turned off here: sign in with your organisation's account."


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no protocol-relative `//`, no backslashes."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_email_key() -> str:
    return (request.form.get("email") or "").strip().lower()


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_email_key)
def login():
    """The sign-in form; the same message for an unknown email and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST" and not current_app.config["LOCAL_LOGIN"]:
        return render_template("auth/login.html", form=form, sso_error=LOCAL_LOGIN_OFF), 403
    if form.validate_on_submit():
        account = accounts.authenticate(form.email.data, form.password.data)
        if account is None:
            form.password.errors.append(LOGIN_FAILED)
        else:
            login_user(account)
            audit.record(account, "login", "account", account.email)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (a POST with the CSRF token, so no other site can sign a user out)."""
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("This is not your current password.")
        else:
            accounts.set_password(current_user, form.new.data, actor=current_user)
            db.session.commit()
            flash("Your password is changed.", "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
