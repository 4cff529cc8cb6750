"""The success review as a PDF a department head can forward: a cover, contents, numbered pages, the
organisation and the period in every header, the same charts as the page, tables that break across pages.

Every text that comes from data (unit, system and category names, reasons) goes through `_text`, which
escapes it: ReportLab reads <b>, <a>, <img> and entities in a Paragraph, so an unescaped name could change
the document.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from portal.charts.pdf import drawing
from portal.charts.shapes import COLOURS, INK, MUTED, RULE
from portal.computed_cache import remember
from portal.formatting import money
from portal.formatting import number as figure
from portal.services.reviews import Agreement, Review

FONT, BOLD = "RapportSans", "RapportSans-Bold"
MARGIN = 18 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


def _register_fonts() -> None:
    """Bitstream Vera, shipped inside ReportLab: embedded, so any name prints (the 14 standard PDF fonts
    only know Latin-1) on any machine."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13.5, textColor=colors.HexColor(INK))
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10.5, textColor=colors.HexColor(MUTED)),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "head": ParagraphStyle(
            "head", parent=base, fontName=BOLD, fontSize=8, leading=10, textColor=colors.HexColor(MUTED)
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=15, leading=19, spaceBefore=10, spaceAfter=6, keepWithNext=1
        ),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=28, leading=34, alignment=TA_LEFT),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=14, leading=19, textColor=colors.HexColor(MUTED)),
        "toc": ParagraphStyle("toc", parent=base, fontSize=10.5, leading=17),
    }


def _money(amount: object, currency: str) -> str:
    return money(amount, currency)  # type: ignore[arg-type]


def _text(value: object) -> str:
    """Data as Paragraph text: escaped, so that it is printed, never interpreted. The pages group digits
    with a narrow no-break space, which the embedded font lacks: a plain no-break space stands in."""
    return escape(str(value)).replace("\u202f", "\u00a0")


class _Heading(Paragraph):
    """A section heading that the contents list picks up."""


class _Document(BaseDocTemplate):
    def __init__(self, buffer: BytesIO, review: Review) -> None:
        super().__init__(
            buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 8 * mm,
            bottomMargin=MARGIN, title=f"Success review: {review.unit.name}, {review.period.label}",
            author=review.organisation, subject="Success review", creator="Rapport",
        )  # fmt: skip
        frame = Frame(MARGIN, MARGIN, TEXT_WIDTH, PAGE_HEIGHT - 2 * MARGIN - 8 * mm, id="body")
        cover = Frame(MARGIN, MARGIN, TEXT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="cover")
        header = f"{review.organisation} · Success review · {review.unit.name} · {review.period.label}"
        self.addPageTemplates([
            PageTemplate("cover", [cover]),
            PageTemplate("body", [frame], onPage=lambda canvas, _doc: _header(canvas, header)),
        ])  # fmt: skip

    def afterFlowable(self, flowable: Flowable) -> None:  # ReportLab names it so
        if isinstance(flowable, _Heading):
            key = f"section-{self.seq.nextf('section')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page, key))


def _header(canvas: Canvas, text: str) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.HexColor(MUTED))
    canvas.drawString(MARGIN, PAGE_HEIGHT - MARGIN + 2 * mm, text[:140])
    canvas.setStrokeColor(colors.HexColor(RULE))
    canvas.line(MARGIN, PAGE_HEIGHT - MARGIN, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - MARGIN)
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Writes "Page n of m" on every page but the cover, once the number of pages is known."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # ReportLab names it so
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            if number > 1:
                self.setFont(FONT, 7.5)
                self.setFillColor(colors.HexColor(MUTED))
                self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 8 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def _table(rows: list[list[object]], widths: list[float], styles: dict[str, ParagraphStyle],
           numeric: set[int] = frozenset()) -> LongTable:  # fmt: skip
    """A table whose header repeats on every page it spans; cells are escaped paragraphs."""
    head, *body = rows
    cells = [[Paragraph(_text(cell).upper(), styles["head"]) for cell in head]]
    for row in body:
        cells.append([cell if isinstance(cell, Flowable) else Paragraph(_text(cell), styles["cell"]) for cell in row])
    table = LongTable(cells, colWidths=widths, repeatRows=1, splitByRow=1)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(RULE)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in numeric]
    table.setStyle(TableStyle(commands))
    return table


def _colour_word(colour: str, styles: dict[str, ParagraphStyle]) -> Paragraph:
    shade = COLOURS.get(colour, COLOURS["grey"])
    return Paragraph(f'<font color="{shade}"><b>{_text(colour.capitalize())}</b></font>', styles["cell"])


def _cover(review: Review, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [Spacer(1, 50 * mm), Paragraph(_text(review.organisation), styles["subtitle"]),
                             Spacer(1, 4 * mm), Paragraph("Success review", styles["title"]), Spacer(1, 3 * mm),
                             Paragraph(_text(review.unit.name), styles["title"]), Spacer(1, 6 * mm),
                             Paragraph(_text(review.period.label), styles["subtitle"])]  # fmt: skip
    if review.now is not None and review.now.score is not None:
        shade = COLOURS.get(review.now.colour, COLOURS["grey"])
        story += [Spacer(1, 16 * mm), Paragraph(
            f'Health at the end of the period: <font color="{shade}"><b>{_text(review.now.colour)}</b></font>, '
            f"{review.now.score:.0f} of 100" + (f", {_text(review.now.stage)}" if review.now.stage else ""),
            styles["subtitle"])]  # fmt: skip
    story += [Spacer(1, 40 * mm), Paragraph(f"Made on {review.made_on:%-d %B %Y} by Rapport, from the data up to "
                                            f"{review.period.end:%-d %B %Y}.", styles["small"])]  # fmt: skip
    return story


def _sections(review: Review, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    body, small = styles["body"], styles["small"]
    story: list[Flowable] = []

    def heading(text: str) -> None:
        story.append(_Heading(text, styles["h1"]))

    heading("Executive summary")
    spaced = ParagraphStyle("summary", parent=body, fontSize=10.5, leading=15, spaceAfter=4)
    story += [Paragraph(_text(sentence), spaced) for sentence in review.summary]

    heading("Health and trend")
    if review.weekly:
        story.append(drawing(review.score_chart(), scale=TEXT_WIDTH / review.score_chart().width))
        story.append(Paragraph(_text(review.score_chart().label), small))
    if review.now is not None:
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph("What drives it:", body))
        story += [Paragraph("• " + _text(reason), body) for reason in review.now.reasons[:5]]

    heading("Adoption by system")
    rows: list[list[object]] = [["System", "Health", "Stage", "Active", "Habit", "Core modules unused"]]
    for line in review.systems:
        active = f"{line.active_people:,}" + (f" of {line.seats:,} seats" if line.per_seat and line.seats else "")
        rows.append([line.name, _colour_word(line.colour, styles), (line.stage or "—").capitalize(), active,
                     line.habit or "—", ", ".join(line.unused_modules) or "none"])  # fmt: skip
    story.append(_table(rows, [30 * mm, 17 * mm, 23 * mm, 27 * mm, 44 * mm, TEXT_WIDTH - 141 * mm], styles))

    heading("Licence utilisation")
    seat_lines = [line for line in review.systems if line.per_seat and line.seats]
    if seat_lines:
        rows = [["System", "Seats", "Used", "Unused", "Unused a year"]]
        rows += [[line.name, f"{line.seats:,}", f"{min(line.active_people, line.seats):,}", f"{line.reclaimable:,}",
                  _money(line.reclaimable_cost, line.currency)] for line in seat_lines]  # fmt: skip
        story.append(_table(rows, [60 * mm, 22 * mm, 22 * mm, 22 * mm, TEXT_WIDTH - 126 * mm], styles, {1, 2, 3, 4}))
    else:
        story.append(Paragraph("None of the unit's systems is licensed per seat.", body))

    heading("Support")
    support = review.support
    story.append(drawing(review.tickets_chart(), scale=TEXT_WIDTH / review.tickets_chart().width))
    story.append(Paragraph(_text(support.describe()), body))
    if support.categories:
        rows = [["Top categories", "Tickets"]] + [[name, f"{count:,}"] for name, count in support.categories]
        story.append(_table(rows, [TEXT_WIDTH - 30 * mm, 30 * mm], styles, {1}))

    heading("Voice of the unit")
    if review.voice:
        rows = [["Question", "Answers", "Average", "Range", "Spread (score: answers)"]]
        for item in review.voice:
            average = f"{item.nps:+d} NPS" if item.nps is not None else f"{item.mean:.1f}"
            spread = ", ".join(f"{score}: {count}" for score, count in item.spread.items())
            rows.append([item.name, f"{item.answers:,}", average, f"{item.low}–{item.high}", spread])
        story.append(_table(rows, [42 * mm, 22 * mm, 20 * mm, 16 * mm, TEXT_WIDTH - 100 * mm], styles, {1, 2}))
    else:
        story.append(Paragraph("No survey answers in the period.", body))

    heading("Goals, plans and risks")
    story += _agreement_part(review.agreement, styles)

    heading("What IT recommends")
    if review.recommendations:
        for number, item in enumerate(review.recommendations, start=1):
            story.append(KeepTogether([Paragraph(f"<b>{number}. {_text(item.title)}</b>", body),
                                       Paragraph(_text(item.because), small), Spacer(1, 2 * mm)]))  # fmt: skip
    else:
        story.append(Paragraph("Nothing stands out: keep the current course.", body))
    return story


def _agreement_part(agreement: Agreement, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    body = styles["body"]
    story: list[Flowable] = []
    if agreement.goals:
        rows: list[list[object]] = [["Goal", "Baseline", "By the period's end", "Target", "By"]]
        for goal in agreement.goals:
            value = "—" if goal.value is None else figure(goal.value)
            if goal.reached_on:
                value += f" (reached {goal.reached_on:%-d %b})"
            rows.append([f"{goal.name} ({goal.metric})", figure(goal.baseline), value, figure(goal.target),
                         f"{goal.due_on:%-d %b %Y}"])  # fmt: skip
        story.append(_table(rows, [62 * mm, 22 * mm, 36 * mm, 22 * mm, TEXT_WIDTH - 142 * mm], styles, {1, 2, 3}))
    else:
        story.append(Paragraph("No goals are set with the unit yet.", body))
    if agreement.steps:
        story.append(Spacer(1, 3 * mm))
        words = {"done": "Done in the period", "late": "Late", "next": "Next"}
        rows = [["Plan step", "Whose", "Owner", "Due", "State"]]
        rows += [[step.action, step.side, step.owner, f"{step.due_on:%-d %b %Y}", words[step.state]]
                 for step in agreement.steps]  # fmt: skip
        story.append(_table(rows, [70 * mm, 26 * mm, 28 * mm, 24 * mm, TEXT_WIDTH - 148 * mm], styles))
    if agreement.risks is not None:
        story.append(Spacer(1, 3 * mm))
        if agreement.risks:
            rows = [["Risk", "Status", "Probability", "At stake a year", "Mitigation"]]
            for risk in agreement.risks:
                plan = f"{risk.routes} routes, {risk.steps_done} of {risk.steps} steps done"
                rows.append([risk.title, risk.status, risk.probability, risk.at_stake, plan])
            story.append(_table(rows, [55 * mm, 25 * mm, 28 * mm, 28 * mm, TEXT_WIDTH - 136 * mm], styles))
        else:
            story.append(Paragraph("No risk was open in the period.", body))
    return story


def render(review: Review) -> bytes:
    _register_fonts()
    styles = _styles()
    buffer = BytesIO()
    document = _Document(buffer, review)
    contents = TableOfContents(levelStyles=[styles["toc"]], dotsMinLevel=0)
    story: list[Flowable] = [
        *_cover(review, styles),
        NextPageTemplate("body"),
        PageBreak(),
        Paragraph("Contents", styles["h1"]),
        contents,
        PageBreak(),
        *_sections(review, styles),
    ]
    document.multiBuild(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()


def render_kept(review: Review) -> bytes:
    """The review's PDF, made once while the data stays as it is: a review is downloaded again and forwarded."""
    with_risks = review.agreement.risks is not None
    key = ("review-pdf", review.unit.id, review.period, review.made_on, review.organisation, with_risks)
    return remember(key, lambda: render(review))
