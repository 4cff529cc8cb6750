"""Charts from figures: pure functions that place shapes, whatever renders them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from portal.charts.shapes import ACCENT, COLOURS, GREY, INK, MUTED, RED, RULE, Chart, Circle, Line, Rect, Shape, Text


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int]
    colour: str


def _segments(points: Sequence[tuple[float, float] | None]) -> list[tuple[tuple[float, float], ...]]:
    """Runs of known points: a week without a score breaks the line rather than bridging it."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [tuple(run) for run in runs if run]


def sparkline(scores: Sequence[float | None], colour: str, label: str, width: float = 120, height: float = 28) -> Chart:
    """Weekly scores (0–100, oldest first) as a line; the latest point is a dot in the current colour.

    A faint rule marks 50, so that two sparklines side by side read on the same scale."""
    pad = 3.0
    step = (width - 2 * pad) / max(len(scores) - 1, 1)

    def y(score: float) -> float:
        return pad + (100 - max(0.0, min(100.0, score))) / 100 * (height - 2 * pad)

    placed = [None if score is None else (pad + index * step, y(score)) for index, score in enumerate(scores)]
    shapes: list[Shape] = [Line(((pad, y(50)), (width - pad, y(50))), stroke=RULE, width=0.6, dashed=True)]
    shapes += [Line(run, stroke=GREY, width=1.4) for run in _segments(placed) if len(run) > 1]
    last = next((point for point in reversed(placed) if point is not None), None)
    if last is not None:
        shapes.append(Circle(last[0], last[1], 2.6, COLOURS.get(colour, GREY)))
    return Chart(width, height, label, tuple(shapes))


def _nice_top(value: float) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def weekly_trend(
    active: Sequence[int],
    week_labels: Sequence[str],
    seats: int | None,
    label: str,
    width: float = 320,
    height: float = 120,
) -> Chart:
    """Active people per week (oldest first) as bars, with the seats paid for as a dashed line when there
    are seats; a label under every fourth week. The y axis starts at zero, so a bar's height is honest."""
    left, right, top, bottom = 30.0, 6.0, 8.0, 18.0
    plot_w, plot_h = width - left - right, height - top - bottom
    ceiling = _nice_top(max([*active, seats or 0, 1]))

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    shapes: list[Shape] = [
        Line(((left, y(0)), (width - right, y(0))), stroke=RULE, width=0.8),
        Text(left - 4, y(ceiling) + 3, f"{ceiling:,}", size=7.5, fill=MUTED, anchor="end"),
        Text(left - 4, y(0) + 3, "0", size=7.5, fill=MUTED, anchor="end"),
        Line(((left, y(ceiling)), (width - right, y(ceiling))), stroke=RULE, width=0.5, dashed=True),
    ]
    slot = plot_w / max(len(active), 1)
    for index, value in enumerate(active):
        x = left + index * slot + slot * 0.15
        shapes.append(
            Rect(
                x,
                y(value),
                slot * 0.7,
                y(0) - y(value),
                ACCENT,
                title=f"week of {week_labels[index]}: {value:,} active",
            )
        )
        if index % 4 == 0 and index < len(week_labels):
            shapes.append(Text(x + slot * 0.35, height - 5, week_labels[index], size=7, fill=MUTED, anchor="middle"))
    if seats:
        shapes.append(Line(((left, y(seats)), (width - right, y(seats))), stroke=RED, width=1, dashed=True))
        shapes.append(Text(width - right, y(seats) - 3, f"{seats:,} seats", size=7.5, fill=RED, anchor="end"))
    return Chart(width, height, label, tuple(shapes))


HEAT_STEPS = ("#eef2fb", "#d3def5", "#a9c0ec", "#7c9fe0", "#4f7bcf", "#2f5fb3")  # light (little) to dark (a lot)


def heat_colour(share: float) -> str:
    """A share of 0–1 as one of six blues; the steps, not a gradient, so a printed copy reads the same."""
    index = min(len(HEAT_STEPS) - 1, max(0, int(share * len(HEAT_STEPS))))
    return HEAT_STEPS[index]


def heatmap(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    columns: Sequence[str],
    label: str,
    cell: float = 30,
    label_width: float = 180,
    describe: str = "{:.0%} of seats in use",
) -> Chart:
    """Rows × columns of shares (0–1; None: no data, left blank with a hairline). Each cell's tooltip
    says its row, column and value, so the picture never relies on the shade alone."""
    top = 18.0
    width = label_width + cell * len(columns) + 4
    height = top + cell * len(rows) + 4
    shapes: list[Shape] = []
    for index, name in enumerate(columns):
        shapes.append(Text(label_width + index * cell + cell / 2, top - 5, name, size=9, fill=MUTED, anchor="middle"))
    for row_index, (name, values) in enumerate(rows):
        y = top + row_index * cell
        shown = name if len(name) <= 28 else name[:27] + "…"
        shapes.append(Text(label_width - 6, y + cell / 2 + 3.5, shown, size=10, fill=INK, anchor="end"))
        for index, value in enumerate(values):
            x, where = label_width + index * cell, f"{name}, {columns[index]}"
            if value is None:
                shapes.append(Rect(x + 1, y + 1, cell - 2, cell - 2, "#ffffff", f"{where}: no data", stroke=RULE))
            else:
                title = f"{where}: {describe.format(value)}"
                shapes.append(Rect(x + 1, y + 1, cell - 2, cell - 2, heat_colour(value), title))
    return Chart(width, height, label, tuple(shapes))


def _frame(
    ceiling: float, width: float, height: float, left: float, top: float, bottom: float, right: float
) -> tuple[list[Shape], Callable[[float], float]]:
    """Axes for a chart whose values start at 0: the baseline, the top gridline and their labels."""
    plot_h = height - top - bottom

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    shapes: list[Shape] = [
        Line(((left, y(0)), (width - right, y(0))), stroke=RULE, width=0.8),
        Line(((left, y(ceiling)), (width - right, y(ceiling))), stroke=RULE, width=0.5, dashed=True),
        Text(left - 4, y(ceiling) + 3, f"{ceiling:,.0f}", size=7.5, fill=MUTED, anchor="end"),
        Text(left - 4, y(0) + 3, "0", size=7.5, fill=MUTED, anchor="end"),
    ]
    return shapes, y


def line(
    values: Sequence[float | None],
    labels: Sequence[str],
    label: str,
    ceiling: float | None = None,
    width: float = 480,
    height: float = 150,
) -> Chart:
    """Values over time as a line with a dot per point; gaps break it. Labels under about six points."""
    left, right, top, bottom = 30.0, 8.0, 10.0, 18.0
    top_value = ceiling or _nice_top(max([value for value in values if value is not None] or [1]))
    shapes, y = _frame(top_value, width, height, left, top, bottom, right)
    step = (width - left - right) / max(len(values) - 1, 1)
    placed = [None if value is None else (left + index * step, y(value)) for index, value in enumerate(values)]
    shapes += [Line(run, stroke=ACCENT, width=1.6) for run in _segments(placed) if len(run) > 1]
    shapes += [Circle(point[0], point[1], 2.2, ACCENT) for point in placed if point is not None]
    every = max(1, len(labels) // 6)
    for index, name in enumerate(labels):
        if index % every == 0:
            shapes.append(Text(left + index * step, height - 5, name, size=7, fill=MUTED, anchor="middle"))
    return Chart(width, height, label, tuple(shapes))


def bars(values: Sequence[int], labels: Sequence[str], label: str, width: float = 480, height: float = 150) -> Chart:
    """One bar per value, its figure above it, its label below."""
    left, right, top, bottom = 30.0, 8.0, 14.0, 18.0
    shapes, y = _frame(_nice_top(max([*values, 1])), width, height, left, top, bottom, right)
    slot = (width - left - right) / max(len(values), 1)
    for index, value in enumerate(values):
        x = left + index * slot + slot * 0.2
        shapes.append(Rect(x, y(value), slot * 0.6, y(0) - y(value), ACCENT, f"{labels[index]}: {value:,}"))
        shapes.append(Text(x + slot * 0.3, y(value) - 3, f"{value:,}", size=7.5, fill=INK, anchor="middle"))
        shapes.append(Text(x + slot * 0.3, height - 5, labels[index], size=7, fill=MUTED, anchor="middle"))
    return Chart(width, height, label, tuple(shapes))


def paired_bars(
    left: Series, right: Sequence[Series], labels: Sequence[str], label: str, width: float = 560, height: float = 170
) -> Chart:
    """Per label two bars side by side: `left` alone, and the `right` series stacked; a legend above."""
    margin_left, margin_right, top, bottom = 30.0, 8.0, 26.0, 18.0
    totals = [sum(series.values[index] for series in right) for index in range(len(labels))]
    ceiling = _nice_top(max([*left.values, *totals, 1]))
    shapes, y = _frame(ceiling, width, height, margin_left, top, bottom, margin_right)
    slot = (width - margin_left - margin_right) / max(len(labels), 1)
    bar = slot * 0.36
    for index, name in enumerate(labels):
        x = margin_left + index * slot + slot * 0.1
        value = left.values[index]
        shapes.append(Rect(x, y(value), bar, y(0) - y(value), left.colour, f"{name}: {left.name} {value:,}"))
        base = 0
        for series in right:
            part = series.values[index]
            if part:
                shapes.append(
                    Rect(
                        x + bar,
                        y(base + part),
                        bar,
                        y(base) - y(base + part),
                        series.colour,
                        f"{name}: {series.name} {part:,}",
                    )
                )
            base += part
        shapes.append(Text(x + bar, height - 5, name, size=7, fill=MUTED, anchor="middle"))
    legend_x = margin_left
    for series in (left, *right):
        shapes.append(Rect(legend_x, 6, 8, 8, series.colour))
        shapes.append(Text(legend_x + 11, 13, series.name, size=7.5, fill=INK))
        legend_x += 16 + 5.2 * len(series.name)
    return Chart(width, height, label, tuple(shapes))


def _stack(
    y: float,
    height: float,
    x: float,
    parts: Sequence[tuple[str, float, str]],
    name: str,
    written: Callable[[float], str] | None,
) -> list[Shape]:
    """One bar of parts (a name, a length, a colour) laid end to end from `x`; each part's figure written in
    it by `written` when there is room."""
    shapes: list[Shape] = []
    for part, length, colour in parts:
        if length <= 0:
            continue
        shapes.append(Rect(x, y, length, height, colour, f"{name}: {part}"))
        if written is not None and length >= 26:
            shapes.append(
                Text(
                    x + length / 2,
                    y + height * 0.68,
                    written(length),
                    size=7.5,
                    fill="#ffffff",
                    anchor="middle",
                    bold=True,
                )
            )
        x += length
    return shapes


def share_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]], label: str, width: float = 520, row_height: float = 18
) -> Chart:
    """One 100% bar per row, split into its parts (a name of COLOURS, a share 0–1), each part's share written
    in it when there is room; the row's name on the left."""
    left, right, top = 118.0, 8.0, 4.0
    bar_width = width - left - right
    shapes: list[Shape] = []
    for index, (name, parts) in enumerate(rows):
        y = top + index * (row_height + 8)
        shapes.append(Text(left - 6, y + row_height * 0.68, name, size=8, fill=INK, anchor="end"))
        placed = [(f"{share:.0%} {colour}", bar_width * share, COLOURS.get(colour, GREY)) for colour, share in parts]
        shapes += _stack(y, row_height, left, placed, name, lambda length: f"{length / bar_width:.0%}")
    height = top + len(rows) * (row_height + 8)
    return Chart(width, height, label, tuple(shapes))


def amount_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    parts: Sequence[tuple[str, str]],
    label: str,
    figure: Callable[[float], str],
    width: float = 520,
    row_height: float = 14,
) -> Chart:
    """One bar per row, as long as its total, split into `parts` (a name and a colour each, one value per part
    in each row); a legend above, the row's name on the left and its total, written by `figure`, at its end."""
    left, right, top = 118.0, 70.0, 22.0
    longest = max([sum(values) for _, values in rows] + [0]) or 1
    scale = (width - left - right) / longest
    shapes: list[Shape] = []
    legend_x = left
    for name, colour in parts:
        shapes += [Rect(legend_x, 4, 8, 8, colour), Text(legend_x + 11, 11, name, size=7.5, fill=INK)]
        legend_x += 20 + 4.6 * len(name)
    for index, (name, values) in enumerate(rows):
        y = top + index * (row_height + 6)
        shapes.append(Text(left - 6, y + row_height * 0.72, name, size=8, fill=INK, anchor="end"))
        placed = [
            (f"{part} {figure(value)}", value * scale, colour)
            for (part, colour), value in zip(parts, values, strict=True)
        ]
        shapes += _stack(y, row_height, left, placed, name, None)
        end = left + sum(values) * scale
        shapes.append(Text(end + 4, y + row_height * 0.72, figure(sum(values)), size=7.5, fill=MUTED))
    height = top + len(rows) * (row_height + 6)
    return Chart(width, height, label, tuple(shapes))
