"""One unit record wherever it is read: the unit's page, the health export, the API's unit list and the unit's
health endpoint give the same colour, score and stage for every unit (issue 18: the list once reported the
unit's last subscription instead of the unit)."""

from __future__ import annotations

import json
import re

from models import Role, Unit, db
from portal.services.health import engine
from tests.services.health.organisation import AS_OF


def _page_header(client, unit_key: str) -> tuple[str, int | None, str]:
    html = client.get(f"/units/{unit_key}").get_data(as_text=True)
    section = html[html.index('class="health-card') - 8 : html.index("health-reasons")]
    colour = re.search(r"health-card health-(\w+)", section).group(1)
    score = re.search(r"<strong>(\d+)</strong>", section)
    stage = re.search(r'class="badge">([A-Za-z]+)</span>', section)
    return colour, int(score.group(1)) if score else None, stage.group(1).lower() if stage else ""


def _rounded(score: float | None) -> int | None:
    return None if score is None else round(score)


def test_page_export_api_list_and_api_detail_give_each_unit_the_same_record(
    scored, app, client, runner, login_as, make_token, make_system, make_subscription
):
    # A second, unused system on every unit, last in key order: grey beside the unit's own colour. The old list
    # took the last record that carried the unit's key, which was this subscription's.
    unused = make_system(key="zz-unused", name="Unused tool")
    for unit in db.session.scalars(db.select(Unit)):
        make_subscription(unit=unit, system=unused, seats=3)
    result = engine.recompute(AS_OF)
    db.session.commit()
    by_id = {unit.id: unit.key for unit in db.session.scalars(db.select(Unit))}
    truths = {by_id[unit_id]: record for unit_id, record in result.unit_records.items()}
    login_as(Role.ADMIN)
    units = sorted(by_id.values())
    assert len(units) > 3
    exported = runner.invoke(args=["health", "export", "--format", "json"])
    assert exported.exit_code == 0, exported.output
    export = {row["unit_key"]: row for row in json.loads(exported.output) if not row["system_key"]}
    pages = {key: _page_header(client, key) for key in units}  # before the API: its anonymous user stays in `g`
    _, read = make_token("read")
    machine = app.test_client()  # the API takes a bearer token, never the signed-in person's cookie
    listed = {row["unit_key"]: row for row in machine.get("/api/v1/units", headers=read).get_json()}

    differing_from_a_subscription = 0
    for key in units:
        truth = truths[key]
        detail = machine.get(f"/api/v1/units/{key}/health", headers=read).get_json()["unit"]
        views = {
            "page": pages[key],
            "export": (export[key]["colour"], _rounded(export[key]["score"]), export[key]["stage"]),
            "api list": (listed[key]["colour"], _rounded(listed[key]["score"]), listed[key]["stage"]),
            "api detail": (detail["colour"], _rounded(detail["score"]), detail["stage"]),
        }
        expected = (truth.colour, _rounded(truth.score), truth.stage or "")
        assert all(view == expected for view in views.values()), (key, expected, views)
        differing_from_a_subscription += truth.colour != "grey"
    assert differing_from_a_subscription > 3  # units whose colour is not their unused subscription's
