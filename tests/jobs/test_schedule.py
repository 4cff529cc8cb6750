"""The scheduled jobs: registered on their configured times, each doing its work when run."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from jobs import schedule
from models import HealthScore, UsageEvent, db
from portal import clock


def test_every_job_is_installed_on_its_configured_time(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RECOMPUTE_CRON", "5 1 * * *")
    scheduler = BackgroundScheduler(timezone="UTC")
    schedule.install(scheduler, app)
    installed = {job.id: job for job in scheduler.get_jobs()}
    assert set(installed) == {job.name for job in schedule.JOBS} | {"run-now-queue"}
    fields = {field.name: str(field) for field in installed["recompute"].trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("1", "5")


def test_the_nightly_recompute_scores_everything_and_the_cli_runs_it(app, runner, make_subscription, make_person):
    subscription = make_subscription(seats=3)
    make_person(unit=subscription.unit, key="someone")
    db.session.commit()
    result = runner.invoke(args=["jobs", "run-now", "recompute"])
    assert result.exit_code == 0, result.output
    assert "scored 1 subscriptions and" in result.output
    stored = db.session.scalar(select(func.count()).select_from(HealthScore).where(HealthScore.as_of == clock.today()))
    assert stored >= 2  # the subscription and its unit
    listed = runner.invoke(args=["jobs", "list"])
    assert "recompute" in listed.output and "purge-activity" in listed.output


def test_the_purge_job_removes_only_raw_rows_past_retention(app, runner, make_subscription, make_person, run_import):
    subscription = make_subscription(seats=3)
    make_person(unit=subscription.unit, key="someone")
    db.session.commit()
    old, recent = clock.today() - timedelta(days=800), clock.today() - timedelta(days=3)
    key = subscription.system.key
    lines = f"person_key,system_key,occurred_at\nsomeone,{key},{old}\nsomeone,{key},{recent}\n"
    assert run_import("usage", lines).inserted == 2
    result = runner.invoke(args=["jobs", "run-now", "purge-activity"])
    assert result.exit_code == 0 and "removed 1 raw usage rows older than 25 months" in result.output
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == 1


def test_a_bad_schedule_is_named_with_its_setting(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_RECOMPUTE_CRON", "every night")
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 1 and "RAPPORT_JOB_RECOMPUTE_CRON='every night' is not a cron line" in result.output


def test_weekdays_count_as_in_crontab_sunday_being_0_and_7(app, monkeypatch):
    from datetime import UTC, datetime

    monday = datetime(2026, 11, 23, 12, tzinfo=UTC)
    for line, weekday in (("15 3 * * 0", 6), ("15 3 * * 7", 6), ("0 7 * * 1", 0), ("0 8 * * 1-5", 1)):
        monkeypatch.setitem(app.config, "JOB_PURGE_ACTIVITY_CRON", line)
        upcoming = schedule.trigger_for(app, schedule.find("purge-activity")).get_next_fire_time(None, monday)
        assert upcoming.weekday() == weekday, line
