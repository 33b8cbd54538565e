"""Real handwriting as pen strokes: the UCI "Pen-Based Recognition of Handwritten Digits" UNIPEN files.

Used to replay digits written by real people on the drawing canvas (tests, ``benchmarks/pendigits_accuracy.py`` and
the drawn-digits set of ``nnviz.gui.drawn_digits``).
Tablet y grows upward; strokes are returned with y flipped (``500 − y``) so they read like screen coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

TABLET_TOP = 500  # tablet units; y is flipped against this


@dataclass(frozen=True)
class PenDigit:
    """One handwritten digit: its label, writer id and strokes (each ``(k, 2)`` float x, y in screen orientation)."""

    label: int
    writer: int
    strokes: tuple[np.ndarray, ...]

    def bounds(self) -> tuple[float, float, float, float]:
        """``(x_min, y_min, x_max, y_max)`` over all strokes."""
        pts = np.concatenate(self.strokes)
        return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def read_pendigits(path: str | Path) -> list[PenDigit]:
    """Parse a UNIPEN file of digits (``.SEGMENT DIGIT``, ``.COMMENT label writer n``, ``.PEN_DOWN`` … ``.PEN_UP``)."""
    digits: list[PenDigit] = []
    label = writer = None
    strokes: list[np.ndarray] = []
    points: list[tuple[int, int]] | None = None

    def finish():
        if label is not None and strokes:
            digits.append(PenDigit(label, writer if writer is not None else -1, tuple(strokes)))

    for line in Path(path).read_text(encoding="latin-1").splitlines():
        line = line.strip()
        if line.startswith(".SEGMENT"):
            finish()
            strokes = []
            quoted = line.split('"')
            label = int(quoted[1]) if len(quoted) > 1 and quoted[1].isdigit() else None
            writer = None
        elif line.startswith(".COMMENT"):
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                writer = int(parts[2])
        elif line.startswith(".PEN_DOWN"):
            points = []
        elif line.startswith(".PEN_UP"):
            if points:
                arr = np.asarray(points, float)
                arr[:, 1] = TABLET_TOP - arr[:, 1]
                strokes.append(arr)
            points = None
        elif points is not None and line:
            x, y = line.split()[:2]
            points.append((int(x), int(y)))
    finish()
    return digits


def placement(digit: PenDigit, side: float, rng: np.random.Generator) -> tuple[float, float, float]:
    """A natural size and place for a digit on a canvas of ``side`` pixels: ``(scale, x0, y0)``.

    Its height is 45-80 % of the canvas (people draw big and small), its position anywhere that keeps it inside.
    """
    x_min, y_min, x_max, y_max = digit.bounds()
    h, w = max(y_max - y_min, 1.0), max(x_max - x_min, 1.0)
    scale = min(rng.uniform(0.45, 0.8) * side / h, 0.9 * side / w)
    free_x, free_y = side - w * scale, side - h * scale
    x0 = rng.uniform(0.05, 0.95) * free_x - x_min * scale
    y0 = rng.uniform(0.05, 0.95) * free_y - y_min * scale
    return scale, x0, y0


def mouse_paths(digit: PenDigit, left: float, top: float, side: float, rng: np.random.Generator,
                every: int = 2) -> list[np.ndarray]:
    """The digit's strokes as a mouse would send them to a canvas whose square grid starts at ``(left, top)``.

    Every ``every``-th pen point (about a mouse's sampling rate, the stroke's last point always kept), placed by
    :func:`placement` and rounded to whole widget pixels like mouse events: one ``(k, 2)`` int array per stroke.
    """
    scale, x0, y0 = placement(digit, side, rng)
    paths = []
    for stroke in digit.strokes:
        pts = stroke[::every] if len(stroke) > every else stroke
        if len(stroke) > every and not np.array_equal(pts[-1], stroke[-1]):
            pts = np.vstack([pts, stroke[-1:]])
        paths.append(np.column_stack([np.rint(left + x0 + pts[:, 0] * scale),
                                      np.rint(top + y0 + pts[:, 1] * scale)]).astype(int))
    return paths
