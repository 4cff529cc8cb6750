"""The escalation view: all open risks across the organisation by reason, impact, owner and age; the risks
opened and closed (by outcome) in each of the last 12 months; and why risks were lost or downgraded, counted,
so that one fix can serve many units and a pattern shows early.

Pure aggregation over risks read once (`build`), so the figures are the register's own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from models import Colour, Risk, RiskOutcome, RiskStatus, db
from portal.charts import build as charts
from portal.charts.shapes import ACCENT, COLOURS, Chart
from portal.formatting import by_currency
from portal.months import month_starts
from portal.services.risks.register import with_plan

MONTHS = 12
TOP_RISKS = 10
AGE_BANDS = ((30, "Under 30 days"), (90, "30–90 days"), (180, "90–180 days"), (None, "Over 180 days"))


@dataclass(frozen=True)
class Group:
    """Open risks sharing a reason, an owner or an age: how many, and the money at stake a year."""

    name: str
    detail: str
    count: int
    at_stake: dict[str, Decimal]
    late_steps: int = 0


@dataclass(frozen=True)
class Month:
    label: str
    opened: int
    closed: Counter[str]  # outcome → risks


@dataclass(frozen=True)
class Escalation:
    as_of: date
    open_risks: int
    at_stake: dict[str, Decimal]
    by_reason: list[Group]
    by_owner: list[Group]
    by_age: list[Group]
    largest: list[Risk]
    months: list[Month]
    lost_reasons: list[tuple[str, int]]  # reason label → risks lost in the 12 months
    downgraded_reasons: list[tuple[str, int]]

    def trend_chart(self) -> Chart:
        return trend_chart(self.months)


def trend_chart(months: Sequence[Month]) -> Chart:
    """Risks opened, and closed by outcome, month by month."""
    labels = [month.label for month in months]
    closed = [
        charts.Series(
            f"Closed: {outcome.label.lower()}", [month.closed[outcome.value] for month in months], COLOURS[colour]
        )
        for outcome, colour in (
            (RiskOutcome.SAVED, Colour.GREEN),
            (RiskOutcome.DOWNGRADED, Colour.YELLOW),
            (RiskOutcome.LOST, Colour.RED),
        )
    ]
    opened = charts.Series("Opened", [month.opened for month in months], ACCENT)
    total_opened, total_closed = sum(opened.values), sum(sum(series.values) for series in closed)
    label = (
        f"Risks opened and closed each month, last {len(labels)} months: {total_opened} opened, {total_closed} closed"
    )
    return charts.paired_bars(opened, closed, labels, label)


def _money(risks: Sequence[Risk]) -> dict[str, Decimal]:
    return by_currency((risk.currency, risk.cost_at_stake) for risk in risks)


def _grouped(risks: Sequence[Risk], key, detail, today: date) -> list[Group]:
    groups: dict[str, list[Risk]] = defaultdict(list)
    for risk in risks:
        groups[key(risk)].append(risk)
    found = [
        Group(name, detail(members[0]), len(members), _money(members), sum(r.late_steps(today) for r in members))
        for name, members in groups.items()
    ]
    return sorted(found, key=lambda group: (-sum(group.at_stake.values()), -group.count, group.name))


def _age_band(days: int) -> str:
    return next(label for limit, label in AGE_BANDS if limit is None or days < limit)


def summarise(risks: Sequence[Risk], today: date) -> Escalation:
    open_ = [risk for risk in risks if risk.status != RiskStatus.CLOSED]
    starts = month_starts(today, MONTHS)
    opened: Counter[date] = Counter()
    closed: dict[date, Counter[str]] = defaultdict(Counter)
    lost: Counter[str] = Counter()
    downgraded: Counter[str] = Counter()
    for risk in risks:
        opened_month = risk.opened_at.date().replace(day=1)
        if opened_month >= starts[0]:
            opened[opened_month] += 1
        if risk.closed_at is not None and risk.closed_at.date().replace(day=1) >= starts[0]:
            closed[risk.closed_at.date().replace(day=1)][risk.outcome or ""] += 1
            reason = risk.outcome_reason.label if risk.outcome_reason else "—"
            if risk.outcome == RiskOutcome.LOST:
                lost[reason] += 1
            elif risk.outcome == RiskOutcome.DOWNGRADED:
                downgraded[reason] += 1
    ages = {label: index for index, (_, label) in enumerate(AGE_BANDS)}
    return Escalation(
        as_of=today,
        open_risks=len(open_),
        at_stake=_money(open_),
        by_reason=_grouped(open_, lambda r: r.reason.label, lambda r: r.reason.bucket, today),
        by_owner=_grouped(open_, lambda r: r.owner.name if r.owner else "No owner", lambda r: "", today),
        by_age=sorted(
            _grouped(open_, lambda r: _age_band((today - r.opened_at.date()).days), lambda r: "", today),
            key=lambda group: ages[group.name],
        ),
        largest=sorted(open_, key=lambda r: (-r.cost_at_stake, r.id))[:TOP_RISKS],
        months=[Month(start.strftime("%b %y"), opened[start], closed[start]) for start in starts],
        lost_reasons=lost.most_common(),
        downgraded_reasons=downgraded.most_common(),
    )


def build(today: date) -> Escalation:
    risks = db.session.scalars(with_plan(select(Risk))).all()
    return summarise(risks, today)
