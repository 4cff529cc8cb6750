"""The account manager's portfolio: their units, most in need of attention first, and who moved.

Everything is read from the stored health rows (the weekly snapshots and the latest scores), never
recomputed, so the page costs a few queries however large the organisation is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Account, Colour, HealthScore, PlanStep, Risk, Role, Stage, StepStatus, Subscription, System, Unit, db
from portal import clock
from portal.charts import build as charts
from portal.charts.shapes import Chart
from portal.formatting import by_currency, money_short
from portal.services.catalog.seat_rule import gets_seat_advice
from portal.services.catalog.seat_use import low_seat_mark
from portal.services.health.facts import in_batches
from portal.services.health.latest import Latest, latest_by_subscription
from portal.services.health.rollup import SEVERITY
from portal.services.risks.register import open_risks_of
from portal.services.units.touchpoints import Relationship, relationships

SPARK_WEEKS = 26
DIRECTION_DAYS = 28  # the direction of change: the score now against four weeks ago
STEADY_POINTS = 3  # a score that moved less than this in four weeks is steady
AT_RISK = frozenset({Colour.RED, Colour.YELLOW})
COLOURS = (Colour.RED, Colour.YELLOW, Colour.GREY, Colour.GREEN)  # the filter's order: most in need first
STAGES = tuple(Stage)


@dataclass(frozen=True, slots=True)
class Snapshot:
    as_of: date
    score: float | None
    colour: str
    stage: str | None
    reasons: Sequence[str]


@dataclass(frozen=True, slots=True)
class Filters:
    """What the viewer narrowed the portfolio to (portal/portfolio/forms.py reads it from the URL)."""

    manager_id: int | None = None  # an admin or the CIO looking at one manager's units (None: all)
    stage: str = ""
    colour: str = ""
    system: str = ""  # a system key
    division: str = ""  # a top-level unit's key
    changed: bool = False  # colour or stage changed this month


@dataclass(frozen=True)
class FollowUp:
    """What IT is doing about a unit: its open risks and their money at stake, late steps (of its success plan
    and of its risks' plans), and the relationship figure."""

    open_risks: int = 0
    risk_at_stake: dict[str, Decimal] = field(default_factory=dict)  # per currency, a year
    late_steps: int = 0
    relationship: Relationship | None = None


def _follow_ups(unit_ids: list[int], as_of: date) -> dict[int, FollowUp]:
    """Each unit's follow-up in a handful of queries, whatever the number of units."""
    risks_by_unit: dict[int, list[Risk]] = defaultdict(list)
    for risk in open_risks_of(unit_ids):
        risks_by_unit[risk.unit_id].append(risk)
    late_plan = dict(
        db.session.execute(
            select(PlanStep.unit_id, func.count())
            .where(
                PlanStep.unit_id.in_(unit_ids),
                PlanStep.due_on < as_of,
                PlanStep.status.in_((StepStatus.PLANNED.value, StepStatus.IN_PROGRESS.value)),
            )
            .group_by(PlanStep.unit_id)
        )
        .tuples()
        .all()
    )
    figures = relationships(unit_ids, as_of)
    found = {}
    for unit_id in unit_ids:
        risks = risks_by_unit.get(unit_id, [])
        money = by_currency((risk.currency, risk.cost_at_stake) for risk in risks)
        late = late_plan.get(unit_id, 0) + sum(risk.late_steps(as_of) for risk in risks)
        found[unit_id] = FollowUp(len(risks), money, late, figures.get(unit_id))
    return found


@dataclass(frozen=True, slots=True)
class WorstPart:
    """A unit's worst subscriptions, shown beside its rolled-up colour so that a green unit cannot hide a red
    part: how many of its scored subscriptions are in the worst colour, and the costliest of them."""

    colour: str
    count: int  # subscriptions in that colour
    scored: int  # of the unit's subscriptions with a score (grey ones are not judged)
    name: str  # the costliest in that colour
    cost: Decimal  # its effective annual cost
    currency: str

    @property
    def text(self) -> str:
        """ "1 red of 3 · IFS FSM · 186 k EUR" """
        return f"{self.count} {self.colour} of {self.scored} · {self.name} · {money_short(self.cost, self.currency)}"


def worst_part(subscriptions: Sequence[Subscription], latest: Mapping[int, Latest]) -> WorstPart | None:
    """The unit's worst part from its subscriptions' latest scores; None when every scored one is green (or none
    is scored). The costliest is picked by amount, whatever its currency: a unit's parts are nearly always priced
    in one, and a name to look at first needs no exchange rate."""
    colours = {
        subscription.id: latest[subscription.id].colour for subscription in subscriptions if subscription.id in latest
    }
    scored = [
        subscription for subscription in subscriptions if colours.get(subscription.id, Colour.GREY) != Colour.GREY
    ]
    at_risk = [subscription for subscription in scored if colours[subscription.id] in AT_RISK]
    if not at_risk:
        return None
    worst = min((colours[subscription.id] for subscription in at_risk), key=SEVERITY.__getitem__)
    in_worst = [subscription for subscription in at_risk if colours[subscription.id] == worst]
    costliest = min(in_worst, key=lambda s: (-s.effective_annual_cost, s.system.name.casefold()))
    return WorstPart(
        worst,
        len(in_worst),
        len(scored),
        costliest.system.name,
        costliest.effective_annual_cost,
        costliest.system.currency,
    )


@dataclass(frozen=True)
class PortfolioRow:
    unit: Unit
    division: Unit
    now: Snapshot | None
    history: Sequence[Snapshot]  # weekly, oldest first, within the last SPARK_WEEKS weeks
    direction: float | None  # score points against four weeks ago
    changed_this_month: bool
    seats_used: int
    seats_paid: int
    at_stake: dict[str, Decimal]  # per currency: the annual cost of the subscriptions at red or yellow
    systems: frozenset[str]
    follow_up: FollowUp = field(default_factory=lambda: FollowUp())
    worst_part: WorstPart | None = None

    @property
    def colour(self) -> str:
        return self.now.colour if self.now else Colour.GREY

    @property
    def trend(self) -> str:
        """The direction as a word: "up" or "down" by STEADY_POINTS or more, else "flat"."""
        if self.direction is not None and self.direction >= STEADY_POINTS:
            return "up"
        if self.direction is not None and self.direction <= -STEADY_POINTS:
            return "down"
        return "flat"

    @property
    def seats_low(self) -> float:
        """Where the seats meter turns low."""
        return low_seat_mark(self.seats_paid)

    @property
    def top_reason(self) -> str:
        return self.now.reasons[0] if self.now and self.now.reasons else "not scored yet"

    @property
    def spark_scores(self) -> list[float | None]:
        return [snapshot.score for snapshot in self.history]

    def sparkline(self) -> Chart:
        known = [score for score in self.spark_scores if score is not None]
        label = f"Health score, last {len(self.spark_scores)} weeks"
        if known:
            label += f": from {known[0]:.0f} to {known[-1]:.0f}"
        return charts.sparkline(self.spark_scores, self.colour, label)

    @property
    def at_stake_total(self) -> Decimal:
        return sum(self.at_stake.values(), Decimal(0))

    def attention(self) -> tuple:
        """Units with worse parts first: a red part before a yellow one before none (a green unit with a red
        subscription is not at ease); then more money at stake; then more open risks; then the unit's own
        colour (red, yellow, grey, green) and lower score; then falling before rising."""
        return (
            SEVERITY[self.worst_part.colour] if self.worst_part else SEVERITY[Colour.GREEN],
            -self.at_stake_total,
            -self.follow_up.open_risks,
            SEVERITY.get(self.colour, 2),
            self.now.score if self.now and self.now.score is not None else 0.0,
            self.direction if self.direction is not None else 0.0,
            self.unit.name.casefold(),
        )


@dataclass(frozen=True)
class Portfolio:
    viewer: Account
    filters: Filters
    as_of: date
    rows: list[PortfolioRow]
    managers: list[Account]  # whose portfolios the viewer may look at (admins and the CIO)
    manager: Account | None
    systems: list[System]  # for the filter: the systems used by the units in view
    divisions: list[Unit]
    total_units: int  # before the filters
    colour_counts: dict[str, int] = field(default_factory=dict)

    @property
    def at_stake(self) -> dict[str, Decimal]:
        return by_currency(pair for row in self.rows for pair in row.at_stake.items())

    @property
    def is_own(self) -> bool:
        """The viewer's own portfolio: an account manager's (whatever the URL says)."""
        return self.manager is not None and self.manager.id == self.viewer.id


def _units_in_view(viewer: Account, filters: Filters) -> tuple[list[Unit], Account | None]:
    statement = select(Unit).options(selectinload(Unit.subscriptions).selectinload(Subscription.system))
    manager: Account | None = None
    if viewer.role == Role.ACCOUNT_MANAGER:
        manager = viewer  # a manager's portfolio is their own, whatever the URL says
    elif filters.manager_id is not None:
        manager = db.session.get(Account, filters.manager_id)
        if manager is None or manager.role != Role.ACCOUNT_MANAGER:
            manager = None
    if manager is not None:
        statement = statement.where(Unit.account_manager_id == manager.id)
    return list(db.session.scalars(statement)), manager


def _divisions() -> dict[int, Unit]:
    """Each unit's top-level ancestor: its division."""
    units = {unit.id: unit for unit in db.session.scalars(select(Unit))}
    top: dict[int, Unit] = {}
    for unit in units.values():
        root = unit
        seen = {root.id}
        while root.parent_id is not None and root.parent_id in units and root.parent_id not in seen:
            root = units[root.parent_id]
            seen.add(root.id)
        top[unit.id] = root
    return top


def _history(unit_ids: Sequence[int], since: date, until: date) -> dict[int, list[Snapshot]]:
    found: dict[int, list[Snapshot]] = defaultdict(list)
    for batch in in_batches(list(unit_ids)):
        rows = db.session.execute(
            select(
                HealthScore.unit_id,
                HealthScore.as_of,
                HealthScore.score,
                HealthScore.colour,
                HealthScore.stage,
                HealthScore.reasons,
            )
            .where(
                HealthScore.unit_id.in_(batch), HealthScore.system_id.is_(None), HealthScore.as_of.between(since, until)
            )
            .order_by(HealthScore.as_of)
        )
        for unit_id, as_of, score, colour, stage, reasons in rows:
            found[unit_id].append(Snapshot(as_of, score, colour, stage, tuple(reasons or ())))
    return found


def _before(history: Sequence[Snapshot], day: date) -> Snapshot | None:
    """The latest snapshot on or before `day`."""
    found = None
    for snapshot in history:
        if snapshot.as_of <= day:
            found = snapshot
    return found


def _row(
    unit: Unit, division: Unit, history: list[Snapshot], latest: dict[int, Latest], as_of: date, follow_up: FollowUp
) -> PortfolioRow:
    now = history[-1] if history else None
    weekly = [snapshot for snapshot in history if snapshot is not now][-(SPARK_WEEKS - 1) :]
    if now is not None:
        weekly.append(now)
    earlier = _before(history, as_of - timedelta(days=DIRECTION_DAYS))
    direction = None
    if now is not None and earlier is not None and now.score is not None and earlier.score is not None:
        direction = round(now.score - earlier.score, 1)
    month_start = as_of.replace(day=1)
    before_month = _before(history, month_start - timedelta(days=1))
    changed = bool(now and before_month and (now.colour, now.stage) != (before_month.colour, before_month.stage))
    used = paid = 0
    at_stake: dict[str, Decimal] = defaultdict(Decimal)
    for subscription in unit.subscriptions:
        found = latest.get(subscription.id)
        if gets_seat_advice(subscription):  # seats used against paid: per-seat licences only (seat_rule.py)
            paid += subscription.seats
            used += min(found.active_people if found else 0, subscription.seats)
        if found is not None and found.colour in AT_RISK:
            at_stake[subscription.system.currency] += subscription.effective_annual_cost
    return PortfolioRow(
        unit=unit,
        division=division,
        now=now,
        history=weekly,
        direction=direction,
        changed_this_month=changed,
        seats_used=used,
        seats_paid=paid,
        at_stake=dict(at_stake),
        systems=frozenset(subscription.system.key for subscription in unit.subscriptions),
        follow_up=follow_up,
        worst_part=worst_part(unit.subscriptions, latest),
    )


def _matches(row: PortfolioRow, filters: Filters) -> bool:
    if filters.colour and row.colour != filters.colour:
        return False
    if filters.stage and (row.now is None or row.now.stage != filters.stage):
        return False
    if filters.system and filters.system not in row.systems:
        return False
    if filters.division and row.division.key != filters.division:
        return False
    return not filters.changed or row.changed_this_month


def build(viewer: Account, filters: Filters, as_of: date | None = None) -> Portfolio:
    """The viewer's portfolio (an account manager's own; any manager's, or all units, for admins and the CIO)."""
    as_of = as_of or clock.today()
    units, manager = _units_in_view(viewer, filters)
    divisions = _divisions()
    history = _history([unit.id for unit in units], as_of - timedelta(weeks=SPARK_WEEKS + 1), as_of)
    subscription_ids = [subscription.id for unit in units for subscription in unit.subscriptions]
    latest = latest_by_subscription(subscription_ids, as_of)
    follow_ups = _follow_ups([unit.id for unit in units], as_of)
    everything = [
        _row(unit, divisions[unit.id], history.get(unit.id, []), latest, as_of, follow_ups[unit.id]) for unit in units
    ]
    rows = sorted((row for row in everything if _matches(row, filters)), key=PortfolioRow.attention)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.colour] += 1
    managers = []
    if viewer.role in (Role.ADMIN, Role.CIO):
        managers = sorted(
            db.session.scalars(select(Account).where(Account.role == Role.ACCOUNT_MANAGER.value)),
            key=lambda account: account.name.casefold(),
        )
    systems = sorted(
        {subscription.system for unit in units for subscription in unit.subscriptions},
        key=lambda system: system.name.casefold(),
    )
    used_divisions = sorted({row.division for row in everything}, key=lambda unit: unit.name.casefold())
    return Portfolio(
        viewer, filters, as_of, rows, managers, manager, systems, used_divisions, len(everything), dict(counts)
    )


@dataclass(frozen=True)
class Move:
    unit: Unit
    before: Snapshot | None
    now: Snapshot

    @property
    def colour_changed(self) -> bool:
        return self.before is None or self.before.colour != self.now.colour

    @property
    def stage_changed(self) -> bool:
        return self.before is None or self.before.stage != self.now.stage

    @property
    def worse(self) -> bool:
        if self.before is None:
            return False
        return SEVERITY.get(self.now.colour, 2) < SEVERITY.get(self.before.colour, 2)


def movers(viewer: Account, filters: Filters, since: date, as_of: date | None = None) -> list[Move]:
    """The units in view whose colour or stage changed between `since` and now; the ones that got worse first."""
    as_of = as_of or clock.today()
    units, _ = _units_in_view(viewer, filters)
    history = _history([unit.id for unit in units], since - timedelta(weeks=2), as_of)
    moves = []
    for unit in units:
        snapshots = history.get(unit.id, [])
        if not snapshots or snapshots[-1].as_of <= since:
            continue
        now, before = snapshots[-1], _before(snapshots, since)
        if before is not None and (before.colour, before.stage) == (now.colour, now.stage):
            continue
        moves.append(Move(unit, before, now))
    return sorted(moves, key=lambda move: (not move.worse, SEVERITY.get(move.now.colour, 2), move.unit.name.casefold()))
