"""`flask recompute` and `flask health export`: health scores as of any date, from the command line."""

from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask.cli import with_appcontext

from models import Colour, db
from portal import clock
from portal.render.csv_export import csv_chunks
from portal.services.health import backtest, engine
from portal.services.health.rollup import Record

EXPORT_FIELDS = (
    "unit_key",
    "system_key",
    "score",
    "colour",
    "stage",
    "seats",
    "active_people",
    "reclaimable_seats",
    "reasons",
)


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
    "--as-of",
    "as_of",
    type=_Day(),
    default=None,
    help="Score as of the end of this day, from the data up to it (default: today).",
)


@click.command("recompute")
@AS_OF
@click.option(
    "--weeks",
    type=click.IntRange(0, 260),
    default=0,
    show_default=True,
    help="Also store the weekly snapshots of this many weeks before, oldest first (after a first import that "
    "brings a history: the trend lines and stage transitions appear at once).",
)
@with_appcontext
def recompute_command(as_of: date | None, weeks: int) -> None:
    """Score every subscription and unit and store the result (the nightly job does the same).

    \b
    Scores, colours and stages depend only on the data up to the as-of day: running it again for the same
    day gives the same result. Within a week the latest run's scores are kept; earlier weeks stay as
    weekly snapshots.
    """
    day = as_of or clock.today()
    if weeks:
        engine.recompute_history(day, weeks, progress=lambda on, result: _report(on, result, brief=on != day))
    else:
        _report(day, engine.recompute(day))
    db.session.commit()


def _report(day: date, result: engine.Computation, brief: bool = False) -> None:
    colours = result.colours
    tally = " · ".join(f"{colour} {colours.get(colour, 0):,}" for colour in Colour)
    if brief:
        click.echo(f"  {day.isoformat()}: {tally}  ({result.seconds:,.1f} s)")
        return
    click.echo(
        f"Scored {len(result.subscription_records):,} subscriptions and {len(result.unit_records):,} units "
        f"as of {day.isoformat()} in {result.seconds:,.1f} s"
    )
    click.echo("  " + tally)


def _records(as_of: date | None) -> list[Record]:
    if as_of is None:
        stored = engine.stored_records(clock.today())
        if stored:
            return stored
        as_of = clock.today()
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


@click.command("backtest")
@click.option(
    "--from", "start", type=_Day(), default=None, help="First week to replay (default: a quarter into the data)."
)
@click.option("--to", "end", type=_Day(), default=None, help="Last week to replay (default: the last day with data).")
@click.option(
    "--horizon-days",
    type=click.IntRange(7, 365),
    default=backtest.HORIZON_DAYS,
    show_default=True,
    help="An alert counts as borne out when a decline or abandonment begins within this many days.",
)
@click.option("--details/--summary", default=True, show_default=True, help="List every event and false alarm.")
@with_appcontext
def backtest_command(start: date | None, end: date | None, horizon_days: int, details: bool) -> None:
    """Replay the history week by week and grade the warnings and colours Rapport would have shown.

    \b
    Two blocks. Decline warnings: of the declines and abandonments, how many the early sign of decline
    announced and how long before (an abandonment: before its last use), and how many warnings no decline
    followed. Any yellow or red: how many days before each event the colour turned yellow or red (without
    turning green in between), and how many runs of yellow/red weeks no decline or abandonment followed
    within the horizon. Nothing is stored.
    """
    window = backtest.default_window(clock.today())
    if window is None:
        raise click.ClickException("There is no usage data to replay.")
    start, end = start or window[0], end or window[1]
    if start > end:
        raise click.ClickException(f"--from {start} is after --to {end}.")
    weeks = (end - start).days // 7 + 1
    if sys.stderr.isatty():
        with click.progressbar(length=weeks, label="Replaying", file=sys.stderr) as bar:
            timelines = backtest.replay(start, end, progress=lambda _: bar.update(1))
    else:
        timelines = backtest.replay(start, end)
    report = backtest.analyse(timelines, horizon_days)
    _print_report(report, start, end, horizon_days, details)


def _print_report(report: backtest.Report, start: date, end: date, horizon_days: int, details: bool) -> None:
    click.echo(f"Replayed {report.weeks} weeks ({start} … {end}) for {report.subscriptions} subscriptions.")
    _print_decline_warnings(report, horizon_days)
    click.echo("")
    click.echo("Any yellow or red:")
    events = report.events
    click.echo(f"  declines and abandonments: {len(events)}")
    if events:
        warned = report.warned
        median = report.median_lead_days
        click.echo(f"  warned in advance (yellow/red before the event): {len(warned)} of {len(events)}")
        click.echo(f"  median lead time: {median:.0f} days" if median is not None else "  median lead time: —")
    judged = report.judged_alarms
    rate = report.false_alarm_rate
    click.echo(f"  alerts (runs of yellow/red weeks): {len(report.alarms)}, of which {len(judged)} can be judged")
    if rate is not None:
        click.echo(f"  false alarms (no decline within {horizon_days} days): {len(report.false_alarms)} ({rate:.0%})")
    if not details:
        return
    if report.decline_events:
        click.echo("\nDeclines and abandonments, and the decline warning before them:")
        for event in report.decline_events:
            lead = "no warning" if not event.lead_days or event.lead_days <= 0 else f"{event.lead_days} days' warning"
            if not event.people_fell:
                lead += ", not graded: the weekly active people did not fall"
            elif not event.graded:
                lead += f", not graded: usually {event.usual_week:g} people a week"
            reference = "last use" if event.kind == "abandoned" else "declined"
            click.echo(f"  {event.on}  {event.kind:<9} {event.subscription}  ({reference}; {lead})")
    if report.false_decline_warnings:
        click.echo("\nFalse decline warnings:")
        for warning in report.false_decline_warnings:
            click.echo(f"  {warning.start} … {warning.end}  {warning.subscription}")
    if events:
        click.echo("\nEvents (any yellow or red):")
        for event in events:
            lead = "no warning" if event.lead_days is None else f"{event.lead_days} days' warning"
            click.echo(f"  {event.on}  {event.kind:<9} {event.subscription}  ({lead})")
    if report.false_alarms:
        click.echo("\nFalse alarms (any yellow or red):")
        for alarm in report.false_alarms:
            click.echo(f"  {alarm.start} … {alarm.end}  {alarm.subscription}")


def _print_decline_warnings(report: backtest.Report, horizon_days: int) -> None:
    """The decline warning graded on its own: declines and abandonments foretold, and how early."""
    graded, small = report.graded_declines, len(report.decline_events) - len(report.graded_declines)
    click.echo("Decline warnings (early sign of decline):")
    why = f"no fall in weekly active people, or fewer than {backtest.MIN_USUAL_PEOPLE}"
    click.echo(
        f"  declines and abandonments: {len(report.decline_events)}, of which {len(graded)} graded"
        + (f" ({small} not: {why})" if small else "")
    )
    share = report.warned_decline_share
    if share is not None:
        click.echo(f"  warned in advance: {len(report.warned_declines)} of {len(graded)} ({share:.0%})")
    lead = report.median_decline_lead_days
    click.echo(
        "  median lead time (before the decline, or an abandonment's last use): "
        + (f"{lead:.0f} days" if lead is not None else "—")
    )
    judged, rate = report.judged_decline_warnings, report.false_decline_warning_rate
    click.echo(f"  warnings (runs of weeks): {len(report.decline_warnings)}, of which {len(judged)} can be judged")
    if rate is not None:
        false = len(report.false_decline_warnings)
        click.echo(f"  false warnings (no decline within {horizon_days} days): {false} ({rate:.0%})")
