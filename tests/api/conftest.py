"""API fixtures: tokens with scopes, a folder for uploads, a small organisation to push usage for."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import ApiToken, db
from portal.services.imports import worker
from portal.services.platform import tokens


@pytest.fixture(autouse=True)
def import_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "imports"
    monkeypatch.setitem(app.config, "IMPORT_DIR", str(folder))
    yield folder
    worker.wait_for_all(30)  # no worker may still write when the tables are emptied


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_token():
    """`make_token("read", "write:usage")` → (token, the Authorization header for it)."""

    def make(*scopes: str, name: str = "feed") -> tuple[ApiToken, dict[str, str]]:
        token, secret = tokens.issue_token(name, list(scopes), None)
        db.session.commit()
        return token, bearer(secret)

    return make


@pytest.fixture
def org(make_unit, make_system, make_person):
    """One unit with one system and two people, enough for usage records to land."""
    unit = make_unit(key="sched", name="Scheduling")
    system = make_system(key="ifs", modules=(("planning", True), ("orders", False)))
    people = [make_person(unit=unit, key=key) for key in ("p1", "p2")]
    return {"unit": unit, "system": system, "people": people}
