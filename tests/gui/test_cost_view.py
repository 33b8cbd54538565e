"""The cost plot: its envelopes equal the exact min/max/mean of the data, and a million points stay small."""

import numpy as np
import pytest

from nnviz.core.snapshot import Snapshot
from nnviz.core.training import TrainConfig
from nnviz.gui.cost_view import AVERAGE_WINDOW, CostView, Envelope


@pytest.mark.parametrize("mean", [False, True])
def test_envelope_equals_exact_buckets_whatever_the_chunking(mean, rng):
    """Fed in random-sized chunks, each bucket holds exactly the min/max (or mean) of its points."""
    y = rng.random(50_001)
    x = np.arange(len(y), dtype=float)
    env = Envelope(max_buckets=64, mean=mean)
    i = 0
    while i < len(y):
        k = int(rng.integers(1, 3000))
        env.extend(x[i : i + k], y[i : i + k])
        i += k
    px, py = env.points()
    size = env.size
    full = len(y) // size * size
    blocks = y[:full].reshape(-1, size)
    if mean:
        np.testing.assert_allclose(py[: len(blocks)], blocks.mean(axis=1))
        assert py[-1] == pytest.approx(y[full:].mean())
        np.testing.assert_array_equal(px[: len(blocks)], x[:full:size])
    else:
        np.testing.assert_allclose(py[0 : 2 * len(blocks) : 2], blocks.min(axis=1))
        np.testing.assert_allclose(py[1 : 2 * len(blocks) : 2], blocks.max(axis=1))
    assert env.n_buckets <= 64 and env.count == len(y)


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
    _, y = view._avg.points()
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


def test_legend_stays_inside_the_plot_when_entries_come(shown, qtbot):
    """In a narrow dock the plot area stays inside the widget and the legend (re-anchored as entries come) inside
    the plot area, also once the random-labels experiment adds its note and a wider entry. Before, the note's one
    long line stretched the plot past the right edge, cutting off the legend and the right-hand axis."""
    view = shown(CostView(), 700, 260)
    view.show_snapshot(make_snapshot(np.linspace(2, 0, 1000).astype(np.float32)))
    vb = view.getPlotItem().vb
    legend = view.getPlotItem().legend

    def inside():
        area = vb.mapRectToScene(vb.boundingRect())
        return (area.right() <= view.width() and
                area.contains(legend.mapRectToScene(legend.boundingRect())))

    qtbot.wait(200)  # let the layout settle
    assert inside()
    view.start_comparison("random labels (moving average), a label wider than any before it")
    qtbot.wait(200)
    assert inside()
    view.clear_comparison()
    qtbot.wait(200)
    assert inside()


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


def bounded_snapshot(history, train_size=60000):
    """A snapshot as the window builds it from a bounded History: only the recent costs, one by one."""
    costs, samples = history.recent()
    return Snapshot(config=TrainConfig(), sizes=(784, 16, 16, 10), params=np.zeros(1, np.float32),
                    step=history.steps, epoch=0, epoch_progress=0.0, samples_seen=int(samples[-1]),
                    train_size=train_size, cost_samples=samples, costs=costs, test_accuracy=(), quick_accuracy=(),
                    learning_rate=3.0)


def test_plot_follows_a_bounded_history_past_its_recent_part(qtbot, rng):
    """The window's history keeps only the recent costs one by one, so a snapshot's costs start later and later:
    the plot still takes each mini-batch once (none lost, none twice) and draws the same envelope as a plot fed
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
    np.testing.assert_array_equal(view.raw_curve.yData, reference.raw_curve.yData)
    np.testing.assert_allclose(view.avg_curve.yData, reference.avg_curve.yData, rtol=1e-9)


def test_a_long_run_s_summary_draws_like_every_cost(qtbot, rng):
    """Opening a long run: its summary plus its recent costs draw the same min/max envelope as every cost would,
    and the bold line stays within a hair of the moving average's."""
    from nnviz.core.history import RECENT_CAPACITY, History

    n = 5 * RECENT_CAPACITY + 777
    costs = (np.linspace(2, 0.2, n) + 0.1 * rng.random(n)).astype(np.float32)
    samples = np.arange(1, n + 1) * 10
    h = History()
    h.extend(costs, samples)
    view, reference = CostView(), CostView()
    qtbot.addWidget(view)
    qtbot.addWidget(reference)
    view.show_summary(h.envelope(), 60000)
    view.show_snapshot(bounded_snapshot(h))
    reference.show_snapshot(make_snapshot(costs))
    assert view.mini_batches_drawn == n
    np.testing.assert_array_equal(view.raw_curve.yData, reference.raw_curve.yData)
    np.testing.assert_allclose(view.raw_curve.xData, reference.raw_curve.xData)
    np.testing.assert_allclose(view.avg_curve.yData[1:], reference.avg_curve.yData[1:], atol=0.01)
