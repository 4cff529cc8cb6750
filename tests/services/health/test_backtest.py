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


def decline_timeline(people: list[int], warnings: str, stages: str = "") -> list[Week]:
    """Weekly active people and the weeks that carried a decline warning (w), one a week; the quarter's people
    are those active in the last 13 weeks."""
    weeks = []
    for n, active in enumerate(people):
        quarter = max(people[max(0, n - 12) : n + 1])
        stage = "decline" if stages and stages[n] == "d" else "adoption"
        warned = warnings[n] == "w"
        weeks.append(Week(START + timedelta(weeks=n), "yellow", stage, active, quarter, False, warned, active))
    return weeks


def test_an_abandonment_is_graded_from_the_first_warning_to_the_last_use():
    # 20 weeks of 20 people, a slide over 10 weeks to nobody (last use in week 29), then a quarter without anyone.
    people = [20] * 20 + [18, 16, 14, 12, 10, 8, 6, 4, 2, 1] + [0] * 14
    warnings = "-" * 23 + "w" * 10 + "-" * 11  # from week 23, also after the last use
    report = analyse({"lab × jira": decline_timeline(people, warnings)})
    (event,) = report.decline_events
    assert (event.kind, event.on, event.first_warning) == (
        "abandoned",
        START + timedelta(weeks=29),
        START + timedelta(weeks=23),
    )
    assert event.lead_days == 42 and event.graded
    assert report.warned_decline_share == 1 and report.median_decline_lead_days == 42
    (warning,) = report.decline_warnings
    assert warning.borne_out is True and report.false_decline_warning_rate == 0


def test_a_warning_only_after_the_last_use_is_no_warning_but_not_a_false_one():
    people = [20] * 20 + [0] * 14
    report = analyse({"erp × wiki": decline_timeline(people, "-" * 21 + "ww" + "-" * 11)})
    (event,) = report.decline_events
    assert event.kind == "abandoned" and event.first_warning is None and event.lead_days is None
    assert report.warned_declines == [] and report.warned_decline_share == 0
    assert report.false_decline_warnings == [] and report.decline_warnings[0].borne_out is True


def test_declines_without_a_fall_in_people_or_on_a_handful_are_listed_but_not_graded():
    modules_dropped = decline_timeline([30] * 30, "-" * 30, "a" * 25 + "d" * 5)
    handful = decline_timeline([3] * 20 + [2] * 10, "-" * 30, "a" * 25 + "d" * 5)
    people_fell = decline_timeline(
        [30] * 20 + [26, 24, 22, 20, 18, 16, 15, 14, 14, 14], "-" * 21 + "w" * 4 + "-" * 5, "a" * 25 + "d" * 5
    )
    report = analyse({"a × erp": modules_dropped, "b × erp": handful, "c × erp": people_fell})
    assert [event.graded for event in report.decline_events] == [False, False, True]
    assert not report.decline_events[0].people_fell and report.decline_events[1].usual_week == 3
    assert [event.subscription for event in report.graded_declines] == ["c × erp"]
    assert report.decline_events[2].lead_days == 28 and report.warned_decline_share == 1


def test_a_warning_no_decline_followed_is_false_and_a_recent_one_cannot_be_judged_yet():
    people = [20] * 40
    report = analyse({"d × crm": decline_timeline(people, "-" * 5 + "ww" + "-" * 30 + "ww" + "-")})
    first, last = report.decline_warnings
    assert first.borne_out is False and last.borne_out is None
    assert report.false_decline_warning_rate == 1 and report.decline_events == []
