"""Admin pages for the scoring profiles: an edit adds a version, bad input is refused, scores name the version."""

import pytest
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
    assert row.seats_critical_below == 0.5  # left out of the post: the value in force is kept
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


def test_the_share_of_seats_below_which_unused_seats_are_critical_is_a_versioned_setting(client, admin, audit_entries):
    form = client.get("/admin/scoring/adoption/edit").get_data(as_text=True)
    assert 'name="seats_critical_below"' in form and 'value="50.0"' in form
    assert "at exactly this share it is not" in form  # the help text says which side the boundary is on
    before = profiles.current_rows()[Stage.ADOPTION].version
    response = client.post("/admin/scoring/adoption/edit", data=_form(seats_critical_below="30"))
    assert response.status_code == 303
    row = profiles.current_rows()[Stage.ADOPTION]
    assert row.version > before and row.seats_critical_below == 0.3
    assert audit_entries("scoring_profile")[-1].changes["seats_critical_below"] == 0.3
    assert profiles.current_profiles()[Stage.ADOPTION].seats_critical_below == 0.3
    page = client.get("/admin/scoring").get_data(as_text=True)
    assert "Seats used below which unused seats are critical" in page and ">30%<" in page
    assert 'value="30.0"' in client.get("/admin/scoring/adoption/edit").get_data(as_text=True)


def test_a_seat_share_outside_0_to_100_percent_is_refused_in_words(client, admin):
    profiles.current_rows()
    db.session.commit()  # the defaults stored, so that only a refused edit could change the count
    versions = db.session.scalar(select(func.count()).select_from(ScoringProfile))
    for value, words in (("150", "Number must be between 0 and 100."), ("", "This field is required."), ("x", "")):
        response = client.post("/admin/scoring/growth/edit", data=_form(seats_critical_below=value))
        assert response.status_code == 200, value
        assert words in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ScoringProfile)) == versions


def test_the_service_refuses_a_seat_share_outside_0_to_1():
    weights = {key: 1.0 for key in profiles.MEASURE_KEYS}
    with pytest.raises(profiles.ProfileError, match="from 0 to 1"):
        profiles.save_profile(Stage.GROWTH, weights, 70, 45, 0.5, None, seats_critical_below=1.5)
