"""The CIO's monthly report: its figures from the data up to the month's end, the same every time it is
made, and the PDF with every section and every name as it was written."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from models import HealthScore, Risk, RiskReason, Ticket, db
from portal.charts.shapes import Rect
from portal.services import cio_report, cio_report_pdf

MONTH = date(2026, 10, 1)
MADE = date(2026, 11, 23)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", " ")


def score(unit, day, colour, points, subscription=None, **extra):
    db.session.add(HealthScore(unit_id=unit.id, system_id=subscription.system_id if subscription else None,
                               subscription_id=subscription.id if subscription else None, as_of=day, score=points,
                               colour=colour, stage=extra.pop("stage", "adoption"), reasons=["why it is so"],
                               explanation={}, **extra))  # fmt: skip


@pytest.fixture
def month(make_unit, make_system, make_subscription, make_account, make_person, run_import, app):
    owner = make_account(name="Anna Manager")
    gdansk = make_unit(key="gdansk", name="Gdańsk <b>Plant</b>")
    steady = make_unit(key="steady", name="Steady Team")
    erp = make_system(key="erp", name="ERP", seat_cost=Decimal("100"))
    falling = make_subscription(unit=gdansk, system=erp, seats=40, renewal_date=date(2026, 12, 15))
    fine = make_subscription(unit=steady, system=erp, seats=10)
    for unit, subscription, before, now in ((gdansk, falling, ("green", 85), ("red", 35)),
                                            (steady, fine, ("green", 80), ("green", 84))):  # fmt: skip
        score(unit, date(2026, 9, 27), *before)
        score(unit, date(2026, 10, 25), *now)
        score(unit, date(2026, 9, 27), *before, subscription=subscription, active_people=30)
        score(unit, date(2026, 10, 25), *now, subscription=subscription, active_people=8 if unit is gdansk else 10,
              reclaimable_seats=32 if unit is gdansk else 0)  # fmt: skip
    score(gdansk, date(2026, 11, 15), "green", 90)  # after the month: not in its report
    reason = RiskReason(bucket="commercial", name="Spending freeze")
    db.session.add(Risk(unit=gdansk, system=erp, reason=reason, source="unit", probability="likely",
                        cost_at_stake=Decimal(4000), currency="EUR", owner=owner,
                        opened_at=datetime(2026, 10, 3, tzinfo=UTC)))  # fmt: skip
    for n in range(3):
        db.session.add(Ticket(source_system="desk", ticket_id=f"T{n}", unit_id=gdansk.id, system_id=erp.id,
                              opened_at=datetime(2026, 10, 5 + n, tzinfo=UTC),
                              resolved_at=datetime(2026, 10, 5 + n, 6, tzinfo=UTC), status="resolved"))  # fmt: skip
    db.session.commit()
    # Eight people of the plant use the ERP every week of the half year: the seats the renewal needs.
    people = [make_person(unit=gdansk, key=f"p{n}") for n in range(8)]
    rows = [f"{person.key},erp,{date(2026, 10, 31) - timedelta(days=3 * n)}T10:00:00Z" for person in people
            for n in range(70)]  # fmt: skip
    app.config["HEALTH_RESCORE_AFTER_IMPORT"] = False
    try:
        assert run_import("usage", "person_key,system_key,occurred_at\n" + "\n".join(rows) + "\n").refused == 0
    finally:
        app.config["HEALTH_RESCORE_AFTER_IMPORT"] = True


def test_the_months_figures_come_from_the_data_up_to_its_end(month):
    report = cio_report.build(MONTH, "Acme", MADE)
    assert (report.now.units["red"], report.before.units["red"], report.now.seats["red"]) == (1, 0, 40)
    assert report.now.share("spend", "red") == pytest.approx(0.8)
    [faller] = report.fallers
    assert (faller.unit, faller.before, faller.now, faller.colour_now) == ("Gdańsk <b>Plant</b>", 85, 35, "red")
    assert [r.title for r in report.top_risks] == ["Gdańsk <b>Plant</b> × ERP: Spending freeze"]
    assert (report.risk_months[-1].label, report.risk_months[-1].opened) == ("Oct 26", 1)
    assert "1 opened, 0 closed" in report.risk_chart().label
    [renewal] = report.renewals
    assert (renewal.seats, renewal.active, renewal.low, renewal.high, renewal.recommended, renewal.saving) == (
        40, 8, 8, 8, 9, Decimal("3100"))  # fmt: skip
    # Eight people used the plant's 40 seats lately, nobody ever used the steady team's 10.
    assert report.unused_seats == {"never used": 42, "unused 90 days": 0, "unused 30 days": 0}
    assert report.reclaimable["never used"] == {"EUR": Decimal("4200")}
    assert report.tickets_by_month[-1] == ("Oct 2026", 3)
    [erp] = report.support
    assert (erp.tickets, erp.median_hours) == (3, 6.0)
    [demand] = report.demand
    assert (demand.system, demand.tickets_now, demand.onboarding_units) == ("ERP", 3, 0)
    assert demand.tickets_ahead.per_week > 0 and demand.tickets_ahead.low <= 3 <= demand.tickets_ahead.high  # rising
    assert any(ask.startswith("Cut ERP for Gdańsk <b>Plant</b> from 40 to 9 seats") for ask in report.decisions)
    assert report.headlines[0].startswith("50% of the units are green and 50% red at the end of October 2026")
    chart = report.health_chart()
    bars = [shape for shape in chart.shapes if isinstance(shape, Rect)]
    assert "Units, now: 50% red" in [bar.title for bar in bars] and len(bars) == 9  # before: all green; now: halves


def test_the_same_data_makes_the_same_report(month):
    first, again = cio_report.build(MONTH, "Acme", MADE), cio_report.build(MONTH, "Acme", MADE + timedelta(days=30))
    assert first.headlines == again.headlines and first.renewals == again.renewals and first.now == again.now
    assert pdf_text(cio_report_pdf.render(first)) == pdf_text(
        cio_report_pdf.render(cio_report.build(MONTH, "Acme", MADE))
    )


def test_the_pdf_has_every_section_and_prints_names_as_written(month):
    text = pdf_text(cio_report_pdf.render(cio_report.build(MONTH, "Acme", MADE)))
    for section in ("Headlines", "Health", "Movers", "Risks", "Licence economics", "Support", "Demand ahead",
                    "Satisfaction",
                    "Relationship coverage", "Decisions asked of the CIO", "Page 2 of"):  # fmt: skip
        assert section in text, section
    assert "Gdańsk <b>Plant</b>" in text  # escaped: printed, not read as bold


@pytest.mark.parametrize(("asked", "words"), [("2026-13", "YYYY-MM"), ("2026-11", "not over yet")])
def test_a_month_that_cannot_be_reported_is_said_plainly(asked, words):
    with pytest.raises(cio_report.ReportError, match=words):
        cio_report.month_of(asked, MADE)


def test_the_command_writes_the_report(runner, month, tmp_path):
    out = tmp_path / "cio.pdf"
    result = runner.invoke(args=["report", "cio", "--month", "2026-10", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote the October 2026 report" in result.output and out.read_bytes().startswith(b"%PDF")
    refused = runner.invoke(args=["report", "cio", "--month", "next", "--out", str(out)])
    assert refused.exit_code == 2 and "YYYY-MM" in refused.output


def test_unused_seats_are_graded_by_how_safe_reclaiming_them_is():
    from portal.services.seat_use import SeatUse, money_by_grade, unused_by_grade

    # 50 seats: 40 people ever, 30 in the last 90 days, 25 in the last 30.
    assert unused_by_grade(50, SeatUse(40, 30, 25)) == {"never used": 10, "unused 90 days": 10, "unused 30 days": 5}
    assert unused_by_grade(20, SeatUse(40, 30, 25)) == {"never used": 0, "unused 90 days": 0, "unused 30 days": 0}
    assert unused_by_grade(5, None) == {"never used": 5, "unused 90 days": 0, "unused 30 days": 0}
    assert money_by_grade(50, Decimal("5000"), SeatUse(40, 30, 25))["unused 90 days"] == Decimal("1000")


def test_satisfaction_by_system_with_its_change_from_the_three_months_before(make_unit, make_system):
    from models import SurveyAnswer

    unit, system = make_unit(), make_system(name="ERP")
    said = [(date(2026, 10, 5), 10), (date(2026, 10, 6), 10), (date(2026, 10, 7), 0), (date(2026, 8, 5), 0),
            (date(2026, 8, 6), 0), (date(2026, 6, 1), 10)]  # fmt: skip
    for n, (day, score) in enumerate(said):
        db.session.add(SurveyAnswer(source_system="pulse", response_id=f"r{n}", unit_id=unit.id, system_id=system.id,
                                    submitted_at=datetime(day.year, day.month, day.day, tzinfo=UTC), question="nps",
                                    score=score))  # fmt: skip
    db.session.commit()
    [erp] = cio_report.build(MONTH, "Acme", MADE).voice
    assert (erp.system, erp.answers, erp.nps, erp.nps_before) == ("ERP", 3, 33, -100)  # June is too long ago
