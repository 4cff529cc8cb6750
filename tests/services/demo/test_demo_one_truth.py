"""The whole demo, with its history, scored as of one day: every figure it shows agrees wherever it is shown.

Issue 18's checks on the organisation people first look at: a unit's record reads the same on its page, in the
health export, in the API's unit list and in its health endpoint, for every one of the demo's units; no
subscription is green with most of its paid seats unused; and the CIO report advises cutting seats only where
the one seat rule gives seat advice.
"""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from werkzeug.security import generate_password_hash

import models.accounts
from models import Role, Subscription, System, Unit, db
from portal.services import demo
from portal.services.catalog.seat_rule import gets_seat_advice
from portal.services.platform import tokens
from portal.services.reports import cio

pytestmark = pytest.mark.slow  # the demo with its history: some forty seconds

DAY = date(2026, 11, 20)


def _cheap(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


@pytest.fixture
def the_demo(frozen_clock, monkeypatch):
    monkeypatch.setattr(demo, "generate_password_hash", _cheap)
    monkeypatch.setattr(models.accounts, "generate_password_hash", _cheap)
    frozen_clock(DAY)
    demo.load_demo(7, today=DAY)
    db.session.commit()
    demo.load_history(today=DAY, seed=7)
    db.session.commit()


def _page_header(html: str) -> tuple[str, int | None, str]:
    section = html[html.index('class="health-card') : html.index("health-reasons")]
    colour = re.search(r"health-card health-(\w+)", section).group(1)
    score = re.search(r"<strong>(\d+)</strong>", section)
    stage = re.search(r'class="badge">([A-Za-z]+)</span>', section)
    return colour, int(score.group(1)) if score else None, stage.group(1).lower() if stage else ""


def _view(row: dict) -> tuple[str, float | None, str]:
    return row["colour"], row["score"], row["stage"] or ""


def _agree(page: tuple[str, int | None, str], record: tuple[str, float | None, str]) -> bool:
    """The page shows whole points of the score that the export and the API give to a tenth."""
    (colour, points, stage), (other_colour, score, other_stage) = page, record
    same_score = points is None if score is None else points is not None and abs(points - score) <= 0.5
    return colour == other_colour and stage == other_stage and same_score


def test_every_demo_unit_reads_the_same_on_its_page_in_the_export_and_in_the_api(
    the_demo, app, client, runner, login_as
):
    units = sorted(db.session.scalars(db.select(Unit.key)))
    assert len(units) >= 30
    login_as(Role.ADMIN)
    pages = {key: _page_header(client.get(f"/units/{key}").get_data(as_text=True)) for key in units}
    exported = runner.invoke(args=["health", "export", "--format", "json"])
    assert exported.exit_code == 0, exported.output
    export = {row["unit_key"]: _view(row) for row in json.loads(exported.output) if not row["system_key"]}
    _, secret = tokens.issue_token("one truth", ["read"], None)
    db.session.commit()
    read = {"Authorization": f"Bearer {secret}"}
    machine = app.test_client()  # the API takes a bearer token, never a person's cookie
    listed = {row["unit_key"]: _view(row) for row in machine.get("/api/v1/units", headers=read).get_json()}
    details = {key: _view(machine.get(f"/api/v1/units/{key}/health", headers=read).get_json()["unit"]) for key in units}

    disagreeing = {
        key: (pages[key], export[key], listed[key], details[key])
        for key in units
        if not (export[key] == listed[key] == details[key] and _agree(pages[key], export[key]))
    }
    assert not disagreeing
    assert len({colour for colour, _, _ in pages.values()}) >= 2  # a demo of one colour would prove nothing


def test_no_demo_subscription_is_a_watermelon_and_seat_advice_only_where_seats_count(the_demo, runner):
    exported = runner.invoke(args=["health", "export", "--format", "json"])
    rows = [row for row in json.loads(exported.output) if row["system_key"]]
    subscriptions = {
        (unit_key, system_key): subscription
        for subscription, unit_key, system_key in db.session.execute(
            db.select(Subscription, Unit.key, System.key).join(Unit).join(System)
        )
    }
    mostly_unused = [
        row
        for row in rows
        if gets_seat_advice(subscriptions[(row["unit_key"], row["system_key"])])
        and row["active_people"] * 2 < row["seats"]
    ]
    assert mostly_unused  # the demo has them: the rule is exercised
    assert all(row["colour"] != "green" for row in mostly_unused)
    assert all(
        row["reclaimable_seats"] == 0
        for row in rows
        if not gets_seat_advice(subscriptions[(row["unit_key"], row["system_key"])])
    )

    report = cio.build(date(2026, 10, 1), "Demo", DAY)
    by_names = {(s.unit.name, s.system.name): s for s in subscriptions.values()}
    assert report.licences.renewals
    assert all(gets_seat_advice(by_names[(renewal.unit, renewal.system)]) for renewal in report.licences.renewals)
    cuts = [ask for ask in report.decisions if ask.startswith("Cut ")]
    advised = {f"Cut {r.system} for {r.unit} " for r in report.licences.renewals}
    assert all(any(ask.startswith(prefix) for prefix in advised) for ask in cuts)
