"""From the gathered facts of one subscription to its measures, its stage and its explained score.

Pure: the facts are plain figures (see facts.py), the rules and profiles plain values. The stage is
replayed week by week over the last weeks of data, so that it depends on the data alone — a recompute as of
any date, on any machine, gives the same stage — and the hysteresis still holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from statistics import median

from portal.services.catalog.seat_rule import NOT_MEASURED, reclaimable_seats, why_no_seat_figures
from portal.services.health import measures as m
from portal.services.health.calendar import YEAR_WEEKS, blocks, mask_of, plain_weeks, week_start
from portal.services.health.decline import WeeklySlide, weekly_slide
from portal.services.health.facts import SubscriptionFacts
from portal.services.health.scoring import BEHAVIOUR_KEYS, Profile, Score, score
from portal.services.health.stages import Decision, Period, Signal, Stage, StageRules, decide, signal

STAGE_WEEKS = 12  # the stage is replayed over this many weeks before the as-of week
ESTABLISHED_WEEKS = 2  # a core module used in at least this many of the 8 weeks before is established
NO_USAGE = "no usage data received for this subscription"


@dataclass(frozen=True, slots=True)
class Settings:
    cadence: m.Cadence = m.Cadence.WEEKLY
    sentiment_stale_days: int = 180
    rules: StageRules = field(default_factory=StageRules)


@dataclass(frozen=True, slots=True)
class Transition:
    on: date
    from_stage: Stage | None
    to_stage: Stage
    reason: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    facts: SubscriptionFacts
    cadence: m.Cadence
    measures: Sequence[m.Measure]
    score: Score
    stage: Stage
    stage_reason: str
    transitions: Sequence[Transition]
    reclaimable_seats: int
    stale_since: date | None = None  # the system's feed stopped for every unit on this day
    warning: str | None = None  # the early sign of decline shown with the score, when there is one


_BIT_POSITIONS = [tuple(position for position in range(8) if value >> position & 1) for value in range(256)]


class ActiveByWeek:
    """Who was active in which week, turned around: per week, one bit set of the people active in it. The
    active people of any set of weeks is then one OR and a bit count, however many people there are — the
    stage replay asks that some fifty times per subscription."""

    def __init__(self, person_weeks: Sequence[int]) -> None:
        # Bits are set in byte arrays and turned into integers once: or-ing into a growing integer would copy
        # it for every bit, which is quadratic in the number of people.
        width = len(person_weeks) // 8 + 1
        bits: dict[int, bytearray] = defaultdict(lambda: bytearray(width))
        for index, weeks in enumerate(person_weeks):
            byte, bit = index >> 3, 1 << (index & 7)
            # A byte of weeks at a time, its set bits read from a table: no big-integer work per bit.
            for offset, value in enumerate(weeks.to_bytes((weeks.bit_length() + 7) // 8, "little")):
                if value:
                    base = offset * 8
                    for position in _BIT_POSITIONS[value]:
                        bits[base + position][byte] |= bit
        self.columns = {week: int.from_bytes(row, "little") for week, row in bits.items()}

    def people(self, weeks: Iterable[int]) -> int:
        union = 0
        for week in weeks:
            union |= self.columns.get(week, 0)
        return union.bit_count()

    def weekly(self, weeks: int) -> list[int]:
        """The people active in each of the latest `weeks` weeks (week 0 first)."""
        return [self.columns.get(week, 0).bit_count() for week in range(weeks)]


@dataclass(frozen=True, slots=True)
class _Trend:
    now: int  # active people in the current block (quiet weeks skipped)
    quiet_now: int  # … in the quiet weeks up to now (at most 4), when the week is quiet
    baseline: float | None
    last_year_ratio: float | None
    quiet: str | None  # why the week is a quiet time, when it is


def _trend_at(facts: SubscriptionFacts, week: int, active: ActiveByWeek) -> _Trend:
    limit = max(facts.observed_weeks, week + 1)
    found = blocks(facts.calendar, week, limit)
    now = active.people(found[0]) if found else 0
    quiet_weeks = []
    while len(quiet_weeks) < 4 and facts.calendar.week_is_quiet(week + len(quiet_weeks)):
        quiet_weeks.append(week + len(quiet_weeks))
    quiet_now = active.people(quiet_weeks)
    earlier = [active.people(block) for block in found[1:]]
    baseline = median(earlier) if earlier else None
    last_year = week + YEAR_WEEKS
    last_year_ratio = None
    if facts.observed_weeks >= last_year + 4 * 4:
        usual = median(active.people(plain_weeks(last_year, back)) for back in (1, 2, 3))
        if usual > 0:
            last_year_ratio = active.people(plain_weeks(last_year)) / usual
    quiet = None
    if facts.calendar.week_is_quiet(week):
        days = [week_start(facts.as_of, week) + timedelta(days=offset) for offset in range(7)]
        quiet_day = next((day for day in days if facts.calendar.day_is_quiet(day)), None)
        quiet = facts.calendar.season_of(quiet_day) if quiet_day else None
    return _Trend(now, quiet_now, baseline, last_year_ratio, quiet)


def _module_changes(facts: SubscriptionFacts, week: int) -> tuple[list[str], list[str]]:
    """Modules newly taken up, and core modules dropped, in the 4 weeks ending with `week`."""
    found = blocks(facts.calendar, week, max(facts.observed_weeks, week + 1))
    if len(found) < 3:  # not yet 12 weeks of data: everything would look new
        return [], []
    recent, before = mask_of(found[0]), mask_of(found[1] + found[2])
    adopted = [key for key, weeks in facts.module_weeks.items() if weeks & recent and not weeks & before]
    abandoned = [
        key
        for key in facts.core_modules
        if not facts.module_weeks.get(key, 0) & recent
        and (facts.module_weeks.get(key, 0) & before).bit_count() >= ESTABLISHED_WEEKS
    ]
    return sorted(adopted), sorted(abandoned)


def _first_use(facts: SubscriptionFacts) -> date | None:
    if facts.go_live is not None:
        return facts.go_live
    if facts.observed_weeks == 0:
        return None
    return week_start(facts.as_of, facts.observed_weeks - 1)


def _period(facts: SubscriptionFacts, week: int, trend: _Trend, rules: StageRules) -> Period:
    end = facts.as_of - timedelta(days=7 * week)
    first = _first_use(facts)
    days_live = (end - first).days if first is not None and first <= end else None
    if not facts.measured_by_use:
        # Its use says nothing of decline or growth. With neither a go-live nor any data on record it has been
        # in place as long as anyone knows: past onboarding.
        if first is None:
            days_live = rules.onboarding_days
        return Period(days_live, None, None, by_use=False)
    ratio = trend.now / trend.baseline if trend.baseline and trend.baseline >= m.TREND_MIN_PEOPLE else None
    seasonal = m.is_seasonal(ratio, m.Season(trend.quiet, trend.last_year_ratio))
    breadth = trend.now / facts.expected_people if facts.expected_people else None
    adopted, abandoned = _module_changes(facts, week) if ratio is not None else ([], [])  # too few people: noise
    return Period(days_live, breadth, ratio, seasonal, adopted, abandoned, trend.baseline)


def replay_stage(
    facts: SubscriptionFacts, rules: StageRules, stop_after: date | None = None, active: ActiveByWeek | None = None
) -> tuple[Decision, list[Transition]]:
    """The stage as of the facts' date, replayed over the last weeks, and the transitions met on the way.

    `stop_after`: the data stopped coming on that day (a stale feed), so later weeks are not judged.
    """
    active = active or ActiveByWeek(facts.person_weeks)
    stage: Stage | None = None
    signals: list[Signal] = []
    transitions: list[Transition] = []
    decision = Decision(Stage.ONBOARDING, False, "not in use yet")
    for week in range(STAGE_WEEKS, -1, -1):
        end = facts.as_of - timedelta(days=7 * week)
        if stop_after is not None and week_start(facts.as_of, week) > stop_after:
            break
        latest = _period(facts, week, _trend_at(facts, week, active), rules)
        signals.append(signal(latest, rules))
        decision = decide(stage, signals, rules)
        if decision.changed and stage is not None:
            transitions.append(Transition(end, stage, decision.stage, decision.reason))
        elif decision.changed and week == STAGE_WEEKS:
            pass  # the replay's starting point, not a transition
        elif decision.changed:
            transitions.append(Transition(end, None, decision.stage, decision.reason))
        stage = decision.stage
    return decision, transitions


def early_warning(stage: Stage, slide: WeeklySlide | None) -> str | None:
    """Not yet in decline, but the weekly active people slide: the warning comes weeks before the stage moves."""
    if stage == Stage.DECLINE or slide is None:
        return None  # in decline the stage says it already
    return slide.reason


def _counted_days(facts: SubscriptionFacts, since: date) -> int:
    """Days from `since` to the as-of date that are not quiet for the unit: a cadence pauses in a quiet time."""
    days = (since + timedelta(days=offset) for offset in range(1, (facts.as_of - since).days + 1))
    return sum(not facts.calendar.day_is_quiet(day) for day in days)


def measures_of(
    facts: SubscriptionFacts,
    settings: Settings,
    trend: _Trend,
    stale: bool,
    seats_critical_below: float = m.SEATS_CRITICAL_BELOW,
) -> list[m.Measure]:
    period = m.LAST_30_DAYS
    if facts.window_is_seasonal:
        period = f"30 days outside the quiet time (from {facts.window_start:%-d %b})"
    no_usage = facts.observed_weeks == 0 or stale
    reason = NO_USAGE if facts.observed_weeks == 0 else "data stale: the usage feed stopped"
    if not facts.measured_by_use:
        no_usage, reason = True, NOT_MEASURED  # its value is not in people using it: no seat or people measure
    behaviour: list[m.Measure]
    if no_usage:
        behaviour = [m.Measure(key, None, None, reason) for key in BEHAVIOUR_KEYS]
    else:
        active = facts.active_people
        adopted, abandoned = _module_changes(facts, 0)
        key_action_days = None if facts.key_action_last is None else _counted_days(facts, facts.key_action_last)
        observed_days = facts.observed_weeks * 7
        if facts.go_live is not None:
            observed_days = min(observed_days, max((facts.as_of - facts.go_live).days, 0))
        usual_key = facts.key_user_usual_days if facts.key_user_usual_covered else 0.0
        season = m.Season(trend.quiet, trend.last_year_ratio, f"{facts.as_of:%B}")
        if trend.quiet:
            trend_measure = m.trend(trend.quiet_now, trend.baseline or 0.0, season)
        else:
            trend_measure = m.trend(trend.now, trend.baseline or 0.0, season)
        behaviour = [
            m.seat_utilisation(
                active,
                facts.seats,
                facts.per_seat,
                period=period,
                seat_cost=facts.seat_cost,
                currency=facts.currency,
                critical_below=seats_critical_below,
            ),
            m.breadth(active, facts.people_on_record, facts.headcount, period=period),
            m.habit(facts.active_days, settings.cadence),
            m.depth(facts.core_in_window, facts.core_modules, adopted, abandoned),
            m.key_users(facts.key_user_recent_days, usual_key, facts.key_user_count),
            m.key_action(facts.key_action, facts.key_action_every_days, key_action_days, observed_days),
            trend_measure,
        ]
    age = None if facts.newest_answer is None else (facts.as_of - facts.newest_answer).days
    if facts.measured_by_use:
        tickets = m.ticket_load(
            facts.tickets,
            facts.active_people,
            facts.usual_tickets_per_person,
            facts.norm_tickets_per_person,
            facts.incidents,
            period=period,
        )
    else:
        # Tickets per active person mean nothing without use, and other units' norm per person neither: the
        # subscription's tickets are held against its own usual count a month, the whole subscription as one.
        tickets = m.ticket_load(facts.tickets, 1, facts.usual_tickets, None, facts.incidents, period=period)
    return [*behaviour, tickets, m.sentiment(facts.answers, settings.sentiment_stale_days, age)]


def evaluate(
    facts: SubscriptionFacts,
    profiles: Mapping[Stage, Profile],
    settings: Settings = Settings(),
    previous: Mapping[str, float] | None = None,
    stale_since: date | None = None,
) -> Evaluation:
    """Measures, stage and explained score of one subscription as of the facts' date."""
    if not facts.measured_by_use:
        stale_since = None  # it is not judged on its usage, so a usage feed that stopped takes nothing away
    active = ActiveByWeek(facts.person_weeks)
    decision, transitions = replay_stage(facts, settings.rules, stale_since, active)
    profile = profiles[decision.stage]
    trend = _trend_at(facts, 0, active)
    measures = measures_of(facts, settings, trend, stale_since is not None, profile.seats_critical_below)
    result = score(measures, profile, previous, by_use=facts.measured_by_use)
    slide = (
        None
        if stale_since is not None or not facts.measured_by_use
        else weekly_slide(active.weekly(facts.observed_weeks), facts.calendar.week_has_quiet_days, facts.observed_weeks)
    )
    warning = early_warning(decision.stage, slide)
    if (decision.stage == Stage.DECLINE or warning) and result.colour == m.Colour.GREEN:
        # "Green until they leave" is what a score must never be: a unit in decline — or showing its signs —
        # is yellow at best.
        held = warning or f"in decline: {decision.reason}"
        result = replace(result, colour=m.Colour.YELLOW, reasons=[held, *result.reasons], lift=f"resolve: {held}")
    elif warning:
        result = replace(result, reasons=[warning, *result.reasons])  # already yellow or red: still said first
    if stale_since is not None:
        headline = f"data stale: no usage data for {facts.system_key} from any unit since {stale_since:%-d %b %Y}"
        result = Score(None, m.Colour.GREY, result.profile_version, result.parts, [headline, *result.reasons[1:]])
    counted = why_no_seat_figures(facts.per_seat, facts.seats, facts.measured_by_use) is None
    reclaimable = reclaimable_seats(facts.active_people, facts.seats, counted) if facts.observed_weeks else 0
    return Evaluation(
        facts,
        settings.cadence,
        measures,
        result,
        decision.stage,
        decision.reason,
        transitions,
        reclaimable,
        stale_since,
        warning,
    )
