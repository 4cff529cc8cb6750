"""Turning a raw figure into a 0–100 score: piecewise-linear bands with inclusive ends.

A band table lists (raw value, score) points in increasing raw order. Between two points the score is
read off the straight line joining them; below the first point and above the last it stays flat. So
`((0.0, 0), (0.5, 40), (0.85, 100))` gives 0 at 0, 40 at exactly one half, 100 from 85% upwards.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

Bands = Sequence[tuple[float, float]]


def banded(value: float, bands: Bands) -> float:
    """The score for `value` on `bands`; a value that is not a number scores as the lowest point."""
    if not bands:
        raise ValueError("a band table needs at least one point")
    if math.isnan(value):
        return float(bands[0][1])
    if value <= bands[0][0]:
        return float(bands[0][1])
    for (low, low_score), (high, high_score) in pairwise(bands):
        if value <= high:
            if high == low:
                return float(high_score)
            return low_score + (high_score - low_score) * (value - low) / (high - low)
    return float(bands[-1][1])
