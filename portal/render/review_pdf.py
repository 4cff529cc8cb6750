"""The success review as a PDF a department head can forward: a cover, contents, numbered pages, the
organisation and the period in every header, the same charts as the page, tables that break across pages.

Every text that comes from data (unit, system and category names, reasons) goes through `text`, which
escapes it (portal/services/pdf_document.py).
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from models import Colour
from portal.charts.pdf import drawing
from portal.charts.shapes import COLOURS
from portal.computed_cache import remember
from portal.formatting import money, number
from portal.render.pdf_document import TEXT_WIDTH, Heading, build, colour_word, styles, table, text
from portal.services.reports.reviews import Agreement, Review


def _cover(review: Review, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 50 * mm),
        Paragraph(text(review.organisation), styles["subtitle"]),
        Spacer(1, 4 * mm),
        Paragraph("Success review", styles["title"]),
        Spacer(1, 3 * mm),
        Paragraph(text(review.unit.name), styles["title"]),
        Spacer(1, 6 * mm),
        Paragraph(text(review.period.label), styles["subtitle"]),
    ]
    if review.now is not None and review.now.score is not None:
        shade = COLOURS.get(review.now.colour, COLOURS[Colour.GREY])
        story += [
            Spacer(1, 16 * mm),
            Paragraph(
                f'Health at the end of the period: <font color="{shade}"><b>{text(review.now.colour)}</b></font>, '
                f"{review.now.score:.0f} of 100" + (f", {text(review.now.stage)}" if review.now.stage else ""),
                styles["subtitle"],
            ),
        ]
    story += [
        Spacer(1, 40 * mm),
        Paragraph(
            f"Made on {review.made_on:%-d %B %Y} by Rapport, from the data up to {review.period.end:%-d %B %Y}.",
            styles["small"],
        ),
    ]
    return story


def _sections(review: Review, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    body, small = styles["body"], styles["small"]
    story: list[Flowable] = []

    def heading(text: str) -> None:
        story.append(Heading(text, styles["h1"]))

    heading("Executive summary")
    spaced = ParagraphStyle("summary", parent=body, fontSize=10.5, leading=15, spaceAfter=4)
    story += [Paragraph(text(sentence), spaced) for sentence in review.summary]

    heading("Health and trend")
    if review.weekly:
        story.append(drawing(review.score_chart(), scale=TEXT_WIDTH / review.score_chart().width))
        story.append(Paragraph(text(review.score_chart().label), small))
    if review.now is not None:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph("What drives it:", body))
        story += [Paragraph("• " + text(reason), body) for reason in review.now.reasons[:5]]

    heading("Adoption by system")
    rows: list[list[object]] = [["System", "Health", "Stage", "Active", "Habit", "Core modules unused"]]
    for line in review.systems:
        active = number(line.active_people) + (f" of {number(line.seats)} seats" if line.counted else "")
        rows.append(
            [
                line.name,
                colour_word(line.colour, styles),
                (line.stage or "—").capitalize(),
                active,
                line.habit or "—",
                ", ".join(line.unused_modules) or "none",
            ]
        )
    story.append(table(rows, [30 * mm, 17 * mm, 23 * mm, 27 * mm, 44 * mm, TEXT_WIDTH - 141 * mm], styles))

    heading("Licence utilisation")
    seat_lines = [line for line in review.systems if line.counted]
    if seat_lines:
        rows = [["System", "Seats", "Used", "Unused", "Unused a year"]]
        rows += [
            [
                line.name,
                number(line.seats),
                number(min(line.active_people, line.seats)),
                number(line.reclaimable),
                money(line.reclaimable_cost, line.currency),
            ]
            for line in seat_lines
        ]
        story.append(table(rows, [60 * mm, 22 * mm, 22 * mm, 22 * mm, TEXT_WIDTH - 126 * mm], styles, {1, 2, 3, 4}))
    else:
        story.append(Paragraph("None of the unit's systems is licensed per seat.", body))
    if review.without_seat_figures:
        story.append(Paragraph(text(review.without_seat_figures), body))

    heading("Support")
    support = review.support
    story.append(drawing(review.tickets_chart(), scale=TEXT_WIDTH / review.tickets_chart().width))
    story.append(Paragraph(text(support.describe()), body))
    if support.categories:
        rows = [["Top categories", "Tickets"]] + [[name, number(count)] for name, count in support.categories]
        story.append(table(rows, [TEXT_WIDTH - 30 * mm, 30 * mm], styles, {1}))

    heading("Voice of the unit")
    if review.voice:
        rows = [["Question", "Answers", "Average", "Range", "Spread (score: answers)"]]
        for item in review.voice:
            average = f"{item.nps:+d} NPS" if item.nps is not None else f"{item.mean:.1f}"
            spread = ", ".join(f"{score}: {count}" for score, count in item.spread.items())
            rows.append([item.name, number(item.answers), average, f"{item.low}–{item.high}", spread])
        story.append(table(rows, [42 * mm, 22 * mm, 20 * mm, 16 * mm, TEXT_WIDTH - 100 * mm], styles, {1, 2}))
    else:
        story.append(Paragraph("No survey answers in the period.", body))

    heading("Goals, plans and risks")
    story += _agreement_part(review.agreement, styles)

    heading(review.recommendations_heading)
    if review.recommendations:
        for index, item in enumerate(review.recommendations, start=1):
            story.append(
                KeepTogether(
                    [
                        Paragraph(f"<b>{index}. {text(item.title)}</b>", body),
                        Paragraph(text(item.because), small),
                        Spacer(1, 2 * mm),
                    ]
                )
            )
    else:
        story.append(Paragraph("Nothing stands out: keep the current course.", body))
    return story


def _agreement_part(agreement: Agreement, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = styles["body"]
    story: list[Flowable] = []
    if agreement.goals:
        rows: list[list[object]] = [["Goal", "Baseline", "By the period's end", "Target", "By"]]
        for goal in agreement.goals:
            value = "—" if goal.value is None else number(goal.value)
            if goal.reached_on:
                value += f" (reached {goal.reached_on:%-d %b})"
            rows.append(
                [
                    f"{goal.name} ({goal.metric})",
                    number(goal.baseline),
                    value,
                    number(goal.target),
                    f"{goal.due_on:%-d %b %Y}",
                ]
            )
        story.append(table(rows, [62 * mm, 22 * mm, 36 * mm, 22 * mm, TEXT_WIDTH - 142 * mm], styles, {1, 2, 3}))
    else:
        story.append(Paragraph("No goals are set with the unit yet.", body))
    if agreement.steps:
        story.append(Spacer(1, 3 * mm))
        words = {"done": "Done in the period", "late": "Late", "next": "Next"}
        rows = [["Plan step", "Whose", "Owner", "Due", "State"]]
        rows += [
            [step.action, step.side, step.owner, f"{step.due_on:%-d %b %Y}", words[step.state]]
            for step in agreement.steps
        ]
        story.append(table(rows, [70 * mm, 26 * mm, 28 * mm, 24 * mm, TEXT_WIDTH - 148 * mm], styles))
    if agreement.risks is not None:
        story.append(Spacer(1, 3 * mm))
        if agreement.risks:
            rows = [["Risk", "Status", "Probability", "At stake a year", "Mitigation"]]
            rows += [[risk.title, risk.status, risk.probability, risk.at_stake, risk.plan] for risk in agreement.risks]
            story.append(table(rows, [55 * mm, 25 * mm, 28 * mm, 28 * mm, TEXT_WIDTH - 136 * mm], styles))
        else:
            story.append(Paragraph("No risk was open in the period.", body))
    return story


def render(review: Review) -> bytes:
    sheet = styles()
    unit, period = review.unit.name, review.period.label
    return build(
        title=f"Success review: {unit}, {period}",
        author=review.organisation,
        subject="Success review",
        header=f"{review.organisation} · Success review · {unit} · {period}",
        cover=_cover(review, sheet),
        sections=_sections(review, sheet),
    )


def render_kept(review: Review) -> bytes:
    """The review's PDF, made once while the data stays as it is: a review is downloaded again and forwarded."""
    with_risks = review.agreement.risks is not None
    key = ("review-pdf", review.unit.id, review.period, review.made_on, review.organisation, with_risks)
    return remember(key, lambda: render(review))
