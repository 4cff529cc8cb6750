"""Would Rapport have warned in time? Replays the history week by week and grades what it showed.

For every subscription that later declined (entered the decline stage) or was abandoned (nobody used it any
more, while its system's feed still ran), it finds how many days before the event Rapport first showed yellow
or red without turning green again in between — the lead time. Every run of yellow/red weeks that no decline
or abandonment followed within the horizon is a false alarm.

The decline warning ("early sign of decline") is graded on its own, apart from yellow for other reasons (unused
seats are a licence problem, not a decline forecast): for every decline, how many days before it the first
warning came, and for every abandonment how many days before the *last use* — a warning after the last person
left is no warning. Two kinds of decline are listed but not graded: those of a handful of people (the warning does
not judge so small a base, where one person more or less is the whole swing) and those in which the weekly active
people did not fall (core modules dropped while the people stayed: no count of people foretells that; the
colour block grades them). The analysis is pure; only `replay` reads data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select

from models import Colour, Stage, UsageDaily, db
from portal.services.health.decline import MAX_END_SHARE, MIN_USUAL_PEOPLE
from portal.services.health.engine import compute
from portal.services.health.facts import as_date

ALERT = frozenset({Colour.YELLOW, Colour.RED})
HORIZON_DAYS = 90  # an alert is borne out when a decline or abandonment begins within this many days of it
QUARTER = (1 << 13) - 1  # the last 13 weeks in a person's mask of active weeks
WARM_UP_WEEKS = 13  # the replay starts once a quarter of data exists: before that nothing can be judged
USUAL_SPAN_WEEKS = 26  # a subscription's usual week before an event: the median of the half year before it
FELL_WEEKS = 4  # a decline is one of people when the median of its last 4 weeks fell as far as the warning asks


@dataclass(frozen=True, slots=True)
class Week:
    as_of: date
    colour: str
    stage: str | None
    active_people: int  # in the 30-day window
    active_quarter: int  # in the last 13 weeks: nobody here means the system is no longer used
    stale: bool  # the system's feed had stopped: not the unit's doing
    decline_warning: bool = False  # the score carried an early sign of decline
    active_week: int = 0  # people active in the last 7 days


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


@dataclass(frozen=True, slots=True)
class DeclineEvent:
    subscription: str
    kind: str  # "decline" or "abandoned"
    on: date  # the week it declined, or — for an abandonment — the last week anyone used it
    usual_week: float | None  # the people active in a usual week before it; None: no week before
    people_fell: bool  # abandoned, or the weekly active people fell below the usual: else modules were dropped
    first_warning: date | None  # the first decline warning within the horizon before `on`
    lead_days: int | None

    @property
    def graded(self) -> bool:
        """A fall in people on more than a handful: what a warning on weekly active people can foretell."""
        return self.people_fell and (self.usual_week is None or self.usual_week >= MIN_USUAL_PEOPLE)


@dataclass
class Report:
    weeks: int
    subscriptions: int
    events: list[Event] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    decline_events: list[DeclineEvent] = field(default_factory=list)
    decline_warnings: list[Alarm] = field(default_factory=list)  # runs of weeks with a decline warning

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

    @property
    def graded_declines(self) -> list[DeclineEvent]:
        return [event for event in self.decline_events if event.graded]

    @property
    def warned_declines(self) -> list[DeclineEvent]:
        return [event for event in self.graded_declines if event.lead_days is not None and event.lead_days > 0]

    @property
    def warned_decline_share(self) -> float | None:
        graded = self.graded_declines
        return len(self.warned_declines) / len(graded) if graded else None

    @property
    def median_decline_lead_days(self) -> float | None:
        leads = [event.lead_days for event in self.warned_declines if event.lead_days is not None]
        return median(leads) if leads else None

    @property
    def judged_decline_warnings(self) -> list[Alarm]:
        return [warning for warning in self.decline_warnings if warning.borne_out is not None]

    @property
    def false_decline_warnings(self) -> list[Alarm]:
        return [warning for warning in self.decline_warnings if warning.borne_out is False]

    @property
    def false_decline_warning_rate(self) -> float | None:
        judged = self.judged_decline_warnings
        return len(self.false_decline_warnings) / len(judged) if judged else None


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


def _decline_event(weeks: Sequence[Week]) -> tuple[str, int, int] | None:
    """What the decline warning should have foretold, as (kind, index of the week its lead counts to, index of
    the week it was found): an abandonment, counted to its last use, when there is one; else the first week in
    decline."""
    abandoned = next(
        (
            index
            for index, week in enumerate(weeks)
            if not week.stale and week.active_quarter == 0 and any(w.active_quarter for w in weeks[:index])
        ),
        None,
    )
    if abandoned is not None:
        last_use = next((index for index in range(abandoned, -1, -1) if weeks[index].active_week > 0), abandoned)
        return "abandoned", last_use, abandoned
    declined = next((i for i, week in enumerate(weeks) if not week.stale and week.stage == Stage.DECLINE), None)
    return None if declined is None else ("decline", declined, declined)


def _warning_runs(weeks: Sequence[Week]) -> list[tuple[int, int]]:
    """Maximal runs of weeks that carried a decline warning, as (first index, last index)."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for index, week in enumerate(weeks):
        if week.decline_warning and start is None:
            start = index
        elif not week.decline_warning and start is not None:
            runs.append((start, index - 1))
            start = None
    if start is not None:
        runs.append((start, len(weeks) - 1))
    return runs


def _grade_declines(report: Report, name: str, weeks: Sequence[Week], horizon: timedelta) -> None:
    found = _decline_event(weeks)
    reference = found_day = None
    if found:
        kind, index, found_index = found
        reference, found_day = weeks[index].as_of, weeks[found_index].as_of
        before = [week.active_week for week in weeks[max(0, index - USUAL_SPAN_WEEKS) : index]]
        first = next(
            (week.as_of for week in weeks[: index + 1] if week.decline_warning and reference - week.as_of <= horizon),
            None,
        )
        lead = (reference - first).days if first else None
        usual = median(before) if before else None
        latest = median(week.active_week for week in weeks[max(0, index - FELL_WEEKS + 1) : index + 1])
        fell = kind == "abandoned" or usual is None or latest < MAX_END_SHARE * usual
        report.decline_events.append(DeclineEvent(name, kind, reference, usual, fell, first, lead))
    last_day = weeks[-1].as_of
    for start, end in _warning_runs(weeks):
        begun = weeks[start].as_of
        if reference is not None and found_day is not None and begun <= found_day:
            borne_out: bool | None = reference - begun <= horizon
        elif begun + horizon > last_day:
            borne_out = None
        else:
            borne_out = False
        report.decline_warnings.append(Alarm(name, begun, weeks[end].as_of, borne_out))


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
        _grade_declines(report, name, weeks, horizon)
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
            week = sum(1 for weeks in facts.person_weeks if weeks & 1)
            timelines.setdefault(name, []).append(
                Week(
                    day,
                    record.colour,
                    record.stage,
                    record.active_people,
                    quarter,
                    stale,
                    evaluation.warning is not None,
                    week,
                )
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
