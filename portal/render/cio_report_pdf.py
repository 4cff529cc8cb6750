"""The CIO's monthly report as a PDF: the month on its first page (four figures, the headlines, the contents),
then health, movers, risks, licence economics, support, demand ahead, satisfaction, relationship coverage and
the decisions asked for (docs/cio-report.md). Built from pdf_document.py's parts, every data string escaped."""

from __future__ import annotations

from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from models import Colour
from portal.charts import build as charts
from portal.charts.pdf import drawing
from portal.charts.shapes import ACCENT, Chart
from portal.formatting import amounts, counted, duration, money, money_short, number
from portal.render.pdf_document import (
    BOLD,
    TEXT_WIDTH,
    Heading,
    Together,
    build,
    colour_word,
    contents,
    styles,
    table,
    text,
    with_heading,
)
from portal.services.catalog.seat_use import GRADES
from portal.services.reports.cio import COLOURS, STAGES, CioReport
from portal.services.reports.cio_licences import RENEWAL_DAYS

BELOW_TARGET_SHOWN = 10
TILE = "#f1f4f9"
SAFETY = {"never used": "safe to reclaim", "unused 90 days": "likely safe", "unused 30 days": "ask the unit first"}


def _pictured(chart: Chart, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A chart across the text's width with its caption: what it shows, and its main figure in words."""
    caption = Paragraph(text(chart.label), sheet["small"])
    return [Together([drawing(chart, scale=TEXT_WIDTH / chart.width), caption]), Spacer(1, 3 * mm)]


def _saving(amount, currency: str) -> str:
    if amount > 0:
        return f"saves {money(amount, currency)}"
    return f"{money(-amount, currency)} more" if amount < 0 else "—"


def _tiles(report: CioReport, sheet: dict[str, ParagraphStyle]) -> Table:
    """Four figures the CIO reads first, each with what it counts, in the organisation's main currency."""
    currency, risks, licences = report.licences.currency, report.risks, report.licences
    green, green_before = report.now.share("seats", Colour.GREEN), report.before.share("seats", Colour.GREEN)
    saving = sum((r.saving for r in licences.renewals if r.currency == currency), Decimal(0))
    figures = [
        (f"{green:.0%}", f"of the paid seats are green, {(green - green_before) * 100:+.0f} pts on a month before"),
        (
            money_short(risks.at_stake.get(currency, 0), currency),
            f"a year at stake in the {counted(risks.count, 'open risk')}",
        ),
        (
            money_short(licences.reclaimable[GRADES[0]].get(currency, 0), currency),
            "a year on paid seats never used: safe to reclaim",
        ),
        (
            money_short(abs(saving), currency),
            f"a year {'saved' if saving >= 0 else 'more'} by renewing the next "
            f"{RENEWAL_DAYS} days' {counted(len(licences.renewals), 'per-seat subscription')} "
            f"at the advised seats",
        ),
    ]
    figure = ParagraphStyle("figure", parent=sheet["body"], fontName=BOLD, fontSize=17, leading=21)
    gap = 3 * mm  # an empty column between tiles: a Table has no spacing of its own
    cells: list[list[object]] = [[]]
    for index, (value, caption) in enumerate(figures):
        cells[0] += ([""] if index else []) + [
            [Paragraph(text(value), figure), Paragraph(text(caption), sheet["small"])]
        ]
    tile = (TEXT_WIDTH - 3 * gap) / 4
    tiles = Table(cells, colWidths=[tile, gap] * 3 + [tile], spaceBefore=5 * mm, spaceAfter=1 * mm, hAlign="LEFT")
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 7),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]
    for column in range(0, 7, 2):
        commands += [
            ("BACKGROUND", (column, 0), (column, 0), colors.HexColor(TILE)),
            ("LINEABOVE", (column, 0), (column, 0), 2.5, colors.HexColor(ACCENT)),
        ]
    tiles.setStyle(TableStyle(commands))
    return tiles


def _first_page(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    """One page the CIO can stop at: the month in four figures, the headlines in sentences, and where the rest
    is."""
    title = ParagraphStyle("display", parent=sheet["title"], fontSize=23, leading=28)
    spaced = ParagraphStyle(
        "headline", parent=sheet["body"], fontSize=10, leading=14, spaceAfter=4, leftIndent=9, bulletIndent=0
    )
    listed = ParagraphStyle("listed", parent=sheet["toc"], fontSize=9, leading=12.5)
    return [
        Paragraph(f"{text(report.organisation)} · Monthly report for the CIO", sheet["subtitle"]),
        Spacer(1, 2 * mm),
        Paragraph(f"IT customer success in {text(report.label)}", title),
        Spacer(1, 1.5 * mm),
        Paragraph(
            f"Made on {report.made_on:%-d %B %Y} by Rapport, from the data up to {report.end:%-d %B %Y}.",
            sheet["small"],
        ),
        _tiles(report, sheet),
        Paragraph("Headlines", sheet["h1"]),
        *[Paragraph(text(line), spaced, bulletText="•") for line in report.headlines],
        Spacer(1, 3 * mm),
        Paragraph("In this report", sheet["head"]),
        Spacer(1, 1 * mm),
        contents(listed),
    ]


def _health(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    rows: list[list[object]] = [["Colour", "Units", "Change", "Seats", "Change", "Licence spend", "Change"]]
    for colour in COLOURS:
        row: list[object] = [colour_word(colour, sheet)]
        for measure in ("units", "seats", "spend"):
            now, before = report.now.share(measure, colour), report.before.share(measure, colour)
            row += [f"{now:.0%}", f"{(now - before) * 100:+.0f} pts"]
        rows.append(row)
    widths = [26 * mm] + [(TEXT_WIDTH - 26 * mm) / 6] * 6
    story = [*_pictured(report.health_chart(), sheet), table(rows, widths, sheet, {1, 2, 3, 4, 5, 6})]
    stages = [["Stage", "Subscriptions", "A month before", "Change"]]
    stages += [
        [
            stage.capitalize(),
            number(report.now.stages[stage]),
            number(report.before.stages[stage]),
            f"{report.now.stages[stage] - report.before.stages[stage]:+d}",
        ]
        for stage in STAGES
        if report.now.stages[stage] or report.before.stages[stage]
    ]
    story += [
        Spacer(1, 3 * mm),
        Together(
            [
                Paragraph("Subscriptions (a unit × a system) by lifecycle stage at the month's end:", sheet["body"]),
                table(stages, [50 * mm, 40 * mm, 40 * mm, TEXT_WIDTH - 130 * mm], sheet, {1, 2, 3}),
            ]
        ),
    ]
    if report.stage_moves:
        story.append(Spacer(1, 3 * mm))
        moves = [["From", "To", "Subscriptions"]]
        moves += [
            [src.capitalize(), dst.capitalize(), number(count)]
            for (src, dst), count in report.stage_moves.most_common()
        ]
        moved = Paragraph(
            "The subscriptions whose stage at the month's end differs from a month before:", sheet["body"]
        )
        story.append(Together([moved, table(moves, [50 * mm, 50 * mm, TEXT_WIDTH - 100 * mm], sheet, {2})]))
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
    risks = report.risks
    story = _pictured(report.risk_chart(), sheet)
    if risks.top:
        at_stake = amounts(risks.at_stake)
        shown = "" if len(risks.top) == risks.count else f"; the {len(risks.top)} with the most money at stake"
        rows = [["Risk", "Owner", "Probability", "At stake a year", "Plan"]]
        rows += [[r.title, r.owner, r.probability, r.at_stake, r.plan] for r in risks.top]
        story += [
            Paragraph(
                text(f"{number(risks.count)} open at the month's end, {at_stake} a year at stake{shown}:"),
                sheet["body"],
            ),
            table(rows, [62 * mm, 28 * mm, 26 * mm, 26 * mm, TEXT_WIDTH - 142 * mm], sheet, {3}),
        ]
    else:
        story.append(Paragraph("No risk was open at the month's end.", sheet["body"]))
    closed = ", ".join(f"{count} {outcome}" for outcome, count in sorted(risks.closed.items())) or "none"
    story += [Spacer(1, 2 * mm), Paragraph(f"Closed in the month: {text(closed)}.", sheet["body"])]
    return story


def _licences(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    licences = report.licences
    spend = amounts(licences.spend, none="nothing")
    story: list[Flowable] = [Paragraph(f"Licence spend: {text(spend)} a year.", sheet["body"]), Spacer(1, 2 * mm)]
    if licences.by_system:
        story += _pictured(report.licence_chart(), sheet)
    rows: list[list[object]] = [["Paid seats", "Seats", "A year", "Reclaiming them"]]
    for grade, seats in licences.unused_seats.items():
        rows.append([grade.capitalize(), number(seats), amounts(licences.reclaimable[grade], none="—"), SAFETY[grade]])
    story.append(Together([table(rows, [45 * mm, 25 * mm, 45 * mm, TEXT_WIDTH - 115 * mm], sheet, {1, 2})]))
    if licences.renewals:
        rows = [["Renewal", "Unit", "System", "Seats", "Used", "Then", "Renew", "A year"]]
        rows += [
            [
                f"{r.renewal:%-d %b %Y}",
                r.unit,
                r.system,
                number(r.seats),
                number(r.active),
                f"{r.low}–{r.high}",
                number(r.recommended),
                _saving(r.saving, r.currency),
            ]
            for r in licences.renewals
        ]
        story += [
            Spacer(1, 2 * mm),
            Paragraph(
                f"Renewals of per-seat licences in the next {RENEWAL_DAYS} days (site and free licences and "
                "systems not measured by use get no seat advice). Used: people a month now; "
                "then: the 90% range projected to the renewal from the last quarter's "
                "trend; renew: the seats advised.",
                sheet["body"],
            ),
            table(
                rows,
                [22 * mm, 26 * mm, 26 * mm, 16 * mm, 14 * mm, 19 * mm, 16 * mm, TEXT_WIDTH - 139 * mm],
                sheet,
                {3, 4, 5, 6, 7},
            ),
        ]
    return story


def _support(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    chart = charts.bars(
        [count for _, count in report.tickets_by_month],
        [name for name, _ in report.tickets_by_month],
        f"Tickets opened per month, the last {len(report.tickets_by_month)} months",
    )
    story: list[Flowable] = [
        drawing(chart, scale=TEXT_WIDTH / chart.width),
        Paragraph(text(chart.label), sheet["small"]),
    ]
    if report.support:
        rows = [["System", "Tickets in the month", "Per 100 active people", "Median time to resolve"]]
        rows += [
            [
                s.system,
                number(s.tickets),
                "—" if s.per_100_active is None else f"{s.per_100_active:.1f}",
                "—" if s.median_hours is None else duration(s.median_hours),
            ]
            for s in report.support
        ]
        story.append(table(rows, [60 * mm, 35 * mm, 40 * mm, TEXT_WIDTH - 135 * mm], sheet, {1, 2, 3}))
    if report.hotspots:
        rows = [["Hotspot: unit", "System", "Tickets"]] + [[u, s, number(n)] for u, s, n in report.hotspots]
        story += [Spacer(1, 3 * mm), Together([table(rows, [70 * mm, 70 * mm, TEXT_WIDTH - 140 * mm], sheet, {2})])]
    return story


def _demand(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not report.demand:
        return [Paragraph("No system shows a demand ahead: no tickets and no unit onboarding.", sheet["body"])]
    rows = [["System", "Units onboarding", "Tickets in the month", "Tickets a month, three months on"]]
    for d in report.demand:
        ahead = (
            "—"
            if d.tickets_ahead is None
            else (f"{d.tickets_ahead.expected:.0f} ({d.tickets_ahead.low:.0f}–{d.tickets_ahead.high:.0f})")
        )
        rows.append([d.system, number(d.onboarding_units), number(d.tickets_now), ahead])
    return [
        Together(
            [
                Paragraph(
                    "Training follows the units onboarding; support, the tickets' trend over six months (a line with "
                    "its 90% range, docs/scoring.md):",
                    sheet["body"],
                ),
                table(rows, [60 * mm, 30 * mm, 35 * mm, TEXT_WIDTH - 125 * mm], sheet, {1, 2, 3}),
            ]
        )
    ]


def _with_change(now: float | None, before: float | None, form: str) -> str:
    """A figure and, in brackets, its change on the one before: "+12 (+4)"."""
    if now is None:
        return "—"
    change = "" if before is None else f" ({now - before:+{form.lstrip('+')}})"
    return f"{now:{form}}{change}"


def _trend(values: tuple[int | None, ...]) -> str:
    return " → ".join("·" if value is None else f"{value:+d}" for value in values)


def _voice(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    voice = report.voice
    quarter = f"{voice.since:%B} to {report.month:%B %Y}"
    if not voice.systems:
        return [Paragraph(f"No survey answers arrived from {text(quarter)}.", sheet["body"])]
    rows = [["System", "Responses", "NPS (change)", "NPS, four quarters", "CSAT 1–5 (change)", "Value 0–10"]]
    for v in voice.systems:
        nps, csat = _with_change(v.nps, v.nps_before, "+d"), _with_change(v.csat, v.csat_before, ".1f")
        rows.append(
            [v.system, number(v.answers), nps, _trend(v.nps_trend), csat, "—" if v.value is None else f"{v.value:.1f}"]
        )
    overall = (
        "" if voice.nps is None else f" Every system together: NPS {_with_change(voice.nps, voice.nps_before, '+d')}."
    )
    return [
        Paragraph(
            text(
                f"The units' answers from {quarter}, a quarter, as surveys come a few times a year; the "
                f"change is against the quarter before.{overall}"
            ),
            sheet["body"],
        ),
        table(rows, [38 * mm, 24 * mm, 24 * mm, 42 * mm, 28 * mm, TEXT_WIDTH - 156 * mm], sheet, {1, 2, 3, 4, 5}),
    ]


def _coverage(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Who looks after the units below the target, then the units furthest below it."""
    below = report.below_target
    managers: dict[str, list[int]] = {}
    for line in below:
        managers.setdefault(line.manager, [0, 0])
        managers[line.manager][0] += 1
        managers[line.manager][1] += line.people_met == 0
    by_manager = [["Account manager", "Units below the target", "Of them, nobody met"]]
    by_manager += [
        [name, number(count), number(none)]
        for name, (count, none) in sorted(managers.items(), key=lambda pair: (-pair[1][0], pair[0]))
    ]
    shown = below[:BELOW_TARGET_SHOWN]
    rows = [["Unit", "Account manager", "People met", "Users", "Per 100 users"]]
    rows += [
        [line.unit, line.manager, number(line.people_met), number(line.users), f"{line.per_100:.1f}"] for line in shown
    ]
    return [
        Together(
            [
                Paragraph(
                    f"{len(below)} units are below the target of people met in a quarter, per 100 users:", sheet["body"]
                ),
                table(by_manager, [TEXT_WIDTH - 90 * mm, 45 * mm, 45 * mm], sheet, {1, 2}),
            ]
        ),
        Spacer(1, 3 * mm),
        Together(
            [
                Paragraph(f"The {len(shown)} furthest below, the largest first where none was met:", sheet["body"]),
                table(rows, [62 * mm, 45 * mm, 22 * mm, 22 * mm, TEXT_WIDTH - 151 * mm], sheet, {2, 3, 4}),
            ]
        ),
    ]


def _relationship(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not report.below_target:
        return [Paragraph("Every unit is at or above the target.", sheet["body"])]
    return _coverage(report, sheet)


def _decisions(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    if not report.decisions:
        return [Paragraph("None this month.", sheet["body"])]
    return [
        Together([Paragraph(f"<b>{index}.</b> {text(ask)}", sheet["body"]), Spacer(1, 2 * mm)])
        for index, ask in enumerate(report.decisions, start=1)
    ]


def _sections(report: CioReport, sheet: dict[str, ParagraphStyle]) -> list[Flowable]:
    parts = (
        ("Health", _health),
        ("Movers", _movers),
        ("Risks", _risks),
        ("Licence economics", _licences),
        ("Support", _support),
        ("Demand ahead", _demand),
        ("Satisfaction", _voice),
        ("Relationship coverage", _relationship),
        ("Decisions asked of the CIO", _decisions),
    )
    story: list[Flowable] = []
    for title, part in parts:
        first, *rest = part(report, sheet)
        story += [with_heading(Heading(title, sheet["h1"]), first), *rest]
    return story


def render(report: CioReport) -> bytes:
    sheet = styles()
    return build(
        title=f"IT customer success: {report.label}",
        author=report.organisation,
        subject="Monthly report for the CIO",
        header=f"{report.organisation} · Monthly report for the CIO · {report.label}",
        cover=_first_page(report, sheet),
        sections=_sections(report, sheet),
        contents_page=False,
    )
