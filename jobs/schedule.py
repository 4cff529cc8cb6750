"""Which jobs run when: the schedule `flask jobs run` keeps, in UTC, each time configurable."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from jobs.activity import purge_old_activity
from jobs.health import nightly_recompute

log = logging.getLogger("rapport.jobs")


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    what: str
    run: Callable[[Flask], str]
    crontab_setting: str  # the config key holding its crontab line ("30 2 * * *")


JOBS = (
    Job("recompute", "score every subscription and unit from scratch", nightly_recompute, "JOB_RECOMPUTE_CRON"),
    Job("purge-activity", "purge raw usage past its retention", purge_old_activity, "JOB_PURGE_ACTIVITY_CRON"),
)


def find(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


class ScheduleError(ValueError):
    pass


def trigger_for(app: Flask, job: Job) -> CronTrigger:
    line = app.config[job.crontab_setting]
    try:
        return CronTrigger.from_crontab(line, timezone="UTC")
    except ValueError as error:
        raise ScheduleError(
            f"RAPPORT_{job.crontab_setting}={line!r} is not a crontab line (minute hour day month weekday): {error}"
        ) from None


def run_logged(app: Flask, job: Job) -> str:
    """Run one job, logging how it went; an error is logged and the scheduler goes on."""
    started = time.perf_counter()
    try:
        outcome = job.run(app)
    except Exception:
        log.exception("job %s failed after %.1f s", job.name, time.perf_counter() - started)
        raise
    log.info("job %s: %s (%.1f s)", job.name, outcome, time.perf_counter() - started)
    return outcome


def install(scheduler: BaseScheduler, app: Flask) -> None:
    """Add every job; a run missed while the process was down runs once when it is back (within an hour)."""
    for job in JOBS:
        scheduler.add_job(
            run_logged, trigger_for(app, job), args=(app, job), id=job.name, name=job.what,
            coalesce=True, max_instances=1, misfire_grace_time=3600, replace_existing=True,
        )  # fmt: skip
