"""The CIO's monthly report as a PDF: headlines on one page, then health, movers, risks, licence economics,
support, satisfaction, relationship coverage and the decisions asked for. Built from pdf_document.py's parts,
every data string escaped."""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from portal.charts import build as charts
from portal.charts.pdf import drawing
from portal.formatting import money
from portal.services.cio_report import COLOURS, CioReport
from portal.services.pdf_document import TEXT_WIDTH, Heading, build, colour_word, styles, table, text

BELOW_TARGET_SHOWN = 10


def _saving(amount, currency: str) -> str:
    if amount > 0:
        return f"saves {money(amount, currency)}"
    return f"{money(-amount, currency)} more" if amount < 0 else "—"


def _hours(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f} h" if value < 48 else f"{value / 24:.0f} days"


def _cover(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    return [Spacer(1, 50 * mm), Paragraph(text(report.organisation), sheet["subtitle"]), Spacer(1, 4 * mm),
            Paragraph("IT customer success", sheet["title"]), Spacer(1, 3 * mm),
            Paragraph(f"Monthly report for the CIO: {text(report.label)}", sheet["subtitle"]), Spacer(1, 60 * mm),
            Paragraph(f"Made on {report.made_on:%-d %B %Y} by Rapport, from the data up to {report.end:%-d %B %Y}.",
                      sheet["small"])]  # fmt: skip


def _health(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    chart = report.health_chart()
    pictured: list[Flowable] = [drawing(chart, scale=TEXT_WIDTH / chart.width),
                                Paragraph(text(chart.label), sheet["small"]), Spacer(1, 3 * mm)]  # fmt: skip
    rows: list[list[object]] = [["Colour", "Units", "Change", "Seats", "Change", "Licence spend", "Change"]]
    for colour in COLOURS:
        row: list[object] = [colour_word(colour, sheet)]
        for measure in ("units", "seats", "spend"):
            now, before = report.now.share(measure, colour), report.before.share(measure, colour)
            row += [f"{now:.0%}", f"{(now - before) * 100:+.0f} pts"]
        rows.append(row)
    story: list[Flowable] = [*pictured, table(rows, [26 * mm] + [(TEXT_WIDTH - 26 * mm) / 6] * 6, sheet,
                                              {1, 2, 3, 4, 5, 6})]  # fmt: skip
    if report.stage_moves:
        story.append(Spacer(1, 3 * mm))
        moves = [["From", "To", "Subscriptions"]]
        moves += [
            [src.capitalize(), dst.capitalize(), f"{count:,}"] for (src, dst), count in report.stage_moves.most_common()
        ]
        story += [Paragraph("How subscriptions moved between stages in the month:", sheet["body"]),
                  table(moves, [50 * mm, 50 * mm, TEXT_WIDTH - 100 * mm], sheet, {2})]  # fmt: skip
    return story


def _movers(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = []
    for title, movers in (("Improved most", report.risers), ("Worsened most", report.fallers)):
        rows: list[list[object]] = [[title, "Score", "Colour", "Why"]]
        rows += [
            [m.unit, f"{m.before:.0f} → {m.now:.0f}", f"{m.colour_before} → {m.colour_now}", m.reason] for m in movers
        ]
        if movers:
            story += [table(rows, [45 * mm, 22 * mm, 30 * mm, TEXT_WIDTH - 97 * mm], sheet), Spacer(1, 3 * mm)]
    return story or [Paragraph("No unit's score moved this month.", sheet["body"])]


def _risks(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    chart = report.risk_chart()
    story: list[Flowable] = [drawing(chart, scale=TEXT_WIDTH / chart.width),
                             Paragraph(text(chart.label), sheet["small"]), Spacer(1, 3 * mm)]  # fmt: skip
    if report.top_risks:
        rows = [["Risk", "Owner", "Probability", "At stake a year", "Plan"]]
        rows += [[r.title, r.owner, r.probability, r.at_stake, r.plan] for r in report.top_risks]
        story.append(table(rows, [62 * mm, 28 * mm, 26 * mm, 26 * mm, TEXT_WIDTH - 142 * mm], sheet, {3}))
    else:
        story.append(Paragraph("No risk was open at the month's end.", sheet["body"]))
    closed = ", ".join(f"{count} {outcome}" for outcome, count in sorted(report.closed.items())) or "none"
    story.append(Paragraph(f"Closed in the month: {text(closed)}.", sheet["body"]))
    return story


def _licences(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    spend = " and ".join(money(amount, currency) for currency, amount in report.spend.items()) or "nothing"
    story: list[Flowable] = [Paragraph(f"Licence spend: {text(spend)} a year.", sheet["body"])]
    safety = {"never used": "safe to reclaim", "unused 90 days": "likely safe", "unused 30 days": "ask the unit first"}
    rows: list[list[object]] = [["Paid seats", "Seats", "A year", "Reclaiming them"]]
    for grade, seats in report.unused_seats.items():
        amounts = " and ".join(money(a, c) for c, a in report.reclaimable[grade].items() if a) or "—"
        rows.append([grade.capitalize(), f"{seats:,}", amounts, safety[grade]])
    story.append(table(rows, [45 * mm, 25 * mm, 45 * mm, TEXT_WIDTH - 115 * mm], sheet, {1, 2}))
    if report.renewals:
        rows = [["Renewal", "Unit", "System", "Seats", "Used", "Then", "Renew", "A year"]]
        rows += [[f"{r.renewal:%-d %b %Y}", r.unit, r.system, f"{r.seats:,}", f"{r.active:,}", f"{r.low}–{r.high}",
                  f"{r.recommended:,}", _saving(r.saving, r.currency)] for r in report.renewals]  # fmt: skip
        story += [Spacer(1, 2 * mm), Paragraph("Renewals in the next 90 days. Used: people a month now; then: the "
                                               "90% range projected to the renewal from the last quarter's trend; "
                                               "renew: the seats advised.", sheet["body"]),
                  table(rows, [22 * mm, 28 * mm, 28 * mm, 16 * mm, 15 * mm, 17 * mm, 17 * mm, TEXT_WIDTH - 143 * mm],
                        sheet, {3, 4, 5, 6, 7})]  # fmt: skip
    return story


def _support(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    chart = charts.bars([count for _, count in report.tickets_by_month], [name for name, _ in report.tickets_by_month],
                        f"Tickets opened per month, the last {len(report.tickets_by_month)} months")  # fmt: skip
    story: list[Flowable] = [
        drawing(chart, scale=TEXT_WIDTH / chart.width),
        Paragraph(text(chart.label), sheet["small"]),
    ]
    if report.support:
        rows = [["System", "Tickets in the month", "Per 100 active people", "Median time to resolve"]]
        rows += [[s.system, f"{s.tickets:,}", "—" if s.per_100_active is None else f"{s.per_100_active:.1f}",
                  _hours(s.median_hours)] for s in report.support]  # fmt: skip
        story.append(table(rows, [60 * mm, 35 * mm, 40 * mm, TEXT_WIDTH - 135 * mm], sheet, {1, 2, 3}))
    if report.hotspots:
        rows = [["Hotspot: unit", "System", "Tickets"]] + [[u, s, f"{n:,}"] for u, s, n in report.hotspots]
        story += [Spacer(1, 3 * mm), table(rows, [70 * mm, 70 * mm, TEXT_WIDTH - 140 * mm], sheet, {2})]
    return story


def _demand(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not report.demand:
        return [Paragraph("No system shows a demand ahead: no tickets and no unit onboarding.", sheet["body"])]
    rows = [["System", "Units onboarding", "Tickets in the month", "Tickets a month, three months on"]]
    for d in report.demand:
        ahead = "—" if d.tickets_ahead is None else (
            f"{d.tickets_ahead.expected:.0f} ({d.tickets_ahead.low:.0f}–{d.tickets_ahead.high:.0f})")  # fmt: skip
        rows.append([d.system, f"{d.onboarding_units:,}", f"{d.tickets_now:,}", ahead])
    return [Paragraph("Training follows the units onboarding; support, the tickets' trend over six months (a line "
                      "with its 90% range, docs/scoring.md):", sheet["body"]),
            table(rows, [60 * mm, 30 * mm, 35 * mm, TEXT_WIDTH - 125 * mm], sheet, {1, 2, 3})]  # fmt: skip


def _voice(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not report.voice:
        return [Paragraph("No survey answers arrived in the month.", sheet["body"])]
    rows = [["System", "Answers", "NPS (change)", "CSAT 1–5 (change)", "Business value 0–10"]]
    for v in report.voice:
        nps = (
            "—" if v.nps is None else f"{v.nps:+d}" + ("" if v.nps_before is None else f" ({v.nps - v.nps_before:+d})")
        )
        csat = (
            "—"
            if v.csat is None
            else f"{v.csat:.1f}" + ("" if v.csat_before is None else f" ({v.csat - v.csat_before:+.1f})")
        )
        rows.append([v.system, f"{v.answers:,}", nps, csat, "—" if v.value is None else f"{v.value:.1f}"])
    return [table(rows, [55 * mm, 22 * mm, 30 * mm, 34 * mm, TEXT_WIDTH - 141 * mm], sheet, {1, 2, 3, 4}),
            Paragraph("The change: against the three months before.", sheet["small"])]  # fmt: skip


def _sections(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = sheet["body"]
    spaced = ParagraphStyle("headline", parent=body, fontSize=10.5, leading=15, spaceAfter=5)
    story: list[Flowable] = [Heading("Headlines", sheet["h1"])]
    story += [Paragraph("• " + text(line), spaced) for line in report.headlines] + [PageBreak()]
    parts = (("Health", _health), ("Movers", _movers), ("Risks", _risks), ("Licence economics", _licences),
             ("Support", _support), ("Demand ahead", _demand), ("Satisfaction", _voice))  # fmt: skip
    for title, part in parts:
        story += [Heading(title, sheet["h1"]), *part(report, sheet)]
    story.append(Heading("Relationship coverage", sheet["h1"]))
    if report.below_target:
        shown = report.below_target[:BELOW_TARGET_SHOWN]
        story.append(Paragraph(f"{len(report.below_target)} units are below the target of people met a quarter; "
                               f"the {len(shown)} furthest below:", body))  # fmt: skip
        rows = [["Unit below the target", "People met per 100 users"]]
        rows += [[unit, f"{figure:.1f}"] for unit, figure in shown]
        story.append(table(rows, [TEXT_WIDTH - 45 * mm, 45 * mm], sheet, {1}))
    else:
        story.append(Paragraph("Every unit is at or above the target.", body))
    story.append(Heading("Decisions asked of the CIO", sheet["h1"]))
    if report.decisions:
        story += [KeepTogether([Paragraph(f"<b>{number}.</b> {text(ask)}", body), Spacer(1, 2 * mm)])
                  for number, ask in enumerate(report.decisions, start=1)]  # fmt: skip
    else:
        story.append(Paragraph("None this month.", body))
    return story


def render(report: CioReport) -> bytes:
    sheet = styles()
    return build(
        title=f"IT customer success: {report.label}", author=report.organisation, subject="Monthly report for the CIO",
        header=f"{report.organisation} · Monthly report for the CIO · {report.label}",
        cover=_cover(report, sheet), sections=_sections(report, sheet),
    )  # fmt: skip
