"""A service's NotFound is a 404 in words, on a page and under the API; services never abort a request."""

from __future__ import annotations

import ast
from pathlib import Path

from portal.api.errors import _not_found
from portal.config import ROOT
from portal.services.errors import NotFound


def test_a_unit_without_a_score_explains_as_not_found(client, auth, make_account, make_unit):
    unit = make_unit()
    auth.login(make_account(role="admin"))
    response = client.get(f"/units/{unit.key}/explain")
    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in response.get_data(as_text=True)


def test_an_unknown_unit_is_not_found_on_every_page_kind(client, auth, make_account):
    auth.login(make_account(role="admin"))
    for path in ("/units/nowhere", "/units/nowhere/explain", "/units/nowhere/review", "/units/nowhere/plan"):
        assert client.get(path).status_code == 404, path


def test_the_api_answers_not_found_in_json(app):
    with app.test_request_context("/api/v1/units/x/health"):
        response = _not_found(NotFound("no unit"))
    assert response.status_code == 404 and response.get_json() == {"error": "There is no such resource."}


def test_services_know_no_request():
    """No module under portal/services/ imports abort, request, Response or a view helper from Flask."""
    forbidden = {"abort", "request", "Response", "make_response", "redirect", "url_for", "render_template"}
    offenders = []
    for path in sorted((ROOT / "portal" / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in ("flask", "werkzeug.exceptions"):
                offenders += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name in forbidden]
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal.render"):
                offenders.append(f"{Path(path).relative_to(ROOT)}: imports the render layer")
    assert offenders == []
