"""`flask jobs`: the scheduled jobs — list them, run one now, or keep them all running."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs import lock, schedule
from models import db
from portal import clock


class _JobsGroup(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except schedule.ScheduleError as error:
            raise click.ClickException(str(error)) from None


@click.group("jobs", cls=_JobsGroup)
def jobs_group() -> None:
    """Scheduled jobs (the nightly recompute, the activity purge): list them or run one now. `flask scheduler`
    keeps them on their times: cron lines set by RAPPORT_JOB_RECOMPUTE_CRON and RAPPORT_JOB_PURGE_ACTIVITY_CRON,
    in the time zone RAPPORT_SCHEDULER_TIMEZONE (UTC)."""


@jobs_group.command("list")
@with_appcontext
def list_jobs() -> None:
    """Each job, its schedule and its next run."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = clock.now()
    for job in schedule.JOBS:
        upcoming = schedule.next_time(app, job, now)
        if upcoming is None:
            click.echo(f"{job.name:<16} {'off':<14} not scheduled  {job.what}")
            continue
        click.echo(
            f"{job.name:<16} {app.config[job.crontab_setting]:<14} next {upcoming:%Y-%m-%d %H:%M %Z}  {job.what}"
        )


@jobs_group.command("run-now")
@click.argument("name", type=click.Choice([job.name for job in schedule.JOBS]))
@with_appcontext
def run_now(name: str) -> None:
    """Run one job at once, in this process."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"{name}: {schedule.run_logged(app, schedule.find(name))}")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Keep every job on its schedule until stopped (Ctrl-C). One per installation: a second one waits until
    the first stops (a lock in the database, or beside the SQLite file), and web workers schedule nothing.

    At start it runs each job's time it missed while no scheduler ran (within the job's grace); every few
    seconds it runs what people asked for with "run now" on the admin's jobs page.
    """
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # APScheduler logs every five-second look for "run now" twice at INFO, which buries the development
    # server's log under `make run`; rapport.jobs says what each job did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    zone = schedule.time_zone(app)
    held = lock.SchedulerLock(db.engine, Path(app.instance_path))
    held.acquire(waiting=lambda: click.echo("Another scheduler is running; waiting until it stops …"))
    try:
        caught = schedule.catch_up(app)
        if caught:
            click.echo(f"ran the missed times of: {', '.join(caught)}")
        scheduler = BlockingScheduler(timezone=zone)
        schedule.install(scheduler, app)
        now = clock.now()
        for job in schedule.JOBS:
            upcoming = schedule.next_time(app, job, now)
            click.echo(
                f"{job.name}: off"
                if upcoming is None
                else f"scheduled {job.name}: next {upcoming:%Y-%m-%d %H:%M:%S %Z}"
            )
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            click.echo("stopped")
    finally:
        held.release()
