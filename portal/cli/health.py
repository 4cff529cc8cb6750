"""`flask recompute` and `flask health export`: health scores as of any date, from the command line."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from portal.services.csv_export import csv_chunks
from portal.services.health import engine
from portal.services.health.rollup import Record

EXPORT_FIELDS = (
    "unit_key", "system_key", "score", "colour", "stage", "seats", "active_people", "reclaimable_seats", "reasons",
)  # fmt: skip


class _Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"“{value}” is not a date (YYYY-MM-DD)", param, ctx)


AS_OF = click.option(
    "--as-of", "as_of", type=_Day(), default=None,
    help="Score as of the end of this day, from the data up to it (default: today).",
)  # fmt: skip


@click.command("recompute")
@AS_OF
@with_appcontext
def recompute_command(as_of: date | None) -> None:
    """Score every subscription and unit and store the result (the nightly job does the same).

    \b
    Scores, colours and stages depend only on the data up to the as-of day: running it again for the same
    day gives the same result. Within a week the latest run's scores are kept; earlier weeks stay as
    weekly snapshots.
    """
    day = as_of or engine.today()
    result = engine.recompute(day)
    colours = result.colours
    click.echo(
        f"Scored {len(result.subscription_records):,} subscriptions and {len(result.unit_records):,} units "
        f"as of {day.isoformat()} in {result.seconds:,.1f} s"
    )
    click.echo(
        "  " + " · ".join(f"{colour} {colours.get(colour, 0):,}" for colour in ("green", "yellow", "red", "grey"))
    )


def _records(as_of: date | None) -> list[Record]:
    if as_of is None:
        stored = engine.stored_records(engine.today())
        if stored:
            return stored
        as_of = engine.today()
    result = engine.compute(as_of)
    subscriptions = sorted(result.subscription_records.values(), key=lambda r: (r.unit_key, r.system_key))
    units = sorted(result.unit_records.values(), key=lambda r: r.unit_key)
    return [*subscriptions, *units]


@click.group("health")
def health_group() -> None:
    """Health scores: export them."""


@health_group.command("export")
@AS_OF
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option(
    "--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default: stdout)."
)
@with_appcontext
def export_command(as_of: date | None, output_format: str, output) -> None:  # type: ignore[no-untyped-def]
    """One record per subscription and per unit (system_key empty): score, colour, stage, seats, active
    people, reclaimable seats and the reasons, worst first.

    \b
    Without --as-of: the stored scores (those of the last recompute). With --as-of: computed afresh from
    the data up to that day, without storing anything.
    """
    records = _records(as_of)
    if output_format == "json":
        json.dump([record.export() for record in records], output, ensure_ascii=False, indent=2)
        output.write("\n")
        return
    rows = ([*(record.export()[key] for key in EXPORT_FIELDS[:-1]), " | ".join(record.reasons)] for record in records)
    for chunk in csv_chunks(EXPORT_FIELDS, rows):
        output.write(chunk)
    if output is not sys.stdout:
        click.echo(f"Wrote {len(records):,} records", err=True)
