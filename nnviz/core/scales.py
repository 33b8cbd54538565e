"""Round numbers for the ends of colour and strength scales (shared by the graph and the weight images)."""

from __future__ import annotations

import math


def nice_limit(value: float) -> float:
    """A scale's half-width: ``value`` rounded up to 1, 1.5, 2, 3, 5 or 7 × 10^k.

    A round number reads better on the scale, and the scale (whose ticks are costly to lay out) changes only when
    the weights cross a step, not on every frame.
    """
    if not value > 0 or not math.isfinite(value):
        return 1.0
    base = 10 ** math.floor(math.log10(value))
    return next(m * base for m in (1, 1.5, 2, 3, 5, 7, 10) if m * base >= value * (1 - 1e-9))
