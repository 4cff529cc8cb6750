"""The health use-cases: score subscriptions and units as of a date, store the result, read it back.

`recompute()` is the one way scores are made — a full recompute (the nightly job, `flask recompute`), the
re-score of the subscriptions an import touched, and a report as of a past date all run through it.
"""

from __future__ import annotations

import bisect
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.sql.elements import ColumnElement

from models import HealthScore, StageTransition, Subscription, System, Unit, UsageDaily, db
from portal import clock
from portal.access.scope import descendants_of
from portal.services.health.evaluate import Evaluation, Settings, evaluate
from portal.services.health.explanation import Explanation, MeasureLine, Money, add_money
from portal.services.health.facts import SubscriptionFacts, as_date, gather, in_batches
from portal.services.health.latest import FRESH_DAYS, latest_scores
from portal.services.health.measures import Cadence, cadence_of
from portal.services.health.profiles import current_profiles
from portal.services.health.rollup import Record, UnitNode, roll_up_units, with_ancestors
from portal.services.health.scoring import Profile
from portal.services.health.stages import PLAYBOOK, Stage, StageRules
from portal.services.risks import suggestions as risk_suggestions
from portal.services.units import goals


def settings() -> Settings:
    config = current_app.config
    rules = StageRules(
        onboarding_days=config["HEALTH_ONBOARDING_DAYS"], hold_periods=config["HEALTH_STAGE_HOLD_PERIODS"]
    )
    return Settings(Cadence.WEEKLY, config["HEALTH_SENTIMENT_STALE_DAYS"], rules)


def explanation_of(evaluation: Evaluation) -> Explanation:
    lines = tuple(
        MeasureLine(
            part.measure.key,
            part.measure.raw,
            None if part.measure.score is None else round(part.measure.score, 1),
            part.weight,
            round(part.share, 4),
            round(part.contribution, 2),
            None if part.change is None else round(part.change, 1) + 0.0,  # + 0.0: never "-0.0"
            part.measure.reason,
            part.measure.cap is not None,
            part.measure.unused,
        )
        for part in evaluation.score.parts
    )
    return Explanation(
        lines,
        evaluation.score.lift,
        evaluation.stage_reason,
        PLAYBOOK[evaluation.stage],
        evaluation.facts.window_start.isoformat(),
        evaluation.cadence.value,
    )


def record_of(evaluation: Evaluation, system_name: str) -> Record:
    facts = evaluation.facts
    return Record(
        facts.unit_key,
        facts.system_key,
        system_name,
        evaluation.score.score,
        evaluation.score.colour.value,
        evaluation.stage.value,
        facts.seats,
        facts.active_people,
        evaluation.reclaimable_seats,
        list(evaluation.score.reasons),
        evaluation.score.profile_version,
        explanation_of(evaluation),
    )


def _stale_feeds(as_of: date, system_ids: Iterable[int]) -> dict[int, date]:
    """Systems whose usage feed stopped for every unit: the last day any unit's data came in, when that is
    longer ago than the configured number of days. A system that never sent data is not stale, only empty."""
    limit = current_app.config["HEALTH_FEED_STALE_DAYS"]
    last_per_subscription = (
        select(func.max(UsageDaily.day))
        .where(
            UsageDaily.unit_id == Subscription.unit_id,
            UsageDaily.system_id == Subscription.system_id,
            UsageDaily.day <= as_of,
        )
        .scalar_subquery()
    )
    stale: dict[int, date] = {}
    for batch in in_batches(sorted(set(system_ids))):
        rows = db.session.execute(
            select(Subscription.system_id, func.max(last_per_subscription))
            .where(Subscription.system_id.in_(batch))
            .group_by(Subscription.system_id)
        )
        for system_id, last in rows:
            if last is None:
                continue
            last = as_date(last)
            if (as_of - last).days > limit:
                stale[system_id] = last
    return stale


def _cadences(facts: Sequence[SubscriptionFacts], partial: bool) -> dict[int, Cadence]:
    """Per system, its users' cadence: learned from all its subscriptions in a full recompute; a partial
    re-score keeps the one the last full recompute learned (a handful of users would be a poor sample)."""
    pooled: dict[int, list[int]] = defaultdict(list)
    for item in facts:
        pooled[item.system_id].extend(item.active_days)
    found = {system_id: cadence for system_id, days in pooled.items() if (cadence := cadence_of(days))}
    if partial and pooled:
        # The stored rows of the two weeks up to the as-of date, not after it: a re-score of a past date must
        # not learn from later data. One subscription row per system and day says the system's cadence.
        as_of = facts[0].as_of
        rows = db.session.execute(
            select(HealthScore.system_id, HealthScore.explanation)
            .where(
                HealthScore.system_id.in_(sorted(pooled)),
                HealthScore.subscription_id.is_not(None),
                HealthScore.as_of.between(as_of - timedelta(days=14), as_of),
                HealthScore.id.in_(
                    select(func.min(HealthScore.id))
                    .where(
                        HealthScore.system_id.in_(sorted(pooled)),
                        HealthScore.subscription_id.is_not(None),
                        HealthScore.as_of.between(as_of - timedelta(days=14), as_of),
                    )
                    .group_by(HealthScore.system_id, HealthScore.as_of)
                ),
            )
            .order_by(HealthScore.as_of)
        )
        for system_id, stored in rows:
            learned = Explanation.from_json(stored).cadence
            if learned in {cadence.value for cadence in Cadence}:
                found[system_id] = Cadence(learned)
    return found


def _previous_scores(as_of: date, subscription_ids: Sequence[int] | None) -> dict[int, dict[str, float]]:
    """Each subscription's measure scores in the last snapshot a week or more before: the "change" column."""
    if subscription_ids is None:
        narrowed = [[]]
    else:
        narrowed = [[HealthScore.subscription_id.in_(batch)] for batch in in_batches(sorted(subscription_ids))]
    found: dict[int, dict[str, float]] = {}
    for where in narrowed:
        # The fortnight that ends a week before: as_of - 20 to as_of - 7.
        statement = latest_scores(as_of - timedelta(days=7), subscriptions=True, within_days=14, where=where)
        rows = db.session.execute(statement.with_only_columns(HealthScore.subscription_id, HealthScore.explanation))
        for subscription_id, stored in rows:
            lines = Explanation.from_json(stored).measures
            found[subscription_id] = {line.key: line.score for line in lines if line.score is not None}
    return found


def _active_elsewhere(as_of: date, subscription_ids: Sequence[int]) -> dict[int, int]:
    """Per system, the active people of the subscriptions not being re-scored, from their latest scores (of the
    last two weeks: the nightly job keeps them fresh, and the date index then reads a fortnight, not years)."""
    # FRESH_DAYS + 1: the fortnight up to the as-of date and the day before it, as it has always read.
    latest = latest_scores(as_of, subscriptions=True, within_days=FRESH_DAYS + 1)
    rows = db.session.execute(
        latest.with_only_columns(HealthScore.system_id, func.sum(HealthScore.active_people))
        .where(HealthScore.subscription_id.not_in(subscription_ids))
        .group_by(HealthScore.system_id)
    )
    return {system_id: int(total or 0) for system_id, total in rows}


@dataclass
class Computation:
    as_of: date
    evaluations: list[Evaluation] = field(default_factory=list)
    subscription_records: dict[int, Record] = field(default_factory=dict)  # by subscription id
    profiles: dict = field(default_factory=dict)  # the scoring profile of each stage that made them
    unit_records: dict[int, Record] = field(default_factory=dict)  # by unit id
    seconds: float = 0.0

    @property
    def colours(self) -> Counter[str]:
        return Counter(record.colour for record in self.subscription_records.values())


def _unit_nodes() -> dict[int, UnitNode]:
    return {
        row.id: UnitNode(row.id, row.key, row.name, row.parent_id)
        for row in db.session.execute(select(Unit.id, Unit.key, Unit.name, Unit.parent_id))
    }


def _score_subscriptions(as_of: date, subscription_ids: Sequence[int] | None) -> Computation:
    """The subscriptions' records (all, or the given ones) as of the end of `as_of`; no units yet."""
    profiles = current_profiles()
    config = settings()
    elsewhere = _active_elsewhere(as_of, subscription_ids) if subscription_ids is not None else None
    facts = gather(as_of, subscription_ids, elsewhere)
    stale = _stale_feeds(as_of, {f.system_id for f in facts})
    previous = _previous_scores(as_of, subscription_ids)
    names = dict(db.session.execute(select(System.id, System.name)).tuples().all())
    cadences = _cadences(facts, partial=subscription_ids is not None)
    result = Computation(as_of)
    for item in facts:
        own = replace(config, cadence=cadences.get(item.system_id, config.cadence))
        evaluation = evaluate(item, profiles, own, previous.get(item.subscription_id), stale.get(item.system_id))
        result.evaluations.append(evaluation)
        result.subscription_records[item.subscription_id] = record_of(evaluation, names[item.system_id])
    result.profiles = profiles
    return result


def _licence_money() -> dict[tuple[str, str], Money]:
    """(unit key, system key) → the subscription's yearly licence money (its effective annual cost in its
    system's currency), which the roll-up weighs beside the seats. The catalog keeps no price history, so a
    past date is weighed with today's prices."""
    statement = (
        select(Subscription, Unit.key)
        .join(Unit, Unit.id == Subscription.unit_id)
        .join(Subscription.system)
        .options(contains_eager(Subscription.system))
    )
    found: dict[tuple[str, str], Money] = {}
    for subscription, unit_key in db.session.execute(statement):
        cost = float(subscription.effective_annual_cost)
        found[(unit_key, subscription.system.key)] = ((subscription.system.currency, cost),) if cost else ()
    return found


def _roll_up(
    units: Mapping[int, UnitNode],
    by_unit: Mapping[int, Sequence[Record]],
    wanted: set[int],
    profiles: Mapping[Stage, Profile],
) -> dict[int, Record]:
    """The wanted units' records from their subscriptions' records, each given its licence money first."""
    money = _licence_money()
    priced = {
        unit_id: [replace(record, money=money.get((record.unit_key, record.system_key), ())) for record in records]
        for unit_id, records in by_unit.items()
    }
    return roll_up_units(units, priced, wanted, profiles)


def compute(as_of: date, subscription_ids: Sequence[int] | None = None) -> Computation:
    """Score the subscriptions (all, or the given ones) and their units as of the end of `as_of`.

    Units are rolled up from the fresh records of the subscriptions scored here and, for their other
    subscriptions, from the latest stored records — so a partial re-score gives the same units as a full one.
    """
    started = time.perf_counter()
    result = _score_subscriptions(as_of, subscription_ids)
    units = _unit_nodes()
    touched = with_ancestors(units, {evaluation.facts.unit_id for evaluation in result.evaluations})
    if subscription_ids is None:
        touched = set(units)
    by_unit = _subscription_records_by_unit(as_of, result, touched, units)
    result.unit_records = _roll_up(units, by_unit, touched, result.profiles)
    result.seconds = time.perf_counter() - started
    return result


def compute_subtree(as_of: date, unit_id: int) -> Computation:
    """A unit and everything below it, scored as of `as_of` from the data alone: its subscriptions, those of
    the units below, and the units' roll-ups — but not its ancestors, and nothing read from the stored
    scores. What a report of a past period needs, in a fraction of a partial re-score's time."""
    started = time.perf_counter()
    result = _score_subscriptions(as_of, subscription_ids_below(unit_id))
    by_unit: dict[int, list[Record]] = defaultdict(list)
    for evaluation in result.evaluations:
        by_unit[evaluation.facts.unit_id].append(result.subscription_records[evaluation.facts.subscription_id])
    result.unit_records = _roll_up(_unit_nodes(), by_unit, descendants_of({unit_id}), result.profiles)
    result.seconds = time.perf_counter() - started
    return result


def _subscription_records_by_unit(
    as_of: date, result: Computation, touched: set[int], units: Mapping[int, UnitNode]
) -> dict[int, list[Record]]:
    fresh = {evaluation.facts.subscription_id: evaluation.facts.unit_id for evaluation in result.evaluations}
    by_unit: dict[int, list[Record]] = defaultdict(list)
    for subscription_id, record in result.subscription_records.items():
        by_unit[fresh[subscription_id]].append(record)
    if len(fresh) == db.session.scalar(select(func.count(Subscription.id))):
        return by_unit
    # The other subscriptions of the touched units' subtrees: their latest stored records.
    for unit_id, record in stored_subscription_records(as_of, exclude=set(fresh)).items():
        by_unit[unit_id].extend(record)
    return by_unit


def _record_from_row(row: HealthScore, unit_key: str, system_key: str, name: str) -> Record:
    explanation = Explanation.from_json(row.explanation)
    # A stored unit's money is its parts'; a subscription's is given by the roll-up (_roll_up), from the catalog.
    money = add_money(part.money for part in explanation.children or ())
    return Record(
        unit_key,
        system_key,
        name,
        row.score,
        row.colour,
        row.stage,
        row.seats,
        row.active_people,
        row.reclaimable_seats,
        list(row.reasons),
        row.profile_version,
        explanation,
        row.as_of,
        money,
    )


def _latest_rows(as_of: date, subscriptions: bool, unit_ids: Sequence[int] | None = None):
    """The latest stored row of each subscription (or unit) on or before `as_of`, with its unit's and system's
    key and name; of the given units only when `unit_ids` is set (a unit's page reads its own rows, not the
    organisation's)."""
    where = [HealthScore.unit_id.in_(unit_ids)] if unit_ids is not None else []
    return (
        latest_scores(as_of, subscriptions=subscriptions, where=where)
        .add_columns(Unit.key, Unit.name, System.key, System.name)
        .join(Unit, Unit.id == HealthScore.unit_id)
        .outerjoin(System, System.id == HealthScore.system_id)
    )


def stored_subscription_records(as_of: date, exclude: set[int] = frozenset()) -> dict[int, list[Record]]:
    """The latest stored record of every subscription on or before `as_of`, by unit id."""
    found: dict[int, list[Record]] = defaultdict(list)
    for row, unit_key, _, system_key, system_name in db.session.execute(_latest_rows(as_of, subscriptions=True)):
        if row.subscription_id not in exclude:
            found[row.unit_id].append(_record_from_row(row, unit_key, system_key, system_name))
    return found


def stored_records(as_of: date, unit_ids: set[int] | None = None) -> list[Record]:
    """The latest stored records (subscriptions, then units) on or before `as_of`, ordered for reading."""
    records: list[tuple[tuple[str, str], Record]] = []
    wanted = sorted(unit_ids) if unit_ids is not None else None
    for subscriptions in (True, False):
        statement = _latest_rows(as_of, subscriptions, wanted)
        for row, unit_key, unit_name, system_key, system_name in db.session.execute(statement):
            if unit_ids is not None and row.unit_id not in unit_ids:
                continue
            name = system_name if subscriptions else unit_name
            record = _record_from_row(row, unit_key, system_key or "", name)
            records.append(((unit_key, system_key or ""), record))
    return [record for _, record in sorted(records, key=lambda pair: pair[0])]


def stored_unit_records(as_of: date, unit_ids: set[int] | None = None) -> dict[str, Record]:
    """The latest stored record of each unit itself (not of its subscriptions) on or before `as_of`, by unit
    key: the one reading of a unit's own health that its page, the export and the API all give."""
    return {record.unit_key: record for record in stored_records(as_of, unit_ids) if not record.system_key}


@dataclass(frozen=True, slots=True)
class UnitHealth:
    """What a unit's page shows: the unit's latest stored record and its subscriptions', by system key."""

    unit: Record | None
    systems: dict[str, Record]


def unit_health(unit_id: int) -> UnitHealth:
    records = stored_records(clock.today(), {unit_id})
    own = next((record for record in records if not record.system_key), None)
    return UnitHealth(own, {record.system_key: record for record in records if record.system_key})


def store(result: Computation) -> None:
    """Write the computation's records as of its date, keep one row per week, record stage transitions."""
    as_of = result.as_of
    subscription_ids = list(result.subscription_records)
    unit_ids = list(result.unit_records)
    _delete_rows(subscription_ids, unit_ids, HealthScore.as_of == as_of)
    rows = []
    for evaluation in result.evaluations:
        facts = evaluation.facts
        record = result.subscription_records[facts.subscription_id]
        rows.append(_row(record, as_of, facts.unit_id, facts.system_id, facts.subscription_id))
    for unit_id, record in result.unit_records.items():
        rows.append(_row(record, as_of, unit_id, None, None))
    db.session.add_all(rows)
    _keep_weekly(as_of, subscription_ids, unit_ids)
    _record_transitions(result)
    db.session.flush()


def _row(record: Record, as_of: date, unit_id: int, system_id: int | None, subscription_id: int | None) -> HealthScore:
    return HealthScore(
        unit_id=unit_id,
        system_id=system_id,
        subscription_id=subscription_id,
        as_of=as_of,
        score=record.score,
        colour=record.colour,
        stage=record.stage,
        profile_version=record.profile_version,
        seats=record.seats,
        active_people=record.active_people,
        reclaimable_seats=record.reclaimable_seats,
        reasons=list(record.reasons),
        explanation=record.explanation.to_json(),
    )


def _keep_weekly(as_of: date, subscription_ids: Sequence[int], unit_ids: Sequence[int]) -> None:
    """Within the as-of date's week (Monday to Sunday) only the latest row stays: the weekly snapshot."""
    monday = as_of - timedelta(days=as_of.weekday())
    if monday == as_of:
        return
    _delete_rows(subscription_ids, unit_ids, HealthScore.as_of.between(monday, as_of - timedelta(days=1)))


def _delete_rows(subscription_ids: Sequence[int], unit_ids: Sequence[int], when: ColumnElement[bool]) -> None:
    """Delete the stored rows of these subscriptions and of these units (their own rows) that match `when`."""
    for batch in in_batches(subscription_ids):
        db.session.execute(delete(HealthScore).where(HealthScore.subscription_id.in_(batch), when))
    for batch in in_batches(unit_ids):
        db.session.execute(
            delete(HealthScore).where(HealthScore.unit_id.in_(batch), HealthScore.system_id.is_(None), when)
        )


def _unit_transitions(result: Computation) -> dict[tuple[int, None, date, str], tuple[str | None, str]]:
    """A unit's stage is the stage holding most of its seats: it changed when it differs from the unit's
    last stored row before this date."""
    unit_ids = sorted(result.unit_records)
    before: dict[int, str | None] = {}
    day_before = result.as_of - timedelta(days=1)
    for batch in in_batches(unit_ids):
        latest = latest_scores(day_before, subscriptions=False, where=[HealthScore.unit_id.in_(batch)])
        statement = latest.with_only_columns(HealthScore.unit_id, HealthScore.stage)
        before.update(db.session.execute(statement).tuples().all())
    changed = {}
    for unit_id, record in result.unit_records.items():
        previous = before.get(unit_id)
        if record.stage and previous and record.stage != previous:
            reason = f"most of the unit's seats are now in {record.stage} (were in {previous})"
            changed[(unit_id, None, result.as_of, record.stage)] = (previous, reason)
    return changed


def _record_transitions(result: Computation) -> None:
    units = _unit_transitions(result)
    wanted = {
        (evaluation.facts.unit_id, evaluation.facts.system_id, transition.on, transition.to_stage.value): transition
        for evaluation in result.evaluations
        for transition in evaluation.transitions
    }
    if not wanted and not units:
        return
    earliest = min(key[2] for key in [*wanted, *units])
    existing = set(
        db.session.execute(
            select(
                StageTransition.unit_id,
                StageTransition.system_id,
                StageTransition.happened_on,
                StageTransition.to_stage,
            ).where(StageTransition.happened_on >= earliest)
        ).tuples()
    )
    for key, (previous, reason) in units.items():
        if key not in existing:
            db.session.add(
                StageTransition(
                    unit_id=key[0],
                    system_id=None,
                    happened_on=key[2],
                    from_stage=previous,
                    to_stage=key[3],
                    reason=reason,
                )
            )
    recorded = _recorded_stages({key[:2] for key in wanted})
    for key, transition in sorted(wanted.items(), key=lambda item: item[0][2]):
        stages = recorded[key[:2]]
        if _already_recorded(stages, transition.on, key[3]):
            continue
        db.session.add(
            StageTransition(
                unit_id=key[0],
                system_id=key[1],
                happened_on=transition.on,
                from_stage=transition.from_stage.value if transition.from_stage else None,
                to_stage=transition.to_stage.value,
                reason=transition.reason,
            )
        )
        bisect.insort(stages, (transition.on, key[3]))


def _already_recorded(stages: list[tuple[date, str]], on: date, to_stage: str) -> bool:
    """Whether a move into `to_stage` on `on` is one the records hold already: the stage recorded on or before
    that day is that stage, or the next recorded move, less than two weeks later, goes into it (a replay on
    other days placed the same move a few days apart)."""
    index = bisect.bisect_right(stages, (on, "\uffff"))
    if index and stages[index - 1][1] == to_stage:
        return True
    return index < len(stages) and stages[index][1] == to_stage and stages[index][0] - on < timedelta(days=14)


def _recorded_stages(pairs: set[tuple[int, int | None]]) -> dict[tuple[int, int | None], list[tuple[date, str]]]:
    """(unit, system) → the stages recorded for it, oldest first. Each recompute replays a subscription's
    history from its own first week, so a later run can place a move a few days from where an earlier run
    put it; a move into the stage it is already recorded in is the same move, not another."""
    found: dict[tuple[int, int | None], list[tuple[date, str]]] = defaultdict(list)
    units = sorted({unit_id for unit_id, _ in pairs})
    for batch in in_batches(units):
        rows = db.session.execute(
            select(
                StageTransition.unit_id,
                StageTransition.system_id,
                StageTransition.happened_on,
                StageTransition.to_stage,
            ).where(StageTransition.unit_id.in_(batch), StageTransition.system_id.is_not(None))
        ).tuples()
        for unit_id, system_id, day, stage in rows:
            if (unit_id, system_id) in pairs:
                found[(unit_id, system_id)].append((as_date(day), stage))
    for stages in found.values():
        stages.sort()
    return found


def subscription_ids_below(unit_id: int) -> list[int]:
    """The subscriptions of a unit and of every unit below it: what its roll-up is made of."""
    units = descendants_of({unit_id})
    return sorted(db.session.scalars(select(Subscription.id).where(Subscription.unit_id.in_(sorted(units)))))


def recompute(as_of: date, subscription_ids: Sequence[int] | None = None) -> Computation:
    """Score and store: everything (as the nightly job does), or only the given subscriptions and their units;
    the caller commits."""
    result = compute(as_of, subscription_ids)
    store(result)
    if as_of >= clock.today():  # today's scores: what the data suggests now, and where computed goals stand
        risk_suggestions.refresh(as_of)
        goals.refresh_computed(as_of)
    db.session.flush()
    return result


def snapshot_days(end: date, weeks: int) -> list[date]:
    """The Sundays that close the `weeks` weeks before `end`'s own week, oldest first."""
    last_sunday = end - timedelta(days=end.weekday() + 1)
    return [last_sunday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def recompute_history(
    end: date, weeks: int, progress: Callable[[date, Computation], None] | None = None
) -> list[Computation]:
    """Score and store the weekly snapshots of the `weeks` weeks before `end`, oldest first, then `end`.

    After a first import that brings a history, this gives the trend lines and the stage transitions of
    that history at once rather than one week per week of waiting. Each day is computed from the data up to
    it, so the snapshots are those the nightly job would have stored.
    """
    results = []
    for day in [*snapshot_days(end, weeks), end]:
        results.append(recompute(day))
        if progress is not None:
            progress(day, results[-1])
    return results
