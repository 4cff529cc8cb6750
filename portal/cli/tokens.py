"""`flask tokens create|list|revoke`: API tokens for the machines that push data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from models import ApiToken, db
from portal.services.platform import tokens

SCOPE_HELP = "\n".join(f"  {scope:<20} {meaning}" for scope, meaning in tokens.SCOPES)


@click.group("tokens")
def tokens_group() -> None:
    """Create, list and revoke API tokens (docs/api.md)."""


@tokens_group.command(
    "create",
    short_help="Issue a token and print its secret once.",
    help=f"""Issue a token named NAME with the given scopes and print its secret once.

\b
Scopes (repeat --scope for several):
{SCOPE_HELP}
""",
)
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    metavar="SCOPE",
    type=click.Choice([scope for scope, _ in tokens.SCOPES]),
    help="What the token may do (repeat for several).",
)
@with_appcontext
def create_token(name: str, scopes: tuple[str, ...]) -> None:
    try:
        token, secret = tokens.issue_token(name, list(scopes), actor=None)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created token #{token.id} “{token.name}” with scopes: {', '.join(token.scope_list)}.")
    click.echo(f"Secret: {secret}")
    click.echo("Store it now: it will not be shown again (only its hash is kept).")


@tokens_group.command("list")
@with_appcontext
def list_tokens() -> None:
    """List every token: id, name, hint, scopes, last use and whether it is revoked (never the secret)."""
    rows = db.session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id)).all()
    if not rows:
        click.echo("No tokens yet; create one with `flask tokens create NAME --scope …`.")
        return
    for token in rows:
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never used"
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
        click.echo(f"#{token.id}  {token.name}  {token.hint}…  [{' '.join(token.scope_list)}]  {used}  {state}")


@tokens_group.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
@with_appcontext
def revoke(token_id: int) -> None:
    """Revoke the token with this ID (see `flask tokens list`); it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"There is no token #{token_id}; see `flask tokens list`.")
    if tokens.revoke_token(token, actor=None):
        db.session.commit()
        click.echo(f"Revoked token #{token.id} “{token.name}”; it no longer works.")
    else:
        click.echo(f"Token #{token.id} “{token.name}” was already revoked.")
