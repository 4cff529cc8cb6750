"""`flask create-user` and `flask set-password`: accounts for a real installation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from models import Role, db
from portal.services.platform import accounts


def _ask_or_generate_password(generate: bool) -> tuple[str, bool]:
    if generate:
        return accounts.generate_password(), True
    password = click.prompt(
        "Password (leave empty to generate one)",
        hide_input=True,
        confirmation_prompt=True,
        default="",
        show_default=False,
    )
    if not password:
        return accounts.generate_password(), True
    return password, False


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="What the account may use.",
)
@click.option(
    "--unit",
    "unit_keys",
    multiple=True,
    metavar="UNIT_KEY",
    help="A unit a department head may see (repeat for several).",
)
@click.option("--name", default="", help="Display name (defaults to the email).")
@click.option("--generate-password", is_flag=True, help="Generate a password instead of asking for one.")
@with_appcontext
def create_user(email: str, role: str, unit_keys: tuple[str, ...], name: str, generate_password: bool) -> None:
    """Create a login account (asks for the password, or generates and prints one)."""
    try:
        units = accounts.units_by_keys(unit_keys)
        password, generated = _ask_or_generate_password(generate_password)
        account = accounts.create_account(email, name, role, units=units, password=password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {account.email} ({Role(account.role).label}).")
    if generated:
        click.echo(f"Password: {password}")


@click.command("set-password")
@click.argument("email")
@click.option("--generate-password", is_flag=True, help="Generate a password instead of asking for one.")
@with_appcontext
def set_password(email: str, generate_password: bool) -> None:
    """Set a new password for an account (asks for it, or generates and prints one)."""
    account = accounts.find_account(email)
    if account is None:
        raise click.ClickException(f"No account with the email {accounts.normalise_email(email)}.")
    password, generated = _ask_or_generate_password(generate_password)
    try:
        accounts.set_password(account, password)
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Password set for {account.email}.")
    if generated:
        click.echo(f"Password: {password}")
