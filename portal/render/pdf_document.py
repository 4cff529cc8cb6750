"""The parts every Rapport PDF is made of: the embedded font, the styles, escaped text, tables whose header
repeats on each page, a contents list with bookmarks, the header line and "Page n of m".

Every text that comes from data goes through `text`, which escapes it: ReportLab reads <b>, <a>, <img> and
entities in a Paragraph, so an unescaped name could change the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
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
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from models import Colour
from portal.charts.shapes import COLOURS, INK, MUTED, RULE
from portal.render.pdf_fonts import BOLD, FONT, register_fonts

MARGIN = 18 * mm
PAGE_WIDTH, PAGE_HEIGHT = A4
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()  # the styles name the font: it must be known before any paragraph is laid out
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


def text(value: object) -> str:
    """Data as Paragraph text: escaped, so that it is printed, never interpreted. The pages group digits
    with a narrow no-break space, which the embedded font lacks: a plain no-break space stands in."""
    return escape(str(value)).replace("\u202f", "\u00a0")


class Heading(Paragraph):
    """A section heading that the contents list picks up."""


class Together(KeepTogether):
    """Flowables kept on one page. A KeepTogether inside another always measures as too tall for any page, so
    `with_heading` opens this one up and puts a heading in front instead of nesting it."""

    def __init__(self, flowables: Sequence[Flowable]) -> None:
        super().__init__(list(flowables))
        self.parts = list(flowables)


def with_heading(heading: Flowable, first: Flowable) -> Together:
    """A heading kept with what follows it: never alone at the foot of a page."""
    return Together([heading, *(first.parts if isinstance(first, Together) else [first])])


class _Document(BaseDocTemplate):
    def __init__(self, buffer: BytesIO, title: str, author: str, subject: str, header: str) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN + 8 * mm,
            bottomMargin=MARGIN,
            title=title,
            author=author,
            subject=subject,
            creator="Rapport",
        )
        # No padding inside the frames: text, tables and charts all TEXT_WIDTH wide, flush with the header's rule.
        flush = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
        frame = Frame(MARGIN, MARGIN, TEXT_WIDTH, PAGE_HEIGHT - 2 * MARGIN - 8 * mm, id="body", **flush)
        cover = Frame(MARGIN, MARGIN, TEXT_WIDTH, PAGE_HEIGHT - 2 * MARGIN, id="cover", **flush)
        self.addPageTemplates(
            [
                PageTemplate("cover", [cover]),
                PageTemplate("body", [frame], onPage=lambda canvas, _doc: _header(canvas, header)),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:  # ReportLab names it so
        if isinstance(flowable, Heading):
            key = f"section-{self.seq.nextf('section')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page, key))


def _header(canvas: Canvas, line: str) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.HexColor(MUTED))
    canvas.drawString(MARGIN, PAGE_HEIGHT - MARGIN + 2 * mm, line[:140])
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


def table(
    rows: list[list[object]], widths: list[float], sheet: dict[str, ParagraphStyle], numeric: set[int] = frozenset()
) -> LongTable:
    """A table whose header repeats on every page it spans; cells are escaped paragraphs, the `numeric`
    columns set flush right (a paragraph aligns itself: the cell's ALIGN does not reach it)."""
    head, *body = rows
    right = {name: ParagraphStyle(f"{name}-right", parent=sheet[name], alignment=TA_RIGHT) for name in ("head", "cell")}

    def style(name: str, column: int) -> ParagraphStyle:
        return right[name] if column in numeric else sheet[name]

    cells = [[Paragraph(text(cell).upper(), style("head", column)) for column, cell in enumerate(head)]]
    for row in body:
        cells.append(
            [
                cell if isinstance(cell, Flowable) else Paragraph(text(cell), style("cell", column))
                for column, cell in enumerate(row)
            ]
        )
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


def colour_word(colour: str, sheet: dict[str, ParagraphStyle]) -> Paragraph:
    shade = COLOURS.get(colour, COLOURS[Colour.GREY])
    return Paragraph(f'<font color="{shade}"><b>{text(colour.capitalize())}</b></font>', sheet["cell"])


def contents(style: ParagraphStyle | None = None) -> TableOfContents:
    """The list of the sections' `Heading`s with their pages, filled in as the document is built."""
    return TableOfContents(levelStyles=[style or styles()["toc"]], dotsMinLevel=0)


def build(
    title: str,
    author: str,
    subject: str,
    header: str,
    cover: Sequence[Flowable],
    sections: Sequence[Flowable],
    contents_page: bool = True,
) -> bytes:
    """The document: its cover, a page of contents (the `Heading`s of the sections) unless the cover holds
    them, then the sections."""
    register_fonts()
    buffer = BytesIO()
    document = _Document(buffer, title, author, subject, header)
    listed = [Paragraph("Contents", styles()["h1"]), contents(), PageBreak()] if contents_page else []
    story: list[Flowable] = [*cover, NextPageTemplate("body"), PageBreak(), *listed, *sections]
    document.multiBuild(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue()
