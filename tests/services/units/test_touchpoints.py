"""Touchpoints, and the relationship figure: distinct people met in the last quarter per 100 users."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Role, TouchpointKind, db
from portal.services.units import touchpoints

TODAY = date(2026, 11, 23)


@pytest.fixture
def department(make_account, make_unit, make_person):
    manager = make_account(name="Anna Manager")
    department = make_unit(key="ops", name="Operations")
    team = make_unit(key="ops-team", name="Ops team", parent=department)
    other = make_unit(key="finance", name="Finance")
    people = [make_person(unit=department) for _ in range(60)] + [make_person(unit=team) for _ in range(40)]
    outsider = make_person(unit=other)
    return {"manager": manager, "department": department, "team": team, "people": people, "outsider": outsider}


def met(setting, unit, people, day, kind=TouchpointKind.MEETING):
    details = touchpoints.TouchpointDetails(kind, day, setting["manager"].id, [person.id for person in people], "")
    touchpoint = touchpoints.log(unit, details, TODAY, setting["manager"])
    db.session.commit()
    return touchpoint


def test_the_figure_counts_distinct_people_of_the_subtree_met_in_the_last_quarter(department, app):
    app.config["RELATIONSHIP_TARGET_PER_100"] = 2.0
    people = department["people"]
    met(department, department["department"], people[:2], TODAY - timedelta(days=10))
    met(department, department["department"], people[1:3], TODAY - timedelta(days=20), TouchpointKind.TRAINING)
    met(department, department["team"], [people[70]], TODAY - timedelta(days=90))
    met(department, department["department"], people[10:20], TODAY - timedelta(days=91))  # before the quarter
    figures = touchpoints.relationships([department["department"].id, department["team"].id], TODAY)
    whole = figures[department["department"].id]
    assert (whole.people_met, whole.users, whole.per_100, whole.below_target) == (4, 100, 4.0, False)
    team = figures[department["team"].id]
    assert (team.people_met, team.users, team.per_100, team.below_target) == (1, 40, 2.5, False)
    app.config["RELATIONSHIP_TARGET_PER_100"] = 5.0
    assert touchpoints.relationships([department["department"].id], TODAY)[department["department"].id].below_target


def test_a_unit_without_users_has_no_figure(make_unit, app):
    empty = make_unit()
    figure = touchpoints.relationships([empty.id], TODAY)[empty.id]
    assert (figure.per_100, figure.below_target) == (None, False)


@pytest.mark.parametrize(
    ("change", "field"),
    [("future", "happened_on"), ("outsider", "person_ids"), ("nobody", "person_ids"), ("not_it", "it_account_id")],
)
def test_a_touchpoint_names_a_past_day_someone_in_it_and_the_units_own_people(department, make_account, change, field):
    people = [department["people"][0].id]
    it_account = department["manager"].id
    day = TODAY
    if change == "future":
        day = TODAY + timedelta(days=1)
    elif change == "outsider":
        people = [department["outsider"].id]
    elif change == "nobody":
        people = []
    else:
        it_account = make_account(role=Role.DEPT_HEAD.value).id
    details = touchpoints.TouchpointDetails(TouchpointKind.CHECK_IN, day, it_account, people, "")
    with pytest.raises(touchpoints.TouchpointError) as refused:
        touchpoints.log(department["department"], details, TODAY, department["manager"])
    assert refused.value.field == field
