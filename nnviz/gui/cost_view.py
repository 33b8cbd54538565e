"""Qt view of the cost: every mini-batch's cost (faint), its moving average (bold), and test accuracy.

Built once; ``show_snapshot`` appends only what is new since the last frame into preallocated buffers, and
pyqtgraph downsamples and clips to the visible range, so a million mini-batches stay smooth.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot

from ..core.snapshot import Snapshot
from . import theme

AVERAGE_WINDOW = 100  # mini-batches in the moving average
REFERENCE_ACCURACY = 96.0  # "about 96 %" for 784-16-16-10 (PRODUCT.md)
MAX_EARLIER_RUNS = 4


class _Series:
    """A growable pair of float64 buffers (x, y) that hands out views of the filled part."""

    def __init__(self, capacity: int = 1 << 14):
        self.x = np.empty(capacity)
        self.y = np.empty(capacity)
        self.n = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        need = self.n + len(x)
        if need > len(self.x):
            size = max(need, 2 * len(self.x))
            self.x = np.concatenate([self.x[: self.n], np.empty(size - self.n)])
            self.y = np.concatenate([self.y[: self.n], np.empty(size - self.n)])
        self.x[self.n : need] = x
        self.y[self.n : need] = y
        self.n = need

    def views(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]

    def clear(self) -> None:
        self.n = 0


class CostView(pg.PlotWidget):
    """The cost of each mini-batch against epochs, with test accuracy (%) on the right-hand axis."""

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setToolTip(
            "The cost measures how wrong the network is: for each training image, the squared distance between "
            "its ten outputs and the answer it should give (or the cross-entropy). Faint: every mini-batch; bold: "
            f"the average of the last {AVERAGE_WINDOW}. Gradient descent pushes it down. Dots: accuracy on the "
            "10,000 test images the network never trains on (right axis)."
        )
        plot = self.getPlotItem()
        plot.setLabel("bottom", "epochs (passes through the 60,000 training images)")
        plot.setLabel("left", "cost")
        # No grid: pyqtgraph draws it translucent across the whole plot, which costs ~40 ms a frame in Qt's raster
        # engine, more than everything else together.
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        plot.addLegend(offset=(-10, 10), labelTextColor=theme.TEXT)
        self.raw_curve = plot.plot(pen=pg.mkPen(theme.COST_RAW, width=1), name="cost per mini-batch")
        self.avg_curve = plot.plot(pen=pg.mkPen(theme.COST_AVERAGE, width=2.5), name=f"moving average ({AVERAGE_WINDOW})")
        # Accuracy on a second view box bound to the right axis.
        self.acc_box = pg.ViewBox(enableMouse=False)
        plot.showAxis("right")
        plot.scene().addItem(self.acc_box)
        plot.getAxis("right").linkToView(self.acc_box)
        plot.getAxis("right").setLabel("test accuracy (%)", color=theme.ACCURACY)
        self.acc_box.setXLink(plot)
        self.acc_box.setYRange(0, 100, padding=0)
        plot.vb.sigResized.connect(self._sync_boxes)
        self.acc_curve = pg.PlotDataItem(pen=pg.mkPen(theme.ACCURACY, width=2), symbol="o", symbolSize=7,
                                         symbolBrush=theme.ACCURACY, symbolPen=None)
        self.quick_curve = pg.PlotDataItem(pen=None, symbol="t", symbolSize=5, symbolBrush=theme.ACCURACY_QUICK,
                                           symbolPen=None)
        self.acc_box.addItem(self.acc_curve)
        self.acc_box.addItem(self.quick_curve)
        self.reference = pg.InfiniteLine(
            pos=REFERENCE_ACCURACY, angle=0, pen=pg.mkPen(theme.REFERENCE, width=1.5, style=Qt.PenStyle.DashLine),
            label="about 96 %: what 784-16-16-10 reaches (3Blue1Brown)",
            labelOpts={"position": 0.02, "color": theme.REFERENCE, "anchors": [(0, 1), (0, 1)]})
        self.acc_box.addItem(self.reference)
        plot.legend.addItem(self.acc_curve, "test accuracy (every epoch)")
        plot.legend.addItem(self.quick_curve, "quick estimate (1,000 test images)")
        self._raw, self._avg = _Series(), _Series()
        self._cumsum_tail = np.zeros(0)  # the last AVERAGE_WINDOW costs, for the next moving average
        self._drawn = 0
        self._run_id = None
        self.earlier: list[pg.PlotDataItem] = []
        self.raw_curve.setData([], [])

    @Slot()
    def _sync_boxes(self) -> None:
        self.acc_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())
        self.acc_box.linkedViewChanged(self.getPlotItem().vb, self.acc_box.XAxis)

    def set_reference_visible(self, visible: bool) -> None:
        """Show or hide the dashed reference accuracy line."""
        self.reference.setVisible(visible)

    def start_new_run(self, keep_previous: bool = True) -> None:
        """Forget the current curves; keep them dimmed for comparison if asked (e.g. random vs true labels)."""
        if keep_previous and self._avg.n:
            x, y = self._avg.views()
            ghost = self.getPlotItem().plot(x.copy(), y.copy(), pen=pg.mkPen(theme.COST_EARLIER, width=2))
            ghost.setZValue(-10)
            self.earlier.append(ghost)
            while len(self.earlier) > MAX_EARLIER_RUNS:
                self.getPlotItem().removeItem(self.earlier.pop(0))
        self._raw.clear()
        self._avg.clear()
        self._cumsum_tail = np.zeros(0)
        self._drawn = 0
        self.raw_curve.setData([], [])
        self.avg_curve.setData([], [])
        self.acc_curve.setData([], [])
        self.quick_curve.setData([], [])

    def clear_earlier_runs(self) -> None:
        """Remove the dimmed curves of earlier runs."""
        for item in self.earlier:
            self.getPlotItem().removeItem(item)
        self.earlier.clear()

    def show_snapshot(self, snap: Snapshot) -> None:
        """Append the mini-batches that are new in ``snap`` and redraw the accuracy points."""
        n = len(snap.costs)
        if n < self._drawn:  # a different run: start over
            self.start_new_run(keep_previous=False)
        if n > self._drawn:
            new_costs = snap.costs[self._drawn : n].astype(np.float64)
            new_x = snap.cost_samples[self._drawn : n] / snap.train_size
            self._raw.extend(new_x, new_costs)
            # moving average over the last AVERAGE_WINDOW costs, computed for the new points only
            joined = np.concatenate([self._cumsum_tail, new_costs])
            csum = np.concatenate([[0.0], np.cumsum(joined)])
            k = len(self._cumsum_tail)
            ends = np.arange(k + 1, len(joined) + 1)
            starts = np.maximum(ends - AVERAGE_WINDOW, 0)
            self._avg.extend(new_x, (csum[ends] - csum[starts]) / (ends - starts))
            self._cumsum_tail = joined[-AVERAGE_WINDOW:]
            self._drawn = n
            self.raw_curve.setData(*self._raw.views())
            self.avg_curve.setData(*self._avg.views())
        acc = np.asarray(snap.test_accuracy, dtype=float).reshape(-1, 2)
        self.acc_curve.setData(acc[:, 0] / snap.train_size, 100 * acc[:, 1])
        quick = np.asarray(snap.quick_accuracy, dtype=float).reshape(-1, 2)
        self.quick_curve.setData(quick[:, 0] / snap.train_size, 100 * quick[:, 1])

    def history_csv(self, snap: Snapshot) -> str:
        """The history of ``snap`` as CSV text: one row per mini-batch, accuracy where measured."""
        acc = {int(s): a for s, a in snap.test_accuracy}
        quick = {int(s): a for s, a in snap.quick_accuracy}
        lines = ["mini_batch,samples_seen,epoch,cost,test_accuracy,quick_accuracy"]
        for i, (s, c) in enumerate(zip(snap.cost_samples.tolist(), snap.costs.tolist()), start=1):
            lines.append(f"{i},{s},{s / snap.train_size:.6f},{c:.6g},{acc.get(s, '')},{quick.get(s, '')}")
        return "\n".join(lines) + "\n"
