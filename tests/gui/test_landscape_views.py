"""The landscape's views draw exactly what the core computed; a real click on the two-weight map drops a ball there."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.core.landscape import GradientSlice, Sample, TwoWeights, gradient_slice
from nnviz.core.network import Network
from nnviz.core.surface import network_surface
from nnviz.gui.step_view import GradientStepView
from nnviz.gui.surface_view import SurfaceView
from nnviz.gui.two_weights_view import TwoWeightsView, weight_name


@pytest.fixture
def net_and_sample():
    """A small network and random images: the views only draw numbers, any numbers."""
    rng = np.random.default_rng(7)
    net = Network((784, 6, 5, 10), seed=1)
    return net, Sample.from_images(rng.uniform(0, 1, (80, 784)), rng.integers(0, 10, 80))


def test_step_view_draws_the_slice_and_marks_eta(shown, net_and_sample):
    """The curve is the slice's costs against its steps; the dot sits at (η, C(θ − η∇C)); the words say which way."""
    net, sample = net_and_sample
    view = shown(GradientStepView(), 500, 250)
    cut = gradient_slice(net, sample, 2.0)
    view.show_slice(cut)
    x, y = view.curve.getData()
    np.testing.assert_array_equal(x, cut.steps)
    np.testing.assert_array_equal(y, cut.costs)
    (spot,) = view.landing.points()
    assert (spot.pos().x(), spot.pos().y()) == pytest.approx((2.0, cut.cost_after_step))
    assert view.eta_line.value() == 2.0 and view.now_line.value() == pytest.approx(cut.cost_now)
    assert ("downhill" in view.label.toPlainText()) == (cut.cost_after_step < cut.cost_now)


def test_step_view_says_when_eta_climbs(shown):
    """A step that lands higher than it started (the diverge preset's η): the label says η is too large, and the
    y range reaches the landing point."""
    view = shown(GradientStepView(), 500, 250)
    steps = np.linspace(0, 3e4, 61)
    cut = GradientSlice(steps, 0.5 + (steps / 1e4 - 0.3) ** 2, 1e4, 20, 1.0)
    view.show_slice(cut)
    assert "too large" in view.label.toPlainText()
    low, high = view.getPlotItem().vb.viewRange()[1]
    assert low <= cut.costs.min() and high >= cut.costs.max()


@pytest.fixture
def two_view(shown, net_and_sample):
    """The two-weight map of a bias and a weight, drawn."""
    net, sample = net_and_sample
    view = shown(TwoWeightsView(), 500, 450)
    two = TwoWeights(net, sample, (2, 1, 6), (3, 4, 2))
    view.show_surface(two.surface(span=3.0, points=21), two, learning_rate=3.0)
    return view, two


def test_map_is_the_surface(two_view):
    """The image is the surface's costs, placed on the weights' values, the cross at the current weights."""
    view, two = two_view
    np.testing.assert_array_equal(view.image.image, view.surface.costs)
    rect = view.image.mapRectToView(view.image.boundingRect())
    step = view.surface.first[1] - view.surface.first[0]
    assert rect.left() == pytest.approx(view.surface.first[0] - step / 2)
    assert rect.bottom() == pytest.approx(view.surface.second[-1] + step / 2)
    (cross,) = view.current.points()
    assert (cross.pos().x(), cross.pos().y()) == pytest.approx(two.current)


def test_click_drops_a_ball_that_rolls_downhill(qtbot, two_view):
    """A real left click on the map starts a ball at the clicked weights; it rolls by gradient descent."""
    view, two = two_view
    target = (two.current[0] + 2.0, two.current[1] - 1.5)
    with qtbot.waitSignal(view.ball_started, timeout=2000) as started:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(*target))
    tolerance = 0.05 * (view.surface.first[-1] - view.surface.first[0])
    assert started.args == pytest.approx(target, abs=tolerance)
    qtbot.waitUntil(lambda: len(view.rolling.path) > 30, timeout=5000)
    path = view.rolling.points()
    np.testing.assert_allclose(path[0], started.args)
    _, slope = two.cost_and_slope(path[0])
    np.testing.assert_allclose(path[1] - path[0], -3.0 * slope, rtol=1e-6)
    assert view.rolling.costs[-1] < view.rolling.costs[0]
    x, y = view.path.getData()
    assert len(x) >= 30 and (x[0], y[0]) == pytest.approx(tuple(path[0]))


def test_click_off_the_map_drops_nothing(qtbot, two_view):
    """Clicking the axes beside the map starts no ball."""
    view, _ = two_view
    fired = []
    view.ball_started.connect(lambda *a: fired.append(a))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(view.surface.first[0] - 5, 0))
    assert not fired and view.rolling is None


def test_a_newer_map_waits_for_the_ball(qtbot, two_view, net_and_sample):
    """While a ball rolls, a new surface is held back (the ball rolls on the map it is drawn on), then shown."""
    view, two = two_view
    view.start_ball(two.current[0] + 1, two.current[1] + 1)
    newer = two.surface(span=1.0, points=11)
    view.show_surface(newer, two, 3.0)
    assert view.surface is not newer
    qtbot.waitUntil(lambda: view.rolling.stopped, timeout=20_000)
    assert view.surface is newer


def test_weight_names_say_what_they_are():
    """Axis names in the explanation's words: a pixel's weight, a neuron's weight, a bias."""
    assert weight_name((1, 3, 400), 784) == "weight into neuron 3 of layer 1 from pixel 400"
    assert weight_name((2, 0, 5), 16) == "weight into neuron 0 of layer 2 from neuron (layer 1) 5"
    assert weight_name((3, 2, 16), 16) == "bias of neuron 2 in layer 3"


def test_surface_view_draws_the_surface_and_the_path(shown, net_and_sample):
    """Colours are log₁₀ of the costs; the line is the projected path; the star is the current weights at (0, 0)."""
    net, sample = net_and_sample
    rng = np.random.default_rng(3)
    trajectory = net.params + np.outer(np.linspace(1, 0, 6), rng.standard_normal(net.params.size) * 0.2)
    trajectory += rng.standard_normal(trajectory.shape) * 0.02
    surface = network_surface(net, sample, "path", trajectory, np.arange(6) * 10, points=11)
    view = shown(SurfaceView(), 500, 450)
    view.show_surface(surface)
    np.testing.assert_allclose(view.image.image, np.log10(surface.costs))
    x, y = view.path.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), surface.path)
    (star,) = view.current.points()
    assert (star.pos().x(), star.pos().y()) == (0.0, 0.0)
    assert "% of its path" in view.plot.getAxis("bottom").labelText
    view.show_surface(network_surface(net, sample, "random", points=11))
    assert "random" in view.plot.getAxis("bottom").labelText and view.path.getData()[0] is None  # no path given


def test_a_map_where_the_cost_overflows_says_so(shown):
    """A surface of NaN and infinite costs (weights blown up) is drawn as the highest colour, with a sentence."""
    from nnviz.core.surface import CostSurface

    view = shown(SurfaceView(), 500, 450)
    costs = np.full((5, 5), np.nan)
    costs[0, 0] = np.inf
    view.show_surface(CostSurface("random", np.linspace(-1, 1, 5), np.linspace(-1, 1, 5), costs, np.nan,
                                  np.empty((0, 2)), np.empty(0)))
    assert np.isfinite(view.image.image).all()
    assert "blown up" in view.message.toPlainText()
