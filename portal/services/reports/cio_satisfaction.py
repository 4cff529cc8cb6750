"""Satisfaction in the CIO's report: the units' survey answers by system over the quarter that ends with the
report's month, against the quarter before, and the NPS of the last four quarters for its trend.

A quarter rather than the month: surveys are sent a few times a year, so most months hear nothing, and a
month's report would too often say only that."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from models import SurveyAnswer, SurveyQuestion, System, db
from models.types import start_of_day
from portal.months import shift
from portal.services.health.measures import net_promoter_score

QUARTERS = 4  # the trend: this quarter and the three before
SHOWN = 12


@dataclass(frozen=True)
class SystemVoice:
    system: str
    answers: int
    nps: int | None
    csat: float | None
    value: float | None
    nps_before: int | None = None  # the quarter before, for the change
    csat_before: float | None = None
    nps_trend: tuple[int | None, ...] = ()  # the last four quarters, oldest first


@dataclass(frozen=True)
class Voice:
    systems: list[SystemVoice]
    answers: int  # the responses of the quarter, every system's
    nps: int | None  # the organisation's, every system's NPS answers together
    nps_before: int | None
    since: date  # the quarter's first day


@dataclass
class _Heard:
    """One system's answers in a quarter: the scores by question, and the responses they came in."""

    scores: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    responses: set[tuple[str, str]] = field(default_factory=set)

    def of(self, question: str) -> list[int]:
        return self.scores.get(question, [])


def _answers(first: date, after_last: date) -> dict[int | None, _Heard]:
    rows = db.session.execute(
        select(
            SurveyAnswer.system_id,
            SurveyAnswer.source_system,
            SurveyAnswer.response_id,
            SurveyAnswer.question,
            SurveyAnswer.score,
        ).where(SurveyAnswer.submitted_at >= start_of_day(first), SurveyAnswer.submitted_at < start_of_day(after_last))
    ).all()
    heard: dict[int | None, _Heard] = defaultdict(_Heard)
    for system_id, source, response, question, score in rows:
        heard[system_id].scores[question].append(score)
        heard[system_id].responses.add((source, response))
    return heard


def _mean(values: list[int]) -> float | None:
    return sum(values) / len(values) if values else None


def _nps(values: list[int]) -> int | None:
    return round(net_promoter_score(values)) if values else None


def _all_nps(quarter: dict[int | None, _Heard]) -> int | None:
    return _nps([score for heard in quarter.values() for score in heard.of(SurveyQuestion.NPS)])


def voice(month: date) -> Voice:
    """The quarter ending with `month` (its first day) and the three quarters before it."""
    starts = [shift(month, -2 - 3 * back) for back in range(QUARTERS)]  # this quarter first
    quarters = [_answers(first, shift(first, 3)) for first in starts]
    now, before = quarters[0], quarters[1]
    names = dict(db.session.execute(select(System.id, System.name)).tuples().all())
    systems = []
    for system_id, heard in now.items():
        earlier = before.get(system_id, _Heard())
        trend = tuple(_nps(quarter.get(system_id, _Heard()).of(SurveyQuestion.NPS)) for quarter in reversed(quarters))
        systems.append(
            SystemVoice(
                names.get(system_id, "no system") if system_id else "IT as a whole",
                len(heard.responses),
                _nps(heard.of(SurveyQuestion.NPS)),
                _mean(heard.of(SurveyQuestion.CSAT)),
                _mean(heard.of(SurveyQuestion.VALUE)),
                _nps(earlier.of(SurveyQuestion.NPS)),
                _mean(earlier.of(SurveyQuestion.CSAT)),
                trend,
            )
        )
    systems.sort(key=lambda line: (-line.answers, line.system))
    responses = set().union(*(heard.responses for heard in now.values()))
    return Voice(systems[:SHOWN], len(responses), _all_nps(now), _all_nps(before), starts[0])
