"""The frame scheduler and Qt's painting: each view a frame changes is painted once, and before ``frame_drawn``."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHBoxLayout, QWidget

from nnviz.gui.frames import FrameScheduler


class PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget):
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_each_changed_view_is_painted_once_per_frame_and_before_frame_drawn(qtbot, shown):
    """Two plots, each updated by a task of its own: when ``frame_drawn`` comes, Qt has painted each exactly once
    for the frame (the last task's view too), and nothing paints them again afterwards — the frame is on screen
    when the scheduler says so, and no view is painted twice."""
    box = QWidget()
    row = QHBoxLayout(box)
    plots = [pg.PlotWidget(), pg.PlotWidget()]
    curves = []
    for plot in plots:
        row.addWidget(plot)
        curves.append(plot.plot(np.arange(100.0), np.zeros(100)))
        plot.setXRange(0, 100)
        plot.setYRange(0, 1)
        plot.disableAutoRange()
    shown(box, 600, 300)
    counters = [PaintCounter(plot.viewport()) for plot in plots]
    rng = np.random.default_rng(0)
    frames = FrameScheduler()
    for name, curve in zip("ab", curves):
        frames.add(name, lambda curve=curve: curve.setData(np.arange(100.0), rng.random(100)))
    painted_at_end = []
    frames.frame_drawn.connect(lambda _: painted_at_end.append([c.count for c in counters]))
    qtbot.wait(200)  # the first paints are over
    for frame in range(8):
        before = [c.count for c in counters]
        frames.mark_snapshot()
        frames.tick()
        qtbot.waitUntil(lambda: len(painted_at_end) == frame + 1, timeout=2_000)
        assert painted_at_end[-1] == [n + 1 for n in before], f"frame {frame}: painted {before} -> {painted_at_end[-1]}"
        qtbot.wait(60)
        assert [c.count for c in counters] == painted_at_end[-1], "a view was painted again after its frame"
