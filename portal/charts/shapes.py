"""The few shapes the charts are made of, in a box whose origin is the top left corner (as in SVG)."""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Colour

# The health colours, the same on screen and on paper (the pages' CSS uses the same values).
GREEN = "#1a7f37"
YELLOW = "#b58100"
RED = "#c62828"
GREY = "#8a8f98"
INK = "#1f2933"
MUTED = "#6b7280"
RULE = "#d8dde3"
ACCENT = "#2f5fb3"
COLOURS = {Colour.GREEN: GREEN, Colour.YELLOW: YELLOW, Colour.RED: RED, Colour.GREY: GREY}


@dataclass(frozen=True, slots=True)
class Line:
    points: tuple[tuple[float, float], ...]
    stroke: str = INK
    width: float = 1.0
    dashed: bool = False


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str
    title: str = ""  # a tooltip on the page: the figure behind the cell or bar
    stroke: str | None = None


@dataclass(frozen=True, slots=True)
class Circle:
    x: float
    y: float
    radius: float
    fill: str


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = 9.0
    fill: str = INK
    anchor: str = "start"  # start, middle or end
    bold: bool = False


Shape = Line | Rect | Circle | Text


@dataclass(frozen=True, slots=True)
class Chart:
    """A picture of `width` × `height` points; `label` says in words what it shows (screen readers, PDF)."""

    width: float
    height: float
    label: str
    shapes: tuple[Shape, ...] = field(default_factory=tuple)
