"""Success reviews: the period, the figures and sentences, the recommendations, and the PDF read back."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from models import Unit, db
from portal.formatting import duration
from portal.render import review_pdf
from portal.services.health import engine
from portal.services.health.explanation import Explanation, MeasureLine
from portal.services.health.rollup import Record
from portal.services.reports import reviews
from portal.services.risks import reasons as risk_reasons
from tests.services.health.organisation import AS_OF

PERIOD = reviews.Period(date(2026, 5, 21), AS_OF)  # the three months up to the scenario's as-of day


def pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize(
    ("today", "start", "end", "label"),
    [
        (date(2026, 11, 23), date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        (date(2026, 1, 15), date(2025, 10, 1), date(2025, 12, 31), "Q4 2025"),
        (date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
    ],
)
def test_the_default_period_is_the_last_whole_quarter(today, start, end, label):
    period = reviews.period_from(None, None, today)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_a_chosen_period_is_checked_and_said_plainly():
    today = date(2026, 11, 23)
    assert reviews.period_from("2026-08-01", "2026-08-31", today).label == "1 Aug 2026 – 31 Aug 2026"
    assert reviews.period_from("2026-10-01", None, today).end == today
    for start, end, words in (
        ("2026-13-01", None, "YYYY-MM-DD"),
        ("2026-09-01", "2026-08-01", "after it ends"),
        ("2026-11-01", "2026-12-01", "in the future"),
        ("2024-01-01", "2026-01-01", "at most a year"),
    ):
        with pytest.raises(reviews.ReviewError, match=words):
            reviews.period_from(start, end, today)


def unit(key: str) -> Unit:
    return db.session.scalar(select(Unit).where(Unit.key == key))


def test_a_declining_unit_reads_as_declining_and_gets_its_recommendations(scored):
    review = reviews.build(unit("declining"), PERIOD, "Acme", AS_OF)
    assert review.now is not None and review.now.colour in {"yellow", "red"} and review.now.stage == "decline"
    assert review.score_change is not None and review.score_change < 0
    first = review.summary[0]
    assert first.startswith(f"Declining team ends 21 May 2026 – 20 Aug 2026 {review.now.colour} with a health score")
    assert "down" in first and "Most of its seats are in decline." in review.summary
    assert [line.name for line in review.systems] == ["CRM"]
    titles = [item.title for item in review.recommendations]
    assert titles and all(item.because for item in review.recommendations)
    assert any("CRM" in title for title in titles)


def test_idle_seats_become_money_and_a_recommendation_with_its_figure(scored):
    review = reviews.build(unit("idle"), PERIOD, "Acme", AS_OF)
    (line,) = review.systems
    assert line.seats == 100 and 55 <= line.reclaimable <= 62  # about 40 of 100 seats in use
    assert line.reclaimable_cost == line.reclaimable * 90  # ERP: 90 a seat a year
    assert review.reclaimable_cost == {line.currency: line.reclaimable_cost}
    seats = next(item for item in review.recommendations if item.title.startswith("Reclaim"))
    assert f"{line.reclaimable} seats cost {line.reclaimable_cost:,} {line.currency} a year".replace(",", "\u202f") in (
        seats.because
    )


def test_support_and_voice_count_only_the_period(scored):
    surge = reviews.build(unit("surge"), PERIOD, "Acme", AS_OF)
    assert surge.support.total >= 8 and sum(count for _, count in surge.support.months) == surge.support.total
    assert [name for name, _ in surge.support.months] == ["May 2026", "Jun 2026", "Jul 2026", "Aug 2026"]
    scheduling = reviews.build(unit("scheduling"), PERIOD, "Acme", AS_OF)
    (value,) = scheduling.voice
    assert (value.question, value.answers, value.low, value.high, value.spread) == ("value", 3, 2, 3, {2: 2, 3: 1})
    earlier = reviews.build(unit("scheduling"), reviews.Period(date(2026, 1, 1), date(2026, 3, 31)), "Acme", AS_OF)
    assert earlier.voice == []


def test_the_pdf_has_a_cover_contents_numbered_pages_and_the_pages_figures(scored):
    review = reviews.build(unit("idle"), PERIOD, "Acme Corp", AS_OF)
    pages = pdf_text(review_pdf.render(review))
    assert len(pages) >= 3
    assert "Success review" in pages[0] and "Idle seats" in pages[0] and "Page 1" not in pages[0]
    assert "Contents" in pages[1] and "What IT recommends" in pages[1]
    last = len(pages)
    assert all(f"Page {number} of {last}" in text for number, text in enumerate(pages, start=1) if number > 1)
    everything = "\n".join(pages).replace("\u00a0", " ")
    assert "Acme Corp · Success review · Idle seats" in everything  # the running header
    (line,) = review.systems
    assert f"{line.reclaimable_cost:,} {line.currency}".replace(",", " ") in everything  # the licence table
    assert review.summary[0][:40] in everything.replace("\n", " ")


HOSTILE = '<b>Evil</b> & <img src="x"/> <a href="javascript:x">'


def test_hostile_names_are_printed_as_they_are(scored):
    target = unit("surge")
    target.name = HOSTILE
    db.session.commit()
    review = reviews.build(target, PERIOD, "Acme <font size=40>", AS_OF)
    everything = "\n".join(pdf_text(review_pdf.render(review)))
    assert '<b>Evil</b> & <img src="x"/>' in everything.replace("\n", " ")
    assert "Acme <font size=40>" in everything


def test_a_unit_with_nothing_yet_still_makes_a_review(make_unit, make_subscription):
    empty = make_unit(key="empty", name="Empty")
    make_subscription(unit=empty, seats=20)  # paid for, but no usage data has arrived
    review = reviews.build(empty, reviews.Period(AS_OF - timedelta(days=90), AS_OF), "Acme", AS_OF)
    assert review.now.score is None and len(review.systems) == 1 and review.recommendations == []
    # Nothing known, nothing claimed: no "0 of 1 systems are healthy", no "0 of 20 seats went unused".
    assert len(review.summary) == 1 and "could not be scored" in review.summary[0]
    assert pdf_text(review_pdf.render(review))[0].count("Empty") >= 1


def test_the_unused_modules_come_from_the_depth_measure_s_data_not_its_words(make_unit, make_subscription):
    subscription = make_subscription(unit=make_unit(key="deep", name="Deep"), seats=10)
    depth = MeasureLine("depth", score=33.3, reason="1 of 3 core modules in use", unused=("Mobile", "Orders, returns"))
    habit = MeasureLine("habit", score=80.0, reason="most weekdays")
    record = Record(
        "deep",
        subscription.system.key,
        "CRM",
        60.0,
        "yellow",
        "adoption",
        10,
        8,
        2,
        ["why"],
        1,
        Explanation((habit, depth)),
    )
    (line,) = reviews._system_lines([subscription], {subscription.id: record})
    assert line.unused_modules == ["Mobile", "Orders, returns"] and line.habit == "most weekdays"


def test_support_figures_read_as_sentences():
    one = reviews.Support([], total=1, before=0, incidents=1, median_hours=30.4, open_now=0, categories=[])
    assert one.describe() == (
        "1 ticket in the period (0 in the period before), 1 of them incidents; 0 still open. "
        "Median time to resolve: 30 hours."
    )
    many = reviews.Support([], total=12, before=3, incidents=0, median_hours=257, open_now=2, categories=[])
    assert many.describe().startswith("12 tickets in the period") and many.describe().endswith("11 days.")
    assert duration(1) == "1 hour"


def test_a_review_is_kept_until_the_data_changes_then_made_again(scored, monkeypatch):
    db.session.commit()
    made = []
    compute_subtree = engine.compute_subtree
    monkeypatch.setattr(
        engine, "compute_subtree", lambda as_of, unit_id: made.append(as_of) or compute_subtree(as_of, unit_id)
    )
    first = reviews.build(unit("declining"), PERIOD, "Acme", AS_OF)
    again = reviews.build(unit("declining"), PERIOD, "Acme", AS_OF)
    assert made == [PERIOD.end, PERIOD.start]  # the second review's health was the first's
    assert again.now == first.now and again.systems == first.systems
    pdf = review_pdf.render_kept(first)
    assert review_pdf.render_kept(again) is pdf

    subscription = unit("declining").subscriptions[0]
    subscription.seats += 40  # more seats paid for: more of them unused
    db.session.commit()
    changed = reviews.build(unit("declining"), PERIOD, "Acme", AS_OF)
    assert made == [PERIOD.end, PERIOD.start] * 2
    assert sum(line.reclaimable for line in changed.systems) == sum(line.reclaimable for line in first.systems) + 40
    assert review_pdf.render_kept(changed) is not pdf


def test_goals_the_plan_and_for_it_the_risks_are_in_the_review(scored, make_account):
    from datetime import UTC, datetime
    from decimal import Decimal

    from models import Goal, GoalProgress, PlanStep, Risk, RiskReason

    team = unit("declining")
    goal = Goal(
        unit=team,
        name="Every lead in the CRM",
        metric="leads a week",
        baseline=Decimal(20),
        target=Decimal(80),
        due_on=date(2026, 12, 31),
    )
    goal.progress += [
        GoalProgress(recorded_on=date(2026, 7, 1), value=Decimal(35)),
        GoalProgress(recorded_on=date(2026, 10, 1), value=Decimal(90)),
    ]  # after the period: not shown
    steps = [
        PlanStep(
            unit=team,
            action="Train the sellers",
            side="it",
            owner_name="Kim",
            due_on=date(2026, 6, 30),
            status="done",
            done_at=datetime(2026, 6, 28, tzinfo=UTC),
        ),
        PlanStep(unit=team, action="Name a champion", side="unit", owner_name="Ida", due_on=date(2026, 8, 1)),
        PlanStep(unit=team, action="Clean the pipeline", side="unit", owner_name="Ida", due_on=date(2026, 9, 15)),
        PlanStep(unit=team, action="Far away", side="it", owner_name="Kim", due_on=date(2027, 6, 1)),
    ]
    risk_reasons.add_defaults()
    reason = db.session.scalar(select(RiskReason).where(RiskReason.name == "Low adoption"))
    risk = Risk(
        unit=team,
        reason=reason,
        source="data",
        probability="likely",
        cost_at_stake=Decimal(4800),
        currency="EUR",
        opened_at=datetime(2026, 7, 10, tzinfo=UTC),
    )
    db.session.add_all([goal, *steps, risk])
    db.session.commit()
    review = reviews.build(team, PERIOD, "Acme", AS_OF)
    [line] = review.agreement.goals
    assert (line.value, line.reached_on) == (Decimal(35), None)
    assert [(s.action, s.state) for s in review.agreement.steps] == [
        ("Train the sellers", "done"),
        ("Name a champion", "late"),
        ("Clean the pipeline", "next"),
    ]
    assert [(r.title, r.status, r.probability) for r in review.agreement.risks] == [("Low adoption", "open", "Likely")]
    assert "Of its 1 goal, 0 reached; 1 plan step done in the period, 1 late." in review.summary
    text = " ".join(pdf_text(review_pdf.render(review)))
    assert "Every lead in the CRM" in text and "Name a champion" in text and "Low adoption" in text

    for_the_head = reviews.build(team, PERIOD, "Acme", AS_OF, with_risks=False)
    assert for_the_head.agreement.risks is None
    assert "Low adoption" not in " ".join(pdf_text(review_pdf.render(for_the_head)))
