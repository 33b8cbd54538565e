"""Qt view of the cost: every mini-batch's cost (faint), its moving average (bold), and test accuracy.

Built once; ``show_snapshot`` folds only what is new since the last frame into fixed-size envelopes
(:mod:`nnviz.core.envelope`), so a frame costs the same with a million mini-batches as with a thousand. The axes'
ranges move in steps rather than every frame, so pyqtgraph can reuse their drawing. Time (epochs) and cost can each
be drawn on a logarithmic axis: the curves are then given log10 of their values, because pyqtgraph's log mode does
not transform bare curve items (and the plot's log mode would make the accuracy axis logarithmic too).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QSizePolicy

from ..core.envelope import AVERAGE_WINDOW, CostCurves
from ..core.snapshot import Snapshot
from . import theme

__all__ = ["AVERAGE_WINDOW", "CostView", "REFERENCE_ACCURACY"]

REFERENCE_ACCURACY = 96.0  # "about 96 %" for 784-16-16-10 (3Blue1Brown)
MAX_EARLIER_RUNS = 4
# where the time axis ends, in epochs: from a few mini-batches (stepping one at a time, 60 images = 0.001
# epochs) to a long run; the axis grows to the next of these, so it changes now and then, not every frame
X_STEPS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
TOP_MARGIN = 10  # px above the plot, so the top tick labels ("2.5", "100") are not cut in half

# two short lines: a plot title does not wrap, and a long line would stretch the plot past a narrow dock's edge
LABEL_EXPERIMENT_NOTE = ("<span style='font-size:8pt'>Orange: the same network on shuffled labels: it cannot "
                         "memorise them,<br>its cost stalls near 0.45 and its test accuracy near 10 %.</span>")


def cached(item) -> None:
    """Keep ``item``'s (and its children's) picture as pixels: the timeline's marker moves over the curves, and
    the strips it uncovers are then copied from those pixels, not drawn again from every curve's points."""
    for each in (item, *item.childItems()):
        each.setCacheMode(pg.QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


class CostView(pg.PlotWidget):
    """The cost of each mini-batch against epochs, with test accuracy (%) on the right-hand axis."""

    moment_clicked = Signal(float)  #: a click on the plot at this many epochs: the timeline moves there
    follow_requested = Signal()  #: a double-click: follow the training again (the timeline goes live too)

    def __init__(self, parent=None):
        super().__init__(parent, background=theme.PLOT_BACKGROUND)
        self.setToolTip(
            "The cost measures how wrong the network is: for each training image, the squared distance between "
            "its ten outputs and the answer it should give (or the cross-entropy). Faint: every mini-batch; bold: "
            f"the average of the last {AVERAGE_WINDOW}. Gradient descent pushes it down. Dots: accuracy on the "
            "10,000 test images the network never trains on (right axis); triangles: a quick estimate on 1,000 "
            "of them. Grey: earlier runs. Drag to pan, wheel to zoom, double-click to follow the training again."
        )
        plot = self.getPlotItem()
        # pyqtgraph's own right-click menu would offer log axes and transforms these bare curves do not follow
        # (the View menu has the logarithmic axes; File has the exports); double-click replaces its "A"
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setLabel("bottom", "epochs (passes through the 60,000 training images)")
        plot.setLabel("left", "cost")
        left, top, right, bottom = plot.layout.getContentsMargins()
        plot.layout.setContentsMargins(left, TOP_MARGIN, right, bottom)
        # No grid: pyqtgraph draws it translucent across the whole plot, which costs ~40 ms a frame in Qt's raster
        # engine, more than everything else together.
        # The legend is a column of its own right of the accuracy axis: outside the data, never over a curve.
        self.legend = pg.LegendItem(labelTextColor=theme.TEXT, labelTextSize="8pt", verSpacing=-6, frame=False)
        self.legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        plot.layout.addItem(self.legend, 2, 3)
        plot.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        plot.legend = self.legend
        # the title (the random-labels note) spans the legend's column too, so it does not widen the plot
        plot.layout.removeItem(plot.titleLabel)
        plot.layout.addItem(plot.titleLabel, 0, 0, 1, 4)
        # Bare curve items: PlotDataItem's extra machinery costs more per frame than drawing the curve.
        self.raw_curve = pg.PlotCurveItem(pen=pg.mkPen(theme.COST_RAW, width=1), skipFiniteCheck=True)
        self.avg_curve = pg.PlotCurveItem(pen=pg.mkPen(theme.COST_AVERAGE, width=2), skipFiniteCheck=True)
        for curve, name in ((self.raw_curve, "each mini-batch"), (self.avg_curve, f"average of {AVERAGE_WINDOW}")):
            plot.addItem(curve)
            self.legend.addItem(curve, name)
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
        # bare symbols: at full speed a quick estimate comes every frame, and only the new ones are added
        self.quick_curve = pg.ScatterPlotItem(symbol="t", size=5, brush=theme.ACCURACY_QUICK, pen=None)
        self.acc_box.addItem(self.acc_curve)
        self.acc_box.addItem(self.quick_curve)
        reference_pen = pg.mkPen(theme.REFERENCE, width=1.5, style=Qt.PenStyle.DashLine)
        self.reference = pg.InfiniteLine(pos=REFERENCE_ACCURACY, angle=0, pen=reference_pen)
        self.acc_box.addItem(self.reference)
        self.legend.addItem(self.acc_curve, "test accuracy")
        self.legend.addItem(self.quick_curve, "quick test (1,000)")
        # explained in the legend, not by a label on the line, which the accuracy curve runs through
        self.legend.addItem(pg.PlotDataItem(pen=reference_pen), "96 %: 784-16-16-10")
        # a second run drawn beside this one (the random-labels experiment): its average cost and test accuracy
        self.comparison_curve = pg.PlotCurveItem(pen=pg.mkPen(theme.COMPARISON, width=2), skipFiniteCheck=True)
        self.comparison_acc = pg.PlotDataItem(pen=pg.mkPen(theme.COMPARISON, width=2, style=Qt.PenStyle.DotLine),
                                              symbol="x", symbolSize=10, symbolBrush=theme.COMPARISON,
                                              symbolPen=pg.mkPen(theme.COMPARISON, width=2))
        plot.addItem(self.comparison_curve)
        self.acc_box.addItem(self.comparison_acc)
        self._earlier_key = pg.PlotDataItem(pen=pg.mkPen(theme.COST_EARLIER, width=2))  # the legend's sample
        self.run, self.comparison = CostCurves(), CostCurves(with_band=False)
        self._folded: Snapshot | None = None  # the live snapshot whose costs are folded in
        self.comparing = False
        self.earlier: list[pg.PlotCurveItem] = []  # dimmed curves of earlier runs
        self._earlier_points: list[dict[bool, tuple[np.ndarray, np.ndarray]]] = []  # theirs, per time axis
        self._accuracy: dict[pg.PlotDataItem, np.ndarray] = {}  # (k, 2) rows (epochs, %) of each accuracy item
        self._accuracy_marks = [-1, -1]  # accuracy rows drawn: test, quick
        self._y_top = 0.0
        self._x_right = 0.0
        self.user_zoomed = False
        self.log_cost = False
        self.log_time = False
        plot.vb.sigRangeChangedManually.connect(self._on_manual_range)
        plot.vb.disableAutoRange()
        # the timeline's moment: a line at the time the views show when they are not live
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(theme.MOMENT, width=1.5))
        self.marker.setZValue(20)
        self.marker.hide()
        plot.addItem(self.marker, ignoreBounds=True)
        self._marker_epochs: float | None = None
        self.scene().sigMouseClicked.connect(self._on_click)
        for item in (self.raw_curve, self.avg_curve, self.comparison_curve, self.acc_curve, self.quick_curve,
                     self.comparison_acc, *(plot.getAxis(side) for side in ("bottom", "left", "right"))):
            cached(item)
        self._apply_x_range()

    def _sync_boxes(self) -> None:
        self.acc_box.setGeometry(self.getPlotItem().vb.sceneBoundingRect())
        self.acc_box.linkedViewChanged(self.getPlotItem().vb, self.acc_box.XAxis)

    @property
    def mini_batches_drawn(self) -> int:
        """How many mini-batch costs the plot holds."""
        return self.run.count

    @property
    def comparison_drawn(self) -> int:
        """Mini-batches of the second run drawn so far."""
        return self.comparison.count

    # --- following the run ------------------------------------------------------------------------------------
    @Slot()
    def _on_manual_range(self, *args) -> None:
        self.user_zoomed = True  # stop following the data until the next run or a double-click

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Double-click: follow the data again after zooming."""
        self.user_zoomed = False
        self._refit()
        self.follow_requested.emit()
        super().mouseDoubleClickEvent(event)

    def _on_click(self, event) -> None:
        """A click inside the plot (not a drag, not the second of a double-click) asks for the moment there."""
        vb = self.getPlotItem().vb
        if event.double() or event.button() != Qt.MouseButton.LeftButton:
            return
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        x = vb.mapSceneToView(event.scenePos()).x()
        self.moment_clicked.emit(10**x if self.log_time else x)

    def show_marker(self, epochs: float | None) -> None:
        """Mark the moment the views show, at ``epochs`` (None: they are live, no mark)."""
        self._marker_epochs = epochs
        if epochs is None:
            self.marker.hide()
            return
        self.marker.setValue(float(self._time(np.array([epochs]))[0]))
        self.marker.show()

    def _refit(self) -> None:
        """Fit the axes to the data drawn now (after a zoom, a new run, or a change of axis)."""
        self._x_right = self._y_top = 0.0
        self._apply_x_range()
        self._follow()

    def _follow(self) -> None:
        """Grow the view in steps: x to the next nice number of epochs, y to the largest average cost drawn."""
        if self.user_zoomed:
            return
        x_last = np.nanmax([self.run.last_x, self.comparison.last_x, 0.0])
        if x_last > self._x_right:
            self._x_right = next((st for st in X_STEPS if st >= x_last * 1.05), x_last * 1.5)
            self._apply_x_range()
        # y follows the moving averages (spikes of single mini-batches may leave the top)
        y_seen = np.nanmax([c.average_top(self.log_time) for c in (self.run, self.comparison)] + [0.0])
        if y_seen > self._y_top and not self.log_cost:
            self._y_top = y_seen * 1.1
            self.getPlotItem().vb.setYRange(0, self._y_top, padding=0)

    def _apply_x_range(self) -> None:
        vb = self.getPlotItem().vb
        right = self._x_right or X_STEPS[0]
        if self.log_time:  # from this run's first mini-batch (the plunge) to the latest
            starts = [x for x in (self.run.first_x, self.comparison.first_x) if x > 0]
            left = min(starts) if starts else right / 10
            vb.setXRange(math.log10(left), math.log10(max(right, left * 10)), padding=0.02)
        else:
            vb.setXRange(0, right, padding=0.02)

    # --- axes -------------------------------------------------------------------------------------------------
    @Slot(bool)
    def set_log_cost(self, log: bool) -> None:
        """A logarithmic cost axis: the slow late decline becomes as visible as the first plunge."""
        self.log_cost = bool(log)
        self.getPlotItem().getAxis("left").setLogMode(False, self.log_cost)
        vb = self.getPlotItem().vb
        if self.log_cost:
            vb.enableAutoRange(axis=vb.YAxis)
        else:
            vb.disableAutoRange(axis=vb.YAxis)
        self._redraw()
        self._refit()

    @Slot(bool)
    def set_log_time(self, log: bool) -> None:
        """A logarithmic time axis: the first mini-batches' plunge and the slow tail of a long run both visible."""
        self.log_time = bool(log)
        self.getPlotItem().getAxis("bottom").setLogMode(self.log_time, False)
        self._redraw()
        self._refit()

    def _time(self, x: np.ndarray) -> np.ndarray:
        """Epochs as drawn: as they are, or log10 of them on the logarithmic axis."""
        return np.log10(np.maximum(x, 1e-12)) if self.log_time else x

    def _cost_y(self, y: np.ndarray) -> np.ndarray:
        """Costs as drawn: as they are, or log10 of them on the logarithmic axis (a zero cost sits at 1e-12)."""
        return np.log10(np.maximum(y, 1e-12)) if self.log_cost else y

    def _draw_cost(self, item: pg.PlotCurveItem, points: tuple[np.ndarray, np.ndarray]) -> None:
        x, y = points
        item.setData(self._time(x), self._cost_y(y))

    def _draw_accuracy(self, item: pg.PlotDataItem | pg.ScatterPlotItem, rows: np.ndarray) -> None:
        self._accuracy[item] = rows
        item.setData(self._time(rows[:, 0]), rows[:, 1])

    def _draw_run(self) -> None:
        self._draw_cost(self.raw_curve, self.run.band_points(self.log_time))
        self._draw_cost(self.avg_curve, self.run.average_points(self.log_time))

    def _redraw(self) -> None:
        """Every curve again, for a changed axis."""
        self._draw_run()
        self._draw_cost(self.comparison_curve, self.comparison.average_points(self.log_time))
        for ghost, points in zip(self.earlier, self._earlier_points):
            self._draw_cost(ghost, points[self.log_time])
        for item in (self.acc_curve, self.quick_curve, self.comparison_acc):
            self._draw_accuracy(item, self._accuracy.get(item, np.empty((0, 2))))
        self.show_marker(self._marker_epochs)

    def set_reference_visible(self, visible: bool) -> None:
        """Show or hide the dashed reference accuracy line."""
        self.reference.setVisible(visible)

    # --- runs -------------------------------------------------------------------------------------------------
    def start_new_run(self, keep_previous: bool = True) -> None:
        """Forget the current curves; keep them dimmed for comparison if asked (e.g. random vs true labels)."""
        if keep_previous and self.run.count:
            self._add_earlier({log: self.run.average_points(log) for log in (False, True)})
        self.run.clear()
        self._folded = None  # the snapshot folded in last (its costs are the run's now)
        self.user_zoomed = False
        self._accuracy_marks = [-1, -1]
        for item in (self.acc_curve, self.quick_curve):
            self._draw_accuracy(item, np.empty((0, 2)))
        self._draw_run()
        self._refit()  # the axes fit the new run at once, not the old one until its first mini-batch

    def _add_earlier(self, points: dict[bool, tuple[np.ndarray, np.ndarray]]) -> None:
        """One more dimmed curve of an earlier run (its points for each time axis); the oldest go beyond a few."""
        ghost = pg.PlotCurveItem(pen=pg.mkPen(theme.COST_EARLIER, width=1.5), skipFiniteCheck=True)
        ghost.setZValue(-10)
        cached(ghost)
        self.getPlotItem().addItem(ghost)
        self.earlier.append(ghost)
        self._earlier_points.append(points)
        self._draw_cost(ghost, points[self.log_time])
        while len(self.earlier) > MAX_EARLIER_RUNS:
            self.getPlotItem().removeItem(self.earlier.pop(0))
            self._earlier_points.pop(0)
        if len(self.earlier) == 1:
            self.legend.addItem(self._earlier_key, "earlier runs")

    def earlier_runs(self) -> list:
        """The dimmed earlier runs' points, to put back with :meth:`set_earlier_runs`."""
        return list(self._earlier_points)

    def set_earlier_runs(self, runs: list) -> None:
        """Exactly these dimmed earlier runs (the guided tour puts the learner's back, without its own)."""
        self.clear_earlier_runs()
        for points in runs:
            self._add_earlier(points)

    def clear_earlier_runs(self) -> None:
        """Remove the dimmed curves of earlier runs."""
        for item in self.earlier:
            self.getPlotItem().removeItem(item)
        if self.earlier:
            self.legend.removeItem(self._earlier_key)
        self.earlier.clear()
        self._earlier_points.clear()

    @staticmethod
    def _new_costs(snap: Snapshot, curves) -> tuple[np.ndarray, np.ndarray] | None:
        """The mini-batches of ``snap`` that ``curves`` has not drawn yet: (epochs, costs); None if ``snap`` ends
        before what is drawn (it is another run). The one place that reads the snapshot's cost history.

        A snapshot holds its run's recent costs one by one and the older ones as a summary (``core.history``), so
        what is new is found by time, not by position; a run that starts with a summary (a long run opened or
        resumed) begins with the summary's buckets, each at its mean cost."""
        x = snap.cost_samples / snap.train_size
        costs = snap.costs.astype(np.float64)
        if not curves.count:
            env = snap.envelope
            if env is not None and len(env):
                return (np.concatenate([env.first_sample / snap.train_size, x]),
                        np.concatenate([env.mean, costs]))
            return x, costs
        if len(x) and x[-1] < curves.last_x:
            return None
        start = int(np.searchsorted(x, curves.last_x, side="right"))
        return x[start:], costs[start:]

    @staticmethod
    def _accuracy_rows(rows) -> np.ndarray:
        return np.asarray(rows, dtype=float).reshape(-1, 2)

    def show_snapshot(self, snap: Snapshot, moment: float | None = None) -> None:
        """Append the mini-batches that are new in ``snap`` (the live run) and redraw the accuracy points; mark the
        moment the other views show at ``moment`` epochs (None: they are live)."""
        self.show_marker(moment)
        if snap is self._folded:  # the same live snapshot (the cursor moved): nothing new to fold in
            return
        new = self._new_costs(snap, self.run)
        if new is None:  # a different run: start over
            self.start_new_run(keep_previous=False)
            new = self._new_costs(snap, self.run)
        if len(new[0]):
            self.run.extend(*new)
            self._draw_run()
            self._follow()
        accuracy = ((self.acc_curve, snap.test_accuracy), (self.quick_curve, snap.quick_accuracy))
        for k, (item, rows) in enumerate(accuracy):
            if len(rows) == self._accuracy_marks[k]:
                continue  # accuracy is measured a few times an epoch, not every frame
            drawn, self._accuracy_marks[k] = self._accuracy_marks[k], len(rows)
            acc = self._accuracy_rows(rows)
            acc = np.column_stack([acc[:, 0] / snap.train_size, 100 * acc[:, 1]])
            before = self._accuracy.get(item)
            if item is self.quick_curve and before is not None and 0 < drawn == len(before) < len(acc) and \
                    np.array_equal(acc[:drawn], before):  # only new estimates: add them, not all again
                self._accuracy[item] = acc
                item.addPoints(x=self._time(acc[drawn:, 0]), y=acc[drawn:, 1])
            else:
                self._draw_accuracy(item, acc)
        self._folded = snap

    def start_comparison(self, label: str) -> None:
        """Begin drawing a second run (moving average and test accuracy) beside the main one."""
        self.clear_comparison()
        self.comparing = True
        self.legend.addItem(self.comparison_curve, label)
        self.legend.addItem(self.comparison_acc, self._comparison_accuracy_label())
        self.getPlotItem().setTitle(LABEL_EXPERIMENT_NOTE, color=theme.TEXT)

    def _comparison_accuracy_label(self) -> str:
        rows = self._accuracy.get(self.comparison_acc)
        latest = f" {rows[-1, 1]:.1f} %" if rows is not None and len(rows) else ""
        return f"its test accuracy{latest}"

    def clear_comparison(self) -> None:
        """Remove the second run."""
        if self.comparing:
            self.legend.removeItem(self.comparison_curve)
            self.legend.removeItem(self.comparison_acc)
            self.getPlotItem().setTitle(None)
        self.comparing = False
        self.comparison.clear()
        self._draw_cost(self.comparison_curve, (np.empty(0), np.empty(0)))
        self._draw_accuracy(self.comparison_acc, np.empty((0, 2)))

    def show_comparison(self, snap: Snapshot) -> None:
        """Append the second run's new mini-batches (its moving average) and its test accuracy."""
        new = self._new_costs(snap, self.comparison)
        if not self.comparing or new is None or not len(new[0]):
            return
        self.comparison.extend(*new)
        self._draw_cost(self.comparison_curve, self.comparison.average_points(self.log_time))
        acc = self._accuracy_rows(snap.test_accuracy)
        before = len(self._accuracy.get(self.comparison_acc, ()))
        self._draw_accuracy(self.comparison_acc, np.column_stack([acc[:, 0] / snap.train_size, 100 * acc[:, 1]]))
        if len(acc) != before:  # the legend says the latest accuracy
            for sample, label in self.legend.items:
                if sample.item is self.comparison_acc:
                    label.setText(self._comparison_accuracy_label())
        self._follow()

    def history_csv(self, snap: Snapshot) -> str:
        """The history of ``snap`` as CSV text: one row per mini-batch, accuracy where measured."""
        acc = {int(s): a for s, a in snap.test_accuracy}
        quick = {int(s): a for s, a in snap.quick_accuracy}
        lines = ["mini_batch,samples_seen,epoch,cost,test_accuracy,quick_accuracy"]
        for i, (s, c) in enumerate(zip(snap.cost_samples.tolist(), snap.costs.tolist()), start=1):
            lines.append(f"{i},{s},{s / snap.train_size:.6f},{c:.6g},{acc.get(s, '')},{quick.get(s, '')}")
        return "\n".join(lines) + "\n"
