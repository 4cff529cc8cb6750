"""The registry of scheduled jobs and how the one scheduler process runs them.

Each job has a stable id, a cron line (five fields, or six with seconds first) in the configured time zone,
and a grace: how late a run may still start. A scheduled time is claimed in the database before it runs
(portal/services/job_runs.py), so it runs once; a time missed while no scheduler ran is run when one starts,
within the job's grace. A person's "run now" waits in the database until the scheduler picks it up.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from jobs.activity import purge_old_activity
from jobs.health import nightly_recompute
from jobs.reports import freshness_check, monthly_cio_report, weekly_digest
from models import JobRun, JobTrigger
from portal import clock
from portal.services.platform import job_runs

log = logging.getLogger("rapport.jobs")
QUEUE_POLL_SECONDS = 5


@dataclass(frozen=True, slots=True)
class Job:
    name: str  # the stable id
    what: str
    run: Callable[[Flask], str]
    crontab_setting: str  # the config key holding its cron line ("30 2 * * *")
    grace: timedelta  # how late a run may still start (a missed time within it is caught up)


JOBS = (
    Job(
        "recompute",
        "score every subscription and unit from scratch",
        nightly_recompute,
        "JOB_RECOMPUTE_CRON",
        timedelta(hours=6),
    ),
    Job(
        "purge-activity",
        "purge raw usage past its retention",
        purge_old_activity,
        "JOB_PURGE_ACTIVITY_CRON",
        timedelta(days=1),
    ),
    # A week's grace: a scheduler down on the first still sends the month's report when it is back.
    Job(
        "cio-report",
        "make and send the CIO's report of the month before",
        monthly_cio_report,
        "JOB_CIO_REPORT_CRON",
        timedelta(days=7),
    ),
    Job(
        "weekly-digest",
        "send each account manager the week's changes, suggestions and late steps",
        weekly_digest,
        "JOB_DIGEST_CRON",
        timedelta(hours=12),
    ),
    Job(
        "freshness",
        "tell the admins about data feeds gone quiet",
        freshness_check,
        "JOB_FRESHNESS_CRON",
        timedelta(hours=12),
    ),
)


def find(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


class ScheduleError(ValueError):
    pass


def time_zone(app: Flask) -> ZoneInfo:
    name = app.config["SCHEDULER_TIMEZONE"]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"RAPPORT_SCHEDULER_TIMEZONE={name!r} is not a time zone (e.g. Europe/Stockholm)."
        ) from None


OFF = "off"


def is_off(app: Flask, job: Job) -> bool:
    """A job whose cron line is "off" is not scheduled (it can still be run now)."""
    return app.config[job.crontab_setting].strip().lower() == OFF


WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def crontab_weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 is Sunday) in APScheduler 3's words: its numbers count from Monday."""
    return re.sub(r"\d+", lambda found: WEEKDAYS[int(found.group()) % 7], field)


def trigger_for(app: Flask, job: Job) -> CronTrigger:
    line = app.config[job.crontab_setting]
    fields = line.split()
    try:
        if len(fields) not in (5, 6):
            raise ValueError(f"{len(fields)} fields; five are wanted, or six with the seconds first")
        second = fields.pop(0) if len(fields) == 6 else "0"
        minute, hour, day, month, weekday = fields
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=crontab_weekdays(weekday),
            timezone=time_zone(app),
        )
    except ValueError as error:
        raise ScheduleError(
            f"RAPPORT_{job.crontab_setting}={line!r} is not a cron line (minute hour day month weekday): {error}"
        ) from None


def last_due(trigger: CronTrigger, now: datetime, grace: timedelta) -> datetime | None:
    """The latest time the trigger fired at or before `now`, if within `grace`."""
    due = None
    moment = trigger.get_next_fire_time(None, now - grace)
    while moment is not None and moment <= now:
        due = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
    return due


def _perform(app: Flask, job: Job, run: JobRun) -> str | None:
    started = time.perf_counter()
    try:
        outcome = job.run(app)
    except Exception as error:  # a failed run is recorded and the scheduler goes on
        log.exception("job %s failed after %.1f s", job.name, time.perf_counter() - started)
        job_runs.finish(run, error=f"{type(error).__name__}: {error}")
        return None
    log.info("job %s: %s (%.1f s)", job.name, outcome, time.perf_counter() - started)
    job_runs.finish(run, outcome=outcome)
    return outcome


def execute(app: Flask, job: Job, scheduled_for: datetime, trigger: JobTrigger = JobTrigger.SCHEDULE) -> str | None:
    """Run the job for its time, unless that time is claimed already; the outcome, or None."""
    with app.app_context():
        run = job_runs.claim(job.name, scheduled_for.astimezone(UTC), trigger)
        if run is None:
            log.info("job %s for %s: run already", job.name, scheduled_for)
            return None
        return _perform(app, job, run)


def on_schedule(app: Flask, job: Job) -> str | None:
    """What the scheduler calls at a job's time: the run for the time that is due now."""
    due = last_due(trigger_for(app, job), clock.now(), job.grace)
    return execute(app, job, due) if due is not None else None


def next_time(app: Flask, job: Job, now: datetime) -> datetime | None:
    """When the job runs next on its cron line; None when it is off."""
    return None if is_off(app, job) else trigger_for(app, job).get_next_fire_time(None, now)


def catch_up(app: Flask) -> list[str]:
    """At start: each job's latest time within its grace that no scheduler ran (it was down): run it now."""
    done = []
    now = clock.now()
    for job in JOBS:
        if is_off(app, job):
            continue
        due = last_due(trigger_for(app, job), now, job.grace)
        with app.app_context():
            missed = due is not None and not job_runs.has_run(job.name, due.astimezone(UTC))
        if missed and execute(app, job, due, JobTrigger.CATCH_UP) is not None:
            done.append(job.name)
    return done


def run_queued(app: Flask) -> int:
    """Run what people asked for ("run now"), oldest first; returns how many ran."""
    count = 0
    with app.app_context():
        while (run := job_runs.take_queued()) is not None:
            try:
                job = find(run.job)
            except KeyError:
                job_runs.finish(run, error=f"there is no job {run.job!r} any more")
                continue
            _perform(app, job, run)
            count += 1
    return count


def install(scheduler: BaseScheduler, app: Flask) -> None:
    """Every job on its cron line (one instance at a time, late runs coalesced into one), and the queue."""
    for job in JOBS:
        if is_off(app, job):
            continue
        scheduler.add_job(
            on_schedule,
            trigger_for(app, job),
            args=(app, job),
            id=job.name,
            name=job.what,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=int(job.grace.total_seconds()),
            replace_existing=True,
        )
    scheduler.add_job(
        run_queued,
        "interval",
        seconds=QUEUE_POLL_SECONDS,
        args=(app,),
        id="run-now-queue",
        name="the runs people asked for",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )


def run_logged(app: Flask, job: Job) -> str:
    """`flask jobs run-now`: run one job at once in this process, recorded as a person's run."""
    with app.app_context():
        run = job_runs.claim(job.name, clock.now(), JobTrigger.MANUAL)
        assert run is not None  # a time to the microsecond: no other run has it
        outcome = _perform(app, job, run)
        if outcome is None:
            raise RuntimeError(f"job {job.name} failed: {run.error}")
        return outcome
