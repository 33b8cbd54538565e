"""Qt view of your drawing through the run: the ten output activations for the drawing at every recorded moment.

One curve per digit, against the recording's checkpoints (one by one for the first few hundred mini-batches, then
spaced out, so the first plunge takes as much room as the long tail); each curve ends in its digit. A line marks
the moment the other views show. Built once; ``show_outputs`` updates the curves with ``setData``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics

from . import theme

EMPTY = "Draw a digit: its ten outputs at every recorded moment appear here."


class _MiniBatchAxis(pg.AxisItem):
    """The x axis of checkpoints, labelled with the mini-batch each one was taken at."""

    def __init__(self):
        super().__init__("bottom")
        self.steps = np.empty(0, np.int64)

    def tickSpacing(self, minVal, maxVal, size):  # noqa: N802, N803 - pyqtgraph's names
        # pyqtgraph spaces ticks for short numbers; these labels ("2,449", "396k") are wider and, a few hundred
        # checkpoints along a narrow plot, ran into one another: one level of ticks, a label's width apart
        label = QFontMetrics(self.style.get("tickFont") or QFont()).horizontalAdvance("9,999") * 1.6
        least = (maxVal - minVal) * label / max(size, 1.0)
        spacing = next(m * 10**e for e in range(0, 12) for m in (1, 2, 5) if m * 10**e >= least)
        return [(spacing, 0)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph's name
        out = []
        for v in values:
            i = int(round(v))
            if not 0 <= i < len(self.steps) or abs(v - i) > 1e-6:
                out.append("")
                continue
            s = int(self.steps[i])
            out.append(f"{s / 1000:.0f}k" if s >= 10_000 else f"{s:,}")
        return out


class DrawingThroughRunView(pg.PlotWidget):
    """The ten outputs for the drawing at the recording's checkpoints; a click asks for the moment there."""

    moment_clicked = Signal(int)  #: the index of the checkpoint nearest the click

    def __init__(self, parent=None):
        self.axis = _MiniBatchAxis()
        super().__init__(parent, background=theme.PLOT_BACKGROUND, axisItems={"bottom": self.axis})
        self.setToolTip(
            "Your drawing through the run: the ten outputs the network gave your drawing at every recorded moment "
            "of its training (one line per digit). See when it started to read your digit as itself, and what it "
            "thought before. Click to show that moment in every view.")
        plot = self.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.setTitle("<span style='font-size:8pt'>your drawing</span>", color=theme.TEXT)
        plot.setLabel("bottom", "mini-batch")
        plot.setLabel("left", "output")
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.setYRange(0, 1.05, padding=0)
        self.curves = [pg.PlotCurveItem(pen=pg.mkPen(c, width=1.5), skipFiniteCheck=True) for c in theme.DIGIT_COLOURS]
        self.labels = [pg.TextItem(str(d), color=c, anchor=(0, 0.5)) for d, c in enumerate(theme.DIGIT_COLOURS)]
        for curve, label in zip(self.curves, self.labels):
            plot.addItem(curve)
            plot.addItem(label, ignoreBounds=True)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.MOMENT, width=1.5))
        self.cursor.hide()
        plot.addItem(self.cursor, ignoreBounds=True)
        self.message = pg.TextItem(EMPTY, color=theme.TEXT, anchor=(0.5, 0.5))
        plot.addItem(self.message, ignoreBounds=True)
        self.count = 0  #: checkpoints on the x axis
        self.indices = np.empty(0, np.intp)  #: the checkpoints drawn
        self.outputs = np.empty((0, 10), np.float32)  #: their outputs ``(k, 10)``, as drawn
        self.scene().sigMouseClicked.connect(self._on_click)

    def show_outputs(self, steps: np.ndarray, indices: np.ndarray, outputs: np.ndarray | None,
                     cursor: int | None) -> None:
        """Draw ``outputs`` ``(k, 10)`` at checkpoints ``indices`` of a recording whose steps are ``steps``
        ``(count,)`` (None: no drawing, the curves go), and the cursor at checkpoint ``cursor`` (None: live)."""
        self.count = len(steps)
        self.axis.steps = np.asarray(steps)
        right = max(self.count - 1, 1)
        self.getPlotItem().setXRange(0, right * 1.08, padding=0)  # room for the digits at the right
        self.indices = np.asarray(indices)
        self.outputs = np.empty((0, 10), np.float32) if outputs is None else np.asarray(outputs)
        shown = outputs is not None and len(indices) > 0
        for d, (curve, label) in enumerate(zip(self.curves, self.labels)):
            if shown:
                curve.setData(self.indices.astype(float), self.outputs[:, d])
                label.setPos(float(self.indices[-1]), float(self.outputs[-1, d]))
            else:
                curve.setData([], [])
            label.setVisible(shown)
        self.message.setVisible(not shown)
        self.message.setPos(right / 2, 0.5)
        self.show_cursor(cursor)

    def show_cursor(self, cursor: int | None) -> None:
        """Mark checkpoint ``cursor`` (None: live, no mark)."""
        if cursor is None or not self.count:
            self.cursor.hide()
        else:
            self.cursor.setValue(float(cursor))
            self.cursor.show()

    def _on_click(self, event) -> None:
        if event.double() or event.button() != Qt.MouseButton.LeftButton or not self.count:
            return
        vb = self.getPlotItem().vb
        if vb.sceneBoundingRect().contains(event.scenePos()):
            x = vb.mapSceneToView(event.scenePos()).x()
            self.moment_clicked.emit(int(min(max(round(x), 0), self.count - 1)))
