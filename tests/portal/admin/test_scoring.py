"""Admin pages for the scoring profiles: an edit adds a version, bad input is refused, scores name the version."""

from sqlalchemy import func, select

from models import ScoringProfile, db
from portal import clock
from portal.services.health import engine, profiles
from portal.services.health.stages import Stage


def _form(**changes):
    data = {f"weight_{key}": "10" for key in profiles.MEASURE_KEYS}
    data |= {"green_at": "75", "yellow_at": "50", "min_coverage": "50", "note": "more weight on habit"}
    data |= changes
    return data


def test_the_page_lists_every_stage_with_its_version_in_force(client, admin):
    page = client.get("/admin/scoring").get_data(as_text=True)
    for stage in Stage:
        assert f"Edit {stage.value}" in page
    assert db.session.scalar(select(func.count()).select_from(ScoringProfile)) == len(Stage)  # the defaults, stored
    assert "in force" in page and "Seat utilisation" in page


def test_saving_adds_a_version_that_the_next_scores_record(client, admin, audit_entries, make_subscription):
    before = profiles.current_rows()[Stage.ADOPTION].version
    response = client.post("/admin/scoring/adoption/edit", data=_form(weight_habit="40"))
    assert response.status_code == 303
    row = profiles.current_rows()[Stage.ADOPTION]
    assert row.version > before and row.weights["habit"] == 40 and row.green_at == 75 and row.created_by_id == admin.id
    assert row.note == "more weight on habit"
    assert audit_entries("scoring_profile")[-1].entity_key == f"adoption v{row.version}"
    assert db.session.get(ScoringProfile, row.id) is not None and len(profiles.history(Stage.ADOPTION)) == 2
    make_subscription(seats=3)
    result = engine.compute(clock.today())
    assert {record.profile_version for record in result.subscription_records.values()} <= {
        p.version for p in profiles.current_rows().values()
    }


def test_a_profile_that_could_not_score_is_refused_and_nothing_is_saved(client, admin):
    versions = db.session.scalar(select(func.count()).select_from(ScoringProfile))
    crossed = client.post("/admin/scoring/growth/edit", data=_form(green_at="40", yellow_at="60"))
    assert crossed.status_code == 200 and "thresholds: 0 ≤ yellow &lt; green ≤ 100" in crossed.get_data(as_text=True)
    zero = client.post("/admin/scoring/growth/edit", data=_form(**{f"weight_{k}": "0" for k in profiles.MEASURE_KEYS}))
    assert "at least one measure needs a weight above 0" in zero.get_data(as_text=True)
    negative = client.post("/admin/scoring/growth/edit", data=_form(weight_trend="-5"))
    assert negative.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ScoringProfile)) <= max(versions, len(Stage))
    assert client.get("/admin/scoring/nonsense/edit").status_code == 404
