"""`flask jobs`: the scheduled jobs — list them, run one now, or keep them all running."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs import schedule


class _JobsGroup(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except schedule.ScheduleError as error:
            raise click.ClickException(str(error)) from None


@click.group("jobs", cls=_JobsGroup)
def jobs_group() -> None:
    """Scheduled jobs (the nightly recompute, the activity purge). Times are UTC crontab lines, set by
    RAPPORT_JOB_RECOMPUTE_CRON and RAPPORT_JOB_PURGE_ACTIVITY_CRON."""


@jobs_group.command("list")
@with_appcontext
def list_jobs() -> None:
    """Each job, its schedule and its next run."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    for job in schedule.JOBS:
        trigger = schedule.trigger_for(app, job)
        upcoming = trigger.get_next_fire_time(None, now)
        click.echo(
            f"{job.name:<16} {app.config[job.crontab_setting]:<14} next {upcoming:%Y-%m-%d %H:%M} UTC  {job.what}"
        )


@jobs_group.command("run-now")
@click.argument("name", type=click.Choice([job.name for job in schedule.JOBS]))
@with_appcontext
def run_now(name: str) -> None:
    """Run one job at once, in this process."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"{name}: {schedule.run_logged(app, schedule.find(name))}")


@jobs_group.command("run")
@with_appcontext
def run_forever() -> None:
    """Keep every job on its schedule until stopped (Ctrl-C). Run exactly one such process per installation,
    beside the web server: the web workers schedule nothing."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = BlockingScheduler(timezone="UTC")
    schedule.install(scheduler, app)
    for job in scheduler.get_jobs():
        click.echo(f"scheduled {job.id}: next {job.next_run_time:%Y-%m-%d %H:%M} UTC" if job.next_run_time else job.id)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("stopped")
