"""The backtest's grading (pure), and a replay of the scenario organisation through the real engine."""

from __future__ import annotations

from datetime import date, timedelta

from portal.services.health import backtest
from portal.services.health.backtest import Week, analyse

START = date(2026, 1, 2)


def timeline(colours: str, stages: str = "", quarter: list[int] | None = None) -> list[Week]:
    """g/y/r/- colours and a/d stages, one letter a week."""
    names = {"g": "green", "y": "yellow", "r": "red", "-": "grey"}
    weeks = []
    for n, letter in enumerate(colours):
        stage = "decline" if stages and stages[n] == "d" else "adoption"
        active = quarter[n] if quarter else 10
        weeks.append(Week(START + timedelta(weeks=n), names[letter], stage, active, active, False))
    return weeks


def test_lead_time_is_counted_from_the_start_of_the_unbroken_warning():
    report = analyse({"a × crm": timeline("ggyyyrr", "aaaaadd")})
    (event,) = report.events
    assert (event.kind, event.on, event.first_alert, event.lead_days) == (
        "decline",
        START + timedelta(weeks=5),
        START + timedelta(weeks=2),
        21,
    )
    assert report.warned == [event] and report.median_lead_days == 21
    (alarm,) = report.alarms
    assert alarm.borne_out is True and report.false_alarm_rate == 0


def test_a_warning_broken_by_green_does_not_count_and_an_unfollowed_alert_is_a_false_alarm():
    report = analyse({"b × crm": timeline("gyg" + "g" * 15 + "ggy", "a" * 20 + "d")})
    (event,) = report.events
    assert event.lead_days == 0 and report.warned == []  # yellow only in the week it declined
    first, last = report.alarms
    assert first.borne_out is False and last.borne_out is True
    assert report.false_alarm_rate == 0.5


def test_abandonment_needs_a_quarter_without_anyone_and_recent_alerts_cannot_be_judged_yet():
    used_then_gone = analyse({"c × legacy": timeline("gggyy", quarter=[5, 4, 3, 1, 0])})
    (event,) = used_then_gone.events
    assert (event.kind, event.lead_days) == ("abandoned", 7)
    never_used = analyse({"d × legacy": timeline("---", quarter=[0, 0, 0])})
    assert never_used.events == []
    recent = analyse({"e × crm": timeline("ggggy")})
    assert recent.alarms[0].borne_out is None and recent.false_alarm_rate is None


def test_the_replay_warns_of_the_scenario_decline(scored):
    timelines = backtest.replay(date(2026, 5, 7), date(2026, 8, 20))
    report = analyse(timelines)
    declining = [event for event in report.events if event.subscription == "declining × crm"]
    assert declining and declining[0].kind == "decline" and declining[0].first_alert is not None
    assert not [event for event in report.events if event.subscription.startswith(("steady", "august"))]
