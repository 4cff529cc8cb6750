"""Scheduled jobs: one module per job, each entering an app context and calling a service.

`flask scheduler` runs them all in one long-lived process beside the web server (one such process per
installation: the web workers never schedule anything). `jobs/schedule.py` lists them and when they run.
"""
