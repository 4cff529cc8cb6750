"""Sign in through the organisation's identity provider (OpenID Connect, authorisation code flow with PKCE).

Authlib does the protocol: it reads the provider's discovery document, sends the person there with a fresh
state, nonce and PKCE challenge kept in the session, and on the way back checks the state, swaps the code for
tokens over a back channel, and verifies the ID token — signature against the provider's published keys,
issuer, audience, expiry and nonce. Only then does portal.services.platform.sso decide who it is in Rapport.
"""

from __future__ import annotations

import requests
from authlib.integrations.base_client import OAuthError
from flask import Flask, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError

from models import db
from portal.auth import bp
from portal.auth.forms import LoginForm
from portal.auth.views import safe_next
from portal.config import ConfigError
from portal.extensions import oauth
from portal.services.platform import sso

CLIENT = "provider"
NEXT_KEY = "sso_next"
# Whatever went wrong in the protocol, the person reads one sentence and may try again; the detail goes to
# the log for the admin (a replayed or forged answer is not something to explain to its sender).
PROTOCOL_FAILED = "Sign-in through {provider} did not complete. Please try again."
UNREACHABLE = "{provider} could not be reached. Please try again in a moment."


def sso_enabled(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("OIDC_DISCOVERY_URL"))


def init_app(app: Flask) -> None:
    oauth.init_app(app)
    configure(app)


def configure(app: Flask) -> None:
    """Register the provider when it is configured; fail at start-up on a mapping that cannot be read."""
    if not sso_enabled(app):
        app.extensions.pop("sso_mapping", None)
        return
    config = app.config
    try:
        app.extensions["sso_mapping"] = sso.read_mapping(
            config["OIDC_GROUP_ROLES"], config["OIDC_GROUP_UNITS"], config["OIDC_GROUPS_CLAIM"]
        )
    except sso.SsoConfigError as error:
        raise ConfigError(str(error)) from None
    oauth.register(
        CLIENT,
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=config["OIDC_DISCOVERY_URL"],
        client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256", "timeout": 10},
        overwrite=True,
    )


def _refused(message: str, status: int = 400):
    """Back to the sign-in page with the reason, and nothing of the attempt kept."""
    form = LoginForm()
    return render_template("auth/login.html", form=form, sso_error=message), status


@bp.route("/login/sso")
def sso_start():
    """Send the person to the identity provider."""
    if not sso_enabled():
        return _refused("Single sign-on is not set up on this Rapport.", 404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    session[NEXT_KEY] = safe_next(request.args.get("next")) or ""
    try:
        return oauth.create_client(CLIENT).authorize_redirect(url_for("auth.sso_callback", _external=True))
    except (requests.RequestException, ValueError, KeyError) as error:
        current_app.logger.warning("single sign-on: the provider's discovery failed: %s", error)
        return _refused(UNREACHABLE.format(provider=provider_name()), 503)


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


@bp.route("/login/sso/callback")
def sso_callback():
    """The provider's answer: verify it, then sign the person in (or say why not)."""
    if not sso_enabled():
        return _refused("Single sign-on is not set up on this Rapport.", 404)
    try:
        token = oauth.create_client(CLIENT).authorize_access_token()
    except requests.RequestException as error:
        current_app.logger.warning("single sign-on: the provider could not be reached: %s", error)
        return _refused(UNREACHABLE.format(provider=provider_name()), 503)
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        current_app.logger.warning("single sign-on refused: %s: %s", type(error).__name__, error)
        return _refused(PROTOCOL_FAILED.format(provider=provider_name()))
    claims = token.get("userinfo")
    if not claims:
        return _refused(PROTOCOL_FAILED.format(provider=provider_name()))
    try:
        account = sso.sign_in(claims, current_app.extensions["sso_mapping"])
    except sso.SignInRefused as refusal:
        db.session.rollback()
        return _refused(str(refusal), 403)
    db.session.commit()
    target = session.pop(NEXT_KEY, "") or url_for("main.index")
    login_user(account)
    return redirect(target)
