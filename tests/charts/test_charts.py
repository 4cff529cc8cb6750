"""Charts: one drawing, the same picture in SVG and in a PDF, hostile text inert in both."""

from __future__ import annotations

import re

from reportlab.graphics import renderPDF

from portal.charts import build
from portal.charts.pdf import drawing
from portal.charts.shapes import GREY, RED, Chart, Circle, Line, Rect, Text
from portal.charts.svg import render


def test_a_sparkline_breaks_at_missing_weeks_and_ends_on_a_dot_in_its_colour():
    chart = build.sparkline([80, 70, None, 50, 40], "red", "Health score")
    lines = [shape for shape in chart.shapes if isinstance(shape, Line) and shape.stroke == GREY]
    assert [len(line.points) for line in lines] == [2, 2]  # 80→70, then 50→40; no bridge over the gap
    (dot,) = [shape for shape in chart.shapes if isinstance(shape, Circle)]
    assert dot.fill == RED and dot.x == lines[-1].points[-1][0]
    ys = [point[1] for line in lines for point in line.points]
    assert ys == sorted(ys)  # falling scores go down the picture (SVG's y grows downwards)
    assert all(0 <= y <= chart.height for y in ys)


def test_scores_outside_the_scale_stay_in_the_box_and_nothing_scored_draws_no_dot():
    chart = build.sparkline([150, -20], "green", "x")
    points = [p for shape in chart.shapes if isinstance(shape, Line) for p in shape.points]
    assert all(0 <= y <= chart.height for _, y in points)
    empty = build.sparkline([None, None], "grey", "x")
    assert not [shape for shape in empty.shapes if isinstance(shape, Circle)]


HOSTILE = '</text><script>alert(1)</script> & "quotes" <b>'


def test_svg_escapes_every_text_and_names_the_picture():
    chart = Chart(100, 40, HOSTILE, (Text(5, 20, HOSTILE), Rect(0, 0, 10, 10, RED, title=HOSTILE)))
    svg = str(render(chart))
    assert "<script>" not in svg and "<b>" not in svg
    assert svg.count("&lt;script&gt;") == 4  # the label twice (aria-label, title), the text, the tooltip
    assert re.match(r'<svg class="chart" viewBox="0 0 100 40" [^>]*role="img" aria-label="&lt;/text&gt;', svg)


def test_the_pdf_drawing_holds_the_same_shapes_and_prints_text_as_it_is(tmp_path):
    chart = Chart(100, 40, "label", (Line(((0, 0), (100, 40))), Text(5, 20, HOSTILE), Circle(50, 20, 2, RED)))
    flowable = drawing(chart, scale=2)
    assert (flowable.width, flowable.height) == (200, 80)
    (group,) = flowable.contents
    assert len(group.contents) == 3
    string = group.contents[1].contents[0]
    assert string.text == HOSTILE  # a drawing string is text, never markup
    out = tmp_path / "chart.pdf"
    renderPDF.drawToFile(flowable, str(out))
    assert out.read_bytes().startswith(b"%PDF")


def test_a_pdf_chart_prints_any_name_in_the_embedded_font(tmp_path):
    from pypdf import PdfReader

    chart = build.amount_bars(
        [("Łódź Ørsted Gdańsk", [3.0, 1.0])],
        [("in use", RED), ("never used", GREY)],
        "money",
        lambda value: f"{value:.0f} EUR",
    )
    out = tmp_path / "chart.pdf"
    renderPDF.drawToFile(drawing(chart), str(out))
    text = PdfReader(out).pages[0].extract_text()
    assert "Łódź Ørsted Gdańsk" in text and "4 EUR" in text  # the row's total at its end
    assert [shape.title for shape in chart.shapes if isinstance(shape, Rect) and shape.title] == [
        "Łódź Ørsted Gdańsk: in use 3 EUR",
        "Łódź Ørsted Gdańsk: never used 1 EUR",
    ]
