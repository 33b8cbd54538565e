"""Colours, in one place. Blue means positive and red negative throughout (as in the explanation);
the colour-blind-safe palette swaps them for blue/orange, which stay apart under every common colour deficiency."""

from __future__ import annotations

import math

import numpy as np

PLOT_BACKGROUND = "#15181d"
TEXT = "#d8dee9"
COST_RAW = "#3a4a60"  # faint: every mini-batch (opaque: a translucent long path paints ~10x slower)
COST_AVERAGE = "#7fb2ff"
COST_EARLIER = (200, 200, 200, 60)
COMPARISON = "#f0a04b"  # the second run of an experiment (random labels)  # dimmed curves of earlier runs
ACCURACY = "#6fd08c"
ACCURACY_QUICK = (111, 208, 140, 140)
REFERENCE = "#e0b84f"
NUDGE_UP = "#7ee081"  # backprop: this neuron should be more active
NUDGE_DOWN = "#f0a04b"  # ...less active
# the same two on the window's light panels (the bright ones above are for the dark plots): 4.5:1 contrast or more
NUDGE_UP_ON_LIGHT = "#1b7a2f"
NUDGE_DOWN_ON_LIGHT = "#a34f00"
WARNING_BACKGROUND = "#5a3b12"
WARNING_TEXT = "#ffe2b0"

PALETTES = {
    "standard": {"positive": (66, 133, 244), "negative": (229, 57, 53)},
    "colour-blind safe": {"positive": (0, 114, 178), "negative": (230, 159, 0)},
}

# --- what the network learned (the insight panel) ----------------------------------------------------------
INSIGHT_PALETTES = {
    # the confusion matrix's colour scale runs through these stops (dark = few images); per-digit bars: how often
    # a digit is read right (recall) and how often an answer is right (precision)
    "standard": {"counts": ((24, 27, 33), (38, 72, 120), (40, 140, 150), (120, 200, 110), (240, 230, 120)),
                 "recall": (111, 208, 140), "precision": (180, 142, 220)},
    # cividis-like (blue to yellow, readable under every common colour deficiency); Okabe–Ito bar colours
    "colour-blind safe": {"counts": ((24, 27, 33), (30, 60, 110), (100, 100, 110), (190, 170, 90),
                                         (250, 230, 80)),
                          "recall": (0, 158, 115), "precision": (204, 121, 167)},
}
HISTOGRAM = "#4a6890"  # the per-example costs' histogram (its average is drawn in COST_AVERAGE, like the cost plot)
SELECTION = "#ffffff"  # the frame around the chosen confusion cell or example
MISTAKE = "#f0a04b"  # a gallery tile's caption when the network answered wrong


def counts_lut(palette: str = "standard", n: int = 256) -> np.ndarray:
    """A lookup table ``(n, 4)`` uint8 from few (dark) to many (bright), through the palette's stops."""
    stops = np.array(INSIGHT_PALETTES[palette]["counts"], float)
    t = np.linspace(0.0, 1.0, n)
    at = np.linspace(0.0, 1.0, len(stops))
    rgb = np.column_stack([np.interp(t, at, stops[:, c]) for c in range(3)])
    return np.column_stack([rgb, np.full(n, 255.0)]).astype(np.uint8)


def diverging_lut(palette: str = "standard", n: int = 256):
    """A lookup table ``(n, 4)`` uint8 for values from −limit to +limit: negative colour → near black → positive."""
    colours = PALETTES[palette]
    neg, pos = np.array(colours["negative"], float), np.array(colours["positive"], float)
    mid = np.array([18.0, 20.0, 24.0])
    t = np.linspace(-1.0, 1.0, n)[:, None]
    rgb = np.where(t < 0, mid + (neg - mid) * (-t), mid + (pos - mid) * t)
    return np.column_stack([rgb, np.full(n, 255.0)]).astype(np.uint8)


def nice_limit(value: float) -> float:
    """The colour range's half-width: ``value`` rounded up to 1, 1.5, 2, 3, 5 or 7 × 10^k.

    A round number reads better on the scale, and the scale (whose ticks are costly to lay out) changes only when
    the weights cross a step, not on every frame.
    """
    if not value > 0 or not math.isfinite(value):
        return 1.0
    base = 10 ** math.floor(math.log10(value))
    return next(m * base for m in (1, 1.5, 2, 3, 5, 7, 10) if m * base >= value * (1 - 1e-9))
