"""`flask demo`: the demo organisation, and a way back in when its passwords scrolled away."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from models import Role, db
from portal import clock
from portal.render import cio_report_pdf
from portal.services import demo as demo_service
from portal.services.demo import DemoCredential, DemoError, DemoResult

PORTAL_URL = "http://127.0.0.1:5000"


def _echo_credentials(credentials: list[DemoCredential]) -> None:
    rows = [("Role", "Email", "Password"), *((c.role.label, c.email, c.password) for c in credentials)]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for role, email, password in rows:
        click.echo(f"  {role:<{widths[0]}}  {email:<{widths[1]}}  {password}")


def _echo_loaded(result: DemoResult) -> None:
    click.echo(f"Demo organisation loaded (seed {result.seed}):")
    click.echo(
        f"  {result.units} units · {result.systems} systems · {result.subscriptions} subscriptions · "
        f"{result.people:,} people · {result.accounts} accounts"
    )
    click.echo("")
    _echo_credentials(result.credentials)
    click.echo("")
    click.echo(f"Sign in at {PORTAL_URL}")
    click.echo("The passwords are stored only hashed and shown this once; `flask demo --new-passwords` sets new ones.")


def _echo_already_loaded() -> None:
    found = demo_service.printed_accounts()
    if not found:
        click.echo("The database already has data; the demo was not loaded.")
        return
    click.echo("The demo organisation is already loaded. Its accounts:")
    width = max(len(role.label) for role in Role)
    for role, account in found:
        click.echo(f"  {role.label:<{width}}  {account.email}")
    click.echo(
        "The passwords were printed when the demo was created; run `flask demo --new-passwords` to set new ones."
    )
    click.echo(f"Sign in at {PORTAL_URL}")


def _load_history(seed: int, months: int) -> None:
    click.echo(f"Generating {months} months of activity, tickets and survey answers, and importing them…")
    started = time.monotonic()
    today = clock.today()
    runs = demo_service.load_history(today=today, seed=seed, months=months)
    demo_service.archive_reports(today, months, cio_report_pdf.render)
    db.session.commit()
    for run in runs:
        click.echo(f"  {run.kind:<8} {run.inserted:>9,} rows · {run.status_enum.label}")
    click.echo(f"  in {time.monotonic() - started:,.0f} s (see Admin → Imports)")
    click.echo("")


@click.command("demo")
@click.option(
    "--seed",
    type=int,
    default=demo_service.DEFAULT_SEED,
    show_default=True,
    help="Seed of the generator: the same seed builds the same organisation.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="When the database already holds data, say so and change nothing (what `make run` uses).",
)
@click.option(
    "--new-passwords",
    is_flag=True,
    help="Give the four demo accounts fresh passwords and print them (the old ones stop working).",
)
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Also generate the organisation's past (activity, tickets, surveys) and load it through the importer.",
)
@click.option(
    "--months",
    type=click.IntRange(1, 36),
    default=demo_service.HISTORY_MONTHS,
    show_default=True,
    help="How many months of past to generate.",
)
@with_appcontext
def demo(seed: int, if_empty: bool, new_passwords: bool, history: bool, months: int) -> None:
    """Load the demo organisation into an empty database and print its accounts' passwords."""
    try:
        if new_passwords:
            credentials = demo_service.new_passwords()
            db.session.commit()
            click.echo("New passwords for the demo accounts (stored only hashed):")
            _echo_credentials(credentials)
            click.echo(f"Sign in at {PORTAL_URL}")
        elif if_empty and demo_service.has_data():
            _echo_already_loaded()
        else:
            result = demo_service.load_demo(seed, today=clock.today())
            db.session.commit()
            if history:
                _load_history(seed, months)
            _echo_loaded(result)
    except DemoError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
