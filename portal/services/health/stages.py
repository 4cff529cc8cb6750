"""Lifecycle stages of a subscription — onboarding, adoption, growth, decline — as pure rules.

Each period (a week) the figures point to a stage: the *signal*. The stage itself only changes once a new
signal has held for a number of periods in a row (hysteresis), so that one odd week moves nothing. Every
decision says why, in words; every stage has a playbook line saying what moves the unit on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models import Stage

PLAYBOOK = {
    Stage.ONBOARDING: "Train the key user first, then the team; agree the key action and check it happens.",
    Stage.ADOPTION: "Make the key action a routine, answer tickets fast, and ask about business value.",
    Stage.GROWTH: "Offer the next modules and advanced features; find pilot users and early adopters.",
    Stage.DECLINE: "Meet the unit head and the key user: find out why, and plan a rescue or an orderly exit.",
}


@dataclass(frozen=True, slots=True)
class StageRules:
    onboarding_days: int = 90  # after go-live (or first use), a subscription is onboarding this long…
    ramp_ratio: float = 0.5  # …and longer while fewer than this share of its expected people are active
    decline_ratio: float = 0.8  # active people below this share of the baseline (not seasonal) is decline…
    decline_min_people: float = 2.0  # …when at least this many people fewer: one person is not a trend
    growth_ratio: float = 1.15  # above this share, or new modules taken up, is growth
    hold_periods: int = 3  # a new signal must hold this many periods in a row before the stage changes


@dataclass(frozen=True, slots=True)
class Period:
    """What one period's figures say, as the stage rules need them."""

    days_live: int | None  # since go-live (or the first use when no go-live is recorded); None: never used
    breadth: float | None  # active ÷ expected people
    trend: float | None  # active people ÷ the unit's baseline
    seasonal: bool = False  # the drop is usual for the unit at this time (see measures.trend)
    adopted: Sequence[str] = ()  # modules newly taken up
    abandoned: Sequence[str] = ()  # core modules dropped
    baseline: float | None = None  # the usual active people the trend compares with
    by_use: bool = True  # False: a system not measured by use (an endpoint agent): no use to read a stage from


@dataclass(frozen=True, slots=True)
class Signal:
    stage: Stage
    reason: str


def signal(period: Period, rules: StageRules = StageRules()) -> Signal:
    """The stage this period's figures point to, and why."""
    if not period.by_use:
        # Nobody "uses" an endpoint agent, so its use can show neither decline nor growth: onboarding until
        # go-live and for its first days after, then routine.
        if period.days_live is None:
            return Signal(Stage.ONBOARDING, "not live yet")
        if period.days_live < rules.onboarding_days:
            return Signal(Stage.ONBOARDING, f"live for {period.days_live} days")
        return Signal(Stage.ADOPTION, "routine: not measured by use")
    if period.days_live is None:
        return Signal(Stage.ONBOARDING, "not in use yet")
    ramping = period.breadth is not None and period.breadth < rules.ramp_ratio
    if period.days_live < rules.onboarding_days:
        return Signal(Stage.ONBOARDING, f"live for {period.days_live} days")
    if period.abandoned:
        return Signal(Stage.DECLINE, f"abandoned: {', '.join(sorted(period.abandoned))}")
    fewer = None if period.baseline is None or period.trend is None else period.baseline * (1 - period.trend)
    if (
        period.trend is not None
        and period.trend < rules.decline_ratio
        and not period.seasonal
        and (fewer is None or fewer >= rules.decline_min_people)
    ):
        return Signal(Stage.DECLINE, f"active people at {period.trend:.0%} of the unit's usual")
    if period.trend is not None and period.trend >= rules.growth_ratio:
        return Signal(Stage.GROWTH, f"active people at {period.trend:.0%} of the unit's usual")
    if period.adopted:
        return Signal(Stage.GROWTH, f"newly adopted: {', '.join(sorted(period.adopted))}")
    if ramping and period.days_live < 2 * rules.onboarding_days:
        return Signal(Stage.ONBOARDING, f"still ramping up: {period.breadth:.0%} of its people active")
    return Signal(Stage.ADOPTION, "routine use")


@dataclass(frozen=True, slots=True)
class Decision:
    stage: Stage
    changed: bool
    reason: str


def decide(current: Stage | None, recent: Sequence[Signal], rules: StageRules = StageRules()) -> Decision:
    """The stage after the latest period, given the signals of the last periods (oldest first).

    A first stage is taken at once. After that a different stage needs its signal to hold for
    `hold_periods` periods in a row; onboarding is left as soon as the signals agree on another stage,
    and never re-entered once left.
    """
    if not recent:
        raise ValueError("a decision needs at least the latest period's signal")
    latest = recent[-1]
    if current is None:
        return Decision(latest.stage, True, latest.reason)
    if latest.stage == current:
        return Decision(current, False, latest.reason)
    if latest.stage == Stage.ONBOARDING:
        return Decision(current, False, f"stays {current.value}: onboarding is not re-entered")
    needed = 1 if current == Stage.ONBOARDING else rules.hold_periods
    held = 0
    for past in reversed(recent):
        if past.stage != latest.stage:
            break
        held += 1
    if held >= needed:
        return Decision(latest.stage, True, f"{latest.reason} ({held} periods in a row)")
    return Decision(
        current, False, f"stays {current.value}: {latest.stage.value} signal for {held} of {needed} periods"
    )
