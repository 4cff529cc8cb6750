"""Admin pages for API tokens: the secret is shown once, only its hash is kept, revoking is idempotent."""

import re

from sqlalchemy import select

from models import ApiToken, db


def _secret(page: str) -> str:
    return re.search(r'<p class="secret-box"[^>]*>([^<]+)</p>', page).group(1)


def test_issue_a_token_shows_the_secret_once(client, admin, audit_entries):
    response = client.post("/admin/tokens/new", data={"name": "Service desk feed", "scopes": ["read", "write:usage"]})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    secret = _secret(page)
    assert "will not be shown again" in page
    token = db.session.scalar(select(ApiToken))
    assert ApiToken.hash_secret(secret) == token.token_hash
    assert (token.name, token.scope_list, token.created_by_id) == (
        "Service desk feed",
        ["read", "write:usage"],
        admin.id,
    )
    assert secret.startswith(token.hint)
    # Nowhere else: not the list, not the session (flash), not the audit log.
    with client.session_transaction() as session:
        assert secret not in str(dict(session))
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "Service desk feed" in listing
    assert secret not in listing
    assert secret not in str(audit_entries("api_token")[-1].changes)
    assert audit_entries("api_token")[-1].action == "create"


def test_the_form_offers_the_scopes_as_checkboxes(client, admin):
    page = client.get("/admin/tokens/new").get_data(as_text=True)
    assert 'type="checkbox" value="read"' in page
    assert 'type="checkbox" value="write:usage"' in page


def test_a_token_needs_a_name_and_a_known_scope(client, admin):
    empty = client.post("/admin/tokens/new", data={"name": "", "scopes": []}).get_data(as_text=True)
    assert 'id="name-error">This field is required.' in empty
    assert 'id="scopes-error">Choose at least one scope.' in empty
    unknown = client.post("/admin/tokens/new", data={"name": "X", "scopes": ["admin"]}).get_data(as_text=True)
    assert 'id="scopes-error">Unknown scope admin: choose among those listed.' in unknown
    assert db.session.scalar(select(ApiToken)) is None


def test_revoke_is_idempotent(client, admin, audit_entries):
    token, _secret_value = ApiToken.issue("Old feed", ["read"], admin)
    db.session.add(token)
    db.session.commit()
    response = client.post(f"/admin/tokens/{token.id}/revoke")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/tokens"
    revoked_at = db.session.get(ApiToken, token.id).revoked_at
    assert revoked_at is not None
    again = client.post(f"/admin/tokens/{token.id}/revoke", follow_redirects=True)
    assert "was already revoked" in again.get_data(as_text=True)
    assert db.session.get(ApiToken, token.id).revoked_at == revoked_at
    assert [entry.action for entry in audit_entries("api_token")] == ["revoke"]


def test_list_shows_status_and_offers_revoke_only_for_live_tokens(client, admin):
    live, _ = ApiToken.issue("Live feed", ["read"], admin)
    dead, _ = ApiToken.issue("Dead feed", ["write:usage"], admin)
    dead.revoke()
    db.session.add_all([live, dead])
    db.session.commit()
    page = client.get("/admin/tokens").get_data(as_text=True)
    assert page.index("Live feed") < page.index("Dead feed")
    assert f"/admin/tokens/{live.id}/revoke" in page
    assert f"/admin/tokens/{dead.id}/revoke" not in page
    assert "Revoked " in page
    assert f"<code>{live.hint}…</code>" in page


def test_unknown_token_is_404(client, admin):
    assert client.post("/admin/tokens/999999/revoke").status_code == 404
