"""Admin page for the scheduled jobs: their times, their recent runs, and "run now"."""

from __future__ import annotations

from flask import abort, current_app, render_template

from jobs import schedule
from portal import clock
from portal.actions import act, actor, see_other
from portal.admin import bp
from portal.services.platform import job_runs


@bp.route("/jobs", endpoint="jobs")
def jobs_index():
    """Each job with its cron line, time zone, next time and last run; the latest runs of all."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = clock.now()
    latest = job_runs.latest_by_job()
    rows = [
        {
            "job": job,
            "line": app.config[job.crontab_setting],
            "last": latest.get(job.name),
            "next": schedule.next_time(app, job, now),
        }
        for job in schedule.JOBS
    ]
    return render_template(
        "admin/jobs.html",
        rows=rows,
        runs=job_runs.recent(),
        zone=app.config["SCHEDULER_TIMEZONE"],
        now=now,
        waits_too_long=job_runs.waits_too_long,
    )


@bp.route("/jobs/<name>/run", methods=["POST"], endpoint="job_run_now")
def job_run_now(name: str):
    """Queue a run for the scheduler process, which picks it up within seconds."""
    try:
        job = schedule.find(name)
    except KeyError:
        abort(404)
    done = f"“{job.what}” is queued: the scheduler runs it within {schedule.QUEUE_POLL_SECONDS} seconds."
    act(lambda: job_runs.request(job.name, actor()), done)
    return see_other("admin.jobs")
