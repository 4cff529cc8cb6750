"""Lifecycle stages: the rules that point to a stage, and the hysteresis that keeps one odd week from moving it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portal.services.health.stages import PLAYBOOK, Period, Signal, Stage, StageRules, decide, signal


def test_each_stage_has_a_playbook_line():
    assert set(PLAYBOOK) == set(Stage)


def test_the_signals_follow_domain_md():
    assert signal(Period(days_live=20, breadth=0.2, trend=None)).stage == Stage.ONBOARDING
    assert signal(Period(days_live=None, breadth=None, trend=None)).stage == Stage.ONBOARDING
    assert signal(Period(days_live=400, breadth=0.8, trend=1.0)).stage == Stage.ADOPTION
    assert signal(Period(days_live=400, breadth=0.8, trend=1.3)).stage == Stage.GROWTH
    assert signal(Period(days_live=400, breadth=0.8, trend=1.0, adopted=["analytics"])).stage == Stage.GROWTH
    assert signal(Period(days_live=400, breadth=0.8, trend=0.5)).stage == Stage.DECLINE
    assert signal(Period(days_live=400, breadth=0.8, trend=1.0, abandoned=["orders"])).stage == Stage.DECLINE
    # A site silent every August: the drop is the season, not a decline.
    assert signal(Period(days_live=400, breadth=0.1, trend=0.05, seasonal=True)).stage == Stage.ADOPTION
    # A slow rollout stays onboarding a while past its first 90 days.
    assert signal(Period(days_live=120, breadth=0.3, trend=1.0)).stage == Stage.ONBOARDING


def test_one_odd_week_does_not_change_the_stage_but_three_in_a_row_do():
    decline = Signal(Stage.DECLINE, "active people at 50% of the unit's usual")
    adoption = Signal(Stage.ADOPTION, "routine use")
    assert decide(Stage.ADOPTION, [adoption, adoption, decline]).stage == Stage.ADOPTION
    kept = decide(Stage.ADOPTION, [adoption, decline, decline])
    assert not kept.changed and kept.reason == "stays adoption: decline signal for 2 of 3 periods"
    moved = decide(Stage.ADOPTION, [decline, decline, decline])
    assert moved.changed and moved.stage == Stage.DECLINE
    assert moved.reason == "active people at 50% of the unit's usual (3 periods in a row)"


def test_onboarding_ends_as_soon_as_the_signal_says_so_and_is_never_reentered():
    adoption = Signal(Stage.ADOPTION, "routine use")
    assert decide(Stage.ONBOARDING, [adoption]).stage == Stage.ADOPTION
    onboarding = Signal(Stage.ONBOARDING, "still ramping up")
    assert decide(Stage.GROWTH, [onboarding] * 5).stage == Stage.GROWTH


@given(st.lists(st.sampled_from(list(Stage)), min_size=1, max_size=20), st.sampled_from([*Stage, None]))
def test_a_stage_only_changes_after_its_signal_held_long_enough(stages, current):
    rules = StageRules()
    recent = [Signal(stage, "x") for stage in stages]
    decision = decide(current, recent, rules)
    if decision.changed and current not in (None, Stage.ONBOARDING):
        assert stages[-rules.hold_periods :] == [decision.stage] * rules.hold_periods
    if not decision.changed:
        assert decision.stage == current
