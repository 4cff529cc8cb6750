"""The CIO's monthly report: the whole organisation in one document, for a month.

Every figure is read from what Rapport stored up to the month's last day (scores as stored then, tickets,
answers, risks as their dates say), so a month's report made again from the same data has the same figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
    HealthScore,
    MitigationRoute,
    Risk,
    StageTransition,
    Subscription,
    SurveyAnswer,
    System,
    Ticket,
    Unit,
    db,
)
from models.types import as_utc, start_of_day
from portal.charts import build as charts
from portal.charts.shapes import Chart
from portal.formatting import money
from portal.services import risk_escalation
from portal.services.forecast import SAMPLES, Projection, monthly_active, project, seats_at_renewal
from portal.services.health.measures import net_promoter_score
from portal.services.risk_escalation import Month
from portal.services.seat_use import GRADES, money_by_grade, seat_use, unused_by_grade
from portal.services.touchpoints import relationships

COLOURS = ("green", "yellow", "red", "grey")
MOVERS = 5
TOP_RISKS = 10
RENEWAL_DAYS = 90
CUT_SHARE = 0.2  # a renewal to cut: a fifth of its seats or more unused
DECLINE_UNITS = 3  # a system in decline across this many units is the CIO's decision
DEMAND_SHOWN = 8


class ReportError(ValueError):
    pass


def month_of(text: str, today: date) -> date:
    """The month's first day from YYYY-MM; a month not over yet cannot be reported."""
    try:
        first = datetime.strptime(text, "%Y-%m").date()
    except ValueError as error:
        raise ReportError(f"Give the month as YYYY-MM, for example {today:%Y-%m}.") from error
    if _last_day(first) >= today:
        raise ReportError(f"{first:%B %Y} is not over yet: a month is reported once it has ended.")
    return first


def _last_day(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class Shares:
    units: Counter[str]
    seats: Counter[str]
    spend: dict[str, Decimal]  # colour → annual cost (the organisation's main currency)

    def share(self, measure: str, colour: str) -> float:
        values = getattr(self, measure)
        total = sum(values.values())
        return float(values.get(colour, 0)) / float(total) if total else 0.0


@dataclass(frozen=True)
class Mover:
    unit: str
    before: float | None
    now: float | None
    colour_before: str
    colour_now: str
    reason: str

    @property
    def change(self) -> float:
        return (self.now or 0.0) - (self.before or 0.0)


@dataclass(frozen=True)
class RiskLine:
    title: str
    owner: str
    probability: str
    at_stake: str
    plan: str


@dataclass(frozen=True)
class Renewal:
    unit: str
    system: str
    renewal: date
    seats: int
    active: int
    recommended: int
    saving: Decimal
    currency: str
    low: int = 0  # the range of people a month expected at the renewal
    high: int = 0


@dataclass(frozen=True)
class SystemSupport:
    system: str
    tickets: int
    per_100_active: float | None
    median_hours: float | None


@dataclass(frozen=True)
class SystemVoice:
    system: str
    answers: int
    nps: int | None
    csat: float | None
    value: float | None
    nps_before: int | None = None  # the three months before, for the trend
    csat_before: float | None = None


@dataclass(frozen=True)
class SystemDemand:
    system: str
    onboarding_units: int
    tickets_now: int  # in the month
    tickets_ahead: Projection | None  # a month, three months on


@dataclass(frozen=True)
class CioReport:
    month: date
    organisation: str
    made_on: date
    now: Shares
    before: Shares
    stage_moves: Counter[tuple[str, str]]
    risers: list[Mover]
    fallers: list[Mover]
    top_risks: list[RiskLine]
    closed: Counter[str]  # outcome → risks closed in the month
    spend: dict[str, Decimal]
    unused_seats: dict[str, int]  # grade → seats (never used, unused 90 days, unused 30 days)
    reclaimable: dict[str, dict[str, Decimal]]  # grade → currency → a year
    renewals: list[Renewal]
    tickets_by_month: list[tuple[str, int]]
    support: list[SystemSupport]
    hotspots: list[tuple[str, str, int]]
    voice: list[SystemVoice]
    below_target: list[tuple[str, float]]  # furthest below first
    demand: list[SystemDemand] = field(default_factory=list)
    risk_months: list[Month] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    def risk_chart(self) -> Chart:
        return risk_escalation.trend_chart(self.risk_months)

    def health_chart(self) -> Chart:
        rows = []
        for measure, what in (("units", "Units"), ("seats", "Seats"), ("spend", "Licence spend")):
            for shares, when in ((self.before, "a month before"), (self.now, "now")):
                rows.append((f"{what}, {when}", [(colour, shares.share(measure, colour)) for colour in COLOURS]))
        green = self.now.share("seats", "green")
        return charts.share_bars(rows, f"Units, seats and licence spend by health colour at the end of {self.label} "
                                       f"and a month before: {green:.0%} of the seats green now")  # fmt: skip

    @property
    def end(self) -> date:
        return _last_day(self.month)


def _latest(end: date, subscriptions: bool) -> dict[int, HealthScore]:
    """The latest stored score of each subscription (or unit) on or before `end`, within four weeks."""
    column = HealthScore.subscription_id if subscriptions else HealthScore.unit_id
    kind = HealthScore.subscription_id.is_not(None) if subscriptions else HealthScore.system_id.is_(None)
    found: dict[int, HealthScore] = {}
    rows = db.session.scalars(
        select(HealthScore).where(kind, HealthScore.as_of <= end, HealthScore.as_of > end - timedelta(days=28))
        .order_by(HealthScore.as_of)
    )  # fmt: skip
    for row in rows:
        found[getattr(row, column.key)] = row
    return found


def _shares(end: date, subscriptions: list[Subscription], currency: str) -> Shares:
    units = Counter(row.colour for row in _latest(end, subscriptions=False).values())
    by_subscription = _latest(end, subscriptions=True)
    seats: Counter[str] = Counter()
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for subscription in subscriptions:
        row = by_subscription.get(subscription.id)
        colour = row.colour if row else "grey"
        seats[colour] += subscription.seats
        if subscription.system.currency == currency:
            spend[colour] += subscription.effective_annual_cost
    return Shares(units, seats, dict(spend))


def _movers(start: date, end: date, names: dict[int, str]) -> tuple[list[Mover], list[Mover]]:
    before, now = _latest(start - timedelta(days=1), subscriptions=False), _latest(end, subscriptions=False)
    moves = [
        Mover(names[unit_id], before[unit_id].score, row.score, before[unit_id].colour, row.colour,
              (row.reasons or [""])[0])
        for unit_id, row in now.items()
        if row.score is not None and unit_id in before and before[unit_id].score is not None
    ]  # fmt: skip
    risers = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.unit))[:MOVERS]
    fallers = sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.unit))[:MOVERS]
    return risers, fallers


def _risks(start: date, end: date) -> tuple[list[RiskLine], Counter[str], list[Month]]:
    after_end = start_of_day(end + timedelta(days=1))
    rows = db.session.scalars(
        select(Risk).where(Risk.opened_at < after_end).options(
            selectinload(Risk.routes).selectinload(MitigationRoute.steps), selectinload(Risk.unit),
            selectinload(Risk.system), selectinload(Risk.reason), selectinload(Risk.owner))
    ).all()  # fmt: skip
    open_then = [r for r in rows if r.closed_at is None or as_utc(r.closed_at) >= after_end]
    closed = Counter(
        r.outcome for r in rows if r.closed_at is not None and start_of_day(start) <= as_utc(r.closed_at) < after_end
    )
    lines = []
    for risk in sorted(open_then, key=lambda r: (-r.cost_at_stake, r.id))[:TOP_RISKS]:
        steps = [step for route in risk.routes for step in route.steps]
        done = sum(1 for step in steps if step.done_at is not None and as_utc(step.done_at) < after_end)
        title = f"{risk.unit.name} × {risk.system.name}" if risk.system else risk.unit.name
        routes = f"{len(risk.routes)} route{'' if len(risk.routes) == 1 else 's'}"
        lines.append(RiskLine(f"{title}: {risk.reason.name}", risk.owner.name if risk.owner else "—",
                              risk.likelihood.label, money(risk.cost_at_stake, risk.currency),
                              f"{routes}, {done} of {len(steps)} steps done"))  # fmt: skip
    trend = risk_escalation.summarise(rows, end).months  # the twelve months up to this one, by the risks' dates
    return lines, Counter({key: value for key, value in closed.items() if key}), trend


def _renewals(end: date, subscriptions: list[Subscription]) -> list[Renewal]:
    """The renewals of the next 90 days, each with the seats its use will need then (portal/services/forecast.py)."""
    found = []
    series_of: dict[int, dict[int, list[int]]] = {}
    for subscription in subscriptions:
        due = subscription.renewal_date
        if due is None or not (end < due <= end + timedelta(days=RENEWAL_DAYS)) or not subscription.seats:
            continue
        if subscription.unit_id not in series_of:
            series_of[subscription.unit_id] = monthly_active(subscription.unit_id, end)
        series = series_of[subscription.unit_id].get(subscription.system_id, [0] * SAMPLES)
        seen = seats_at_renewal(series, subscription.seats, subscription.effective_annual_cost,
                                subscription.system.currency, due, end)  # fmt: skip
        if seen is None:
            continue
        found.append(Renewal(subscription.unit.name, subscription.system.name, due, subscription.seats,
                             seen.active_now, seen.recommended, seen.saving, subscription.system.currency,
                             round(seen.projection.low), round(seen.projection.high)))  # fmt: skip
    return sorted(found, key=lambda r: (r.renewal, r.unit, r.system))


def _support(start: date, end: date, latest: dict[int, HealthScore], subscriptions: list[Subscription]):
    first = (start - timedelta(days=150)).replace(day=1)  # six months, this one last
    rows = db.session.execute(
        select(Ticket.opened_at, Ticket.resolved_at, Ticket.system_id, Ticket.unit_id)
        .where(Ticket.opened_at >= start_of_day(first), Ticket.opened_at < start_of_day(end + timedelta(days=1)))
    ).all()  # fmt: skip
    months: Counter[date] = Counter(as_utc(row.opened_at).date().replace(day=1) for row in rows)
    labels, cursor = [], first
    while cursor <= start:
        labels.append((cursor.strftime("%b %Y"), months.get(cursor, 0)))
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    in_month = [row for row in rows if as_utc(row.opened_at).date() >= start]
    active: Counter[int] = Counter()
    for subscription in subscriptions:
        row = latest.get(subscription.id)
        active[subscription.system_id] += row.active_people if row else 0
    names = dict(db.session.execute(select(System.id, System.name)).tuples().all())
    units = dict(db.session.execute(select(Unit.id, Unit.name)).tuples().all())
    by_system: dict[int, list] = defaultdict(list)
    for row in in_month:
        by_system[row.system_id].append(row)
    support = []
    for system_id, tickets in by_system.items():
        hours = [(as_utc(t.resolved_at) - as_utc(t.opened_at)).total_seconds() / 3600 for t in tickets
                 if t.resolved_at is not None and t.resolved_at >= t.opened_at]  # fmt: skip
        people = active.get(system_id, 0)
        support.append(SystemSupport(names.get(system_id, "no system"), len(tickets),
                                     100 * len(tickets) / people if people else None,
                                     median(hours) if hours else None))  # fmt: skip
    support.sort(key=lambda line: (-line.tickets, line.system))
    spots = Counter((row.unit_id, row.system_id) for row in in_month)
    hotspots = [(units.get(u, "?"), names.get(s, "no system"), n) for (u, s), n in spots.most_common(5)]
    return labels, support[:12], hotspots


def _answers(start: date, end: date) -> dict[int, dict[str, list[int]]]:
    rows = db.session.execute(
        select(SurveyAnswer.system_id, SurveyAnswer.question, SurveyAnswer.score)
        .where(SurveyAnswer.submitted_at >= start_of_day(start),
               SurveyAnswer.submitted_at < start_of_day(end + timedelta(days=1)))
    ).all()  # fmt: skip
    answers: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for system_id, question, score in rows:
        answers[system_id][question].append(score)
    return answers


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _nps(values: list[int]) -> int | None:
    return round(net_promoter_score(values)) if values else None


def _voice(start: date, end: date) -> list[SystemVoice]:
    names = dict(db.session.execute(select(System.id, System.name)).tuples().all())
    now = _answers(start, end)
    before = _answers((start - timedelta(days=85)).replace(day=1), start - timedelta(days=1))  # three months
    voice = []
    for system_id, questions in now.items():
        earlier = before.get(system_id, {})
        voice.append(SystemVoice(
            names.get(system_id, "no system"), sum(len(v) for v in questions.values()), _nps(questions.get("nps", [])),
            _mean(questions.get("csat", [])), _mean(questions.get("value", [])), _nps(earlier.get("nps", [])),
            _mean(earlier.get("csat", []))))  # fmt: skip
    return sorted(voice, key=lambda line: (-line.answers, line.system))[:12]


def _demand(
    start: date, end: date, latest: dict[int, HealthScore], subscriptions: list[Subscription]
) -> list[SystemDemand]:
    """Per system: the units onboarding it, and its tickets a month projected three months on from six."""
    months, cursor = [], start
    for _ in range(6):
        months.insert(0, cursor)
        cursor = (cursor - timedelta(days=1)).replace(day=1)
    rows = db.session.execute(
        select(Ticket.system_id, Ticket.opened_at)
        .where(Ticket.opened_at >= start_of_day(months[0]), Ticket.opened_at < start_of_day(end + timedelta(days=1)))
    ).all()  # fmt: skip
    counts: dict[int, Counter[date]] = defaultdict(Counter)
    for system_id, opened in rows:
        counts[system_id][as_utc(opened).date().replace(day=1)] += 1
    onboarding: Counter[int] = Counter(
        subscription.system_id for subscription in subscriptions
        if (row := latest.get(subscription.id)) is not None and row.stage == "onboarding"
    )  # fmt: skip
    names = dict(db.session.execute(select(System.id, System.name)).tuples().all())
    found = []
    for system_id in set(counts) | set(onboarding):
        monthly = [counts[system_id].get(month, 0) for month in months]
        ahead = project(monthly, 3) if any(monthly) else None
        found.append(SystemDemand(names.get(system_id, "no system"), onboarding.get(system_id, 0), monthly[-1], ahead))
    found.sort(key=lambda d: (-(d.tickets_ahead.expected if d.tickets_ahead else 0), -d.onboarding_units, d.system))
    return found[:DEMAND_SHOWN]


def _headlines(report: CioReport) -> list[str]:
    lines = []
    for measure, what in (("units", "units"), ("seats", "seats")):
        red_now, red_before = report.now.share(measure, "red"), report.before.share(measure, "red")
        green_now = report.now.share(measure, "green")
        lines.append(f"{green_now:.0%} of the {what} are green and {red_now:.0%} red at the end of {report.label} "
                     f"({red_before:.0%} red a month before).")  # fmt: skip
    if report.fallers:
        worst = report.fallers[0]
        lines.append(
            f"{worst.unit} fell furthest, {abs(worst.change):.0f} points to {worst.colour_now}: {worst.reason}."
        )
    if report.top_risks:
        lines.append(f"{len(report.top_risks)} risks are open; the largest: {report.top_risks[0].title} "
                     f"({report.top_risks[0].at_stake} a year).")  # fmt: skip
    if report.closed:
        told = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.closed.items()))
        lines.append(f"Risks closed in the month: {told}.")
    if sum(report.unused_seats.values()):
        never, quarter, month = (report.unused_seats[grade] for grade in GRADES)
        safe = " and ".join(money(amount, currency) for currency, amount in report.reclaimable[GRADES[0]].items()
                            if amount)  # fmt: skip
        lines.append(f"{never:,} paid seats were never used, {quarter:,} more not in 90 days and {month:,} more not in "
                     f"30 days" + (f"; the never-used ones cost {safe} a year." if safe else "."))  # fmt: skip
    if report.renewals:
        saving = sum((r.saving for r in report.renewals), Decimal(0))
        lines.append(f"{len(report.renewals)} subscriptions renew in the next {RENEWAL_DAYS} days; renewing at the "
                     f"recommended seats would save {money(saving, report.renewals[0].currency)} a year.")  # fmt: skip
    if report.below_target:
        lines.append(f"{len(report.below_target)} units are below the relationship target.")
    return lines


def _decisions(report: CioReport, declining: Counter[str]) -> list[str]:
    asks = [
        f"Cut {r.system} for {r.unit} from {r.seats} to {r.recommended} seats at its renewal on {r.renewal:%-d %b}: "
        f"{r.active} people use it a month, {r.low}–{r.high} expected then; saves {money(r.saving, r.currency)} a year."
        for r in report.renewals if r.seats and (r.seats - r.recommended) / r.seats >= CUT_SHARE
    ]  # fmt: skip
    asks += [f"{system} is in decline in {count} units: decide whether to retrain, replace or retire it."
             for system, count in declining.most_common() if count >= DECLINE_UNITS]  # fmt: skip
    return asks


def build(month: date, organisation: str, made_on: date) -> CioReport:
    start, end = month, _last_day(month)
    subscriptions = db.session.scalars(
        select(Subscription).options(selectinload(Subscription.system), selectinload(Subscription.unit))
    ).all()
    currencies = Counter(subscription.system.currency for subscription in subscriptions)
    currency = currencies.most_common(1)[0][0] if currencies else "EUR"
    names = dict(db.session.execute(select(Unit.id, Unit.name)).tuples().all())
    latest = _latest(end, subscriptions=True)
    moves = Counter(
        (row.from_stage or "new", row.to_stage)
        for row in db.session.scalars(select(StageTransition).where(StageTransition.happened_on.between(start, end),
                                                                    StageTransition.system_id.is_not(None)))
    )  # fmt: skip
    risers, fallers = _movers(start, end, names)
    top_risks, closed, risk_months = _risks(start, end)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    unused: Counter[str] = Counter()
    reclaimable: dict[str, dict[str, Decimal]] = {grade: defaultdict(Decimal) for grade in GRADES}
    declining: Counter[str] = Counter()
    use = seat_use(end)
    for subscription in subscriptions:
        currency = subscription.system.currency
        spend[currency] += subscription.effective_annual_cost
        if subscription.system.license_model == "per_seat" and subscription.seats:
            found = use.get((subscription.unit_id, subscription.system_id))
            unused.update(unused_by_grade(subscription.seats, found))
            for grade, amount in money_by_grade(subscription.seats, subscription.effective_annual_cost, found).items():
                reclaimable[grade][currency] += amount
        row = latest.get(subscription.id)
        if row is not None and row.stage == "decline":
            declining[subscription.system.name] += 1
    labels, support, hotspots = _support(start, end, latest, list(subscriptions))
    figures = relationships(list(names), end)
    below = sorted(((names[unit_id], figure.per_100) for unit_id, figure in figures.items() if figure.below_target),
                   key=lambda pair: (pair[1], pair[0]))  # fmt: skip
    report = CioReport(
        month=month, organisation=organisation, made_on=made_on,
        now=_shares(end, list(subscriptions), currency),
        before=_shares(start - timedelta(days=1), list(subscriptions), currency),
        stage_moves=moves, risers=risers, fallers=fallers, top_risks=top_risks, closed=closed,
        spend=dict(sorted(spend.items())), unused_seats={grade: unused[grade] for grade in GRADES},
        reclaimable={grade: dict(sorted(reclaimable[grade].items())) for grade in GRADES},
        renewals=_renewals(end, list(subscriptions)), tickets_by_month=labels, support=support,
        hotspots=hotspots, voice=_voice(start, end), below_target=below,  # type: ignore[arg-type]
        demand=_demand(start, end, latest, list(subscriptions)), risk_months=risk_months,
    )  # fmt: skip
    report.decisions.extend(_decisions(report, declining))
    report.headlines.extend(_headlines(report))
    return report
