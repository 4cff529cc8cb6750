"""The weekly digest to each account manager: what changed in their units, what the data suggests, what is
late — so the week starts with the list, not with a search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
    Account,
    MitigationRoute,
    MitigationStep,
    PlanStep,
    Risk,
    RiskStatus,
    RiskSuggestion,
    Role,
    StepStatus,
    Unit,
    db,
)
from portal.services.platform import accounts, mail
from portal.services.risks import suggestions as risk_suggestions
from portal.services.units import portfolio

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Digest:
    manager: Account
    moves: list[portfolio.Move]
    suggestions: list
    late: list[str]

    @property
    def empty(self) -> bool:
        return not (self.moves or self.suggestions or self.late)

    def text(self, today: date) -> str:
        lines = [f"Good morning {self.manager.name},", "", f"Your units in the week to {today:%-d %B %Y}:", ""]
        if self.moves:
            lines.append("Colour or stage changed:")
            for move in self.moves:
                before = f"{move.before.colour}, {move.before.stage}" if move.before else "not scored"
                lines.append(
                    f"  - {move.unit.name}: {before} → {move.now.colour}, {move.now.stage}"
                    + (f" ({move.now.reasons[0]})" if move.now.reasons else "")
                )
            lines.append("")
        if self.suggestions:
            lines.append("The data suggests these risks (open, snooze or dismiss them in Rapport):")
            lines += [f"  - {s.unit.name} × {s.system.name}: {s.kind.label}. {s.evidence}" for s in self.suggestions]
            lines.append("")
        if self.late:
            lines.append("Late:")
            lines += [f"  - {item}" for item in self.late]
            lines.append("")
        if self.empty:
            lines += ["Nothing changed, nothing is suggested and nothing is late. A quiet week.", ""]
        return "\n".join([*lines, "— Rapport"])


def _waiting() -> list[RiskSuggestion]:
    """The suggestions waiting for a decision that no open risk covers: a covered one would ask the manager to
    open a risk they are already working on."""
    waiting = risk_suggestions.pending()
    covered = risk_suggestions.covered_by(waiting)
    return [suggestion for suggestion in waiting if suggestion.id not in covered]


def digest_for(manager: Account, today: date, pending: list[RiskSuggestion] | None = None) -> Digest:
    """`pending`: the uncovered suggestions waiting for a decision, when the caller read them once for every
    manager."""
    moves = portfolio.movers(manager, portfolio.Filters(manager_id=manager.id), today - WEEK, today)
    units = {unit.id for unit in db.session.scalars(select(Unit).where(Unit.account_manager_id == manager.id))}
    waiting = _waiting() if pending is None else pending
    suggestions = [s for s in waiting if s.unit_id in units and s.first_seen_on > today - WEEK]
    late = [
        f"{step.unit.name}: “{step.action}” ({step.owner_name}), due {step.due_on:%-d %b}"
        for step in db.session.scalars(
            select(PlanStep)
            .where(
                PlanStep.unit_id.in_(units),
                PlanStep.due_on < today,
                PlanStep.status.in_((StepStatus.PLANNED.value, StepStatus.IN_PROGRESS.value)),
            )
            .options(selectinload(PlanStep.unit))
            .order_by(PlanStep.due_on)
        )
    ]
    late += [
        f"risk at {step.route.risk.unit.name}: “{step.action}”, due {step.due_on:%-d %b}"
        for step in db.session.scalars(
            select(MitigationStep)
            .join(MitigationRoute)
            .join(Risk)
            .where(
                MitigationStep.owner_id == manager.id,
                MitigationStep.done_at.is_(None),
                MitigationStep.due_on < today,
                Risk.status != RiskStatus.CLOSED.value,
            )
            .options(selectinload(MitigationStep.route).selectinload(MitigationRoute.risk).selectinload(Risk.unit))
            .order_by(MitigationStep.due_on)
        )
    ]
    return Digest(manager, moves, suggestions, late)


def send_all(today: date) -> str:
    """The job: one digest to each active account manager."""
    managers = accounts.active_with_role(Role.ACCOUNT_MANAGER)
    ways = []
    waiting = _waiting()
    for manager in managers:
        digest = digest_for(manager, today, waiting)
        ways.append(mail.send(f"Your units this week: {today:%-d %B %Y}", digest.text(today), [manager.email]))
    outbox = sum(1 for way in ways if way.startswith("written to the outbox"))
    return f"{len(ways)} digests: {len(ways) - outbox} by email, {outbox} to the outbox"
