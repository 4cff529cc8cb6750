"""A unit's success review for a period: what happened, in figures and in plain sentences, and what IT
recommends. The page and the PDF are two renderings of the same Review.

Health is computed as of the period's first and last day from the data up to each (not read from stored
snapshots), so a review of any past quarter comes out the same whenever it is made.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from models import (
    Account,
    Colour,
    Goal,
    HealthScore,
    PlanSide,
    PlanStep,
    ReviewProduced,
    Risk,
    StepStatus,
    Subscription,
    SurveyAnswer,
    SurveyQuestion,
    System,
    Ticket,
    Unit,
    db,
)
from models.plans import share_done
from models.types import as_utc, start_of_day
from portal import clock
from portal.access.scope import visible_unit
from portal.charts import build as charts
from portal.charts.shapes import Chart
from portal.computed_cache import remember
from portal.formatting import amounts, by_currency, counted, duration, money, number
from portal.months import shift
from portal.services.catalog.seat_rule import seat_figures
from portal.services.catalog.ticket_figures import median_hours_to_resolve
from portal.services.errors import RuleViolation
from portal.services.health import advice, advising, engine
from portal.services.health.advice import Audience
from portal.services.health.measures import QUESTION_SCALES, net_promoter_score
from portal.services.health.rollup import SEVERITY, Record
from portal.services.platform.accounts import is_staff
from portal.services.risks.lifecycle import plan_progress
from portal.services.risks.register import with_plan

MAX_PERIOD_DAYS = 366
WEAK_MEASURE = 50.0  # a measure scoring below this gets a recommendation
QUESTION_NAMES = {
    SurveyQuestion.NPS: "Net promoter score",
    SurveyQuestion.CSAT: "Satisfaction (CSAT)",
    SurveyQuestion.CES: "Ease (CES, 7 = very easy)",
    SurveyQuestion.VALUE: "Business value",
}
TICKET_RISE = {
    Audience.IT: "Review the rise in support tickets",
    Audience.HEAD: "Tell IT what the rise in requests for help is about",
}


class ReviewError(RuleViolation):
    """A period that cannot be reviewed, said in words for the person who asked."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def label(self) -> str:
        quarter = (self.start.month - 1) // 3 + 1
        quarter_end = _quarter_start(self.start.year, quarter + 1) - timedelta(days=1)
        if self.start == _quarter_start(self.start.year, quarter) and self.end == quarter_end:
            return f"Q{quarter} {self.start.year}"
        return f"{self.start:%-d %b %Y} – {self.end:%-d %b %Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def _quarter_start(year: int, quarter: int) -> date:
    year += (quarter - 1) // 4
    quarter = (quarter - 1) % 4 + 1
    return date(year, 3 * (quarter - 1) + 1, 1)


def last_quarter(today: date) -> Period:
    """The last whole calendar quarter before `today`."""
    this_quarter = _quarter_start(today.year, (today.month - 1) // 3 + 1)
    start = _quarter_start(this_quarter.year, (this_quarter.month - 1) // 3)  # quarter 0 rolls back a year
    return Period(start, this_quarter - timedelta(days=1))


def period_from(start_text: str | None, end_text: str | None, today: date) -> Period:
    """The period asked for (ISO dates), or the last quarter when neither is given."""
    if not start_text and not end_text:
        return last_quarter(today)
    try:
        end = date.fromisoformat(end_text) if end_text else today
        start = date.fromisoformat(start_text) if start_text else end - timedelta(days=90)
    except ValueError as error:
        raise ReviewError("Give the period's dates as YYYY-MM-DD, for example 2026-07-01.") from error
    if start > end:
        raise ReviewError(f"The period starts ({start}) after it ends ({end}).")
    if end > today:
        raise ReviewError(f"The period ends in the future ({end}); a review covers what already happened.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ReviewError("A review covers at most a year; choose a shorter period.")
    return Period(start, end)


@dataclass(frozen=True)
class SystemLine:
    name: str
    key: str
    colour: str
    stage: str | None
    score: float | None
    active_people: int
    seats: int
    not_counted: str | None  # why the line has no seat figures ("not a per-seat licence"), or None (seat_rule.py)
    habit: str
    unused_modules: list[str]
    reclaimable: int
    reclaimable_cost: Decimal
    currency: str

    @property
    def counted(self) -> bool:
        """Whether the line gets seat figures and advice."""
        return self.not_counted is None


@dataclass(frozen=True)
class Support:
    months: list[tuple[str, int]]
    total: int
    before: int  # in the period of the same length before
    incidents: int
    median_hours: float | None  # to resolve, of the tickets resolved
    open_now: int
    categories: list[tuple[str, int]]

    def describe(self) -> str:
        """The figures in one sentence, as the page and the PDF print them."""
        text = (
            f"{counted(self.total, 'ticket')} in the period ({number(self.before)} in the period before), "
            f"{number(self.incidents)} of them incidents; {number(self.open_now)} still open."
        )
        if self.median_hours is not None:
            text += f" Median time to resolve: {duration(self.median_hours)}."
        return text


@dataclass(frozen=True)
class QuestionFigures:
    question: str
    name: str
    answers: int
    mean: float
    low: int
    high: int
    spread: dict[int, int]  # score → answers
    nps: int | None = None


@dataclass(frozen=True)
class Recommendation:
    title: str
    because: str  # the figure behind it
    system: str
    urgency: int  # 0 most urgent


@dataclass(frozen=True)
class GoalLine:
    name: str
    metric: str
    baseline: Decimal
    target: Decimal
    due_on: date
    value: Decimal | None  # the latest entry by the period's end
    reached_on: date | None  # when reached by the period's end

    @property
    def share_done(self) -> float:
        return share_done(self.baseline, self.target, self.value)


@dataclass(frozen=True)
class StepLine:
    action: str
    side: str  # "IT" or the unit
    owner: str
    due_on: date
    state: str  # "done", "late", "next"


@dataclass(frozen=True)
class RiskLine:
    title: str
    status: str
    probability: str
    at_stake: str
    plan: str  # "2 routes, 1 of 3 steps done" by the period's end


@dataclass(frozen=True)
class Agreement:
    """What IT and the unit agreed, and (for IT's readers) the risks being worked on, for the period."""

    goals: list[GoalLine]
    steps: list[StepLine]
    risks: list[RiskLine] | None  # None: not for this reader (a department head's review leaves them out)


@dataclass(frozen=True)
class Review:
    unit: Unit
    period: Period
    organisation: str
    made_on: date
    now: Record | None
    before: Record | None
    weekly: list[tuple[date, float | None]]
    systems: list[SystemLine]
    support: Support
    voice: list[QuestionFigures]
    recommendations: list[Recommendation]
    agreement: Agreement = field(default_factory=lambda: Agreement([], [], None))
    summary: list[str] = field(default_factory=list)
    audience: Audience = Audience.IT  # whose words the recommendations are in

    @property
    def recommendations_heading(self) -> str:
        return "What IT asks of you" if self.audience == Audience.HEAD else "What IT recommends"

    @property
    def score_points(self) -> int | None:
        """The change in whole points, as the page and the PDF print it."""
        return None if self.score_change is None else round(self.score_change)

    @property
    def score_change(self) -> float | None:
        if self.now is None or self.before is None or self.now.score is None or self.before.score is None:
            return None
        return self.now.score - self.before.score

    @property
    def reclaimable_cost(self) -> dict[str, Decimal]:
        totals = by_currency((line.currency, line.reclaimable_cost) for line in self.systems)
        return {currency: amount for currency, amount in totals.items() if amount}

    @property
    def without_seat_figures(self) -> str:
        """The systems that get no seat figures and why, as the page and the PDF print it ("" when none)."""
        by_reason: dict[str, list[str]] = defaultdict(list)
        for line in self.systems:
            if line.not_counted:
                by_reason[line.not_counted].append(line.name)
        told = "; ".join(f"{reason}: {', '.join(names)}" for reason, names in sorted(by_reason.items()))
        return f"No seat figures — {told}." if told else ""

    def score_chart(self) -> Chart:
        values = [score for _, score in self.weekly]
        labels = [day.strftime("%d %b") for day, _ in self.weekly]
        label = f"{self.unit.name}: health score each week of {self.period.label}"
        return charts.line(values, labels, label, ceiling=100)

    def tickets_chart(self) -> Chart:
        label = f"Tickets opened per month, {self.period.label}: {number(self.support.total)} in all"
        months = self.support.months
        return charts.bars([count for _, count in months], [name for name, _ in months], label)


def _health(unit: Unit, as_of: date) -> tuple[Record | None, dict[int, Record]]:
    """The unit's record and its own subscriptions' records as of a date, computed from the data up to it
    (and kept while the data stays as it is: the page, its PDF and the next reader ask for the same)."""

    def compute() -> tuple[Record | None, dict[int, Record]]:
        result = engine.compute_subtree(as_of, unit.id)
        own = {subscription.id for subscription in unit.subscriptions}
        records = {sid: record for sid, record in result.subscription_records.items() if sid in own}
        return result.unit_records.get(unit.id), records

    return remember(("review-health", unit.id, as_of), compute)


def _system_lines(subscriptions: list[Subscription], records: dict[int, Record]) -> list[SystemLine]:
    lines = []
    for subscription in subscriptions:
        record = records.get(subscription.id)
        system: System = subscription.system
        habit = record.explanation.measure("habit") if record else None
        depth = record.explanation.measure("depth") if record else None
        active = record.active_people if record else 0
        seats = seat_figures(subscription, active, record.reclaimable_seats if record else 0)
        lines.append(
            SystemLine(
                name=system.name,
                key=system.key,
                colour=record.colour if record else Colour.GREY,
                stage=record.stage if record else None,
                score=record.score if record else None,
                active_people=record.active_people if record else 0,
                seats=subscription.seats,
                not_counted=seats.not_counted,
                habit=habit.reason if habit else "",
                unused_modules=list(depth.unused) if depth else [],
                reclaimable=seats.reclaimable,
                reclaimable_cost=seats.reclaimable_cost,
                currency=system.currency,
            )
        )
    return sorted(lines, key=lambda line: (SEVERITY.get(line.colour, 2), line.name.casefold()))


def _months(period: Period) -> list[tuple[date, date]]:
    months = []
    start = period.start
    while start <= period.end:
        following = shift(start, 1)
        months.append((start, min(following - timedelta(days=1), period.end)))
        start = following
    return months


def _support(unit: Unit, period: Period) -> Support:
    earlier = period.previous()
    rows = db.session.execute(
        select(Ticket.opened_at, Ticket.resolved_at, Ticket.type, Ticket.category, Ticket.status).where(
            Ticket.unit_id == unit.id,
            Ticket.opened_at >= start_of_day(earlier.start),
            Ticket.opened_at < start_of_day(period.end + timedelta(days=1)),
        )
    ).all()
    in_period = [row for row in rows if row.opened_at.date() >= period.start]
    months = _months(period)
    counts = [sum(1 for row in in_period if start <= row.opened_at.date() <= end) for start, end in months]
    categories = Counter(row.category for row in in_period if row.category)
    return Support(
        months=[(start.strftime("%b %Y"), count) for (start, _), count in zip(months, counts, strict=True)],
        total=len(in_period),
        before=len(rows) - len(in_period),
        incidents=sum(1 for row in in_period if row.type == "incident"),
        median_hours=median_hours_to_resolve(in_period),
        open_now=sum(1 for row in in_period if row.status not in ("resolved", "closed")),
        categories=categories.most_common(5),
    )


def _voice(unit: Unit, period: Period) -> list[QuestionFigures]:
    rows = db.session.execute(
        select(SurveyAnswer.question, SurveyAnswer.score).where(
            SurveyAnswer.unit_id == unit.id,
            SurveyAnswer.submitted_at >= start_of_day(period.start),
            SurveyAnswer.submitted_at < start_of_day(period.end + timedelta(days=1)),
        )
    ).all()
    scores: dict[str, list[int]] = defaultdict(list)
    for question, score in rows:
        scores[question].append(score)
    figures = []
    for question in QUESTION_SCALES:
        given = scores.get(question)
        if not given:
            continue
        figures.append(
            QuestionFigures(
                question=question,
                name=QUESTION_NAMES[question],
                answers=len(given),
                mean=sum(given) / len(given),
                low=min(given),
                high=max(given),
                spread=dict(sorted(Counter(given).items())),
                nps=round(net_promoter_score(given)) if question == SurveyQuestion.NPS else None,
            )
        )
    return figures


def _recommendations(
    unit: Unit,
    period: Period,
    lines: list[SystemLine],
    records: dict[int, Record],
    subscriptions: list[Subscription],
    support: Support,
    audience: Audience,
    stage: str | None,
) -> list[Recommendation]:
    """The next steps of the unit's subscriptions as of the period's end (portal/services/health/advice.py, as on
    the unit's page), most urgent first: red subscriptions before yellow, then the lowest scores."""
    found = []
    by_key = {subscription.system.key: records.get(subscription.id) for subscription in subscriptions}
    known = [record for record in by_key.values() if record is not None]
    contexts = advising.contexts(unit.id, known, period.end)
    for line in lines:
        record = by_key.get(line.key)
        if record is None:
            continue
        context = contexts.get(line.key, advice.Context(line.name))
        for step in advice.reason_steps(record.explanation.measures, audience, context):
            because = step.because
            if step.measure == "seat_utilisation" and line.reclaimable_cost:
                because += f"; {line.reclaimable} seats cost {money(line.reclaimable_cost, line.currency)} a year"
            rank = 0 if line.colour == Colour.RED else 1 if line.colour == Colour.YELLOW else 2
            urgency = rank * 100 + int(step.score or 0)
            found.append(Recommendation(step.text, because, line.name, urgency))
    if support.before and support.total >= 2 * support.before and support.total >= 5:
        found.append(
            Recommendation(
                TICKET_RISE[audience],
                f"{support.total} tickets this period against {support.before} the period before",
                "",
                150,
            )
        )
    if not found:  # nothing holds the score down: what moves the unit on from its stage
        found = [
            Recommendation(step.text, "Nothing holds the score down.", "", 300)
            for step in advice.playbook(stage, audience)
        ]
    return sorted(found, key=lambda item: (item.urgency, item.title))[:8]


def _summary(review: Review) -> list[str]:
    unit, now, before = review.unit.name, review.now, review.before
    sentences = []
    if now is None or now.score is None:
        sentences.append(f"{unit} could not be scored for {review.period.label}: there is not enough data yet.")
    else:
        text = f"{unit} ends {review.period.label} {now.colour} with a health score of {now.score:.0f}"
        change = review.score_change
        if change is not None and before is not None:
            movement = "up" if change > 0 else "down"
            text += (
                f", {movement} {abs(change):.0f} points since {review.period.start:%-d %B}"
                if round(change)
                else (f", unchanged since {review.period.start:%-d %B}")
            )
        sentences.append(text + ".")
        if now.stage:
            sentences.append(f"Most of its seats are in {now.stage}.")
    # Systems without a score (no data yet) say nothing about health or unused seats: they are left out.
    scored = [line for line in review.systems if line.score is not None]
    attention = [line for line in scored if line.colour in (Colour.RED, Colour.YELLOW)]
    if scored:
        healthy = sum(1 for line in scored if line.colour == Colour.GREEN)
        text = f"{healthy} of its {len(scored)} scored systems are healthy"
        if attention:
            named = ", ".join(f"{line.name} ({line.colour})" for line in attention[:3])
            text += f"; {len(attention)} need attention: {named}"
        sentences.append(text + ".")
    seats = sum(line.seats for line in scored if line.counted)
    reclaimable = sum(line.reclaimable for line in scored)
    if seats:
        cost = amounts(review.reclaimable_cost)
        text = f"{number(reclaimable)} of {number(seats)} paid seats went unused in the period's last 30 days"
        sentences.append(text + (f", worth {cost} a year." if cost else "."))
    support = review.support
    if support.total or support.before:
        text = f"{number(support.total)} support ticket{' was' if support.total == 1 else 's were'} opened"
        text += f" ({number(support.before)} in the {review.period.days} days before)"
        if support.median_hours is not None:
            text += f"; half were resolved within {duration(support.median_hours)}"
        sentences.append(text + ".")
    nps = next((item for item in review.voice if item.question == SurveyQuestion.NPS), None)
    if nps is not None:
        sentences.append(f"The team's net promoter score was {nps.nps:+d} from {number(nps.answers)} answers.")
    agreement = review.agreement
    if agreement.goals:
        reached = sum(1 for goal in agreement.goals if goal.reached_on)
        text = f"Of its {len(agreement.goals)} goal{'s' if len(agreement.goals) != 1 else ''}, {reached} reached"
        done = sum(1 for step in agreement.steps if step.state == "done")
        late = sum(1 for step in agreement.steps if step.state == "late")
        text += f"; {done} plan step{'s' if done != 1 else ''} done in the period"
        sentences.append(text + (f", {late} late." if late else "."))
    if agreement.risks:
        open_ = [risk for risk in agreement.risks if not risk.status.startswith("closed")]
        if open_:
            sentences.append(f"{len(open_)} risk{'s are' if len(open_) != 1 else ' is'} being worked on with the unit.")
    if review.recommendations:
        first = review.recommendations[0].title
        count = len(review.recommendations)
        sentences.append(
            f"IT recommends {count} action{'s' if count != 1 else ''}, the first: {first[:1].lower()}{first[1:]}."
        )
    return sentences


NEXT_DAYS = 90  # the plan's open steps due this long after the period are "next"


def _agreement(unit: Unit, period: Period, with_risks: bool) -> Agreement:
    end_moment = start_of_day(period.end + timedelta(days=1))
    next_until = period.end + timedelta(days=NEXT_DAYS)
    goal_lines = []
    for goal in db.session.scalars(select(Goal).where(Goal.unit_id == unit.id).order_by(Goal.due_on, Goal.id)):
        entries = [entry for entry in goal.progress if entry.recorded_on <= period.end]
        reached = goal.reached_on if goal.reached_on is not None and goal.reached_on <= period.end else None
        goal_lines.append(
            GoalLine(
                goal.name,
                goal.metric,
                goal.baseline,
                goal.target,
                goal.due_on,
                entries[-1].value if entries else None,
                reached,
            )
        )
    step_lines = []
    for step in db.session.scalars(select(PlanStep).where(PlanStep.unit_id == unit.id).order_by(PlanStep.due_on)):
        side = "IT" if step.side == PlanSide.IT else unit.name
        if step.done_at is not None and start_of_day(period.start) <= as_utc(step.done_at) < end_moment:
            state = "done"
        elif step.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS) and step.due_on <= period.end:
            state = "late"
        elif step.status in (StepStatus.PLANNED, StepStatus.IN_PROGRESS) and step.due_on <= next_until:
            state = "next"
        else:
            continue
        step_lines.append(StepLine(step.action, side, step.owner_name, step.due_on, state))
    risk_lines = None
    if with_risks:
        still_open = or_(Risk.closed_at.is_(None), Risk.closed_at >= start_of_day(period.start))
        overlapping = select(Risk).where(Risk.unit_id == unit.id, Risk.opened_at < end_moment, still_open)
        risk_lines = []
        for risk in db.session.scalars(with_plan(overlapping.order_by(Risk.cost_at_stake.desc(), Risk.id))):
            status = f"closed: {risk.outcome}" if risk.is_closed else risk.status
            title = f"{risk.system.name}: {risk.reason.name}" if risk.system else risk.reason.name
            risk_lines.append(
                RiskLine(
                    title,
                    status,
                    risk.likelihood.label,
                    money(risk.cost_at_stake, risk.currency),
                    plan_progress(risk, end_moment),
                )
            )
    return Agreement(goal_lines, step_lines, risk_lines)


def _weekly(unit: Unit, period: Period) -> list[tuple[date, float | None]]:
    rows = db.session.execute(
        select(HealthScore.as_of, HealthScore.score)
        .where(
            HealthScore.unit_id == unit.id,
            HealthScore.system_id.is_(None),
            HealthScore.as_of.between(period.start, period.end),
        )
        .order_by(HealthScore.as_of)
    ).all()
    return [(day, score) for day, score in rows]


def _scored_stage(now: Record | None) -> str | None:
    """The stage whose playbook a calm review recommends: none for a unit not scored (nothing known, nothing
    claimed)."""
    return now.stage if now is not None and now.score is not None else None


def build(
    unit: Unit,
    period: Period,
    organisation: str,
    made_on: date,
    with_risks: bool = True,
    audience: Audience = Audience.IT,
) -> Review:
    """The review; `with_risks` False leaves out the risk register's part (a department head's review), and
    `audience` says whose words the recommendations are in."""
    subscriptions = sorted(unit.subscriptions, key=lambda subscription: subscription.system.name.casefold())
    now, records = _health(unit, period.end)
    before, _ = _health(unit, period.start)
    lines = _system_lines(subscriptions, records)
    support = _support(unit, period)
    review = Review(
        unit=unit,
        period=period,
        organisation=organisation,
        made_on=made_on,
        now=now,
        before=before,
        weekly=_weekly(unit, period),
        systems=lines,
        support=support,
        voice=_voice(unit, period),
        recommendations=_recommendations(
            unit, period, lines, records, subscriptions, support, audience, _scored_stage(now)
        ),
        agreement=_agreement(unit, period, with_risks),
        audience=audience,
    )
    review.summary.extend(_summary(review))
    return review


def for_viewer(viewer: Account, unit_key: str, start: str | None, end: str | None, organisation: str) -> Review:
    """The review a viewer asked for: 404 outside their scope, ReviewError for a period that cannot be."""
    unit = visible_unit(viewer, unit_key)
    today = clock.today()
    period = period_from(start, end, today)
    return build(unit, period, organisation, today, with_risks=is_staff(viewer), audience=advising.audience_for(viewer))


def record_produced(review: Review, actor: Account | None) -> None:
    """A review made into a PDF goes on its unit's timeline (the caller commits)."""
    by, by_id = (actor.name, actor.id) if actor is not None else ("command line", None)
    period = review.period
    produced = ReviewProduced(unit_id=review.unit.id, period_start=period.start, period_end=period.end)
    produced.actor_id, produced.actor = by_id, by
    db.session.add(produced)
