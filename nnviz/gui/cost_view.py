"""Qt view of the cost: every mini-batch's cost (faint), its moving average (bold), and test accuracy.

Built once; ``show_snapshot`` folds only what is new since the last frame into fixed-size envelopes (per-bucket
min/max of the costs, per-bucket mean of the moving average), so a frame costs the same with a million mini-batches
as with a thousand. The axes' ranges move in steps rather than every frame, so pyqtgraph can reuse their drawing.
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


class Envelope:
    """A long series kept as at most ``2 * max_buckets`` points: each bucket's minimum and maximum (or its mean).

    Appending is O(new points); when the buckets run out, pairs of buckets merge and the bucket doubles in size.
    This is what peak downsampling would draw anyway, without re-scanning a million points every frame.
    """

    def __init__(self, max_buckets: int = 1024, mean: bool = False):
        self.max_buckets = max_buckets
        self.mean = mean
        self.size = 1  # points per bucket
        self.n_buckets = 0
        self.x = np.empty(max_buckets)
        self.lo = np.empty(max_buckets)
        self.hi = np.empty(max_buckets)
        self.fill = 0  # points in the last, still open bucket
        self.count = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """Append points (x increasing); vectorised over whole buckets."""
        n, i = len(x), 0
        if self.fill and n:  # top up the open bucket
            take = min(self.size - self.fill, n)
            self._fold(self.n_buckets - 1, y[:take])
            self.fill = (self.fill + take) % self.size
            i = take
        while i < n:
            room = self.max_buckets - self.n_buckets
            if room == 0:
                self._merge()  # every bucket is full here, so pairs merge exactly
                continue
            k = min(room * self.size, n - i)
            full, rest = divmod(k, self.size)
            if full:
                seg = y[i : i + full * self.size].reshape(full, self.size)
                b = self.n_buckets
                self.x[b : b + full] = x[i : i + full * self.size : self.size]
                if self.mean:
                    self.lo[b : b + full] = seg.sum(axis=1)
                else:
                    self.lo[b : b + full] = seg.min(axis=1)
                    self.hi[b : b + full] = seg.max(axis=1)
                self.n_buckets += full
                i += full * self.size
            if rest:
                b = self.n_buckets
                self.n_buckets += 1
                self.x[b] = x[i]
                self.lo[b], self.hi[b] = (0.0, 0.0) if self.mean else (np.inf, -np.inf)
                self._fold(b, y[i : i + rest])
                self.fill = rest
                i += rest
        self.count += n

    def _fold(self, b: int, ys: np.ndarray) -> None:
        if self.mean:
            self.lo[b] += ys.sum()
        else:
            self.lo[b] = min(self.lo[b], ys.min())
            self.hi[b] = max(self.hi[b], ys.max())

    def _merge(self) -> None:
        # pairs of full buckets become one; the bucket size doubles
        h = self.max_buckets // 2
        self.x[:h] = self.x[0::2]
        if self.mean:
            self.lo[:h] = self.lo[0::2] + self.lo[1::2]
        else:
            self.lo[:h] = np.minimum(self.lo[0::2], self.lo[1::2])
            self.hi[:h] = np.maximum(self.hi[0::2], self.hi[1::2])
        self.n_buckets = h
        self.size *= 2

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y to draw: min/max zig-zag per bucket, or the bucket means."""
        n = self.n_buckets
        if n == 0:
            return np.empty(0), np.empty(0)
        if self.mean:
            counts = np.full(n, float(self.size))
            if self.fill:
                counts[-1] = self.fill
            return self.x[:n].copy(), self.lo[:n] / counts
        xs = np.repeat(self.x[:n], 2)
        ys = np.empty(2 * n)
        ys[0::2] = self.lo[:n]
        ys[1::2] = self.hi[:n]
        return xs, ys

    def clear(self) -> None:
        self.size, self.n_buckets, self.fill, self.count = 1, 0, 0, 0

    def load(self, x: np.ndarray, lo: np.ndarray, hi: np.ndarray | None, size: int, fill: int, count: int) -> None:
        """Start from buckets made elsewhere (a run's summary): ``size`` points each, ``fill`` in the open last one
        (0 if it is full), ``count`` in all; for a mean envelope ``lo`` holds the buckets' sums."""
        n = len(x)
        if n > self.max_buckets:
            raise ValueError(f"at most {self.max_buckets} buckets, not {n}")
        self.size, self.n_buckets, self.fill, self.count = int(size), n, int(fill), int(count)
        self.x[:n], self.lo[:n] = x, lo
        if hi is not None:
            self.hi[:n] = hi


class MovingAverage:
    """The mean of the last ``window`` values, computed incrementally for each new value."""

    def __init__(self, window: int = AVERAGE_WINDOW):
        self.window = window
        self.tail = np.zeros(0)

    def extend(self, values: np.ndarray) -> np.ndarray:
        """The moving average at each of ``values`` (appended after everything seen so far)."""
        joined = np.concatenate([self.tail, values])
        csum = np.concatenate([[0.0], np.cumsum(joined)])
        ends = np.arange(len(self.tail) + 1, len(joined) + 1)
        starts = np.maximum(ends - self.window, 0)
        self.tail = joined[-self.window :]
        return (csum[ends] - csum[starts]) / (ends - starts)

    def clear(self) -> None:
        self.tail = np.zeros(0)


# two short lines: a plot title does not wrap, and the cost dock is often narrow
LABEL_EXPERIMENT_NOTE = ("<span style='font-size:9pt'>Orange: the same network on shuffled labels.<br>Its cost "
                         "falls slower (it can only memorise); its test accuracy stays near 10 %.</span>")


class CostView(pg.PlotWidget):
    """The cost of each mini-batch against epochs, with test accuracy (%) on the right-hand axis."""

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setToolTip(
            "The cost measures how wrong the network is: for each training image, the squared distance between "
            "its ten outputs and the answer it should give (or the cross-entropy). Faint: every mini-batch; bold: "
            f"the average of the last {AVERAGE_WINDOW}. Gradient descent pushes it down. Dots: accuracy on the "
            "10,000 test images the network never trains on (right axis). Drag to pan, wheel to zoom, "
            "double-click to follow the training again."
        )
        plot = self.getPlotItem()
        # pyqtgraph's own right-click menu would offer log axes and transforms these bare curves do not follow
        # (the View menu has the logarithmic cost axis; File has the exports); double-click replaces its "A"
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setLabel("bottom", "epochs (passes through the 60,000 training images)")
        plot.setLabel("left", "cost")
        # No grid: pyqtgraph draws it translucent across the whole plot, which costs ~40 ms a frame in Qt's raster
        # engine, more than everything else together.
        plot.addLegend(labelTextColor=theme.TEXT, brush=(21, 24, 29, 200))
        # Bare curve items: PlotDataItem's extra machinery costs more per frame than drawing the curve.
        self.raw_curve = pg.PlotCurveItem(pen=pg.mkPen(theme.COST_RAW, width=1), skipFiniteCheck=True)
        self.avg_curve = pg.PlotCurveItem(pen=pg.mkPen(theme.COST_AVERAGE, width=2), skipFiniteCheck=True)
        for curve, name in ((self.raw_curve, "cost per mini-batch"),
                            (self.avg_curve, f"moving average ({AVERAGE_WINDOW})")):
            plot.addItem(curve)
            plot.legend.addItem(curve, name)
        # Accuracy on a second view box bound to the right axis.
        self.acc_box = pg.ViewBox(enableMouse=False, enableMenu=False)
        plot.showAxis("right")
        plot.scene().addItem(self.acc_box)
        plot.getAxis("right").linkToView(self.acc_box)
        plot.getAxis("right").setLabel("test accuracy (%)", color=theme.ACCURACY)
        for side in ("bottom", "left", "right"):
            # no "(x0.001)" beside a label: epochs and costs read as they are, however small
            plot.getAxis(side).enableAutoSIPrefix(False)
        self.acc_box.setXLink(plot)
        self.acc_box.setYRange(0, 100, padding=0)
        plot.vb.sigResized.connect(self._sync_boxes)
        self.acc_curve = pg.PlotDataItem(pen=pg.mkPen(theme.ACCURACY, width=2), symbol="o", symbolSize=7,
                                         symbolBrush=theme.ACCURACY, symbolPen=None)
        self.quick_curve = pg.PlotDataItem(pen=None, symbol="t", symbolSize=5, symbolBrush=theme.ACCURACY_QUICK,
                                           symbolPen=None)
        self.acc_box.addItem(self.acc_curve)
        self.acc_box.addItem(self.quick_curve)
        reference_pen = pg.mkPen(theme.REFERENCE, width=1.5, style=Qt.PenStyle.DashLine)
        self.reference = pg.InfiniteLine(pos=REFERENCE_ACCURACY, angle=0, pen=reference_pen)
        self.acc_box.addItem(self.reference)
        plot.legend.addItem(self.acc_curve, "test accuracy (every epoch)")
        plot.legend.addItem(self.quick_curve, "quick estimate (1,000 test images)")
        # explained in the legend, not by a label on the line, which the accuracy curve runs through
        plot.legend.addItem(pg.PlotDataItem(pen=reference_pen), "about 96 %: what 784-16-16-10 reaches")
        self._anchor_legend()
        self._raw, self._avg = Envelope(), Envelope(mean=True)
        self._accuracy_marks = (-1, -1)
        self._y_top = 0.0
        self._x_right = 0.0
        self.user_zoomed = False
        self.log_cost = False
        plot.vb.sigRangeChangedManually.connect(self._on_manual_range)
        plot.vb.disableAutoRange()
        self._moving = MovingAverage()
        # a second run drawn beside this one (the random-labels experiment)
        self.comparison_curve = pg.PlotCurveItem(pen=pg.mkPen(theme.COMPARISON, width=2), skipFiniteCheck=True)
        self.comparison_acc = pg.PlotDataItem(pen=pg.mkPen(theme.COMPARISON, width=2), symbol="x", symbolSize=8,
                                              symbolBrush=theme.COMPARISON, symbolPen=None)
        plot.addItem(self.comparison_curve)
        self.acc_box.addItem(self.comparison_acc)
        self._cmp_avg, self._cmp_moving, self._cmp_last_sample = Envelope(mean=True), MovingAverage(), -1
        self.comparing = False
        # the samples seen after the last mini-batch drawn: a snapshot holds only its run's recent costs one by one
        # (core.history), so what is new is found by samples, not by position
        self._last_sample = -1
        self._run_id = None
        self.earlier: list[pg.PlotCurveItem] = []  # dimmed curves of earlier runs
        self._earlier_points: list[tuple[np.ndarray, np.ndarray]] = []  # their data, as costs
        self.raw_curve.setData([], [])

    @Slot()
    def _anchor_legend(self) -> None:
        """Middle right of the plot area (the accuracy lives near the top, the cost near the bottom).

        pyqtgraph places an anchored item for the size it has *then*; a legend that grows afterwards would spill
        over the right edge, so this runs again whenever entries come or go.
        """
        legend = self.getPlotItem().legend
        legend.updateSize()
        legend.anchor(itemPos=(1, 0.5), parentPos=(1, 0.5), offset=(-10, 0))

    def _sync_boxes(self) -> None:
        self.acc_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())
        self.acc_box.linkedViewChanged(self.getPlotItem().vb, self.acc_box.XAxis)

    @property
    def mini_batches_drawn(self) -> int:
        """How many mini-batch costs the plot holds."""
        return self._raw.count

    @Slot()
    def _on_manual_range(self, *args) -> None:
        self.user_zoomed = True  # stop following the data until the next run or a double-click

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Double-click: follow the data again after zooming."""
        self.user_zoomed = False
        self._x_right = self._y_top = 0.0
        super().mouseDoubleClickEvent(event)

    def _follow(self, x_last: float, y_seen: float) -> None:
        """Grow the view in steps: x to the next nice number of epochs, y to the largest cost drawn."""
        if self.user_zoomed:
            return
        vb = self.getPlotItem().vb
        if x_last > self._x_right:
            # from a few mini-batches (stepping one at a time, 60 images = 0.001 epochs) to a long run
            steps = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
            self._x_right = next((st for st in steps if st >= x_last * 1.05), x_last * 1.5)
            vb.setXRange(0, self._x_right, padding=0.02)
        if y_seen > self._y_top and not self.log_cost:
            self._y_top = y_seen * 1.1
            vb.setYRange(0, self._y_top, padding=0)

    def set_log_cost(self, log: bool) -> None:
        """A logarithmic cost axis: the slow late decline becomes as visible as the first plunge.

        The curves are bare PlotCurveItems, which pyqtgraph's log mode does not transform (and PlotItem's log
        mode would turn the accuracy axis logarithmic too): so the cost curves are given log10 of the costs
        here, and only the left axis labels its ticks as powers of ten.
        """
        self.log_cost = bool(log)
        self.getPlotItem().getAxis("left").setLogMode(False, self.log_cost)
        self._redraw_cost_curves()
        vb = self.getPlotItem().vb
        if self.log_cost:
            vb.enableAutoRange(axis=vb.YAxis)
        else:
            vb.disableAutoRange(axis=vb.YAxis)
            self._y_top = 0.0
            if self._avg.count:
                self._follow(self._x_right, float(np.nanmax(self._avg.points()[1])))

    def _redraw_main_curves(self) -> None:
        x, y = self._raw.points()
        self.raw_curve.setData(x, self._cost_y(y))
        x, y = self._avg.points()
        self.avg_curve.setData(x, self._cost_y(y))

    def _cost_y(self, y: np.ndarray) -> np.ndarray:
        """Costs as drawn: as they are, or log10 of them on the logarithmic axis (a zero cost sits at 1e-12)."""
        return np.log10(np.maximum(y, 1e-12)) if self.log_cost else y

    def _redraw_cost_curves(self) -> None:
        self._redraw_main_curves()
        x, y = self._cmp_avg.points()
        self.comparison_curve.setData(x, self._cost_y(y))
        for ghost, (x, y) in zip(self.earlier, self._earlier_points):
            ghost.setData(x, self._cost_y(y))

    def set_reference_visible(self, visible: bool) -> None:
        """Show or hide the dashed reference accuracy line."""
        self.reference.setVisible(visible)

    def start_new_run(self, keep_previous: bool = True) -> None:
        """Forget the current curves; keep them dimmed for comparison if asked (e.g. random vs true labels)."""
        if keep_previous and self._avg.count:
            x, y = (v.copy() for v in self._avg.points())
            ghost = pg.PlotCurveItem(x, self._cost_y(y), pen=pg.mkPen(theme.COST_EARLIER, width=2))
            ghost.setZValue(-10)
            self.getPlotItem().addItem(ghost)
            self.earlier.append(ghost)
            self._earlier_points.append((x, y))
            while len(self.earlier) > MAX_EARLIER_RUNS:
                self.getPlotItem().removeItem(self.earlier.pop(0))
                self._earlier_points.pop(0)
        self._raw.clear()
        self._avg.clear()
        self._y_top = self._x_right = 0.0
        self.user_zoomed = False
        self._moving.clear()
        self._last_sample = -1
        self.raw_curve.setData([], [])
        self.avg_curve.setData([], [])
        self.acc_curve.setData([], [])
        self.quick_curve.setData([], [])
        self._accuracy_marks = (-1, -1)

    def clear_earlier_runs(self) -> None:
        """Remove the dimmed curves of earlier runs."""
        for item in self.earlier:
            self.getPlotItem().removeItem(item)
        self.earlier.clear()
        self._earlier_points.clear()

    def show_summary(self, envelope, train_size: int) -> None:
        """Start the curves from the summary of a run's older mini-batches (a ``core.history.CostEnvelope``, of a
        loaded or branched long run); :meth:`show_snapshot` then adds the mini-batches after it."""
        self._raw.clear()
        self._avg.clear()
        self._moving.clear()
        self._last_sample = -1
        if len(envelope):
            x = envelope.first_sample / train_size
            fill, count = (int(envelope.count[-1]) if envelope.is_open else 0), envelope.steps
            self._raw.load(x, envelope.min, envelope.max, envelope.size, fill, count)
            # the bold line is the buckets' mean cost here, not the mean of a moving average: over buckets of
            # dozens of mini-batches or more the two are the same line
            self._avg.load(x, envelope.mean * envelope.count, None, envelope.size, fill, count)
            self._last_sample = int(envelope.last_sample[-1])
            self._redraw_main_curves()
            self._follow(float(x[-1]), float(np.nanmax(self._avg.points()[1])))

    def show_snapshot(self, snap: Snapshot) -> None:
        """Append the mini-batches that are new in ``snap`` and redraw the accuracy points."""
        samples = snap.cost_samples
        n = len(samples)
        if n and samples[-1] < self._last_sample:  # a different run: start over
            self.start_new_run(keep_previous=False)
        if self._last_sample < 0 and snap.envelope is not None and len(snap.envelope):
            self.show_summary(snap.envelope, snap.train_size)  # a long run, opened or resumed: its older costs
        new = int(np.searchsorted(samples, self._last_sample, side="right"))
        if new < n:
            new_costs = snap.costs[new:n].astype(np.float64)
            new_x = samples[new:n] / snap.train_size
            self._raw.extend(new_x, new_costs)
            self._avg.extend(new_x, self._moving.extend(new_costs))
            self._last_sample = int(samples[n - 1])
            self._redraw_main_curves()
            # y follows the moving average (spikes of single mini-batches may leave the top)
            self._follow(float(new_x[-1]), float(np.nanmax(self._avg.points()[1])))
        marks = (len(snap.test_accuracy), len(snap.quick_accuracy))
        if marks != self._accuracy_marks:  # accuracy changes a few times an epoch, not every frame
            self._accuracy_marks = marks
            acc = np.asarray(snap.test_accuracy, dtype=float).reshape(-1, 2)
            self.acc_curve.setData(acc[:, 0] / snap.train_size, 100 * acc[:, 1])
            quick = np.asarray(snap.quick_accuracy, dtype=float).reshape(-1, 2)
            self.quick_curve.setData(quick[:, 0] / snap.train_size, 100 * quick[:, 1])

    def start_comparison(self, label: str) -> None:
        """Begin drawing a second run (moving average and test accuracy) beside the main one."""
        self.clear_comparison()
        self.comparing = True
        self.getPlotItem().legend.addItem(self.comparison_curve, label)
        self._anchor_legend()
        self.getPlotItem().setTitle(LABEL_EXPERIMENT_NOTE, color=theme.TEXT)

    def clear_comparison(self) -> None:
        """Remove the second run."""
        if self.comparing:
            self.getPlotItem().legend.removeItem(self.comparison_curve)
            self._anchor_legend()
            self.getPlotItem().setTitle(None)
        self.comparing = False
        self._cmp_avg.clear()
        self._cmp_moving.clear()
        self._cmp_last_sample = -1
        self.comparison_curve.setData([], [])
        self.comparison_acc.setData([], [])

    def show_comparison(self, snap: Snapshot) -> None:
        """Append the second run's new mini-batches (its moving average) and its test accuracy."""
        new = int(np.searchsorted(snap.cost_samples, self._cmp_last_sample, side="right"))
        if not self.comparing or new >= len(snap.costs):
            return
        new_costs = snap.costs[new:].astype(np.float64)
        new_x = snap.cost_samples[new:] / snap.train_size
        self._cmp_avg.extend(new_x, self._cmp_moving.extend(new_costs))
        self._cmp_last_sample = int(snap.cost_samples[-1])
        x, y = self._cmp_avg.points()
        self.comparison_curve.setData(x, self._cost_y(y))
        acc = np.asarray(snap.test_accuracy, dtype=float).reshape(-1, 2)
        self.comparison_acc.setData(acc[:, 0] / snap.train_size, 100 * acc[:, 1])
        self._follow(float(new_x[-1]), float(np.nanmax(self._cmp_avg.points()[1])))

    @property
    def comparison_drawn(self) -> int:
        """Mini-batches of the second run drawn so far."""
        return self._cmp_avg.count

    def history_csv(self, snap: Snapshot) -> str:
        """The history of ``snap`` as CSV text: one row per mini-batch, accuracy where measured."""
        acc = {int(s): a for s, a in snap.test_accuracy}
        quick = {int(s): a for s, a in snap.quick_accuracy}
        lines = ["mini_batch,samples_seen,epoch,cost,test_accuracy,quick_accuracy"]
        first = max(snap.step - len(snap.costs), 0) + 1  # the costs held one by one are the run's most recent
        for i, (s, c) in enumerate(zip(snap.cost_samples.tolist(), snap.costs.tolist()), start=first):
            lines.append(f"{i},{s},{s / snap.train_size:.6f},{c:.6g},{acc.get(s, '')},{quick.get(s, '')}")
        return "\n".join(lines) + "\n"
