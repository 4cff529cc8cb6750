"""Charts from figures: pure functions that place shapes, whatever renders them."""

from __future__ import annotations

from collections.abc import Sequence

from portal.charts.shapes import COLOURS, GREY, RULE, Chart, Circle, Line, Shape


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
