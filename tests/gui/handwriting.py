"""Replaying real pen digits as mouse drags on a DrawingCanvas (shared by the test and the accuracy script)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnviz.core.pendigits import PenDigit


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


def replay(canvas, digit: PenDigit, rng: np.random.Generator, every: int = 2) -> None:
    """Draw ``digit`` on ``canvas`` with real mouse press/move/release events (every ``every``-th pen point,
    about a mouse's sampling rate)."""
    r = canvas._grid_rect()
    scale, x0, y0 = placement(digit, r.width(), rng)
    for stroke in digit.strokes:
        pts = stroke[::every] if len(stroke) > every else stroke
        if len(stroke) > every and not np.array_equal(pts[-1], stroke[-1]):
            pts = np.vstack([pts, stroke[-1:]])
        qpts = [QPoint(int(round(r.left() + x0 + x * scale)), int(round(r.top() + y0 + y * scale))) for x, y in pts]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, qpts[0])
        for p in qpts[1:]:
            QTest.mouseMove(canvas, p)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, qpts[-1])
