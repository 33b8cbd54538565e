"""The cost plot: a million points stay small, the axes follow the current run (linear or logarithmic time),
earlier runs stay as dimmed curves, the legend and every tick label stay in sight."""

import numpy as np
import pytest

from nnviz.core.snapshot import Snapshot
from nnviz.core.training import TrainConfig
from nnviz.gui.cost_view import AVERAGE_WINDOW, CostView


def make_snapshot(costs):
    n = len(costs)
    return Snapshot(config=TrainConfig(), sizes=(784, 16, 16, 10), params=np.zeros(1, np.float32), step=n, epoch=0,
                    epoch_progress=n * 10 / 60000, samples_seen=n * 10, train_size=60000,
                    cost_samples=np.arange(1, n + 1) * 10, costs=np.asarray(costs, np.float32),
                    test_accuracy=((60000, 0.9),), quick_accuracy=((6000, 0.5),), learning_rate=3.0)


def test_a_million_mini_batches_draw_as_a_few_thousand_points(qtbot):
    """With 1,000,000 costs the curves hold at most ~4,000 points, and the moving average is right at the end."""
    view = CostView()
    qtbot.addWidget(view)
    costs = np.random.default_rng(0).random(1_000_000).astype(np.float32)
    for end in (10, 500_000, 1_000_000):  # arrives in frames
        view.show_snapshot(make_snapshot(costs[:end]))
    assert view.mini_batches_drawn == 1_000_000
    assert len(view.raw_curve.xData) <= 2048 and len(view.avg_curve.xData) <= 1024
    assert view.acc_curve.yData.tolist() == [90.0]


def test_moving_average_matches_a_direct_computation(qtbot):
    """The bold line is the mean of the last AVERAGE_WINDOW costs."""
    view = CostView()
    qtbot.addWidget(view)
    costs = np.linspace(2, 0, 1000).astype(np.float32)
    view.show_snapshot(make_snapshot(costs[:300]))
    view.show_snapshot(make_snapshot(costs))
    y = view.avg_curve.yData
    assert y[-1] == pytest.approx(costs[-AVERAGE_WINDOW:].mean(), rel=1e-5)


def test_new_run_dims_the_old_curve(qtbot):
    """Starting a new run keeps the previous average as a dimmed curve, up to a limit, and can clear them."""
    view = CostView()
    qtbot.addWidget(view)
    for _ in range(6):
        view.show_snapshot(make_snapshot(np.ones(50)))
        view.start_new_run()
    assert len(view.earlier) == 4
    view.clear_earlier_runs()
    assert view.earlier == []


def test_legend_sits_beside_the_data_when_entries_come(shown, qtbot):
    """In a narrow dock the plot area stays inside the widget and the legend sits beside it, over no curve, also
    once the random-labels experiment adds its note and wider entries. (Before, the legend covered the curves,
    and the note's one long line stretched the plot past the right edge, cutting off the right-hand axis.)"""
    view = shown(CostView(), 700, 260)
    view.show_snapshot(make_snapshot(np.linspace(2, 0, 1000).astype(np.float32)))
    vb = view.getPlotItem().vb
    legend = view.getPlotItem().legend

    def beside():
        area = vb.mapRectToScene(vb.boundingRect())
        key = legend.mapRectToScene(legend.boundingRect())
        return area.right() <= view.width() and key.right() <= view.width() + 1 and not area.intersects(key)

    qtbot.wait(200)  # let the layout settle
    assert beside()
    view.start_comparison("random labels (moving average), a label wider than any before it")
    qtbot.wait(200)
    assert beside()
    view.clear_comparison()
    qtbot.wait(200)
    assert beside()


def test_axes_show_plain_numbers_early_in_training(shown, qtbot):
    """After 3 mini-batches (0.0005 epochs) the axes still read in epochs and cost, not in thousandths of them
    with a '(x0.001)' tacked onto the label."""
    view = shown(CostView(), 700, 260)
    view.show_snapshot(make_snapshot(np.array([2.0, 8.0, 17.0], np.float32)))
    qtbot.wait(100)
    for side in ("bottom", "left"):
        axis = view.getPlotItem().getAxis(side)
        assert axis.autoSIPrefixScale == 1.0 and "x0.001" not in axis.labelString()


def test_a_few_steps_fill_the_plot(qtbot):
    """Stepping one mini-batch at a time: after 5 steps (50 images, 0.0008 epochs) the x axis ends at 0.001
    epochs, so the curve is not a sliver at the left edge; later it grows in nice steps."""
    view = CostView()
    qtbot.addWidget(view)
    view.show_snapshot(make_snapshot(np.array([2.3, 2.1, 1.9, 1.8, 1.6], np.float32)))
    assert view._x_right == pytest.approx(0.001)
    view.show_snapshot(make_snapshot(np.linspace(2.3, 0.5, 400).astype(np.float32)))  # 4,000 images
    assert view._x_right == pytest.approx(0.1)


def test_logarithmic_cost_axis_plots_the_costs_not_their_exponents(qtbot):
    """View → Logarithmic cost axis: the curves hold log10 of the costs under a powers-of-ten left axis, the
    accuracy axis stays linear, earlier runs follow, and switching back restores the costs. (With pyqtgraph's
    own log mode the bare curves were drawn with each cost taken as an exponent, and the accuracy axis read
    10^80.)"""
    view = CostView()
    qtbot.addWidget(view)
    costs = np.linspace(2.0, 0.05, 500).astype(np.float32)
    view.show_snapshot(make_snapshot(costs[:250]))
    view.start_new_run(keep_previous=True)
    view.show_snapshot(make_snapshot(costs))
    linear_avg = view.avg_curve.yData.copy()
    linear_ghost = view.earlier[0].yData.copy()
    view.set_log_cost(True)
    plot = view.getPlotItem()
    assert plot.getAxis("left").logMode and not plot.getAxis("right").logMode
    np.testing.assert_allclose(view.avg_curve.yData, np.log10(linear_avg), rtol=1e-6)
    np.testing.assert_allclose(view.earlier[0].yData, np.log10(linear_ghost), rtol=1e-6)
    np.testing.assert_allclose(view.raw_curve.yData.max(), np.log10(costs.max()), rtol=1e-5)
    view.show_snapshot(make_snapshot(np.concatenate([costs, costs[-50:]])))  # new costs arrive in log form too
    assert view.avg_curve.yData.max() < 0.5
    view.set_log_cost(False)
    assert not plot.getAxis("left").logMode
    np.testing.assert_allclose(view.earlier[0].yData, linear_ghost)
    assert view.avg_curve.yData.max() == pytest.approx(linear_avg.max(), rel=1e-5)


def test_no_pyqtgraph_menus_that_would_break_the_plots(shown, qtbot):
    """Right-click menus from pyqtgraph would offer log axes and colour maps that the bare curves and the palette
    do not follow: the cost plot, the accuracy axis and the weight images have none (the app's menus do it)."""
    from nnviz.gui.weights_view import WeightsView

    view = shown(CostView(), 600, 260)
    assert not view.getPlotItem().menuEnabled() and not view.getPlotItem().vb.menuEnabled()
    assert not view.acc_box.menuEnabled()
    weights = shown(WeightsView(), 400, 200)
    assert not weights.vb.menuEnabled() and weights.colorbar.colorMapMenu is False


def falling_costs(n, start=2.3, end=0.05):
    """A cost that plunges then creeps down, as training gives."""
    i = np.arange(n)
    return (end + (start - end) * np.exp(-i / (n / 20))).astype(np.float32)


def x_range(view):
    return view.getPlotItem().vb.viewRange()[0]


def test_axes_fit_the_new_run_at_once_after_reset(shown, qtbot):
    """After a 5-epoch run, a Reset shows the start of the new run (not the old run's 0-5 epochs, squashing the
    new one against the left edge), before its first mini-batch and after its first hundreds."""
    view = shown(CostView(), 700, 260)
    view.show_snapshot(make_snapshot(falling_costs(30_000)))  # 5 epochs
    assert x_range(view)[1] > 5
    view.start_new_run(keep_previous=True)
    assert x_range(view)[1] < 0.0011
    view.show_snapshot(make_snapshot(falling_costs(300)))  # 0.05 epochs
    left, right = x_range(view)
    assert left < 0 < 0.05 < right <= 0.1 * 1.03


def test_logarithmic_time_axis_shows_the_plunge_and_the_tail(shown, qtbot):
    """View → Logarithmic time axis: the curves and accuracy points hold log10 of their epochs under a
    powers-of-ten bottom axis, the range runs from the first mini-batch to the latest, the first mini-batches
    are drawn one by one even after a long run, earlier runs follow; switching back restores epochs."""
    view = shown(CostView(), 700, 260)
    costs = falling_costs(120_000)  # 20 epochs
    view.show_snapshot(make_snapshot(costs[:60_000]))
    view.start_new_run(keep_previous=True)
    view.show_snapshot(make_snapshot(costs))
    linear_ghost_x = view.earlier[0].xData.copy()
    view.set_log_time(True)
    assert view.getPlotItem().getAxis("bottom").logMode and not view.getPlotItem().getAxis("left").logMode
    x, y = view.avg_curve.xData, view.avg_curve.yData
    first = 10 / 60000  # the first mini-batch of 10 images
    np.testing.assert_allclose(x[:20], np.log10(first * np.arange(1, 21)))
    np.testing.assert_allclose(y[:20], [costs[: i + 1].mean() for i in range(20)], rtol=1e-6)
    left, right = x_range(view)
    assert left < np.log10(first) < left + 0.2 and np.log10(20) < right < np.log10(50) + 0.15
    assert view.earlier[0].xData[0] == pytest.approx(np.log10(first))
    assert view.acc_curve.xData[0] == pytest.approx(0.0)  # the epoch-1 accuracy at log10(1)
    view.set_log_time(False)
    assert not view.getPlotItem().getAxis("bottom").logMode
    np.testing.assert_allclose(view.earlier[0].xData, linear_ghost_x)
    assert x_range(view)[0] < 0 and 20 < x_range(view)[1] <= 51


def test_earlier_runs_are_their_real_dimmed_curves(shown, qtbot):
    """Reset keeps the previous run as its moving average, dimmed, under the new one, named in the legend;
    clearing them removes the curves and the entry."""
    from nnviz.gui import theme

    view = shown(CostView(), 700, 260)
    costs = falling_costs(3000)
    view.show_snapshot(make_snapshot(costs))
    average = view.avg_curve.yData.copy()
    view.start_new_run(keep_previous=True)
    ghost = view.earlier[0]
    np.testing.assert_allclose(ghost.yData, average)  # the curve itself: it falls, it is no flat line
    assert ghost.yData.max() - ghost.yData.min() > 1.5
    assert ghost.opts["pen"].color().name() == theme.COST_EARLIER and ghost.zValue() < view.avg_curve.zValue()
    legend = [label.text for _, label in view.getPlotItem().legend.items]
    assert "earlier runs" in legend
    view.clear_earlier_runs()
    assert "earlier runs" not in [label.text for _, label in view.getPlotItem().legend.items]


def tick_labels_outside(view):
    """Tick labels of the three axes whose text reaches outside the widget (cut off on screen and in a PNG)."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    cut = []
    for side in ("left", "right", "bottom"):
        axis = view.getPlotItem().getAxis(side)
        for rect, _, text in axis.generateDrawSpecs(painter)[2]:
            on_screen = view.mapFromScene(axis.mapRectToScene(rect)).boundingRect()
            if not view.rect().contains(on_screen):
                cut.append((side, text))
    painter.end()
    return cut


@pytest.mark.parametrize("log_time", [False, True])
def test_no_tick_label_is_cut_off(shown, qtbot, log_time):
    """The top tick labels ("2.5" of the cost, "100" of the accuracy) sit wholly inside the plot, in the dock's
    default size and in a tall one, live and in the exported picture (the same widget grabbed)."""
    for height in (209, 400):
        view = shown(CostView(), 743, height)
        view.set_log_time(log_time)
        costs = np.where(np.arange(14_000) < 2000, 2.5 / 1.1, 0.05).astype(np.float32)  # the axis ends at 2.5
        view.show_snapshot(make_snapshot(costs))
        qtbot.wait(100)
        assert view.getPlotItem().vb.viewRange()[1][1] == pytest.approx(2.5, rel=1e-4)
        assert tick_labels_outside(view) == []


def test_random_labels_accuracy_is_named_with_its_value(shown, qtbot):
    """The random-labels run's test accuracy has its own entry in the legend, saying its latest value."""
    view = shown(CostView(), 700, 260)
    view.start_comparison("random labels")
    costs = np.full(6000, 0.45, np.float32)
    snap = make_snapshot(costs)
    from dataclasses import replace

    view.show_comparison(replace(snap, test_accuracy=((60000, 0.1023),)))
    labels = [label.text for _, label in view.getPlotItem().legend.items]
    assert "random labels" in labels and "its test accuracy 10.2 %" in labels
    assert view.comparison_acc.yData.tolist() == [pytest.approx(10.23)]
    view.clear_comparison()
    assert not any("random" in t or "its test" in t for t in (l.text for _, l in view.getPlotItem().legend.items))


def test_wheel_zoom_holds_until_a_double_click_fits_the_run_again(shown, qtbot):
    """Zooming with the wheel stops the plot from following; a double-click fits it to the run at once (also
    while paused, with no new mini-batch to trigger it)."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    view = shown(CostView(), 700, 260)
    view.show_snapshot(make_snapshot(falling_costs(3000)))  # 0.5 epochs
    fitted = x_range(view)
    centre = view.mapFromScene(view.getPlotItem().vb.sceneBoundingRect().center())
    wheel = QWheelEvent(QPointF(centre), QPointF(view.viewport().mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    qtbot.waitUntil(lambda: view.user_zoomed, timeout=2000)
    zoomed = x_range(view)
    assert zoomed[1] - zoomed[0] < fitted[1] - fitted[0]
    view.show_snapshot(make_snapshot(falling_costs(9000)))  # 1.5 epochs: the zoom stays
    assert x_range(view) == zoomed
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert not view.user_zoomed and x_range(view)[1] == pytest.approx(2 * 1.02, rel=0.01)


def bounded_snapshot(history, train_size=60000):
    """A snapshot as the window builds it from a bounded History: the recent costs one by one, the summary."""
    costs, samples = history.recent()
    return Snapshot(config=TrainConfig(), sizes=(784, 16, 16, 10), params=np.zeros(1, np.float32),
                    step=history.steps, samples_seen=int(samples[-1]), train_size=train_size, cost_samples=samples,
                    costs=costs, envelope=history.envelope())


def test_plot_follows_a_bounded_history_past_its_recent_part(qtbot, rng):
    """The window's history keeps only the recent costs one by one, so a snapshot's costs start later and later:
    the plot still takes each mini-batch once (none lost, none twice) and draws the same curves as a plot fed
    every cost, instead of starting over when the recent part slides."""
    from nnviz.core.history import RECENT_CAPACITY, History

    n = 3 * RECENT_CAPACITY
    costs = rng.random(n).astype(np.float32)
    samples = np.arange(1, n + 1) * 10
    h, view, reference = History(), CostView(), CostView()
    qtbot.addWidget(view)
    qtbot.addWidget(reference)
    for i in range(0, n, 9_000):
        h.extend(costs[i : i + 9_000], samples[i : i + 9_000])
        view.show_snapshot(bounded_snapshot(h))
    reference.show_snapshot(make_snapshot(costs))
    assert h.first > 0 and view.mini_batches_drawn == n
    np.testing.assert_allclose(view.avg_curve.yData, reference.avg_curve.yData, rtol=1e-9)


def test_an_opened_long_run_draws_from_its_start(qtbot, rng):
    """A long run opened from a file (its older costs only as a summary): the curve starts at the run's first
    mini-batches, not where the recent costs begin, and ends at the same moving average as every cost would."""
    from nnviz.core.history import RECENT_CAPACITY, History

    n = 3 * RECENT_CAPACITY + 777
    costs = (np.linspace(2, 0.2, n) + 0.1 * rng.random(n)).astype(np.float32)
    samples = np.arange(1, n + 1) * 10
    h = History()
    h.extend(costs, samples)
    view, reference = CostView(), CostView()
    qtbot.addWidget(view)
    qtbot.addWidget(reference)
    view.show_snapshot(bounded_snapshot(h))
    reference.show_snapshot(make_snapshot(costs))
    assert view.avg_curve.xData[0] < 0.01 and h.first > 0
    assert view.avg_curve.yData[-1] == pytest.approx(reference.avg_curve.yData[-1], abs=0.01)
