"""Command-line interface: thin click commands over services, grouped per area."""

from flask import Flask

from portal.cli.activity import purge_activity
from portal.cli.demo import demo
from portal.cli.health import backtest_command, health_group, recompute_command
from portal.cli.imports import import_command
from portal.cli.jobs import jobs_group, scheduler_command
from portal.cli.report import report_group
from portal.cli.tokens import tokens_group
from portal.cli.users import create_user, set_password


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(set_password)
    app.cli.add_command(demo)
    app.cli.add_command(import_command)
    app.cli.add_command(purge_activity)
    app.cli.add_command(tokens_group)
    app.cli.add_command(recompute_command)
    app.cli.add_command(health_group)
    app.cli.add_command(backtest_command)
    app.cli.add_command(jobs_group)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(report_group)
