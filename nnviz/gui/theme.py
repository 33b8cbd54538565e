"""Colours, in one place. Blue means positive and red negative throughout (as in the explanation);
the colour-blind-safe palette swaps them for blue/orange, which stay apart under every common colour deficiency."""

from __future__ import annotations

import numpy as np

from ..core.scales import nice_limit  # noqa: F401 - re-exported: views import it from here

PLOT_BACKGROUND = "#15181d"
PLOT_BACKGROUND_RGB = (21, 24, 29)  # the same, as numbers: colours blended towards it, translucent boxes on it
TEXT = "#d8dee9"
COST_RAW = "#3a4a60"  # faint: every mini-batch (opaque: a translucent long path paints ~10x slower)
COST_AVERAGE = "#7fb2ff"
COST_EARLIER = "#6c7686"  # dimmed curves of earlier runs (opaque: a translucent long path paints ~10x slower)
COMPARISON = "#f0a04b"  # the second run of an experiment (random labels)
ACCURACY = "#6fd08c"
ACCURACY_QUICK = (111, 208, 140, 140)
REFERENCE = "#e0b84f"
NUDGE_UP = "#7ee081"  # backprop: this neuron should be more active
NUDGE_DOWN = "#f0a04b"  # ...less active
# the same two on the window's light panels (the bright ones above are for the dark plots): 4.5:1 contrast or more
NUDGE_UP_ON_LIGHT = "#1b7a2f"
NUDGE_DOWN_ON_LIGHT = "#a34f00"
# the cost landscape: the surface in a sequential map (costs are never negative), marks in colours that stand out on it
SURFACE_ANCHORS = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))  # viridis: low → high
TRAINING_PATH = "#ffffff"
CONTOUR = (255, 255, 255, 90)  # faint: the lines of equal cost under the path
CURRENT_POINT = "#ff5c8a"
CHOSEN = CURRENT_POINT  # the two weights mapped in Gradient descent: their edges in the graph, their pixels' frames
BALL = "#ff5c8a"
DREAM_ANSWERED = ACCURACY  # the network reads the dream as its digit
DREAM_MISREAD = COMPARISON  # it reads another digit
MOMENT = "#f2f2f2"  # the timeline: the recorded moment the views show, marked on the plots
# your drawing through the run: one colour per digit's output (distinct on the dark plots; each curve is labelled
# with its digit too, so no colour has to be told apart alone)
DIGIT_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                 "#9c755f", "#bab0ac")
# the neuron inspector: the layer's squishification curve, this neuron's z on it and the a read off it (the same
# yellow as η's step in the gradient-descent view: "where this network is now"), and its row of W framed in the
# colour of a selected weight image
SQUISH_CURVE = COST_AVERAGE
SQUISH_AXES = "#3a4250"  # z = 0 and a = 0 under the curve, faint
READING = REFERENCE
SELECTED_ROW = ACCURACY

# the guided tour: a frame around the view a step is about and a veil over the rest (no sign or digit in them:
# the same in both palettes), and its "done" mark on the window's light panels (4.5:1 contrast or more)
TOUR_FRAME = "#f5b301"
TOUR_VEIL = (8, 10, 14, 140)
TOUR_DONE = NUDGE_UP_ON_LIGHT
TOUR_MUTED = "#5c636e"  # its secondary lines (step counter, keys)
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


def on_background(alpha: int) -> tuple[int, int, int, int]:
    """The plots' background colour with opacity ``alpha`` (0-255): hover boxes and legends over a plot."""
    return (*PLOT_BACKGROUND_RGB, alpha)


def sequential_lut(n: int = 256):
    """A lookup table ``(n, 4)`` uint8 for costs from low (dark violet) to high (yellow); readable in every palette
    (viridis: it stays ordered in lightness under every colour deficiency, so it needs no colour-blind twin)."""
    anchors = np.array(SURFACE_ANCHORS, float)
    t = np.linspace(0.0, len(anchors) - 1, n)
    rgb = np.column_stack([np.interp(t, np.arange(len(anchors)), anchors[:, i]) for i in range(3)])
    return np.column_stack([rgb, np.full(n, 255.0)]).astype(np.uint8)


def activation_lut(n: int = 256) -> np.ndarray:
    """A lookup table ``(n, 4)`` uint8 for activations shaded as in the graph: black 0 → white 1."""
    grey = np.linspace(0.0, 255.0, n)
    return np.column_stack([grey, grey, grey, np.full(n, 255.0)]).astype(np.uint8)
