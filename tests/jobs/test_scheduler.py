"""The scheduler runs each job's time once, however many schedulers and web workers there are; catches up a
time it missed; records every run; and runs what a person asked for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs import lock, schedule
from models import JobRun, JobTrigger, db
from portal.services.platform import job_runs

ROOT = Path(__file__).resolve().parents[2]


def only(app, monkeypatch, **lines: str) -> None:
    """Every job off but the given ones (a job's name with _ for -: its cron line)."""
    for job in schedule.JOBS:
        monkeypatch.setitem(app.config, job.crontab_setting, lines.get(job.name.replace("-", "_"), "off"))


def only_env(**lines: str) -> dict[str, str]:
    """The same for a child process's environment."""
    return {f"RAPPORT_{job.crontab_setting}": lines.get(job.name.replace("-", "_"), "off") for job in schedule.JOBS}


def runs() -> list[JobRun]:
    db.session.rollback()
    return list(db.session.scalars(select(JobRun).order_by(JobRun.id)))


def test_a_scheduled_time_runs_once_even_when_two_schedulers_reach_it(app):
    job = schedule.find("purge-activity")
    due = datetime(2026, 11, 22, 3, 15, tzinfo=UTC)
    outcomes = []

    def reach() -> None:
        outcomes.append(schedule.execute(app, job, due))

    threads = [threading.Thread(target=reach) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(outcome is not None for outcome in outcomes) == 1
    [run] = runs()
    assert (run.job, run.status, run.trigger) == ("purge-activity", "succeeded", "schedule")
    assert run.outcome.startswith("removed 0 raw usage rows") and run.finished_at is not None


def test_a_time_missed_while_no_scheduler_ran_is_run_once_when_one_starts(app, monkeypatch):
    two_hours_ago = datetime.now(schedule.time_zone(app)) - timedelta(hours=2)
    only(app, monkeypatch, recompute=f"{two_hours_ago.minute} {two_hours_ago.hour} * * *")
    assert schedule.catch_up(app) == ["recompute"]
    assert schedule.catch_up(app) == []  # its run is recorded: not twice
    [run] = runs()
    assert (run.job, run.trigger, run.status) == ("recompute", JobTrigger.CATCH_UP, "succeeded")
    assert run.scheduled_for.replace(tzinfo=UTC) == two_hours_ago.replace(second=0, microsecond=0).astimezone(UTC)


def test_a_failed_run_is_recorded_with_its_error_and_the_next_goes_on(app, monkeypatch):
    def broken(_app):
        raise RuntimeError("the disk is full")

    job = schedule.Job("broken", "fails", broken, "JOB_RECOMPUTE_CRON", timedelta(hours=1))
    assert schedule.execute(app, job, datetime(2026, 11, 22, tzinfo=UTC)) is None
    [run] = runs()
    assert (run.status, run.error) == ("failed", "RuntimeError: the disk is full")


def test_run_now_waits_for_the_scheduler_which_runs_it_once(app, make_account):
    admin = make_account(role="admin")
    job_runs.request("recompute", admin)
    db.session.commit()
    assert [run.status for run in runs()] == ["queued"]
    assert schedule.run_queued(app) == 1
    assert schedule.run_queued(app) == 0
    [run] = runs()
    assert (run.status, run.trigger, run.requested_by_id) == ("succeeded", "manual", admin.id)
    assert run.outcome.startswith("scored ")


def _env(app, **extra) -> dict[str, str]:
    url = db.engine.url.render_as_string(hide_password=False)
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-only",
        "RAPPORT_ENV": "production",
        "FLASK_APP": "wsgi",
        **extra,
    }


@pytest.mark.slow
def test_a_second_scheduler_waits_for_the_lock(app, tmp_path):
    holder = subprocess.Popen(  # noqa: S603 — our own interpreter
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom jobs.lock import SchedulerLock\nfrom wsgi import app\n"
            "from models import db\nfrom pathlib import Path\nwith app.app_context():\n"
            "    held = SchedulerLock(db.engine, Path(sys.argv[1]))\n    held.acquire()\n"
            "    print('held', flush=True)\n    time.sleep(30)\n",
            str(tmp_path),
        ],
        env=_env(app),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        mine = lock.SchedulerLock(db.engine, tmp_path)
        assert mine.try_acquire() is False
    finally:
        holder.send_signal(signal.SIGKILL)  # however it dies, the lock goes with it
        holder.wait(10)
        holder.stdout.close()
    deadline = time.monotonic() + 10
    while not mine.try_acquire():
        assert time.monotonic() < deadline, "the lock outlived its holder"
        time.sleep(0.2)
    mine.release()


@pytest.mark.slow
def test_two_schedulers_and_three_web_workers_run_each_time_exactly_once(app):
    """Every two seconds for a few seconds, with two `flask scheduler` processes and a gunicorn with three
    workers on the same database: every time runs once, all by the scheduler holding the lock."""
    env = _env(app, **only_env(purge_activity="*/2 * * * * *"))
    started = datetime.now(UTC)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", "127.0.0.1:0", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    schedulers = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "scheduler"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and len([r for r in runs() if r.job == "purge-activity"]) < 4:
            time.sleep(0.5)
    finally:
        for process in (*schedulers, web):
            process.send_signal(signal.SIGTERM)
        for process in (*schedulers, web):
            process.wait(20)
    done = [run for run in runs() if run.job == "purge-activity"]  # on schedule, and the first one's catch-up
    assert len(done) >= 4
    times = [run.scheduled_for for run in done]
    assert len(set(times)) == len(times)  # each time once
    assert len({run.runner for run in done}) == 1  # the lock holder alone
    assert all(run.status == "succeeded" for run in done)
    assert all(run.scheduled_for.replace(tzinfo=UTC) >= started - timedelta(seconds=2) for run in done)
    assert all(run.scheduled_for.second % 2 == 0 for run in done)


def test_the_admin_sees_the_jobs_and_asks_for_a_run(client, login_as, app):
    login_as("admin")
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "recompute" in page and "purge-activity" in page and "never" in page
    assert client.post("/admin/jobs/recompute/run").status_code == 303
    assert client.post("/admin/jobs/nothing/run").status_code == 404
    assert "Queued" in client.get("/admin/jobs").get_data(as_text=True)
    schedule.run_queued(app)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Succeeded" in page and "run now" in page
