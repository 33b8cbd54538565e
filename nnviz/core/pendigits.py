"""Real handwriting as pen strokes: the UCI "Pen-Based Recognition of Handwritten Digits" UNIPEN files.

Used to replay digits written by real people on the drawing canvas (tests and ``benchmarks/pendigits_accuracy.py``).
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
