"""The record of the scheduled jobs' runs, and the rule that makes each scheduled time run once.

A scheduler claims a scheduled time by inserting its run (the job and the time are unique together) in a
transaction of its own; a second scheduler — should the lock ever let one through — fails the insert and
leaves the time alone. A person's "run now" is a queued run that the scheduler process picks up.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from models import Account, JobRun, JobRunStatus, JobTrigger, db
from portal import clock
from portal.services.platform import audit

RECENT_RUNS = 20
SCHEDULER_WAIT_SECONDS = 60  # a queued run waiting longer than this suggests no scheduler is running


def runner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def claim(job: str, scheduled_for: datetime, trigger: JobTrigger = JobTrigger.SCHEDULE) -> JobRun | None:
    """The run of `job` for its time `scheduled_for`, now this process's; None when another has it already."""
    run = JobRun(
        job=job,
        scheduled_for=scheduled_for,
        trigger=trigger.value,
        status=JobRunStatus.RUNNING.value,
        started_at=clock.now(),
        runner=runner_name(),
    )
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def request(job: str, actor: Account) -> JobRun:
    """A person's "run now": queued for the scheduler process (the caller commits)."""
    run = JobRun(job=job, trigger=JobTrigger.MANUAL.value, status=JobRunStatus.QUEUED.value, requested_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "run_now", "job", job, {"run": [None, run.id]})
    return run


def take_queued() -> JobRun | None:
    """The oldest queued run, now this process's (an UPDATE that only one process can win)."""
    for run_id in db.session.scalars(
        select(JobRun.id).where(JobRun.status == JobRunStatus.QUEUED.value).order_by(JobRun.id).limit(5)
    ).all():
        taken = db.session.execute(
            update(JobRun)
            .where(JobRun.id == run_id, JobRun.status == JobRunStatus.QUEUED.value)
            .values(status=JobRunStatus.RUNNING.value, started_at=clock.now(), runner=runner_name())
        )
        db.session.commit()
        if taken.rowcount == 1:
            return db.session.get(JobRun, run_id)
    return None


def finish(run: JobRun, outcome: str = "", error: str = "") -> None:
    run.status = (JobRunStatus.FAILED if error else JobRunStatus.SUCCEEDED).value
    run.outcome, run.error = outcome, error
    run.finished_at = clock.now()
    db.session.commit()


def has_run(job: str, scheduled_for: datetime) -> bool:
    return (
        db.session.scalar(
            select(func.count()).select_from(JobRun).where(JobRun.job == job, JobRun.scheduled_for == scheduled_for)
        )
        > 0
    )


def waits_too_long(run: JobRun, now: datetime) -> bool:
    """Whether a queued run has waited long enough to ask whether the scheduler runs at all."""
    return run.waited(now) > SCHEDULER_WAIT_SECONDS


def recent(job: str | None = None, limit: int = RECENT_RUNS) -> list[JobRun]:
    statement = select(JobRun).order_by(JobRun.id.desc()).limit(limit)
    if job is not None:
        statement = statement.where(JobRun.job == job)
    return list(db.session.scalars(statement))


def latest_by_job() -> dict[str, JobRun]:
    newest = select(JobRun.job, func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    rows = db.session.scalars(select(JobRun).join(newest, newest.c.id == JobRun.id))
    return {run.job: run for run in rows}
