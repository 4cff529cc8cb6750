"""The stored explanation, typed: to_json gives the stored JSON, from_json reads it back (old rows too)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from portal.services.health.explanation import Explanation, MeasureLine, RollUpPart
from portal.services.health.measures import depth

text = st.text(max_size=30)
number = st.floats(allow_nan=False, allow_infinity=False, min_value=-1000, max_value=1000)
lines = st.builds(
    MeasureLine,
    key=st.sampled_from(["seat_utilisation", "habit", "depth", "key_users", "trend", "custom_measure"]),
    raw=st.none() | number,
    score=st.none() | number,
    weight=number,
    share=number,
    contribution=number,
    change=st.none() | number,
    reason=text,
    critical=st.booleans(),
    unused=st.lists(text, max_size=3).map(tuple),
)
parts = st.builds(
    RollUpPart,
    unit_key=text,
    system_key=text,
    name=text,
    score=st.none() | number,
    colour=st.sampled_from(["green", "yellow", "red", "grey"]),
    stage=st.none() | st.sampled_from(["onboarding", "adoption", "decline"]),
    seats=st.integers(min_value=0, max_value=10_000),
)
subscriptions = st.builds(
    Explanation,
    measures=st.lists(lines, max_size=9).map(tuple),
    lift=st.none() | text,
    stage_reason=text,
    playbook=text,
    window_start=st.dates().map(lambda day: day.isoformat()),
    cadence=st.sampled_from(["daily", "weekly", "monthly"]),
)
units = st.builds(Explanation, playbook=text, children=st.lists(parts, max_size=5).map(tuple))


@given(subscriptions | units)
def test_an_explanation_reads_back_as_it_was_stored(explanation):
    stored = explanation.to_json()
    assert Explanation.from_json(stored) == explanation
    assert Explanation.from_json(stored).to_json() == stored


def test_a_subscription_s_explanation_is_stored_with_today_s_keys_in_their_order():
    line = MeasureLine("habit", 0.5, 62.5, 20.0, 0.25, 15.62, 0.0, "most days", False)
    stored = Explanation((line,), "more habit", "live since May", "keep going", "2026-07-01", "weekly").to_json()
    assert list(stored) == ["measures", "lift", "stage_reason", "playbook", "window_start", "cadence"]
    assert list(stored["measures"][0]) == [
        "key",
        "raw",
        "score",
        "weight",
        "share",
        "contribution",
        "change",
        "reason",
        "critical",
    ]


def test_a_unit_s_explanation_is_stored_as_its_parts_and_playbook():
    part = RollUpPart("sales", "crm", "CRM", 71.25, "green", "adoption", 40)
    stored = Explanation(playbook="train", children=(part,)).to_json()
    assert stored == {
        "children": [
            {
                "unit_key": "sales",
                "system_key": "crm",
                "name": "CRM",
                "score": 71.25,
                "colour": "green",
                "stage": "adoption",
                "seats": 40,
            }
        ],
        "playbook": "train",
    }
    assert Explanation(children=()).to_json() == {"children": [], "playbook": ""}


def test_an_explanation_stored_by_an_older_version_reads_back_with_defaults():
    old = {"measures": [{"key": "habit", "score": 40.0, "reason": "two days a month"}], "lift": None}
    explanation = Explanation.from_json(old)
    (habit,) = explanation.measures
    assert habit == MeasureLine("habit", score=40.0, reason="two days a month")
    assert (habit.critical, habit.unused, habit.change, habit.weight) == (False, (), None, 0.0)
    assert explanation.children is None and explanation.cadence == "" and explanation.playbook == ""
    assert explanation.measure("habit") is habit and explanation.measure("depth") is None
    assert Explanation.from_json({}) == Explanation() == Explanation.from_json(None)
    assert Explanation.from_json({"playbook": "call", "children": [{"name": "CRM"}]}).children == (
        RollUpPart("", "", "CRM", None, "grey", None, 0),
    )


def test_critical_signals_are_the_measures_that_cap_the_colour():
    capping = MeasureLine("key_users", score=10.0, critical=True)
    explanation = Explanation((MeasureLine("habit", score=90.0), capping))
    assert explanation.critical_signals == (capping,)
    assert capping.label == "Key users" and MeasureLine("custom_measure").label == "custom measure"


def test_the_unused_core_modules_are_data_beside_the_words():
    measure = depth(["orders"], ["orders", "analytics", "mobile"])
    assert measure.unused == ("analytics", "mobile")
    assert "(not: analytics, mobile)" in measure.reason
    assert depth(["orders"], ["orders"]).unused == ()


def test_a_unit_s_money_and_colour_note_round_trip_and_older_rows_read_without_them():
    part = RollUpPart("field", "ifs-fsm", "IFS FSM", 30.0, "red", "decline", 5, (("EUR", 186_000.0),))
    note = "Yellow although 83: IFS FSM holds 186 k of 412 k EUR a year and is red"
    explanation = Explanation(playbook="call", children=(part,), colour_note=note)
    stored = explanation.to_json()
    assert stored["colour_note"] == note and stored["children"][0]["money"] == {"EUR": 186_000.0}
    assert Explanation.from_json(json.loads(json.dumps(stored))) == explanation
    older = {"children": [{"unit_key": "field", "name": "IFS FSM", "colour": "red", "seats": 5}], "playbook": "call"}
    read = Explanation.from_json(older)
    assert read.colour_note == "" and read.children == (RollUpPart("field", "", "IFS FSM", None, "red", None, 5),)
    assert read.children[0].money == ()
