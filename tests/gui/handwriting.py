"""Replaying real pen digits as mouse drags on a DrawingCanvas (shared by the tests and the accuracy scripts)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from nnviz.core.pendigits import PenDigit, mouse_paths


def replay(canvas, digit: PenDigit, rng: np.random.Generator, every: int = 2) -> None:
    """Draw ``digit`` on ``canvas`` with real mouse press/move/release events (every ``every``-th pen point,
    about a mouse's sampling rate), at a natural size and place (``nnviz.core.pendigits.placement``)."""
    r = canvas._grid_rect()
    for path in mouse_paths(digit, r.left(), r.top(), r.width(), rng, every):
        qpts = [QPoint(int(x), int(y)) for x, y in path]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, qpts[0])
        for p in qpts[1:]:
            QTest.mouseMove(canvas, p)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, qpts[-1])
