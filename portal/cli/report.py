"""`flask report review`: a unit's success review as a PDF, from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from models import Unit, db
from portal import clock
from portal.render import cio_report_pdf, review_pdf
from portal.services.reports import cio as cio_report
from portal.services.reports import reviews

PDF_OUT = click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Where to write the PDF.",
)


@click.group("report")
def report_group() -> None:
    """Reports: a unit's success review, the CIO's monthly report."""


@report_group.command("review")
@click.option("--unit", "unit_key", required=True, help="The unit's key.")
@click.option(
    "--from", "start", default=None, metavar="YYYY-MM-DD", help="First day of the period (default: the last quarter)."
)
@click.option(
    "--to",
    "end",
    default=None,
    metavar="YYYY-MM-DD",
    help="Last day of the period (default: today when --from is given).",
)
@PDF_OUT
@with_appcontext
def review_command(unit_key: str, start: str | None, end: str | None, out: Path) -> None:
    """Write a unit's success review for a period as a PDF (the same document the unit page offers).

    \b
    Example: flask report review --unit technician-scheduling --from 2026-07-01 --to 2026-09-30 --out q3.pdf
    """
    unit = db.session.scalar(select(Unit).where(Unit.key == unit_key))
    if unit is None:
        raise click.BadParameter(f"no unit has the key “{unit_key}”", param_hint="--unit")
    try:
        period = reviews.period_from(start, end, clock.today())
    except reviews.ReviewError as error:
        raise click.UsageError(str(error)) from error
    review = reviews.build(unit, period, current_app.config["ORGANISATION_NAME"], clock.today())
    out.write_bytes(review_pdf.render(review))
    reviews.record_produced(review, None)
    db.session.commit()
    click.echo(f"Wrote the {period.label} review of {unit.name} to {out} ({out.stat().st_size / 1024:,.0f} KiB).")


@report_group.command("cio")
@click.option("--month", "month_text", default=None, metavar="YYYY-MM", help="The month (default: the last one).")
@PDF_OUT
@with_appcontext
def cio_command(month_text: str | None, out: Path) -> None:
    """Write the CIO's monthly report for a month as a PDF (the same data gives the same figures).

    \\b
    Example: flask report cio --month 2026-10 --out cio-2026-10.pdf
    """
    today = clock.today()
    try:
        month = cio_report.month_of(month_text, today) if month_text else cio_report.last_month(today)
    except cio_report.ReportError as error:
        raise click.UsageError(str(error)) from error
    report = cio_report.build(month, current_app.config["ORGANISATION_NAME"], today)
    out.write_bytes(cio_report_pdf.render(report))
    click.echo(f"Wrote the {report.label} report to {out} ({out.stat().st_size / 1024:,.0f} KiB).")
