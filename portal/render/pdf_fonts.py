"""The font every Rapport PDF is set in, text and charts alike: DejaVu Sans, embedded.

static/fonts holds the fonts-dejavu-core 2.37 files, their free licence beside them. Embedded, so any name
prints — Gdańsk, Łódź, Ørsted — on any machine: the 14 standard PDF fonts, and the Vera fonts inside
ReportLab, know Latin-1 only."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from portal.config import ROOT

FONT, BOLD = "RapportSans", "RapportSans-Bold"
FONTS = ROOT / "static" / "fonts"


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
