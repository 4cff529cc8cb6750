"""The measures of a subscription's health: pure functions from plain figures to a score and a reason.

No database and no Flask here. The figures are gathered as of a date elsewhere; these functions only judge
them. Each returns a Measure: the raw value, a 0–100 score (higher is better; see bands.py) or None when it
cannot judge ("insufficient data", with the reason why), a sentence a person can read, and — for the
weakest-link rule — the best colour this measure alone still allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from models import Colour, SurveyQuestion
from portal.formatting import money_short
from portal.services.catalog.seat_rule import why_no_seat_figures
from portal.services.health.bands import Bands, banded


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    raw: float | None
    score: float | None  # None: insufficient data
    reason: str
    cap: Colour | None = None  # a critical signal: the subscription can be no better than this colour
    unused: tuple[str, ...] = ()  # the core modules nobody used (depth), as data beside the reason's words

    @property
    def sufficient(self) -> bool:
        return self.score is not None


def _insufficient(key: str, reason: str, raw: float | None = None) -> Measure:
    return Measure(key, raw, None, reason)


def _percent(ratio: float) -> str:
    return f"{round(ratio * 100):d}%" if ratio < 10 else "over 1,000%"


def _people(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


LAST_30_DAYS = "the last 30 days"  # the measures' window; in a quiet season it reaches back further

# --- behaviour ------------------------------------------------------------------------------------------

SEAT_BANDS: Bands = ((0.0, 0), (0.5, 40), (0.7, 70), (0.85, 100))


SEATS_CRITICAL_BELOW = 0.5  # below this share of paid seats used, the unused seats are a critical signal


def seat_utilisation(
    active_people: int,
    seats: int,
    per_seat: bool,
    bands: Bands = SEAT_BANDS,
    period: str = LAST_30_DAYS,
    seat_cost: Decimal = Decimal(0),
    currency: str = "EUR",
    critical_below: float = SEATS_CRITICAL_BELOW,
) -> Measure:
    """Distinct people active in the last 30 days ÷ seats paid for (per-seat licences only).

    Paid seats mostly unused are a critical signal whatever the other measures say (a watermelon: green
    outside, red inside): used strictly below `critical_below`, the colour is held at yellow, and the reason
    names the unused seats and what they cost a year (`seat_cost`: one seat's yearly cost). Exactly at the
    threshold is not critical.
    """
    key = "seat_utilisation"
    not_counted = why_no_seat_figures(per_seat, seats, measured_by_use=True)
    if not_counted:
        return _insufficient(key, not_counted)
    ratio = active_people / seats
    unused = max(0, seats - active_people)
    reason = f"{active_people:,} of {seats:,} seats used in {period}"
    if ratio < critical_below:
        reason += f": {unused:,} unused"
        if seat_cost > 0:
            reason += f", {money_short(seat_cost * unused, currency)} a year"
        return Measure(key, ratio, banded(ratio, bands), reason, Colour.YELLOW)
    if unused:
        reason += f" ({unused:,} reclaimable)"
    return Measure(key, ratio, banded(ratio, bands), reason)


BREADTH_BANDS: Bands = ((0.0, 0), (0.25, 30), (0.5, 65), (0.75, 100))
FEW_ON_RECORD = 2  # a headcount above this many times the people on record: the import is missing people


def expected_people(on_record: int, headcount: int | None) -> int:
    """The unit's people who could use a system: those imported for it, or its headcount when that is larger
    (an import that brought 8 of 300 people must not make 8 active users look like everyone)."""
    return max(on_record, headcount or 0)


def breadth(
    active_people: int,
    on_record: int,
    headcount: int | None = None,
    bands: Bands = BREADTH_BANDS,
    period: str = LAST_30_DAYS,
) -> Measure:
    """Active people ÷ the unit's people (on record, or its headcount when larger)."""
    key = "breadth"
    expected = expected_people(on_record, headcount)
    if expected <= 0:
        return _insufficient(key, "the unit has no people on record to use it")
    ratio = min(active_people / expected, 1.0)
    reason = f"{_people(active_people)} of {expected:,} active in {period} ({_percent(ratio)})"
    if headcount is not None and headcount > FEW_ON_RECORD * on_record:
        reason += f"; {_people(on_record)} on record of {headcount:,}"
    return Measure(key, ratio, banded(ratio, bands), reason)


class Cadence(StrEnum):
    """How often a routine user of the system uses it; sets how many active days in 30 count as a habit."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


def cadence_of(active_days: Sequence[int]) -> Cadence | None:
    """How often a routine user uses a system, read from its users' active days in 30 across all units:
    the median person on 8+ days uses it daily, on 3+ weekly, else monthly. None: nobody to learn from."""
    days = sorted(count for count in active_days if count > 0)
    if not days:
        return None
    middle = days[len(days) // 2]
    return Cadence.DAILY if middle >= 8 else Cadence.WEEKLY if middle >= 3 else Cadence.MONTHLY


HABIT_DAYS = {Cadence.DAILY: 8, Cadence.WEEKLY: 3, Cadence.MONTHLY: 1}  # of 30 days (about 21 working days)
HABIT_BANDS: Bands = ((0.0, 0), (0.3, 40), (0.6, 80), (0.8, 100))


def habit(active_days: Sequence[int], cadence: Cadence = Cadence.WEEKLY, bands: Bands = HABIT_BANDS) -> Measure:
    """The share of active people who used the system on enough days in the last 30 for its cadence."""
    key = "habit"
    days = [count for count in active_days if count > 0]
    if not days:
        return _insufficient(key, "nobody used it in the last 30 days")
    needed = HABIT_DAYS[cadence]
    regulars = sum(1 for count in days if count >= needed)
    ratio = regulars / len(days)
    reason = f"{regulars:,} of {_people(len(days))} used it on {needed}+ days in 30 ({cadence.value} habit)"
    return Measure(key, ratio, banded(ratio, bands), reason)


DEPTH_BANDS: Bands = ((0.0, 0), (1.0, 100))


def depth(
    core_in_use: Sequence[str],
    core_modules: Sequence[str],
    adopted: Sequence[str] = (),
    abandoned: Sequence[str] = (),
    bands: Bands = DEPTH_BANDS,
) -> Measure:
    """Core modules used in the last 30 days ÷ core modules; says which modules were newly taken up or dropped."""
    key = "depth"
    core = set(core_modules)
    if not core:
        return _insufficient(key, "the system has no core modules in the catalog")
    used = core & set(core_in_use)
    ratio = len(used) / len(core)
    reason = f"{len(used)} of {len(core)} core modules in use"
    missing = sorted(core - used)
    if missing:
        reason += f" (not: {', '.join(missing)})"
    if adopted:
        reason += f"; newly adopted: {', '.join(sorted(adopted))}"
    if abandoned:
        reason += f"; abandoned: {', '.join(sorted(abandoned))}"
    return Measure(key, ratio, banded(ratio, bands), reason, unused=tuple(missing))


KEY_USER_BANDS: Bands = ((0.0, 0), (0.3, 30), (0.6, 65), (0.85, 100))
KEY_USERS_QUIET = 0.3  # below this share of their usual activity, the unit's champions have gone quiet
KEY_USERS_MIN_USUAL = 4.0  # active days per 30: below this a key user's usual is too thin to judge a drop
KEY_USERS_MIN_DROP = 6.0  # the critical signal needs this many fewer active days too: a sick week is not quiet


def key_users(recent_events: float, usual_events: float, key_user_count: int, bands: Bands = KEY_USER_BANDS) -> Measure:
    """The key users' activity in the last 30 days against their own usual 30 days."""
    key = "key_users"
    if key_user_count <= 0:
        return _insufficient(key, "no key users named for the unit")
    if usual_events <= 0:
        return _insufficient(key, "the key users have no usual level yet")
    if usual_events < KEY_USERS_MIN_USUAL:
        return _insufficient(
            key, f"the key users are usually active on fewer than {KEY_USERS_MIN_USUAL:.0f} days a month"
        )
    ratio = recent_events / usual_events
    if ratio < 1:
        reason = f"key user activity down {_percent(1 - ratio)} vs usual"
    else:
        reason = f"key user activity at {_percent(ratio)} of usual"
    quiet = ratio < KEY_USERS_QUIET and usual_events - recent_events >= KEY_USERS_MIN_DROP
    return Measure(key, ratio, banded(ratio, bands), reason, Colour.YELLOW if quiet else None)


def key_action(action: str | None, every_days: int | None, days_since_last: int | None, days_observed: int) -> Measure:
    """Whether the subscription's key action (e.g. the monthly planning run) happened within its cadence.

    A cadence gets a quarter of its length as grace. Missed once caps the colour at yellow; missed twice in
    a row (two whole cadences without it) caps it at red.
    """
    key = "key_action"
    if not action or not every_days:
        return _insufficient(key, "no key action defined")
    allowed = every_days + every_days // 4
    if days_since_last is None:
        if days_observed < allowed:
            return _insufficient(key, f"“{action}” not seen yet; the data covers {days_observed} days")
        missed = min(days_observed // every_days, 2)
        raw = float(days_observed)
    else:
        missed = 0 if days_since_last <= allowed else min(days_since_last // every_days, 2)
        raw = float(days_since_last)
    cadence = "every day" if every_days == 1 else f"every {every_days} days"
    if missed == 0:
        assert days_since_last is not None
        when = "today" if days_since_last == 0 else f"{_days(days_since_last)} ago"
        return Measure(key, raw, 100.0, f"“{action}” done {when} ({cadence})")
    last = "never seen" if days_since_last is None else f"last done {_days(days_since_last)} ago"
    if missed == 1:
        return Measure(key, raw, 40.0, f"“{action}” missed: {last} ({cadence})", Colour.YELLOW)
    return Measure(key, raw, 0.0, f"“{action}” missed twice in a row: {last} ({cadence})", Colour.RED)


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


# --- interactions ---------------------------------------------------------------------------------------

TICKET_BANDS: Bands = ((1.0, 100), (1.5, 75), (2.0, 55), (3.0, 35), (5.0, 10))
SURGE_RATIO = 3.0  # this many times the usual load, with at least SURGE_MIN_TICKETS tickets, is a surge
SURGE_MIN_TICKETS = 5


def _tickets(count: int) -> str:
    return f"{count:,} ticket{'' if count == 1 else 's'}"


def ticket_load(
    tickets: int,
    active_people: int,
    usual_per_person: float | None,
    norm_per_person: float | None,
    incidents: int = 0,
    period: str = LAST_30_DAYS,
) -> Measure:
    """Tickets per active person in the last 30 days against the unit's usual level (or else the system's
    norm across units). A unit is always allowed at least one ticket a month: one ticket on a small base is
    not a trend, and a surge needs a few tickets."""
    key = "ticket_load"
    reference = usual_per_person if usual_per_person is not None else norm_per_person
    if reference is None:
        return _insufficient(key, "no usual ticket level for the unit or the system yet")
    expected = max(reference * max(active_people, 1), 1.0)
    ratio = tickets / expected
    against = "the usual" if usual_per_person is not None else "the system's norm"
    if tickets == 0:
        reason = f"no tickets in {period}"
    elif ratio >= 1.5:
        reason = f"{ratio:.1f}× {against} tickets in {period} ({_tickets(tickets)})"
    else:
        reason = f"{_tickets(tickets)} in {period}, in line with {against}"
    incident_share = incidents / tickets if tickets else 0.0
    if tickets and incident_share >= 0.5:
        reason += f"; {_percent(incident_share)} incidents"
    cap = Colour.YELLOW if ratio >= SURGE_RATIO and tickets >= SURGE_MIN_TICKETS else None
    return Measure(key, ratio, banded(ratio, TICKET_BANDS), reason, cap)


# --- perception -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answers:
    """The survey answers of the sentiment window for one question (scores as answered)."""

    question: str  # a SurveyQuestion
    scores: Sequence[int]


QUESTION_SCALES = {
    SurveyQuestion.NPS: (0, 10),
    SurveyQuestion.CSAT: (1, 5),
    SurveyQuestion.CES: (1, 7),
    SurveyQuestion.VALUE: (0, 10),
}
VALUE_VERY_LOW = 3.0  # an average business-value answer at or below this (of 10) is a critical signal


def net_promoter_score(scores: Sequence[int]) -> float:
    """Promoters (9–10) minus detractors (0–6), in percent of the answers: -100 … 100."""
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    return 100 * (promoters - detractors) / len(scores)


def _question_score(answers: Answers) -> float:
    """0–100 for one question: NPS as promoters minus detractors; the others as the mean on their scale."""
    if answers.question == SurveyQuestion.NPS:
        return (net_promoter_score(answers.scores) + 100) / 2
    low, high = QUESTION_SCALES[answers.question]
    mean = sum(answers.scores) / len(answers.scores)
    return 100 * (mean - low) / (high - low)


def sentiment(answers: Sequence[Answers], stale_after_days: int, newest_age_days: int | None) -> Measure:
    """The latest survey answers (NPS, CSAT, CES where 7 = very easy, business value), each question scored
    on its own scale and averaged; too old answers say nothing about today."""
    key = "sentiment"
    given = [group for group in answers if group.scores]
    if not given or newest_age_days is None:
        return _insufficient(key, "no survey answers")
    if newest_age_days > stale_after_days:
        age = f"the latest survey answer is {newest_age_days} days old (stale after {stale_after_days})"
        return _insufficient(key, age)
    parts = {group.question: _question_score(group) for group in given}
    score = sum(parts.values()) / len(parts)
    words = []
    cap = None
    for group in given:
        mean = sum(group.scores) / len(group.scores)
        if group.question == SurveyQuestion.NPS:
            words.append(f"NPS {round(parts[SurveyQuestion.NPS] * 2 - 100):+d}")
        else:
            words.append(
                f"{group.question.upper() if group.question != SurveyQuestion.VALUE else 'business value'} {mean:.1f}"
                f"/{QUESTION_SCALES[group.question][1]}"
            )
        if group.question == SurveyQuestion.VALUE and mean <= VALUE_VERY_LOW:
            cap = Colour.YELLOW
    reason = ", ".join(words)
    if cap:
        reason += " — business value answered very low"
    return Measure(key, score, score, reason, cap)


# --- trend ----------------------------------------------------------------------------------------------

TREND_BANDS: Bands = ((0.2, 0), (0.4, 20), (0.6, 45), (0.8, 70), (1.0, 100))
SEASONAL_MARGIN = 0.9  # a drop within 10% of last year's for the same weeks is the season, not a decline
TREND_MIN_PEOPLE = 5  # on a smaller base one person more or less is a swing of 20% or more: noise, not a trend


@dataclass(frozen=True, slots=True)
class Season:
    """What the calendar says about now for this unit."""

    quiet_now: str | None = None  # why now is a quiet time, in words ("a declared quiet period, 1 Aug – 31 Aug")
    last_year_ratio: float | None = None  # the same weeks a year earlier ÷ that year's baseline
    month: str = ""  # "August", for the reason


def is_seasonal(ratio: float | None, season: Season) -> bool:
    """Whether a fall to `ratio` of the usual active people is the season's: now is a quiet time for the unit,
    or the same weeks a year earlier fell as far (within SEASONAL_MARGIN). The trend measure and the stage
    rules ask this one question."""
    if season.quiet_now is not None:
        return True
    last_year = season.last_year_ratio
    return ratio is not None and last_year is not None and last_year < 1 and ratio >= last_year * SEASONAL_MARGIN


def trend(active_now: float, baseline: float, season: Season = Season(), bands: Bands = TREND_BANDS) -> Measure:
    """Active people now against the unit's own baseline, judged against what the season leads one to expect.

    In a quiet period (declared, or learned from the same weeks a year earlier) any drop is expected.
    Otherwise, when the same weeks a year earlier fell
    against that year's baseline, the same fall is expected now: a drop is held against the unit only as
    far as it goes beyond that.
    """
    key = "trend"
    if baseline <= 0:
        return _insufficient(key, "no baseline of active people yet")
    if baseline < TREND_MIN_PEOPLE:
        return _insufficient(key, f"too few people ({baseline:g} usually active) to judge a trend")
    ratio = active_now / baseline
    if ratio >= 1:
        return Measure(key, ratio, banded(ratio, bands), f"active people at {_percent(ratio)} of the unit's usual")
    when = f"in {season.month}" if season.month else "at this time of year"
    if season.quiet_now is not None:
        reason = (
            f"active people {_percent(1 - ratio)} below usual — seasonal: usual for this unit {when} "
            f"({season.quiet_now})"
        )
        return Measure(key, ratio, 100.0, reason)
    expected = season.last_year_ratio if season.last_year_ratio is not None else 1.0
    if is_seasonal(ratio, season):
        reason = (
            f"active people {_percent(1 - ratio)} below usual — seasonal: usual for this unit {when} "
            f"(the same weeks last year: {_percent(1 - expected)} below)"
        )
        return Measure(key, ratio, banded(min(ratio / expected, 1.0) if expected > 0 else 1.0, bands), reason)
    reason = f"active people down {_percent(1 - ratio)} vs the unit's usual"
    if expected < 1:
        reason += f" (the same weeks last year: {_percent(1 - expected)} below)"
    return Measure(key, ratio, banded(ratio / expected, bands), reason)
