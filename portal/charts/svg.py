"""Charts as inline SVG: every text escaped, the label given to screen readers."""

from __future__ import annotations

from markupsafe import Markup, escape

from portal.charts.shapes import Chart, Circle, Line, Rect, Shape, Text


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _shape(shape: Shape) -> str:
    if isinstance(shape, Line):
        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in shape.points)
        dash = ' stroke-dasharray="3 2"' if shape.dashed else ""
        return (
            f'<polyline points="{points}" fill="none" stroke="{shape.stroke}" stroke-width="{_number(shape.width)}"'
            f' stroke-linejoin="round" stroke-linecap="round"{dash}/>'
        )
    if isinstance(shape, Rect):
        stroke = f' stroke="{shape.stroke}"' if shape.stroke else ""
        title = f"<title>{escape(shape.title)}</title>" if shape.title else ""
        return (
            f'<rect x="{_number(shape.x)}" y="{_number(shape.y)}" width="{_number(shape.width)}" '
            f'height="{_number(shape.height)}" fill="{shape.fill}"{stroke}>{title}</rect>'
        )
    if isinstance(shape, Circle):
        return (
            f'<circle cx="{_number(shape.x)}" cy="{_number(shape.y)}" r="{_number(shape.radius)}" fill="{shape.fill}"/>'
        )
    assert isinstance(shape, Text)
    weight = ' font-weight="600"' if shape.bold else ""
    return (
        f'<text x="{_number(shape.x)}" y="{_number(shape.y)}" font-size="{_number(shape.size)}" fill="{shape.fill}" '
        f'text-anchor="{shape.anchor}"{weight}>{escape(shape.text)}</text>'
    )


def render(chart: Chart, css_class: str = "chart") -> Markup:
    """The chart as an <svg> element that scales to its container's width."""
    body = "".join(_shape(shape) for shape in chart.shapes)
    width, height, label = _number(chart.width), _number(chart.height), escape(chart.label)
    # Every text in it went through escape(); the numbers and colours are the chart's own.
    return Markup(  # noqa: S704
        f'<svg class="{escape(css_class)}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}" font-family="system-ui, sans-serif" preserveAspectRatio="xMinYMin meet">'
        f"<title>{label}</title>{body}</svg>"
    )
