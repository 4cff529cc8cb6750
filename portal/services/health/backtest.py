"""Would Rapport have warned in time? Replays the history week by week and grades the colours it showed.

For every subscription that later declined (entered the decline stage) or was abandoned (nobody used it any
more, while its system's feed still ran), it finds how many days before the event Rapport first showed yellow
or red without turning green again in between — the lead time. Every run of yellow/red weeks that no decline
or abandonment followed within the horizon is a false alarm. The analysis is pure; only `replay` reads data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select

from models import Colour, Stage, UsageDaily, db
from portal.services.health.engine import compute
from portal.services.health.facts import as_date

ALERT = frozenset({Colour.YELLOW, Colour.RED})
HORIZON_DAYS = 90  # an alert is borne out when a decline or abandonment begins within this many days of it
QUARTER = (1 << 13) - 1  # the last 13 weeks in a person's mask of active weeks
WARM_UP_WEEKS = 13  # the replay starts once a quarter of data exists: before that nothing can be judged


@dataclass(frozen=True, slots=True)
class Week:
    as_of: date
    colour: str
    stage: str | None
    active_people: int  # in the 30-day window
    active_quarter: int  # in the last 13 weeks: nobody here means the system is no longer used
    stale: bool  # the system's feed had stopped: not the unit's doing


@dataclass(frozen=True, slots=True)
class Event:
    subscription: str  # "unit_key × system_key"
    kind: str  # "decline" or "abandoned"
    on: date
    first_alert: date | None  # the start of the unbroken yellow/red run that led to it
    lead_days: int | None  # None: the week of the event itself was not yellow or red


@dataclass(frozen=True, slots=True)
class Alarm:
    subscription: str
    start: date
    end: date
    borne_out: bool | None  # None: too recent to tell


@dataclass
class Report:
    weeks: int
    subscriptions: int
    events: list[Event] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)

    @property
    def warned(self) -> list[Event]:
        return [event for event in self.events if event.lead_days is not None and event.lead_days > 0]

    @property
    def median_lead_days(self) -> float | None:
        leads = [event.lead_days for event in self.events if event.lead_days is not None]
        return median(leads) if leads else None

    @property
    def judged_alarms(self) -> list[Alarm]:
        return [alarm for alarm in self.alarms if alarm.borne_out is not None]

    @property
    def false_alarms(self) -> list[Alarm]:
        return [alarm for alarm in self.alarms if alarm.borne_out is False]

    @property
    def false_alarm_rate(self) -> float | None:
        judged = self.judged_alarms
        return len(self.false_alarms) / len(judged) if judged else None


def _event(name: str, weeks: Sequence[Week]) -> tuple[str, int] | None:
    """The first week of a decline or an abandonment (after having been in use), as (kind, index)."""
    used = False
    for index, week in enumerate(weeks):
        if week.stale:
            continue
        if week.stage == Stage.DECLINE:
            return "decline", index
        if used and week.active_quarter == 0:
            return "abandoned", index
        used = used or week.active_quarter > 0
    return None


def _runs(weeks: Sequence[Week]) -> list[tuple[int, int]]:
    """Maximal runs of yellow/red weeks as (first index, last index); grey weeks neither break nor extend."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    last: int | None = None
    for index, week in enumerate(weeks):
        if week.colour in ALERT:
            if start is None:
                start = index
            last = index
        elif week.colour == Colour.GREEN and start is not None and last is not None:
            runs.append((start, last))
            start = last = None
    if start is not None and last is not None:
        runs.append((start, last))
    return runs


def analyse(timelines: Mapping[str, Sequence[Week]], horizon_days: int = HORIZON_DAYS) -> Report:
    """Grade the replayed colours against what happened next (pure)."""
    weeks_seen = max((len(weeks) for weeks in timelines.values()), default=0)
    report = Report(weeks_seen, len(timelines))
    horizon = timedelta(days=horizon_days)
    for name, weeks in sorted(timelines.items()):
        if not weeks:
            continue
        found = _event(name, weeks)
        event_day = weeks[found[1]].as_of if found else None
        runs = _runs(weeks)
        if found:
            kind, index = found
            leading = next((run for run in runs if run[0] <= index <= run[1]), None)
            first_alert = weeks[leading[0]].as_of if leading else None
            lead = (event_day - first_alert).days if first_alert and event_day else None
            report.events.append(Event(name, kind, weeks[index].as_of, first_alert, lead))
        last_day = weeks[-1].as_of
        for start, end in runs:
            begun = weeks[start].as_of
            if event_day is not None and begun <= event_day:
                borne_out: bool | None = event_day - begun <= horizon
            elif begun + horizon > last_day:
                borne_out = None  # the history ends before the horizon: cannot tell yet
            else:
                borne_out = False
            report.alarms.append(Alarm(name, begun, weeks[end].as_of, borne_out))
    return report


def history_span() -> tuple[date, date] | None:
    first, last = db.session.execute(select(func.min(UsageDaily.day), func.max(UsageDaily.day))).one()
    if first is None:
        return None
    return as_date(first), as_date(last)


def replay(
    start: date, end: date, step_days: int = 7, progress: Callable[[date], None] | None = None
) -> dict[str, list[Week]]:
    """Score every subscription as of each week from `start` to `end` (nothing is stored)."""
    timelines: dict[str, list[Week]] = {}
    day = start
    while day <= end:
        result = compute(day)
        for evaluation in result.evaluations:
            facts = evaluation.facts
            if not facts.measured_by_use:
                continue  # never in decline and not "abandoned" for want of use: nothing for its colour to foretell
            name = f"{facts.unit_key} × {facts.system_key}"
            record = result.subscription_records[facts.subscription_id]
            quarter = sum(1 for weeks in facts.person_weeks if weeks & QUARTER)
            stale = evaluation.stale_since is not None
            timelines.setdefault(name, []).append(
                Week(day, record.colour, record.stage, record.active_people, quarter, stale)
            )
        db.session.rollback()  # compute() may have stored the default profiles: keep the replay read-only
        if progress:
            progress(day)
        day += timedelta(days=step_days)
    return timelines


def default_window(today: date) -> tuple[date, date] | None:
    span = history_span()
    if span is None:
        return None
    first, last = span
    return first + timedelta(weeks=WARM_UP_WEEKS), min(last, today)
