"""The CIO's monthly report: its figures from the data up to the month's end, the same every time it is
made, and the PDF with every section and every name as it was written."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from models import Risk, RiskReason, Ticket, db
from portal.charts.shapes import Rect
from portal.render import cio_report_pdf
from portal.services.reports import cio as cio_report
from tests.scores import add_score
from tests.scoring_later import scoring_later

MONTH = date(2026, 10, 1)
MADE = date(2026, 11, 23)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", " ")


def score(unit, day, colour, points, subscription=None, **extra):
    add_score(unit, day, colour, score=points, subscription=subscription, reasons=["why it is so"], **extra)


@pytest.fixture
def month(make_unit, make_system, make_subscription, make_account, make_person, run_import, app):
    owner = make_account(name="Anna Manager")
    gdansk = make_unit(key="gdansk", name="Gdańsk <b>Plant</b>", account_manager=owner)
    steady = make_unit(key="steady", name="Steady Team")
    erp = make_system(key="erp", name="ERP", seat_cost=Decimal("100"))
    falling = make_subscription(unit=gdansk, system=erp, seats=40, renewal_date=date(2026, 12, 15))
    fine = make_subscription(unit=steady, system=erp, seats=10)
    for unit, subscription, before, now in (
        (gdansk, falling, ("green", 85), ("red", 35)),
        (steady, fine, ("green", 80), ("green", 84)),
    ):
        score(unit, date(2026, 9, 27), *before)
        score(unit, date(2026, 10, 25), *now)
        score(unit, date(2026, 9, 27), *before, subscription=subscription, active_people=30)
        plant = unit is gdansk
        score(
            unit,
            date(2026, 10, 25),
            *now,
            subscription=subscription,
            active_people=8 if plant else 10,
            reclaimable_seats=32 if plant else 0,
            stage="decline" if plant else "adoption",
        )
    score(gdansk, date(2026, 11, 15), "green", 90)  # after the month: not in its report
    reason = RiskReason(bucket="commercial", name="Spending freeze")
    db.session.add(
        Risk(
            unit=gdansk,
            system=erp,
            reason=reason,
            source="unit",
            probability="likely",
            cost_at_stake=Decimal(4000),
            currency="EUR",
            owner=owner,
            opened_at=datetime(2026, 10, 3, tzinfo=UTC),
        )
    )
    for n in range(3):
        db.session.add(
            Ticket(
                source_system="desk",
                ticket_id=f"T{n}",
                unit_id=gdansk.id,
                system_id=erp.id,
                opened_at=datetime(2026, 10, 5 + n, tzinfo=UTC),
                resolved_at=datetime(2026, 10, 5 + n, 6, tzinfo=UTC),
                status="resolved",
            )
        )
    db.session.commit()
    # Eight people of the plant use the ERP every week of the half year: the seats the renewal needs.
    people = [make_person(unit=gdansk, key=f"p{n}") for n in range(8)]
    rows = [
        f"{person.key},erp,{date(2026, 10, 31) - timedelta(days=3 * n)}T10:00:00Z"
        for person in people
        for n in range(70)
    ]
    with scoring_later(app):
        assert run_import("usage", "person_key,system_key,occurred_at\n" + "\n".join(rows) + "\n").refused == 0


def test_the_months_figures_come_from_the_data_up_to_its_end(month):
    report = cio_report.build(MONTH, "Acme", MADE)
    assert (report.now.units["red"], report.before.units["red"], report.now.seats["red"]) == (1, 0, 40)
    assert report.now.share("spend", "red") == pytest.approx(0.8)
    [faller] = report.fallers
    assert (faller.unit, faller.before, faller.now, faller.colour_now) == ("Gdańsk <b>Plant</b>", 85, 35, "red")
    assert [r.title for r in report.risks.top] == ["Gdańsk <b>Plant</b> × ERP: Spending freeze"]
    assert (report.risks.count, report.risks.at_stake) == (1, {"EUR": Decimal(4000)})
    assert (report.risks.months[-1].label, report.risks.months[-1].opened) == ("Oct 26", 1)
    assert "1 opened, 0 closed" in report.risk_chart().label
    [renewal] = report.licences.renewals
    assert (renewal.seats, renewal.active, renewal.low, renewal.high, renewal.recommended, renewal.saving) == (
        40,
        8,
        8,
        8,
        9,
        Decimal("3100"),
    )
    # Eight people used the plant's 40 seats lately, nobody ever used the steady team's 10.
    assert report.licences.unused_seats == {"never used": 42, "unused 90 days": 0, "unused 30 days": 0}
    assert report.licences.reclaimable["never used"] == {"EUR": Decimal("4200")}
    [erp_money] = report.licences.by_system  # 50 seats at 100 a year: 42 never used, 8 in use
    assert (erp_money.spend, erp_money.unused["never used"], erp_money.in_use) == (5000, 4200, 800)
    assert report.tickets_by_month[-1] == ("Oct 2026", 3)
    [erp] = report.support
    assert (erp.tickets, erp.median_hours) == (3, 6.0)
    [demand] = report.demand
    assert (demand.system, demand.tickets_now, demand.onboarding_units) == ("ERP", 3, 0)
    assert demand.tickets_ahead.per_week > 0 and demand.tickets_ahead.low <= 3 <= demand.tickets_ahead.high  # rising
    assert any(ask.startswith("Cut ERP for Gdańsk <b>Plant</b> from 40 to 9 seats") for ask in report.decisions)
    assert report.headlines[0].startswith("50% of the units are green and 50% red at the end of October 2026")
    assert "3 tickets were opened in the month; the most about ERP (3)." in report.headlines
    assert any(line.startswith("1 risk is open with 4\u202f000 EUR a year at stake") for line in report.headlines)
    assert "1 subscription (a unit × a system) is in decline, +1 on the month before." in report.headlines
    assert report.stage_moves == {("adoption", "decline"): 1}
    assert (report.now.stages, report.before.stages) == ({"adoption": 1, "decline": 1}, {"adoption": 2})
    assert report.headlines[-1] == "1 decision is asked of you at the end of this report."
    # Nobody of the plant's eight people met in the quarter; the steady team has no people Rapport knows.
    assert report.below_target == [cio_report.Coverage("Gdańsk <b>Plant</b>", "Anna Manager", 0, 8, 0.0)]
    chart = report.health_chart()
    bars = [shape for shape in chart.shapes if isinstance(shape, Rect)]
    assert "Units, now: 50% red" in [bar.title for bar in bars] and len(bars) == 9  # before: all green; now: halves


def test_money_in_another_currency_is_counted_on_its_own(month, make_system, make_subscription, make_unit):
    dollars = make_system(key="crm", name="CRM", seat_cost=Decimal("50"), currency="USD")
    make_subscription(unit=make_unit(key="us"), system=dollars, seats=5)  # paid last, in the fewer currency
    report = cio_report.build(MONTH, "Acme", MADE)
    assert report.licences.currency == "EUR" and report.licences.spend == {"EUR": 5000, "USD": 250}
    assert report.now.share("spend", "red") == pytest.approx(0.8)  # the plant's 4 000 of the 5 000 in euros
    assert [line.system for line in report.licences.by_system] == ["ERP"]


def test_the_first_page_holds_the_months_figures_the_headlines_and_the_contents(month):
    report = cio_report.build(MONTH, "Acme", MADE)
    first = PdfReader(io.BytesIO(cio_report_pdf.render(report))).pages[0].extract_text()
    first = first.replace("\n", " ").replace("\u00a0", " ")
    for words in (
        "Acme · Monthly report for the CIO",
        "IT customer success in October 2026",
        "a year at stake in the 1 open risk",
        "4 200 EUR a year on paid seats never used",
        report.headlines[1],
        "In this report",
        "Licence economics",
        "Decisions asked of the CIO",
    ):
        assert words.replace("\u202f", " ") in first, words
    assert "Page 1 of" not in first and "Health" in first


def test_the_licence_chart_splits_each_systems_money_by_use(month):
    chart = cio_report.build(MONTH, "Acme", MADE).licence_chart()
    titles = [shape.title for shape in chart.shapes if isinstance(shape, Rect) and shape.title]
    assert titles == ["ERP: in use 800 EUR", "ERP: never used 4\u202f200 EUR"]
    assert "84% of it pays for seats nobody used" in chart.label


def test_the_same_data_makes_the_same_report(month):
    first, again = cio_report.build(MONTH, "Acme", MADE), cio_report.build(MONTH, "Acme", MADE + timedelta(days=30))
    assert (
        first.headlines == again.headlines
        and first.licences == again.licences
        and first.voice == again.voice
        and first.now == again.now
    )
    assert pdf_text(cio_report_pdf.render(first)) == pdf_text(
        cio_report_pdf.render(cio_report.build(MONTH, "Acme", MADE))
    )


def test_the_pdf_has_every_section_and_prints_names_as_written(month):
    text = pdf_text(cio_report_pdf.render(cio_report.build(MONTH, "Acme", MADE)))
    for section in (
        "Headlines",
        "Health",
        "Movers",
        "Risks",
        "Licence economics",
        "Support",
        "Demand ahead",
        "Satisfaction",
        "Relationship coverage",
        "Decisions asked of the CIO",
        "Page 2 of",
    ):
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
    from portal.services.catalog.seat_use import SeatUse, money_by_grade, unused_by_grade

    # 50 seats: 40 people ever, 30 in the last 90 days, 25 in the last 30.
    assert unused_by_grade(50, SeatUse(40, 30, 25)) == {"never used": 10, "unused 90 days": 10, "unused 30 days": 5}
    assert unused_by_grade(20, SeatUse(40, 30, 25)) == {"never used": 0, "unused 90 days": 0, "unused 30 days": 0}
    assert unused_by_grade(5, None) == {"never used": 5, "unused 90 days": 0, "unused 30 days": 0}
    assert money_by_grade(50, Decimal("5000"), SeatUse(40, 30, 25))["unused 90 days"] == Decimal("1000")


def test_satisfaction_by_system_over_the_quarter_with_its_change_and_four_quarters_of_nps(make_unit, make_system):
    from models import SurveyAnswer

    unit, erp, crm = make_unit(), make_system(name="ERP"), make_system(key="crm", name="CRM")
    # (response, system, day, question, score); the quarter to October is August to October.
    said = [
        ("r1", erp, date(2026, 10, 5), "nps", 10),
        ("r1", erp, date(2026, 10, 5), "csat", 4),
        ("r2", erp, date(2026, 10, 6), "nps", 10),
        ("r3", erp, date(2026, 8, 7), "nps", 0),
        ("r4", erp, date(2026, 6, 1), "nps", 0),
        ("r5", erp, date(2026, 3, 2), "nps", 10),
        ("r6", erp, date(2026, 7, 31), "csat", 2),
        ("r7", crm, date(2026, 10, 9), "nps", 0),
        ("r8", erp, date(2026, 11, 2), "nps", 0),
    ]
    for response, system, day, question, score in said:
        db.session.add(
            SurveyAnswer(
                source_system="pulse",
                response_id=response,
                unit_id=unit.id,
                system_id=system.id,
                submitted_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
                question=question,
                score=score,
            )
        )
    db.session.commit()
    voice = cio_report.build(MONTH, "Acme", MADE).voice
    erp_line, crm_line = voice.systems
    assert (erp_line.system, erp_line.answers, erp_line.nps, erp_line.nps_before) == ("ERP", 3, 33, -100)
    assert (erp_line.csat, erp_line.csat_before) == (4, 2)
    assert erp_line.nps_trend == (None, 100, -100, 33)  # November 2025 to January, February to April, …
    assert (crm_line.system, crm_line.nps) == ("CRM", -100)
    # Every system together: two promoters and two detractors in the quarter; November's answer is not in it.
    assert (voice.answers, voice.nps, voice.nps_before, voice.since) == (4, 0, -100, date(2026, 8, 1))
