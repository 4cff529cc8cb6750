"""The demo organisation's past: 18 months of usage, tickets and survey answers, written as canonical CSV files.

Reads the demo's units, people, systems and subscriptions from the database and writes `usage.csv`,
`tickets.csv` and `surveys.csv` in the formats of docs/data-formats.md; the import engine loads them.

Deterministic: every subscription draws from its own `random.Random` seeded with (seed, unit, system), and
every date is counted from `today`, so the same seed and day write byte-identical files. Rows are written as
they are drawn, one subscription at a time, so memory stays flat whatever the volume.

Most subscriptions simply live: people start on go-live and ramp up over two months, work on weekdays, go
quiet over their unit's quiet periods (a skeleton crew stays), run their key action on schedule, raise a few
tickets and answer a quarterly pulse. A handful of subscriptions are shaped to show the examples of the domain
brief; `SCENARIOS` lists them.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select

from models import Module, Person, PersonRole, Subscription, SurveyQuestion, System, TicketStatus, TicketType, Unit, db
from portal.services.health.quiet_periods import in_quiet_period, parse_quiet_periods

USAGE_COLUMNS = (
    "source_system",
    "source_record_id",
    "person_key",
    "system_key",
    "occurred_at",
    "feature",
    "count",
    "duration_seconds",
    "unit_key",
)
TICKET_COLUMNS = (
    "source_system",
    "ticket_id",
    "system_key",
    "person_key",
    "unit_key",
    "opened_at",
    "resolved_at",
    "status",
    "priority",
    "type",
    "category",
    "csat",
)
SURVEY_COLUMNS = (
    "source_system",
    "response_id",
    "submitted_at",
    "person_key",
    "unit_key",
    "system_key",
    "question",
    "score",
    "comment",
)


class Scenario(NamedTuple):
    """A subscription whose history is shaped to show one example of the domain brief."""

    unit_key: str
    system_key: str
    shows: str


ONBOARDING = Scenario(
    "test-lab",
    "teamcenter",
    "Onboarding: nothing until ~8 weeks ago (go-live), then more people and more use week after week.",
)
ADOPTION = Scenario(
    "procurement",
    "coupa",
    "Adoption: steady routine use for the whole period, purchase orders every week, content users.",
)
GROWTH = Scenario(
    "key-accounts-dach",
    "salesforce",
    "Growth: over the last 4 months active people rise from about half to nearly all, and CPQ and "
    "reports come into use.",
)
DECLINE = Scenario(
    "digital-marketing",
    "hubspot",
    "Decline: for 5 months fewer people use it, less often; landing pages were abandoned (moved to the web "
    "CMS); survey scores slide.",
)
KEY_USER_QUIET = Scenario(
    "operational-risk",
    "archer",
    "Yellow: the team's key users have been silent for 3 weeks on every system, and its tickets in the last "
    "30 days are 4× its usual month.",
)
MISSED_KEY_ACTION = Scenario(
    "technician-scheduling",
    "ifs-fsm",
    "Red: monthly_planning ran every 30 days until two cycles ago, then stopped; the latest survey rates "
    "business value 2–3.",
)
SEASONAL = Scenario(
    "field-technicians-north",
    "ifs-fsm",
    "Seasonality: a Swedish site silent every summer (quiet period 07-01..08-15) but for a skeleton crew; "
    "every unit with quiet periods behaves the same way.",
)
IDLE_SEATS = Scenario(
    "warehouse-operations",
    "sap-s4hana",
    "License waste: exactly 40 distinct people ever use it, whatever the seats (to show 100 seats and 40 "
    "active users, set this subscription's seats to 100).",
)
# People leave a subscription in two ways: a slide (over about three months fewer of them each week, as a
# team drifts to another tool) and a cut-over (everyone stops on one day). The backtest grades the decline
# warning against both; only a slide can be foreseen.
LEFT_FOR_AZURE_DEVOPS = Scenario(
    "test-lab",
    "jira",
    "Abandonment, a slide: over three months the test lab moved its work to another tracker, fewer people each "
    "week, until nobody used Jira (about seven months ago).",
)
LEFT_FOR_SHAREPOINT = Scenario(
    "maintenance-engineering",
    "m-files",
    "Abandonment, a slide: maintenance drifted to SharePoint for its documents over three months; the last "
    "M-Files user left about five months ago.",
)
LEFT_FOR_EXCEL = Scenario(
    "supplier-quality",
    "opcenter",
    "Abandonment, a slow slide: over four months, through Christmas, supplier quality went back to spreadsheets "
    "for its inspections (last use about eight months ago).",
)
CUT_OVER = Scenario(
    "erp-competence-centre",
    "confluence",
    "Abandonment, a cut-over: the ERP team moved its wiki on one day, about six months ago; nothing foretold it.",
)
DWINDLING = Scenario(
    "quality-assurance",
    "power-bi",
    "Decline, a slide: over three months only four in ten of quality's report readers kept looking; it stays there.",
)


class Departure(NamedTuple):
    """Users leave a subscription: over `days` days ending `ends_days_back` days before today, the share of them
    still enrolled falls from all to `to_share` (0: abandoned). `days` 0 is a cut-over."""

    ends_days_back: int
    days: int
    to_share: float = 0.0

    def share(self, days_back: int) -> float:
        if days_back >= self.ends_days_back + self.days:
            return 1.0
        if days_back <= self.ends_days_back:
            return self.to_share
        left = (self.ends_days_back + self.days - days_back) / self.days
        return 1 - (1 - self.to_share) * left


DEPARTURES: dict[Scenario, Departure] = {
    LEFT_FOR_AZURE_DEVOPS: Departure(210, 91),
    LEFT_FOR_SHAREPOINT: Departure(150, 91),
    LEFT_FOR_EXCEL: Departure(240, 120),
    CUT_OVER: Departure(180, 0),
    DWINDLING: Departure(100, 91, 0.4),
}

SCENARIOS: tuple[Scenario, ...] = (
    ONBOARDING,
    ADOPTION,
    GROWTH,
    DECLINE,
    KEY_USER_QUIET,
    MISSED_KEY_ACTION,
    SEASONAL,
    IDLE_SEATS,
    *DEPARTURES,
)

# Shapes of the scenarios, in days counted back from `today`.
ONBOARDING_DAYS = 56
GROWTH_DAYS = 120
DECLINE_DAYS = 150
KEY_USER_SILENT_DAYS = 21
SURGE_DAYS = 30
SURGE_FACTOR = 4
SURGE_BASELINE_DAYS = 360  # the "usual": the year before the surge
MISSED_CYCLES = 2
IDLE_SEATS_ACTIVE = 40
LOW_VALUE_DAYS = 120  # survey answers this recent carry the low business-value score

RAMP_DAYS = 60  # after go-live, people join and get used to the system over two months
SKELETON_SHARE = 0.04  # of a subscription's users, the ones who keep working over a quiet period
SCHEDULED_KEY_ACTION_DAYS = 14  # key actions this rare or rarer happen on a schedule, not as daily routine


@dataclass(frozen=True)
class SystemHabit:
    """How a system is used: chance a user is on it on a weekday, weekend factor, events a day, seconds each."""

    daily: float
    weekend: float = 0.05
    events: float = 8.0
    seconds: int = 90
    tickets: float = 1.0  # relative ticket rate per user


DEFAULT_HABIT = SystemHabit(0.4)
# Shift workers look at Quinyx a couple of times a week; the shop floor runs MES every shift, weekends too.
HABITS: dict[str, SystemHabit] = {
    "microsoft-365": SystemHabit(0.85, 0.08, 30, 40, 0.4),
    "servicenow": SystemHabit(0.06, 0.0, 3, 60, 0.5),
    "crowdstrike": SystemHabit(0.7, 0.1, 4, 5, 0.2),
    "knowbe4": SystemHabit(0.03, 0.0, 2, 300, 0.2),
    "concur": SystemHabit(0.08, 0.02, 3, 240, 0.8),
    "quinyx": SystemHabit(0.22, 0.3, 3, 60, 0.6),
    "opcenter": SystemHabit(0.6, 0.4, 25, 30, 1.2),
    "ifs-fsm": SystemHabit(0.7, 0.1, 12, 120, 1.5),
    "sap-s4hana": SystemHabit(0.55, 0.03, 20, 90, 2.0),
    "salesforce": SystemHabit(0.6, 0.03, 15, 60, 1.0),
    "zendesk": SystemHabit(0.75, 0.2, 30, 120, 1.0),
    "archer": SystemHabit(0.45, 0.0, 6, 180, 3.0),
    "teamcenter": SystemHabit(0.55, 0.02, 10, 150, 2.0),
    "power-bi": SystemHabit(0.3, 0.02, 5, 120, 0.8),
    "drawio": SystemHabit(0.1, 0.02, 3, 300, 0.2),
    "miro": SystemHabit(0.12, 0.01, 4, 300, 0.3),
    "docusign": SystemHabit(0.1, 0.01, 3, 60, 0.5),
    "kyriba": SystemHabit(0.8, 0.05, 12, 90, 2.0),
}

TICKETS_PER_USER_DAY = 0.0009  # about one ticket per user every three years and a half, times the habit
TICKET_TYPES = (
    (TicketType.INCIDENT, "INC", 0.5),
    (TicketType.REQUEST, "REQ", 0.35),
    (TicketType.QUESTION, "QST", 0.15),
)
TICKET_CATEGORIES = {
    TicketType.INCIDENT: ("Login", "Performance", "Error message", "Data issue", "Integration", "Printing"),
    TicketType.REQUEST: ("Access", "New user", "Configuration change", "Report request", "Licence"),
    TicketType.QUESTION: ("How-to", "Training", "Documentation"),
}
PRIORITY_WEIGHTS = (0.02, 0.08, 0.3, 0.45, 0.15)  # priority 1 (highest) … 5
RESOLUTION_HOURS = {1: (1, 8), 2: (3, 24), 3: (6, 72), 4: (12, 160), 5: (24, 320)}
TICKET_UPDATE_SHARE = 0.25  # tickets also sent once while still open, then again when resolved
CANCELED_SHARE = 0.03
CSAT_SHARE = 0.35

PULSE_MONTHS = (3, 6, 9, 12)
PULSE_WINDOW_DAYS = 14
SURVEY_SAMPLE = 0.25
SURVEY_MAX_RESPONSES = 10
SURVEY_MIN_USERS = 5
COMMENT_SHARE = 0.15
GOOD_COMMENTS = (
    "Works well for us, the team relies on it every day.",
    "Much faster since the last upgrade.",
    "The key user helps us a lot.",
)
MIXED_COMMENTS = (
    "Fine, but the reports take too long to build.",
    "Useful, though new colleagues need more training.",
    'Search could be better: "advanced search" is hard to find.',
)
BAD_COMMENTS = (
    "Too many clicks for simple things, so we keep a spreadsheet on the side.",
    "We are looking at other tools.",
    "Support takes days to answer.",
)
SCENARIO_COMMENTS = {
    MISSED_KEY_ACTION: "The planning run does not match how we dispatch, so we plan in Excel.",
    DECLINE: "We build our landing pages in the new web CMS now; HubSpot is mostly for e-mails.",
}


@dataclass(frozen=True)
class Day:
    """A calendar day with the strings the rows need, computed once for all subscriptions."""

    date: date
    iso: str
    compact: str
    weekend: bool


@dataclass(slots=True)
class User:
    key: str
    key_user: bool
    engagement: float  # scales the system's daily chance of use
    skeleton: bool  # works through the unit's quiet periods


@dataclass
class Plan:
    """What one subscription's history is drawn from: its master data, plus the people chosen to use it."""

    unit_key: str
    system_key: str
    seats: int
    go_live: date
    key_action: str | None
    every_days: int | None
    modules: list[tuple[str, bool]]  # (key, core), ordered by key
    people: list[tuple[str, str]]  # (person key, role) of the unit, ordered by key
    quiet_days: frozenset[date]  # the calendar's days inside the unit's quiet periods
    scenario: Scenario | None = None
    start: date = date.min
    users: list[User] = field(default_factory=list)

    @property
    def scheduled_key_action(self) -> bool:
        return self.key_action is not None and (self.every_days or 1) >= SCHEDULED_KEY_ACTION_DAYS


class History:
    """Draws one subscription's rows; the three public methods write them."""

    def __init__(self, plan: Plan, today: date, rng: random.Random) -> None:
        self.plan = plan
        self.today = today
        self.rng = rng
        self.habit = HABITS.get(plan.system_key, DEFAULT_HABIT)
        self.pools = self._feature_pools()
        self.key_action_days = self._key_action_days() if plan.scheduled_key_action else set()

    # --- shapes -------------------------------------------------------------------------------------------

    def is_quiet(self, day: date) -> bool:
        return day in self.plan.quiet_days

    def days_back(self, day: date) -> int:
        return (self.today - day).days

    def shape(self, day: date) -> tuple[float, float]:
        """(share of the users enrolled, intensity) on the day: ramp-up, growth and decline live here."""
        enrolled, intensity = 1.0, 1.0
        since_start = (day - self.plan.start).days
        if since_start < RAMP_DAYS:
            progress = since_start / RAMP_DAYS
            enrolled, intensity = 0.15 + 0.85 * progress, 0.5 + 0.5 * progress
        scenario, back = self.plan.scenario, self.days_back(day)
        if scenario is GROWTH:
            progress = max(0.0, 1 - back / GROWTH_DAYS)
            enrolled, intensity = min(enrolled, 0.5 + 0.48 * progress), min(intensity, 0.8 + 0.2 * progress)
        elif scenario is DECLINE and back < DECLINE_DAYS:
            progress = 1 - back / DECLINE_DAYS
            enrolled, intensity = min(enrolled, 1 - 0.7 * progress), min(intensity, 1 - 0.45 * progress)
        elif scenario in DEPARTURES:
            enrolled = min(enrolled, DEPARTURES[scenario].share(back))
        return enrolled, intensity

    def is_silent(self, user: User, day: date) -> bool:
        """The operational-risk team's key users stopped working in every system three weeks ago."""
        return (
            user.key_user
            and self.plan.unit_key == KEY_USER_QUIET.unit_key
            and self.days_back(day) < KEY_USER_SILENT_DAYS
        )

    # --- features and key actions -------------------------------------------------------------------------

    def _feature_pools(self) -> list[tuple[int, list[str], list[float]]]:
        """Feature pools as (from days back, features, cumulative weights); the last that applies wins."""
        plan, rng = self.plan, self.rng
        optional = [key for key, core in plan.modules if not core and key != plan.key_action]
        in_use = [key for key, core in plan.modules if core and key != plan.key_action]
        in_use += [key for key in optional if rng.random() < 0.4]
        if not in_use:  # Concur: the only core module is the scheduled key action; people still book travel
            in_use = optional[:1] or [key for key, _ in plan.modules][:1]
        weights = {key: 1.0 for key in in_use}
        if plan.key_action and not plan.scheduled_key_action:
            weights[plan.key_action] = 3.0  # a weekly or daily key action is the routine itself
        pools = [(10**6, dict(weights))]
        if plan.scenario is GROWTH:
            for key in ("cpq", "reports"):
                weights[key] = 0.8
            pools.append((GROWTH_DAYS, dict(weights)))
        elif plan.scenario is DECLINE:
            weights.setdefault("landing_pages", 1.0)
            pools[0] = (10**6, dict(weights))
            del weights["landing_pages"]
            pools.append((DECLINE_DAYS, dict(weights)))
        return [(days, list(pool), _cumulative(list(pool.values()))) for days, pool in pools]

    def feature_pool(self, day: date) -> tuple[list[str], list[float]]:
        back = self.days_back(day)
        features, cumulative = self.pools[0][1], self.pools[0][2]
        for from_days_back, pool_features, pool_cumulative in self.pools[1:]:
            if back < from_days_back:
                features, cumulative = pool_features, pool_cumulative
        return features, cumulative

    def _key_action_days(self) -> set[date]:
        """Every `every_days` from the start, moved to the next working day outside a quiet period."""
        plan, days = self.plan, set()
        every = plan.every_days or 30
        due = plan.start + timedelta(days=min(every, 7))
        skip_after = self.today - timedelta(days=MISSED_CYCLES * every + 5)
        while due <= self.today:
            day = due
            while day.weekday() >= 5 or self.is_quiet(day):
                day += timedelta(days=1)
            missed = plan.scenario is MISSED_KEY_ACTION and day > skip_after
            if day <= self.today and not missed:
                days.add(day)
            due += timedelta(days=every)
        return days

    def performers(self, day: date, enrolled: list[User]) -> set[str]:
        """Who runs a scheduled key action: key users first; someone else when they are away."""
        present = [user for user in enrolled if not self.is_silent(user, day)]
        present.sort(key=lambda user: not user.key_user)  # stable: key users first, in order
        return {user.key for user in present[: 1 + (len(present) > 10)]}

    # --- usage --------------------------------------------------------------------------------------------

    def usage_rows(self, calendar: list[Day]) -> Iterator[tuple]:
        """One row per person and active day; the hot loop of the whole demo, so it is kept lean."""
        plan, habit, random_ = self.plan, self.habit, self.rng.random
        source = "entra-id" if plan.system_key == "microsoft-365" else plan.system_key
        for day in calendar:
            if day.date < plan.start:
                continue
            people, chance = self._people_at_work(day)
            performers = self.performers(day.date, people) if day.date in self.key_action_days else set()
            features, cumulative = self.feature_pool(day.date)
            total, system_key, record_prefix = cumulative[-1], plan.system_key, day.compact + "-"
            stamp_prefix, events, seconds = day.iso + "T", habit.events, habit.seconds
            # One comprehension draws the whole day: far cheaper than a loop with a test per person.
            if performers:
                active = [user for user in people if user.key in performers or random_() < user.engagement * chance]
            else:
                active = [user for user in people if random_() < user.engagement * chance]
            for user in active:
                if performers and user.key in performers:
                    feature, count = plan.key_action, 1 + int(random_() * 3)
                else:
                    feature = features[bisect.bisect(cumulative, random_() * total)]
                    count = min(500, 1 + int(-events * math.log(1.0 - random_())))  # exponential
                occurred_at = stamp_prefix + _CLOCK[int(random_() * 36_000)] + "Z"
                duration = count * int(seconds * (0.5 + random_()))
                yield (
                    source,
                    record_prefix + user.key,
                    user.key,
                    system_key,
                    occurred_at,
                    feature,
                    count,
                    duration,
                    "",
                )

    def _people_at_work(self, day: Day) -> tuple[list[User], float]:
        """The users who may use the system that day, and the chance (before engagement) that each does."""
        enrolled_share, intensity = self.shape(day.date)
        users = self.plan.users
        people = users if enrolled_share >= 1 else users[: math.ceil(enrolled_share * len(users))]
        chance = self.habit.daily * intensity * (self.habit.weekend if day.weekend else 1.0)
        if self.is_quiet(day.date):
            people, chance = [user for user in people if user.skeleton], chance * 0.5
        if self.plan.unit_key == KEY_USER_QUIET.unit_key and self.days_back(day.date) < KEY_USER_SILENT_DAYS:
            people = [user for user in people if not user.key_user]
        return people, chance

    # --- tickets ------------------------------------------------------------------------------------------

    def ticket_days(self, calendar: list[Day]) -> Iterator[date]:
        """Days a ticket is opened, once per ticket; the operational-risk team's last month is a surge."""
        plan, rng = self.plan, self.rng
        surge = plan.unit_key == KEY_USER_QUIET.unit_key
        surge_start = self.today - timedelta(days=SURGE_DAYS - 1)
        baseline_start = surge_start - timedelta(days=SURGE_BASELINE_DAYS)
        baseline = 0
        for day in calendar:
            if day.date < plan.start or (surge and day.date >= surge_start):
                continue
            enrolled_share, _ = self.shape(day.date)
            rate = TICKETS_PER_USER_DAY * self.habit.tickets * len(plan.users) * enrolled_share
            if (day.date - plan.start).days < RAMP_DAYS:
                rate *= 3  # newcomers ask
            if plan.scenario is DECLINE and self.days_back(day.date) < DECLINE_DAYS:
                rate *= 1.5
            if day.weekend or self.is_quiet(day.date):
                rate *= 0.1
            for _ in range(_poisson(rng, rate)):
                baseline += day.date >= baseline_start
                yield day.date
        if surge:
            # Exactly SURGE_FACTOR times the usual month, so the surge reads the same for every seed.
            usual = baseline * SURGE_DAYS / SURGE_BASELINE_DAYS
            working = [d.date for d in calendar if d.date >= max(surge_start, plan.start) and not d.weekend]
            if working:
                yield from sorted(rng.choice(working) for _ in range(round(SURGE_FACTOR * usual)))

    def ticket_rows(self, calendar: list[Day], numbers: dict[str, int]) -> Iterator[tuple]:
        """Each ticket as last reported; some first as still open, sent again after the subscription's block."""
        updates: list[tuple] = []
        for day in self.ticket_days(calendar):
            first, final = self._ticket(day, numbers)
            if first is not None:
                yield first
                updates.append(final)
            else:
                yield final
        yield from updates

    def _ticket(self, day: date, numbers: dict[str, int]) -> tuple[tuple | None, tuple]:
        plan, rng = self.plan, self.rng
        kind, prefix = _weighted(rng, [(t[0], t[1]) for t in TICKET_TYPES], [t[2] for t in TICKET_TYPES])
        numbers[prefix] += 1
        ticket_id = f"{prefix}{numbers[prefix]:07d}"
        priority = _weighted(rng, [1, 2, 3, 4, 5], PRIORITY_WEIGHTS)
        opened = datetime(day.year, day.month, day.day) + timedelta(seconds=25_200 + int(rng.random() * 32_400))
        low, high = RESOLUTION_HOURS[priority]
        resolved = opened + timedelta(hours=rng.uniform(low, high))
        raisers = [user for user in plan.users if not self.is_silent(user, day)] or plan.users
        person = rng.choice(raisers).key if rng.random() > 0.1 else ""
        unit = "" if person else plan.unit_key
        category = rng.choice(TICKET_CATEGORIES[kind])
        common = ("servicenow", ticket_id, plan.system_key, person, unit, _stamp(opened))
        now = datetime(self.today.year, self.today.month, self.today.day, 23, 59, 59)
        if resolved > now:
            status = rng.choice((TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.OPEN, TicketStatus.PENDING))
            return None, (*common, "", status, priority, kind, category, "")
        if rng.random() < CANCELED_SHARE:
            return None, (*common, "", TicketStatus.CANCELED, priority, kind, category, "")
        status = TicketStatus.RESOLVED if now - resolved < timedelta(days=7) else TicketStatus.CLOSED
        csat = self._ticket_csat(day) if rng.random() < CSAT_SHARE else ""
        final = (*common, _stamp(resolved), status, priority, kind, category, csat)
        if rng.random() < TICKET_UPDATE_SHARE:
            return (*common, "", TicketStatus.OPEN, priority, kind, category, ""), final
        return None, final

    def _ticket_csat(self, day: date) -> int:
        unhappy = self.plan.unit_key == KEY_USER_QUIET.unit_key and self.days_back(day) < SURGE_DAYS
        return _clamp(round(self.rng.gauss(2.6 if unhappy else 4.2, 0.8)), 1, 5)

    # --- surveys ------------------------------------------------------------------------------------------

    def survey_rows(self, seed: int) -> Iterator[tuple]:
        plan, rng = self.plan, self.rng
        if len(plan.users) < SURVEY_MIN_USERS or plan.key_action is None:
            return
        for sent in _pulse_days(plan.start, self.today):
            size = min(SURVEY_MAX_RESPONSES, max(2, round(len(plan.users) * SURVEY_SAMPLE)))
            respondents = rng.sample(plan.users, min(size, len(plan.users)))
            for position, user in enumerate(respondents):
                # The first answer comes on the day the pulse goes out, so every pulse sent has one.
                day = sent + timedelta(days=0 if position == 0 else rng.randrange(PULSE_WINDOW_DAYS))
                if day > self.today or day.weekday() >= 5 or self.is_quiet(day) or self.is_silent(user, day):
                    continue
                if self.shape(day)[0] == 0:
                    continue  # nobody uses it any more: nobody is asked about it
                yield from self._response(seed, sent, day, user)

    def _response(self, seed: int, sent: date, day: date, user: User) -> Iterator[tuple]:
        plan, rng = self.plan, self.rng
        digest = hashlib.blake2b(f"{seed}/{plan.unit_key}/{plan.system_key}/{sent}/{user.key}".encode(), digest_size=9)
        response_id = "R_" + digest.hexdigest()
        submitted = datetime(day.year, day.month, day.day) + timedelta(seconds=25_200 + int(rng.random() * 32_400))
        mood = self._mood(day)
        scores = {
            SurveyQuestion.NPS: _clamp(round(rng.gauss(mood * 10, 1.4)), 0, 10),
            SurveyQuestion.VALUE: _clamp(round(rng.gauss(mood * 10, 1.2)), 0, 10),
            SurveyQuestion.CES: _clamp(round(rng.gauss(1 + mood * 6, 0.9)), 1, 7),
        }
        if rng.random() < 0.4:
            scores[SurveyQuestion.CSAT] = _clamp(round(rng.gauss(1 + mood * 4, 0.6)), 1, 5)
        low_value = plan.scenario is MISSED_KEY_ACTION and self.days_back(day) < LOW_VALUE_DAYS
        if low_value:
            scores[SurveyQuestion.VALUE] = rng.choice((2, 3))
        comment = self._comment(mood, low_value or self._declining(day))
        for question, score in scores.items():
            text = comment if question == SurveyQuestion.VALUE else ""
            yield ("qualtrics", response_id, _stamp(submitted), user.key, "", plan.system_key, question, score, text)

    def _declining(self, day: date) -> bool:
        return self.plan.scenario is DECLINE and self.days_back(day) < DECLINE_DAYS

    def _mood(self, day: date) -> float:
        """How content the unit is, 0–1; the scenarios steer it."""
        base = 0.62 + 0.2 * _stable_fraction(self.plan.unit_key, self.plan.system_key)
        scenario, back = self.plan.scenario, self.days_back(day)
        if scenario is GROWTH:
            return 0.85
        if scenario is DECLINE and back < DECLINE_DAYS:
            return 0.65 - 0.3 * (1 - back / DECLINE_DAYS)
        if scenario is MISSED_KEY_ACTION:
            return 0.35 if back < LOW_VALUE_DAYS else 0.6
        return base

    def _comment(self, mood: float, scenario_says: bool) -> str:
        if scenario_says and self.plan.scenario in SCENARIO_COMMENTS:
            return SCENARIO_COMMENTS[self.plan.scenario]
        if self.rng.random() >= COMMENT_SHARE:
            return ""
        choices = GOOD_COMMENTS if mood >= 0.75 else MIXED_COMMENTS if mood >= 0.5 else BAD_COMMENTS
        return self.rng.choice(choices)


def write_history(directory: Path, *, today: date, seed: int = 7, months: int = 18) -> dict[str, Path]:
    """Read the demo's units/people/subscriptions/systems from the database (db.session, inside an app context)
    and write usage.csv, tickets.csv, surveys.csv into `directory`; return {"usage": path, "tickets": path,
    "surveys": path}."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    calendar = _calendar(_months_before(today, months), today)
    plans = [_with_users(plan, seed, calendar[0].date, today) for plan in _read_plans(calendar)]
    paths = {name: directory / f"{name}.csv" for name in ("usage", "tickets", "surveys")}
    numbers = {prefix: 10_000 for _, prefix, _ in TICKET_TYPES}
    with (
        _csv_file(paths["usage"], USAGE_COLUMNS) as usage,
        _csv_file(paths["tickets"], TICKET_COLUMNS) as tickets,
        _csv_file(paths["surveys"], SURVEY_COLUMNS) as surveys,
    ):
        for plan in plans:
            # Three streams per subscription: the usage draws never shift the tickets' or surveys'.
            usage.writerows(History(plan, today, _rng(seed, plan, "usage")).usage_rows(calendar))
            tickets.writerows(History(plan, today, _rng(seed, plan, "tickets")).ticket_rows(calendar, numbers))
            surveys.writerows(History(plan, today, _rng(seed, plan, "surveys")).survey_rows(seed))
    return paths


@contextmanager
def _csv_file(path: Path, columns: tuple[str, ...]) -> Iterator[Any]:
    # newline="" lets the csv module write RFC 4180 line ends (CRLF) itself.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        yield writer


# --- reading the demo ---------------------------------------------------------------------------------------


def _read_plans(calendar: list[Day]) -> list[Plan]:
    """Every subscription with what its history needs, in (unit key, system key) order."""
    quiet_days = _quiet_days_finder(calendar)
    units = {
        unit_id: (key, quiet_days(quiet))
        for unit_id, key, quiet in db.session.execute(select(Unit.id, Unit.key, Unit.quiet_periods))
    }
    people: dict[int, list[tuple[str, str]]] = {}
    for key, unit_id, role in db.session.execute(select(Person.key, Person.unit_id, Person.role).order_by(Person.key)):
        people.setdefault(unit_id, []).append((key, role))
    modules: dict[int, list[tuple[str, bool]]] = {}
    for system_id, key, core in db.session.execute(
        select(Module.system_id, Module.key, Module.is_core).order_by(Module.key)
    ):
        modules.setdefault(system_id, []).append((key, core))
    rows = db.session.execute(
        select(Subscription, System.key, System.id).join(System, Subscription.system_id == System.id)
    ).all()
    scenarios = {(s.unit_key, s.system_key): s for s in SCENARIOS}
    plans = []
    for subscription, system_key, system_id in rows:
        unit_key, quiet = units[subscription.unit_id]
        plans.append(
            Plan(
                unit_key=unit_key,
                system_key=system_key,
                seats=subscription.seats,
                go_live=subscription.go_live or date.min,
                key_action=subscription.key_action,
                every_days=subscription.key_action_every_days,
                modules=modules.get(system_id, []),
                people=people.get(subscription.unit_id, []),
                quiet_days=quiet,
                scenario=scenarios.get((unit_key, system_key)),
            )
        )
    return sorted(plans, key=lambda plan: (plan.unit_key, plan.system_key))


def _quiet_days_finder(calendar: list[Day]) -> Callable[[str], frozenset[date]]:
    """Quiet days per quiet-period text, computed once per distinct text (units mostly inherit their parent's)."""
    found: dict[str, frozenset[date]] = {}

    def quiet_days(text: str) -> frozenset[date]:
        if text not in found:
            periods = parse_quiet_periods(text)
            found[text] = frozenset(day.date for day in calendar if in_quiet_period(periods, day.date))
        return found[text]

    return quiet_days


def _with_users(plan: Plan, seed: int, first_day: date, today: date) -> Plan:
    """Who holds a seat and how keen each is; the order is who joins first during a ramp-up (key users)."""
    rng = _rng(seed, plan, "users")
    plan.start = max(plan.go_live, first_day)
    if plan.scenario is ONBOARDING:
        # Whatever the master data says, the onboarding example starts eight weeks ago.
        plan.start = max(plan.start, today - timedelta(days=ONBOARDING_DAYS))
    key_users = [person for person in plan.people if person[1] == PersonRole.KEY_USER]
    others = [person for person in plan.people if person[1] != PersonRole.KEY_USER]
    rng.shuffle(others)
    if plan.scenario is IDLE_SEATS:
        count = IDLE_SEATS_ACTIVE
    else:
        # Not every seat holder logs in: utilization varies from unit to unit.
        count = round(min(plan.seats, len(plan.people)) * rng.uniform(0.78, 0.97))
    chosen = (key_users + others)[: max(1, count)] if plan.people else []
    skeleton = int(len(chosen) * SKELETON_SHARE)  # small teams simply stop
    # The forty who use the idle-seats subscription are regulars: each shows up in any month.
    floor = 0.6 if plan.scenario is IDLE_SEATS else 0.0
    plan.users = [
        User(key, role == PersonRole.KEY_USER, max(floor, _engagement(rng, role)), skeleton=index < skeleton)
        for index, (key, role) in enumerate(chosen)
    ]
    return plan


def _engagement(rng: random.Random, role: str) -> float:
    if role == PersonRole.KEY_USER:
        return rng.uniform(0.9, 1.2)
    if role == PersonRole.HEAD:
        return rng.uniform(0.2, 0.5)
    return rng.uniform(0.3, 1.1)


# --- small helpers ------------------------------------------------------------------------------------------


def _rng(seed: int, plan: Plan, stream: str) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, so it does not depend on PYTHONHASHSEED.
    return random.Random(f"{seed}/{plan.unit_key}/{plan.system_key}/{stream}")


def _months_before(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def _calendar(first: date, last: date) -> list[Day]:
    days = []
    day = first
    while day <= last:
        days.append(Day(day, day.isoformat(), day.strftime("%Y%m%d"), day.weekday() >= 5))
        day += timedelta(days=1)
    return days


def _pulse_days(first: date, last: date) -> Iterator[date]:
    """The first Tuesday of each pulse month: the quarterly survey goes out then."""
    for year in range(first.year, last.year + 1):
        for month in PULSE_MONTHS:
            day = date(year, month, 1)
            day += timedelta(days=(1 - day.weekday()) % 7)
            if first <= day <= last:
                yield day


def _cumulative(weights: list[float]) -> list[float]:
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _weighted(rng: random.Random, items: list, weights: tuple[float, ...] | list[float]) -> Any:
    return rng.choices(items, weights)[0]


def _poisson(rng: random.Random, rate: float) -> int:
    """Knuth's method: fine for the small daily rates here."""
    if rate <= 0:
        return 0
    limit, count, product = math.exp(-rate), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


# Times of day a row can carry, 06:00:00–15:59:59 UTC, formatted once: formatting per row costs more.
_CLOCK = tuple(
    f"{hour:02d}:{minute:02d}:{second:02d}" for hour in range(6, 16) for minute in range(60) for second in range(60)
)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _stable_fraction(*parts: str) -> float:
    """A number in [0, 1) that depends only on the text, the same in every run."""
    digest = hashlib.blake2b("/".join(parts).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32
