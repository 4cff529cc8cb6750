"""A real OpenID Connect provider on loopback, for the single sign-on tests: built on Authlib's server side.

It serves discovery, its signing keys (JWKS), an authorisation endpoint with a sign-in page of its own, and a
token endpoint that checks the client's secret and the PKCE verifier and issues RS256-signed ID tokens. It
runs in a thread on a free port, so Rapport's client talks to it over real HTTP as it would to Entra ID or
Okta. `misbehave` makes it issue the faulty tokens Rapport must refuse: a wrong audience, an expired token, a
signature by a key it does not publish, a nonce of another request.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from html import escape

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

KID = "rapport-test-key"


@dataclass
class Person:
    email: str
    name: str
    groups: list[str] | None = field(default_factory=list)  # None: the token carries no groups claim


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)  # empty: any loopback callback (the port varies)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "email", "profile"}
        return " ".join(item for item in (scope or "").split() if item in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        if self.redirect_uris:
            return redirect_uri in self.redirect_uris
        return redirect_uri.startswith(("http://localhost", "http://127.0.0.1"))

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post") if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    email: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Provider:
    """The provider's state and its misbehaviour switches; `url` once started."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
        self.impostor_key = RSAKey.generate_key(2048, parameters={"kid": KID, "use": "sig", "alg": "RS256"})
        self.people: dict[str, Person] = {}
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.challenges: list[str | None] = []  # the PKCE method of every code issued
        self.misbehave: str | None = None  # "audience", "expired", "signature", "nonce"
        self.url = ""
        self.app = self._build_app()
        self._server = None

    # --- running -----------------------------------------------------------------------------------------

    def start(self) -> Provider:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def add_person(self, email: str, name: str, groups: list[str] | None) -> Person:
        self.people[email.lower()] = person = Person(email, name, groups)
        return person

    # --- the Flask app -------------------------------------------------------------------------------------

    def _build_app(self) -> Flask:
        app = Flask("test-oidc-provider")
        app.config["SECRET_KEY"] = "provider"
        provider = self
        server = AuthorizationServer(app, query_client=self.clients.get, save_token=lambda token, req: None)

        class CodeGrant(AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code, req):
                data = req.payload.data
                provider.challenges.append(data.get("code_challenge_method"))
                provider.codes[code] = Code(
                    code,
                    req.client.client_id,
                    req.payload.redirect_uri,
                    req.scope,
                    req.user.email,
                    data.get("nonce"),
                    data.get("code_challenge"),
                    data.get("code_challenge_method"),
                    int(time.time()),
                )

            def query_authorization_code(self, code, client):
                found = provider.codes.get(code)
                return found if found is not None and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code):
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                return provider.people.get(authorization_code.email.lower())

        class IdTokens(OpenIDCode):
            def resolve_client_private_key(self, client):
                return provider.impostor_key if provider.misbehave == "signature" else provider.key

            def get_client_algorithm(self, client):
                return "RS256"

            def get_encode_header(self, client):
                return {"alg": "RS256", "kid": KID}

            def get_client_claims(self, client):
                now = int(time.time())
                audience = "someone-else" if provider.misbehave == "audience" else client.get_client_id()
                claims = {"iss": provider.url, "aud": [audience], "iat": now, "exp": now + 300}
                if provider.misbehave == "expired":  # well past any clock-skew leeway
                    claims.update(iat=now - 7200, exp=now - 3600)
                return claims

            def get_authorization_code_claims(self, authorization_code):
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.misbehave == "nonce":
                    claims["nonce"] = "a-nonce-of-another-request"
                return claims

            def exists_nonce(self, nonce, req):
                return any(code.nonce == nonce for code in provider.codes.values())

            def generate_user_info(self, user, scope):
                info = UserInfo(sub=f"sub-{user.email.lower()}", name=user.name)
                if "email" in scope:
                    info["email"] = user.email
                if user.groups is not None:
                    info["groups"] = list(user.groups)
                return info

        server.register_grant(CodeGrant, [IdTokens(require_nonce=True), CodeChallenge(required=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=provider.url,
                authorization_endpoint=f"{provider.url}/authorize",
                token_endpoint=f"{provider.url}/token",
                jwks_uri=f"{provider.url}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
                scopes_supported=["openid", "email", "profile"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([provider.key]).as_dict(private=False))

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            if request.method == "GET":
                server.get_consent_grant(end_user=None)  # refuses a bad client or redirect before any page
                # The request's parameters stay in the form's address: posted again they would count twice.
                return (
                    "<!doctype html><title>Test provider</title><h1>Test identity provider</h1>"
                    f'<form method="post" action="/authorize?{escape(request.query_string.decode())}">'
                    '<label>Email <input name="login_email" autocomplete="off"></label>'
                    '<button type="submit">Sign in at the provider</button></form>'
                )
            person = provider.people.get((request.form.get("login_email") or "").strip().lower())
            if person is None:
                return "<!doctype html><p>Unknown person.</p>", 401
            grant = server.get_consent_grant(end_user=person)
            return server.create_authorization_response(grant=grant, grant_user=person)

        @app.post("/token")
        def token():
            return server.create_token_response()

        return app
