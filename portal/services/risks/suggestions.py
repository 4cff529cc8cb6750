"""Risks the data suggests: kept once per unit, system and signal, and decided by a person.

After each day's scores, `refresh` reads every subscription's recent snapshots, finds its signals
(portal/services/risk_signals.py) and keeps one suggestion per unit + system + signal:
- a new signal becomes a pending suggestion; one still pending takes the newest evidence;
- a signal that stopped firing takes its pending suggestion away (it comes back as new if it fires again);
- a snoozed suggestion comes back on its date if the signal still fires;
- a dismissed one stays dismissed: the person said it is no risk (a snooze is for "not now");
- an accepted one stays quiet while its risk is open, and may come back once the risk is closed;
- while an open risk covers the same unit, system and signal (see `covering_risks`), no suggestion is made or
  brought back for it; one already pending stays on the list naming that risk, and stays out of the digests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import (
    Account,
    HealthScore,
    Probability,
    Risk,
    RiskReason,
    RiskSource,
    RiskStatus,
    RiskSuggestion,
    SignalKind,
    SuggestionStatus,
    db,
)
from portal import clock
from portal.services.errors import RuleViolation, required_text
from portal.services.health.explanation import Explanation
from portal.services.platform import audit
from portal.services.risks import lifecycle as risks
from portal.services.risks.signals import SUGGESTED_REASON, Snapshot, signals, window_days

MAX_NOTE = 1000


class SuggestionError(RuleViolation):
    pass


@dataclass(frozen=True)
class Refreshed:
    new: int
    updated: int
    cleared: int


def _histories(as_of: date, days: int) -> dict[tuple[int, int], list[Snapshot]]:
    rows = db.session.execute(
        select(
            HealthScore.unit_id,
            HealthScore.system_id,
            HealthScore.as_of,
            HealthScore.colour,
            HealthScore.stage,
            HealthScore.explanation,
        )
        .where(
            HealthScore.subscription_id.is_not(None),
            HealthScore.as_of > as_of - timedelta(days=days),
            HealthScore.as_of <= as_of,
        )
        .order_by(HealthScore.as_of)
    )
    histories: dict[tuple[int, int], list[Snapshot]] = defaultdict(list)
    for unit_id, system_id, day, colour, stage, stored in rows:
        measures = {line.key: line for line in Explanation.from_json(stored).measures}
        histories[(unit_id, system_id)].append(Snapshot(day, colour, stage, measures))
    return histories


def refresh(as_of: date) -> Refreshed:
    """Bring the suggestions up to the scores stored up to `as_of`; the caller commits."""
    config = current_app.config
    red_weeks, stage_weeks = config["RISK_SIGNAL_RED_WEEKS"], config["RISK_SIGNAL_STAGE_WEEKS"]
    histories = _histories(as_of, window_days(red_weeks, stage_weeks))
    every = db.session.scalars(select(RiskSuggestion).options(selectinload(RiskSuggestion.risk)))
    kept = {(row.unit_id, row.system_id, row.signal): row for row in every}
    covered = covering_risks()
    new = updated = cleared = 0
    firing: set[tuple[int, int, str]] = set()
    for (unit_id, system_id), history in histories.items():
        for kind, evidence in signals(history, red_weeks, stage_weeks).items():
            key = (unit_id, system_id, kind.value)
            firing.add(key)
            row = kept.get(key)
            if key in covered and (row is None or _comes_back(row, as_of)):
                continue  # an open risk is working on it already: a suggestion would only repeat it
            if row is None:
                row = RiskSuggestion(
                    unit_id=unit_id,
                    system_id=system_id,
                    signal=kind.value,
                    evidence=evidence,
                    first_seen_on=as_of,
                    last_seen_on=as_of,
                )
                db.session.add(row)
                new += 1
            elif _comes_back(row, as_of):
                row.status, row.snoozed_until, row.risk_id = SuggestionStatus.PENDING.value, None, None
                row.evidence, row.first_seen_on, row.last_seen_on = evidence, as_of, as_of
                new += 1
            elif row.status == SuggestionStatus.PENDING and (row.evidence, row.last_seen_on) != (evidence, as_of):
                row.evidence, row.last_seen_on = evidence, max(row.last_seen_on, as_of)
                updated += 1
    scored = set(histories)
    for key, row in kept.items():
        if row.status == SuggestionStatus.PENDING and key not in firing and key[:2] in scored:
            db.session.delete(row)
            cleared += 1
    db.session.flush()
    return Refreshed(new, updated, cleared)


def _comes_back(row: RiskSuggestion, as_of: date) -> bool:
    if row.status == SuggestionStatus.SNOOZED:
        return row.snoozed_until is not None and row.snoozed_until <= as_of
    if row.status == SuggestionStatus.ACCEPTED:
        return row.risk is None or row.risk.is_closed
    return False


def _reason_for(kind: SignalKind, reasons: Sequence[RiskReason]) -> RiskReason | None:
    """The reason a signal is filed under: its default by name, else the first active success reason."""
    wanted = SUGGESTED_REASON[kind]
    found = next((reason for reason in reasons if reason.name == wanted), None)
    return found or next((reason for reason in reasons if reason.bucket == "success"), None)


def _active_reasons() -> list[RiskReason]:
    return list(db.session.scalars(select(RiskReason).where(RiskReason.active.is_(True)).order_by(RiskReason.id)))


def covering_risks() -> dict[tuple[int, int, str], Risk]:
    """The open risk (not closed; the lowest id when several) that covers each unit + system + signal.

    A risk covers a signal at its own unit and system only (a unit-wide risk names no system, so it covers
    none). A risk opened from a suggestion knows its signal: the suggestions accepted into it say which, and it
    covers those alone. A risk opened by hand names no signal, so it covers every signal that would be filed
    under its reason (the reason `accept` picks for the signal): a hand-made "Bugs and outages" risk covers a
    ticket surge, a "Low adoption" one red weeks and a missed key action.
    """
    signals_of: dict[int, set[str]] = defaultdict(set)
    for risk_id, signal in db.session.execute(
        select(RiskSuggestion.risk_id, RiskSuggestion.signal).where(RiskSuggestion.risk_id.is_not(None))
    ).tuples():
        signals_of[risk_id].add(signal)
    reasons = _active_reasons()
    by_reason: dict[int, set[str]] = defaultdict(set)
    for kind in SignalKind:
        reason = _reason_for(kind, reasons)
        if reason is not None:
            by_reason[reason.id].add(kind.value)
    open_risks = db.session.scalars(
        select(Risk)
        .where(Risk.status != RiskStatus.CLOSED.value, Risk.system_id.is_not(None))
        .order_by(Risk.id.desc())  # the lowest id is written last: the longest-standing risk is named
    )
    found: dict[tuple[int, int, str], Risk] = {}
    for risk in open_risks:
        assert risk.system_id is not None
        for signal in signals_of.get(risk.id) or by_reason.get(risk.reason_id, ()):
            found[(risk.unit_id, risk.system_id, signal)] = risk
    return found


def covered_by(suggestions: Sequence[RiskSuggestion]) -> dict[int, Risk]:
    """Per suggestion id, the open risk that covers it already (those not covered are left out)."""
    covering = covering_risks() if suggestions else {}
    found = {}
    for suggestion in suggestions:
        risk = covering.get((suggestion.unit_id, suggestion.system_id, suggestion.signal))
        if risk is not None:
            found[suggestion.id] = risk
    return found


def pending(unit_id: int | None = None, first_for: int | None = None) -> list[RiskSuggestion]:
    """The suggestions waiting for a decision, oldest first; `first_for` an account manager: their units' first."""
    statement = (
        select(RiskSuggestion)
        .where(RiskSuggestion.status == SuggestionStatus.PENDING.value)
        .options(selectinload(RiskSuggestion.unit), selectinload(RiskSuggestion.system))
        .order_by(RiskSuggestion.first_seen_on, RiskSuggestion.id)
    )
    if unit_id is not None:
        statement = statement.where(RiskSuggestion.unit_id == unit_id)
    found = list(db.session.scalars(statement))
    if first_for is not None:
        found.sort(key=lambda suggestion: suggestion.unit.account_manager_id != first_for)  # stable: keeps the age
    return found


def _decide(suggestion: RiskSuggestion, status: SuggestionStatus, note: str, actor: Account) -> None:
    if suggestion.status != SuggestionStatus.PENDING:
        raise SuggestionError("Someone has decided on this suggestion already; reload the page.")
    suggestion.status, suggestion.decision_note = status.value, note
    suggestion.decided_by_id, suggestion.decided_at = actor.id, clock.now()
    where = f"{suggestion.unit.key}/{suggestion.system.key}/{suggestion.signal}"
    audit.record(
        actor, status.value, "risk_suggestion", where, {"status": ["pending", status.value], "note": [None, note]}
    )


def _suggested_reason(kind: SignalKind) -> RiskReason:
    found = _reason_for(kind, _active_reasons())
    if found is None:
        raise SuggestionError(
            "There is no risk reason to file it under; an admin adds them under Admin › Risk reasons."
        )
    return found


def accept(suggestion: RiskSuggestion, actor: Account) -> Risk:
    """Open a risk from the suggestion: from a data signal, at the first probability, with its evidence."""
    assessment = risks.Assessment(
        system_id=suggestion.system_id,
        reason_id=_suggested_reason(suggestion.kind).id,
        source=RiskSource.DATA,
        probability=Probability.EXPLORING,
        seats_at_stake=None,
        cost_at_stake=None,
        owner_id=None,
        description=f"{suggestion.kind.label}: {suggestion.evidence}",
    )
    risk = risks.open_risk(suggestion.unit, assessment, actor)
    _decide(suggestion, SuggestionStatus.ACCEPTED, "", actor)
    suggestion.risk = risk
    return risk


def _checked_note(note: str, what: str) -> str:
    why = f"Say why you {what} it: the next person to see the signal will read it."
    return required_text(note, MAX_NOTE, why, SuggestionError, "note")


def dismiss(suggestion: RiskSuggestion, note: str, actor: Account) -> None:
    _decide(suggestion, SuggestionStatus.DISMISSED, _checked_note(note, "dismiss"), actor)


def snooze(suggestion: RiskSuggestion, until: date | None, note: str, today: date, actor: Account) -> None:
    if until is None or until <= today:
        raise SuggestionError("Snooze it until a day after today.", "until")
    suggestion.snoozed_until = until
    _decide(suggestion, SuggestionStatus.SNOOZED, _checked_note(note, "snooze"), actor)
