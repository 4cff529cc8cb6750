"""The next step from the reasons, worst first, in IT's words or the department head's."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import Role, Stage
from portal.services.health import measures
from portal.services.health.advice import (
    ADVICE,
    HEAD_PLAYBOOK,
    NO_KEY_ACTION,
    Audience,
    Context,
    audience_of,
    next_steps,
    unit_next_steps,
)
from portal.services.health.explanation import Explanation, MeasureLine
from portal.services.health.rollup import Record
from portal.services.health.stages import PLAYBOOK

CRM = Context(system="CRM", reclaimable_seats=12, top_ticket_category="Login")
MISSED = MeasureLine("key_action", 45.0, 40.0, reason="“planning run” missed: last done 45 days ago", critical=True)
NO_ACTION = MeasureLine("key_action", None, None, reason=NO_KEY_ACTION)
SEATS = MeasureLine("seat_utilisation", 0.4, 32.0, reason="8 of 20 seats used in the last 30 days (12 reclaimable)")
SURGE = MeasureLine(
    "ticket_load", 3.2, 30.0, reason="3.2× the usual tickets in the last 30 days (16 tickets)", critical=True
)
QUIET = MeasureLine("key_users", 0.1, 10.0, reason="key user activity down 90% vs usual", critical=True)
HEALTHY = (
    MeasureLine("habit", 0.9, 100.0, reason="9 of 10 people used it on 3+ days in 30"),
    MeasureLine("breadth", 0.8, 100.0, reason="8 of 10 people active"),
    MeasureLine("key_action", 3.0, 100.0, reason="“planning run” done 3 days ago (every 30 days)"),
)
# IT's words a department head should not have to read, and the measures' keys.
IT_WORDS = ("key action", "ticket", "reclaim", "seat", "service desk", "vendor", "the unit", *ADVICE)


def texts(lines, stage="adoption", audience=Audience.IT, context=CRM) -> list[str]:
    return [step.text for step in next_steps(lines, stage, audience, context)]


def test_the_missing_key_action_asks_to_agree_one_and_a_missed_one_to_restore_it():
    assert measures.key_action(None, None, None, 90).reason == NO_KEY_ACTION  # the words the advice looks for
    assert texts([NO_ACTION])[0].startswith("Agree a key action with the unit: the routine in CRM")
    assert texts([NO_ACTION], audience=Audience.HEAD)[0].startswith("Agree with IT which routine in CRM")
    assert texts([MISSED])[0].startswith("Restore the key action in CRM")
    # "Not seen yet" is a key action that exists: nothing to agree, the stage's playbook stands.
    unseen = MeasureLine("key_action", None, None, reason="“planning run” not seen yet; the data covers 20 days")
    assert texts([unseen]) == [PLAYBOOK[Stage.ADOPTION]]


def test_unused_seats_ask_to_reclaim_or_train_with_the_count():
    assert texts([SEATS]) == [
        "Reclaim or train: 12 seats of CRM unused — reclaim them at the renewal, or train those holding them."
    ]
    assert texts([SEATS], audience=Audience.HEAD)[0].startswith("12 licences of CRM went unused: tell IT who")


def test_a_ticket_surge_names_the_top_category_of_the_window():
    assert texts([SURGE])[0] == (
        "CRM tickets 3.2× usual, most about Login: review Login with the service desk and the vendor, and tell the "
        "unit what is being done."
    )
    assert "most about Login" in texts([SURGE], audience=Audience.HEAD)[0]
    assert texts([SURGE], context=Context("CRM"))[0].startswith("CRM tickets 3.2× usual: find what they have in common")


def test_critical_signals_come_first_then_the_lowest_scores_then_a_key_action_to_agree():
    lines = [NO_ACTION, SEATS, MeasureLine("trend", 0.5, 45.0, reason="active people down 50%"), QUIET, SURGE]
    steps = next_steps(lines, "decline", Audience.IT, CRM)
    assert [step.measure for step in steps] == ["key_users", "ticket_load", "seat_utilisation", "trend", "key_action"]
    assert steps[0].because == "key user activity down 90% vs usual" and steps[0].critical


def test_without_a_reason_holding_the_score_down_the_stage_playbook_stands_for_each_reader():
    for stage in Stage:
        assert texts(HEALTHY, stage.value) == [PLAYBOOK[stage]]
        assert texts(HEALTHY, stage.value, Audience.HEAD) == [HEAD_PLAYBOOK[stage]]
    assert next_steps(HEALTHY, None, Audience.IT) == ()  # no stage, no playbook


def test_a_head_is_advised_in_their_own_words():
    for line in (MISSED, NO_ACTION, SEATS, SURGE, QUIET):
        (step,) = next_steps([line], "adoption", Audience.HEAD, CRM)
        assert not any(word in step.text.casefold() for word in IT_WORDS), step.text
    for text in HEAD_PLAYBOOK.values():
        assert not any(word in text.casefold() for word in IT_WORDS), text
    assert (audience_of(Role.DEPT_HEAD), audience_of(Role.ACCOUNT_MANAGER), audience_of(Role.CIO)) == (
        Audience.HEAD,
        Audience.IT,
        Audience.IT,
    )


LINES = st.builds(
    MeasureLine,
    key=st.sampled_from([*ADVICE, "unknown"]),
    score=st.none() | st.floats(0, 100),
    reason=st.sampled_from(["", NO_KEY_ACTION, "why"]),
    critical=st.booleans(),
)


@given(st.lists(LINES, max_size=9), st.sampled_from(list(Audience)), st.sampled_from([s.value for s in Stage]))
def test_there_is_always_a_step_once_there_is_a_stage_and_every_head_step_is_theirs(lines, audience, stage):
    steps = next_steps(lines, stage, audience, CRM)
    assert steps
    if audience == Audience.HEAD:
        assert not any(key in step.text for step in steps for key in ADVICE)


def record(system: str, colour: str, *lines: MeasureLine, stage: str = "adoption") -> Record:
    return Record("planning", system, system.upper(), 40.0, colour, stage, 10, 5, 0, [], None, Explanation(lines))


def test_a_unit_s_steps_are_its_subscriptions_worst_first_else_its_own_playbook():
    red = record("crm", "red", SEATS)
    yellow = record("erp", "yellow", QUIET, SEATS)
    unit = record("", "red", stage="growth")
    steps = unit_next_steps(unit, [(red, Context("CRM", 12)), (yellow, Context("ERP", 3))], Audience.IT)
    # The critical signal first, then by the subscription's colour: red before yellow for the same measure.
    assert [step.text.split(":")[0] for step in steps] == [
        "Call the key users of ERP",
        "Reclaim or train",
        "Reclaim or train",
    ]
    assert "12 seats of CRM" in steps[1].text and "3 seats of ERP" in steps[2].text
    calm = record("wiki", "green", *HEALTHY)
    assert unit_next_steps(unit, [(calm, Context("Wiki"))], Audience.HEAD) == next_steps((), "growth", Audience.HEAD)
    assert unit_next_steps(None, [], Audience.IT) == ()


@pytest.mark.parametrize("audience", list(Audience))
def test_every_measure_has_advice_for_each_reader(audience):
    for key in ADVICE:
        line = MeasureLine(key, 0.1, 10.0, reason="why", critical=True, unused=("planning",))
        (step,) = next_steps([line], "adoption", audience, CRM)
        assert "CRM" in step.text and step.because == "why"
