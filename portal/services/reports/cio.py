"""The CIO's monthly report: the whole organisation in one document, for a month.

Every figure is read from what Rapport stored up to the month's last day (scores as stored then, tickets,
answers, risks as their dates say), so a month's report made again from the same data has the same figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Row, select
from sqlalchemy.orm import selectinload

from models import (
    Colour,
    HealthScore,
    Risk,
    Subscription,
    System,
    Ticket,
    Unit,
    db,
)
from models.types import as_utc, start_of_day
from portal.charts import build as charts
from portal.charts.shapes import ACCENT, Chart
from portal.formatting import amounts, by_currency, counted, money, money_short, number
from portal.months import last_day, month_starts, shift
from portal.services.catalog.forecast import Projection, project
from portal.services.catalog.seat_use import GRADES
from portal.services.catalog.ticket_figures import median_hours_to_resolve
from portal.services.health.latest import latest_scores
from portal.services.health.stages import Stage
from portal.services.reports.cio_licences import RENEWAL_DAYS, Licences, licences, main_currency
from portal.services.reports.cio_satisfaction import Voice, voice
from portal.services.risks import escalation as risk_escalation
from portal.services.risks.escalation import Month
from portal.services.risks.lifecycle import plan_progress
from portal.services.risks.register import with_plan
from portal.services.units.touchpoints import relationships

COLOURS = tuple(Colour)
NOT_SCORED = "not scored"
STAGES = (*(stage.value for stage in Stage), NOT_SCORED)
# In use, then never used (safe to reclaim), unused 90 days, unused 30 days: darker is safer to reclaim. Not the
# health colours, so that no one reads a seat nobody uses as a unit in the red.
LICENCE_COLOURS = (ACCENT, "#c2410c", "#f08c00", "#f5c26b")
MOVERS = 5
TOP_RISKS = 10
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
    if last_day(first) >= today:
        raise ReportError(f"{first:%B %Y} is not over yet: a month is reported once it has ended.")
    return first


def last_month(today: date) -> date:
    return shift(today, -1)


@dataclass(frozen=True)
class Shares:
    units: Counter[str]
    seats: Counter[str]
    spend: dict[str, Decimal]  # colour → annual cost (the organisation's main currency)
    stages: Counter[str] = field(default_factory=Counter)  # stage → subscriptions (a unit × a system) in it

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
class OpenRisks:
    """The risks open at the month's end: the costliest, their number and money, and those closed in it."""

    top: list[RiskLine]
    count: int
    at_stake: dict[str, Decimal]  # currency → a year
    closed: Counter[str]  # outcome → risks closed in the month
    months: list[Month]  # the twelve months to this one: opened and closed


@dataclass(frozen=True)
class Coverage:
    """A unit below the relationship target, and who looks after it."""

    unit: str
    manager: str
    people_met: int
    users: int
    per_100: float


@dataclass(frozen=True)
class SystemSupport:
    system: str
    tickets: int
    per_100_active: float | None
    median_hours: float | None


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
    risks: OpenRisks
    licences: Licences
    tickets_by_month: list[tuple[str, int]]
    support: list[SystemSupport]
    hotspots: list[tuple[str, str, int]]
    voice: Voice
    below_target: list[Coverage]  # furthest below first
    demand: list[SystemDemand] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"

    def risk_chart(self) -> Chart:
        return risk_escalation.trend_chart(self.risks.months)

    def health_chart(self) -> Chart:
        rows = []
        for measure, what in (("units", "Units"), ("seats", "Seats"), ("spend", "Licence spend")):
            for shares, when in ((self.before, "a month before"), (self.now, "now")):
                rows.append((f"{what}, {when}", [(colour, shares.share(measure, colour)) for colour in COLOURS]))
        green = self.now.share("seats", Colour.GREEN)
        return charts.share_bars(
            rows,
            f"Units, seats and licence spend by health colour at the end of {self.label} "
            f"and a month before: {green:.0%} of the seats green now",
        )

    def licence_chart(self) -> Chart:
        """Where the licence money goes: the costliest systems' spend, split into the seats in use and those
        nobody used, by how safe reclaiming them is."""
        currency, systems = self.licences.currency, self.licences.by_system
        rows = [(m.system, [float(m.in_use)] + [float(m.unused[grade]) for grade in GRADES]) for m in systems]
        spend = sum((m.spend for m in systems), Decimal(0))
        idle = sum((sum(m.unused.values(), Decimal(0)) for m in systems), Decimal(0))
        share = f"{idle / spend:.0%}" if spend else "none"
        return charts.amount_bars(
            rows,
            list(zip(("in use", *GRADES), LICENCE_COLOURS, strict=True)),
            f"Licence spend a year of the {len(systems)} costliest systems, in {currency}: {share} of it pays for "
            f"seats nobody used in 30 days or more",
            lambda value: money_short(value, currency),
        )

    @property
    def end(self) -> date:
        return last_day(self.month)


def _latest(end: date, subscriptions: bool) -> dict[int, HealthScore]:
    """The latest stored score of each subscription (or unit) on or before `end`, within four weeks."""
    column = HealthScore.subscription_id if subscriptions else HealthScore.unit_id
    rows = db.session.scalars(latest_scores(end, subscriptions=subscriptions, within_days=28))
    return {getattr(row, column.key): row for row in rows}


def _shares(
    by_unit: dict[int, HealthScore],
    by_subscription: dict[int, HealthScore],
    subscriptions: list[Subscription],
    currency: str,
) -> Shares:
    units = Counter(row.colour for row in by_unit.values())
    seats: Counter[str] = Counter()
    spend: dict[str, Decimal] = defaultdict(Decimal)
    stages: Counter[str] = Counter()
    for subscription in subscriptions:
        row = by_subscription.get(subscription.id)
        colour = row.colour if row else Colour.GREY
        seats[colour] += subscription.seats
        stages[row.stage if row else NOT_SCORED] += 1
        if subscription.system.currency == currency:
            spend[colour] += subscription.effective_annual_cost
    return Shares(units, seats, dict(spend), stages)


def _movers(
    before: dict[int, HealthScore], now: dict[int, HealthScore], names: dict[int, str]
) -> tuple[list[Mover], list[Mover]]:
    moves = [
        Mover(
            names[unit_id],
            before[unit_id].score,
            row.score,
            before[unit_id].colour,
            row.colour,
            (row.reasons or [""])[0],
        )
        for unit_id, row in now.items()
        if row.score is not None and unit_id in before and before[unit_id].score is not None
    ]
    risers = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.unit))[:MOVERS]
    fallers = sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.unit))[:MOVERS]
    return risers, fallers


def _risks(start: date, end: date) -> OpenRisks:
    after_end = start_of_day(end + timedelta(days=1))
    rows = db.session.scalars(with_plan(select(Risk).where(Risk.opened_at < after_end))).all()
    open_then = [r for r in rows if r.closed_at is None or as_utc(r.closed_at) >= after_end]
    closed = Counter(
        r.outcome for r in rows if r.closed_at is not None and start_of_day(start) <= as_utc(r.closed_at) < after_end
    )
    lines = [
        RiskLine(
            risk.title,
            risk.owner.name if risk.owner else "—",
            risk.likelihood.label,
            money(risk.cost_at_stake, risk.currency),
            plan_progress(risk, after_end),
        )
        for risk in sorted(open_then, key=lambda r: (-r.cost_at_stake, r.id))[:TOP_RISKS]
    ]
    at_stake = by_currency((risk.currency, risk.cost_at_stake) for risk in open_then)
    trend = risk_escalation.summarise(rows, end).months  # the twelve months up to this one, by the risks' dates
    return OpenRisks(
        lines, len(open_then), at_stake, Counter({key: value for key, value in closed.items() if key}), trend
    )


TICKET_MONTHS = 6  # support's chart and demand's trend: the six months to the report's, this one last


def _tickets(start: date, end: date) -> list[Row]:
    """The tickets opened in the six months to the month's end, read once for support and demand."""
    return list(
        db.session.execute(
            select(Ticket.opened_at, Ticket.resolved_at, Ticket.system_id, Ticket.unit_id).where(
                Ticket.opened_at >= start_of_day(month_starts(start, TICKET_MONTHS)[0]),
                Ticket.opened_at < start_of_day(end + timedelta(days=1)),
            )
        )
    )


def _per_month(rows: list[Row]) -> dict[int | None, Counter[date]]:
    """System → tickets opened in each month; None → every system's."""
    counts: dict[int | None, Counter[date]] = defaultdict(Counter)
    for row in rows:
        month = as_utc(row.opened_at).date().replace(day=1)
        counts[row.system_id][month] += 1
        counts[None][month] += 1
    return counts


def _support(
    start: date,
    rows: list[Row],
    latest: dict[int, HealthScore],
    subscriptions: list[Subscription],
    systems: dict[int, str],
    units: dict[int, str],
):
    per_month = _per_month(rows)[None]
    labels = [(month.strftime("%b %Y"), per_month[month]) for month in month_starts(start, TICKET_MONTHS)]
    in_month = [row for row in rows if as_utc(row.opened_at).date() >= start]
    active: Counter[int] = Counter()
    for subscription in subscriptions:
        row = latest.get(subscription.id)
        active[subscription.system_id] += row.active_people if row else 0
    by_system: dict[int, list] = defaultdict(list)
    for row in in_month:
        by_system[row.system_id].append(row)
    support = []
    for system_id, tickets in by_system.items():
        people = active.get(system_id, 0)
        support.append(
            SystemSupport(
                systems.get(system_id, "no system"),
                len(tickets),
                100 * len(tickets) / people if people else None,
                median_hours_to_resolve(tickets),
            )
        )
    support.sort(key=lambda line: (-line.tickets, line.system))
    spots = Counter((row.unit_id, row.system_id) for row in in_month)
    hotspots = [(units.get(u, "?"), systems.get(s, "no system"), n) for (u, s), n in spots.most_common(5)]
    return labels, support[:12], hotspots


def _demand(
    start: date,
    rows: list[Row],
    latest: dict[int, HealthScore],
    subscriptions: list[Subscription],
    names: dict[int, str],
) -> list[SystemDemand]:
    """Per system: the units onboarding it, and its tickets a month projected three months on from six."""
    months = month_starts(start, TICKET_MONTHS)
    counts = _per_month(rows)
    counts.pop(None, None)  # every system's: the support chart's
    onboarding: Counter[int] = Counter(
        subscription.system_id
        for subscription in subscriptions
        if (row := latest.get(subscription.id)) is not None and row.stage == Stage.ONBOARDING
    )
    found = []
    for system_id in set(counts) | set(onboarding):
        monthly = [counts[system_id].get(month, 0) for month in months]
        ahead = project(monthly, 3) if any(monthly) else None
        found.append(SystemDemand(names.get(system_id, "no system"), onboarding.get(system_id, 0), monthly[-1], ahead))
    found.sort(key=lambda d: (-(d.tickets_ahead.expected if d.tickets_ahead else 0), -d.onboarding_units, d.system))
    return found[:DEMAND_SHOWN]


def _change(now: int, before: int) -> str:
    if not before:
        return ""
    change = (now - before) / before
    return "as many as" if abs(change) < 0.005 else f"{abs(change):.0%} {'more' if change > 0 else 'fewer'} than"


def _headlines(report: CioReport) -> list[str]:
    """The first page: plain sentences, each with the numbers behind it."""
    lines = []
    for measure, what in (("units", "units"), ("seats", "paid seats")):
        red_now, red_before = report.now.share(measure, Colour.RED), report.before.share(measure, Colour.RED)
        green_now = report.now.share(measure, Colour.GREEN)
        lines.append(
            f"{green_now:.0%} of the {what} are green and {red_now:.0%} red at the end of {report.label} "
            f"({red_before:.0%} red a month before)."
        )
    declining, declining_before = report.now.stages[Stage.DECLINE.value], report.before.stages[Stage.DECLINE.value]
    if declining or declining_before:
        lines.append(
            f"{counted(declining, 'subscription')} (a unit × a system) {'is' if declining == 1 else 'are'} in "
            f"decline, {declining - declining_before:+d} on the month before."
        )
    if report.fallers:
        worst = report.fallers[0]
        lines.append(
            f"{worst.unit} fell furthest, {abs(worst.change):.0f} points to {worst.colour_now}: {worst.reason}."
        )
    risks = report.risks
    if risks.top:
        lines.append(
            f"{counted(risks.count, 'risk')} {'is' if risks.count == 1 else 'are'} open with "
            f"{amounts(risks.at_stake)} a year at stake; the largest: {risks.top[0].title} "
            f"({risks.top[0].at_stake})."
        )
    if risks.closed:
        told = ", ".join(f"{count} {outcome}" for outcome, count in sorted(risks.closed.items()))
        lines.append(f"Risks closed in the month: {told}.")
    licences = report.licences
    if sum(licences.unused_seats.values()):
        never, quarter, month = (number(licences.unused_seats[grade]) for grade in GRADES)
        safe = amounts(licences.reclaimable[GRADES[0]])
        lines.append(
            f"{never} paid seats were never used, {quarter} more not in 90 days and {month} more not in "
            f"30 days" + (f"; the never-used ones cost {safe} a year." if safe else ".")
        )
    if licences.renewals:
        saving = by_currency((renewal.currency, renewal.saving) for renewal in licences.renewals)
        net = amounts(saving) if any(amount > 0 for amount in saving.values()) else ""
        lines.append(
            f"{counted(len(licences.renewals), 'per-seat subscription')} renew"
            f"{'s' if len(licences.renewals) == 1 else ''} in the next {RENEWAL_DAYS} days"
            + (f"; renewing at the recommended seats would save {net} a year." if net else ".")
        )
    if len(report.tickets_by_month) >= 2 and report.tickets_by_month[-1][1]:
        (_, before), (_, now) = report.tickets_by_month[-2:]
        versus = _change(now, before)
        most = (
            f"; the most about {report.support[0].system} ({number(report.support[0].tickets)})"
            if report.support
            else ""
        )
        lines.append(
            f"{number(now)} tickets were opened in the month"
            + (f", {versus} the month before" if versus else "")
            + f"{most}."
        )
    voice = report.voice
    if voice.nps is not None:
        trend = "" if voice.nps_before is None else f", {voice.nps - voice.nps_before:+d} on the quarter before"
        lines.append(
            f"The units' NPS for IT's systems is {voice.nps:+d} over the quarter to {report.month:%B} "
            f"({number(voice.answers)} responses{trend})."
        )
    if report.below_target:
        lines.append(f"{len(report.below_target)} units are below the relationship target.")
    if report.decisions:
        asked = counted(len(report.decisions), "decision")
        lines.append(f"{asked} {'is' if len(report.decisions) == 1 else 'are'} asked of you at the end of this report.")
    return lines


def _decisions(report: CioReport, declining: Counter[str]) -> list[str]:
    asks = [
        f"Cut {r.system} for {r.unit} from {r.seats} to {r.recommended} seats at its renewal on {r.renewal:%-d %b}: "
        f"{r.active} people use it a month, {r.low}–{r.high} expected then; saves {money(r.saving, r.currency)} a year."
        for r in report.licences.renewals
        if r.seats and (r.seats - r.recommended) / r.seats >= CUT_SHARE
    ]
    asks += [
        f"{system} is in decline in {count} units: decide whether to retrain, replace or retire it."
        for system, count in declining.most_common()
        if count >= DECLINE_UNITS
    ]
    return asks


def _declining(subscriptions: list[Subscription], latest: dict[int, HealthScore]) -> Counter[str]:
    """System → the units where it was in decline at the month's end."""
    return Counter(
        subscription.system.name
        for subscription in subscriptions
        if (row := latest.get(subscription.id)) is not None and row.stage == Stage.DECLINE
    )


def _coverage(unit_ids: list[int], end: date) -> list[Coverage]:
    units = db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).options(selectinload(Unit.account_manager)))
    by_id = {unit.id: unit for unit in units}
    found = []
    for unit_id, figure in relationships(unit_ids, end).items():
        if figure.below_target and figure.per_100 is not None:
            manager = by_id[unit_id].account_manager
            found.append(
                Coverage(
                    by_id[unit_id].name,
                    manager.name if manager else "—",
                    figure.people_met,
                    figure.users,
                    figure.per_100,
                )
            )
    return sorted(found, key=lambda line: (line.per_100, -line.users, line.unit))


def build(month: date, organisation: str, made_on: date) -> CioReport:
    start, end = month, last_day(month)
    subscriptions = list(
        db.session.scalars(
            select(Subscription).options(selectinload(Subscription.system), selectinload(Subscription.unit))
        )
    )
    currency = main_currency(subscriptions)
    names = dict(db.session.execute(select(Unit.id, Unit.name)).tuples().all())
    eve = start - timedelta(days=1)  # "a month before": the last day of the month before
    latest, earlier = _latest(end, subscriptions=True), _latest(eve, subscriptions=True)
    units_now, units_before = _latest(end, subscriptions=False), _latest(eve, subscriptions=False)
    # A subscription's stage at the month's end against the month before: the table of stages and the moves
    # agree, and a stage that went back and forth within the month counts as no move.
    moves = Counter(
        (earlier[key].stage if key in earlier else "new", row.stage)
        for key, row in latest.items()
        if key not in earlier or earlier[key].stage != row.stage
    )
    risers, fallers = _movers(units_before, units_now, names)
    systems = dict(db.session.execute(select(System.id, System.name)).tuples().all())
    tickets = _tickets(start, end)
    labels, support, hotspots = _support(start, tickets, latest, subscriptions, systems, names)
    report = CioReport(
        month=month,
        organisation=organisation,
        made_on=made_on,
        now=_shares(units_now, latest, subscriptions, currency),
        before=_shares(units_before, earlier, subscriptions, currency),
        stage_moves=moves,
        risers=risers,
        fallers=fallers,
        risks=_risks(start, end),
        licences=licences(end, subscriptions),
        tickets_by_month=labels,
        support=support,
        hotspots=hotspots,
        voice=voice(month),
        below_target=_coverage(list(names), end),
        demand=_demand(start, tickets, latest, subscriptions, systems),
    )
    report.decisions.extend(_decisions(report, _declining(subscriptions, latest)))
    report.headlines.extend(_headlines(report))
    return report
