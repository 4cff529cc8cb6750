"""Charts as ReportLab drawings, for the PDFs: the same shapes, with the y axis turned upwards."""

from __future__ import annotations

from reportlab.graphics import shapes as rl
from reportlab.lib.colors import HexColor

from portal.charts.shapes import Chart, Circle, Line, Rect, Text
from portal.render.pdf_fonts import BOLD, FONT, register_fonts

FONTS = {False: FONT, True: BOLD}


def drawing(chart: Chart, scale: float = 1.0) -> rl.Drawing:
    """A flowable drawing of the chart, `scale` times its size. Texts are drawn as plain strings: ReportLab
    reads no markup in them, so a unit's name cannot change the document."""
    register_fonts()
    canvas = rl.Drawing(chart.width * scale, chart.height * scale)
    group = rl.Group()
    group.transform = (scale, 0, 0, -scale, 0, chart.height * scale)  # SVG's y points down, PDF's up
    for shape in chart.shapes:
        if isinstance(shape, Line):
            points = [coordinate for point in shape.points for coordinate in point]
            group.add(
                rl.PolyLine(
                    points,
                    strokeColor=HexColor(shape.stroke),
                    strokeWidth=shape.width,
                    strokeDashArray=[3, 2] if shape.dashed else None,
                    strokeLineJoin=1,
                    strokeLineCap=1,
                )
            )
        elif isinstance(shape, Rect):
            stroke = HexColor(shape.stroke) if shape.stroke else None
            group.add(
                rl.Rect(
                    shape.x,
                    shape.y,
                    shape.width,
                    shape.height,
                    fillColor=HexColor(shape.fill),
                    strokeColor=stroke,
                    strokeWidth=0.5 if stroke else 0,
                )
            )
        elif isinstance(shape, Circle):
            group.add(rl.Circle(shape.x, shape.y, shape.radius, fillColor=HexColor(shape.fill), strokeColor=None))
        else:
            assert isinstance(shape, Text)
            # A text is un-flipped around its own baseline, or it would print upside down.
            text = rl.String(
                0,
                0,
                shape.text,
                fontName=FONTS[shape.bold],
                fontSize=shape.size,
                fillColor=HexColor(shape.fill),
                textAnchor=shape.anchor,
            )
            holder = rl.Group(text)
            holder.transform = (1, 0, 0, -1, shape.x, shape.y)
            group.add(holder)
    canvas.add(group)
    return canvas
