"""The analysis docks in the real window: two weights chosen with real clicks in the graph and the weight images,
mapped exactly; the whole-network surface on the plane of the run's recorded path, ending at the moment shown."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.core.landscape import network_cost, parameter_index

from .picking import edge_pixel

LEFT = Qt.MouseButton.LeftButton


def mapped(panel, first, second, net):
    """The two-weight map of exactly these two weights of ``net`` has arrived."""
    two = panel.two_view
    want = (parameter_index(net, *first), parameter_index(net, *second))
    return two.surface is not None and two.weights is not None and two.weights.indices == want


def test_clicking_two_edges_maps_those_two_weights_exactly(window, qtbot):
    """The issue's way of choosing: a real click on one edge of the graph and then another raises Gradient descent
    and maps those two weights (the panel names them, the graph marks them); the map's value at the current
    weights is the network's cost. A Ctrl+click on a weight image's pixel then replaces the older one."""
    graph, docks = window.network_view, window.analysis
    panel = docks.landscape_panel
    qtbot.waitUntil(lambda: graph.network is not None and panel.sample is not None, timeout=10_000)
    window.backprop_dock.raise_()  # another tab of the dock in front
    qtbot.waitUntil(lambda: panel.visibleRegion().isEmpty(), timeout=2_000)
    first, second = (2, 3, 5), (3, 7, 2)
    qtbot.mouseClick(graph.viewport(), LEFT, pos=edge_pixel(graph, *first))
    qtbot.waitUntil(lambda: not panel.visibleRegion().isEmpty(), timeout=2_000)  # Gradient descent in front
    assert "w[2][3,5]</b> picked" in panel.choice.text() and graph.chosen == [first]
    qtbot.mouseClick(graph.viewport(), LEFT, pos=edge_pixel(graph, *second))
    assert panel.pair == (first, second) and graph.chosen == [first, second]
    assert "w[2][3,5]</b> and <b>w[3][7,2]" in panel.choice.text()
    net = window.run.graph_network()
    qtbot.waitUntil(lambda: mapped(panel, first, second, net), timeout=30_000)
    surface = panel.two_view.surface
    assert surface.current == (float(net.weights[1][3, 5]), float(net.weights[2][7, 2]))
    assert surface.costs[20, 20] == pytest.approx(network_cost(net, panel.sample), rel=1e-5)

    images = window.weights_panel.view
    pixel = (1, 4, 13 * 28 + 15)
    qtbot.mouseClick(images.viewport(), LEFT, Qt.KeyboardModifier.ControlModifier, pos=images.cell_point(pixel))
    assert panel.pair == (second, pixel) and graph.chosen == [second, pixel]
    framed = [f.rect().center() for f in images.chosen_frames if f.isVisible()]  # only the pixel is in this layer
    assert framed == [images._weight_cell(pixel).center()] and images.selected is None
    qtbot.waitUntil(lambda: mapped(panel, second, pixel, net), timeout=30_000)
    assert panel.two_view.surface.costs[20, 20] == pytest.approx(network_cost(net, panel.sample), rel=1e-5)


def test_the_surface_follows_the_recorded_path_to_the_moment_shown(window, qtbot):
    """After training, the whole-network surface lies on the plane of the run's recorded checkpoints (at most 64
    of them and the live point), whose projection ends at the current point; at a recorded moment of the
    timeline the path is the run up to that moment."""
    w = window
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.latest.step >= 400, timeout=30_000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not w.latest.running and w.run.checkpoints > 100, timeout=10_000)
    panel = w.analysis.landscape_panel
    w.analysis.landscape_dock.raise_()
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.surface_view.surface is not None and panel.surface_view.surface.kind == "path"
                    and panel.surface_view.surface.steps[-1] == w.latest.step, timeout=30_000)
    surface = panel.surface_view.surface
    recorded = set(w.run.recording.steps.tolist())
    assert len(surface.path) <= 65 and surface.steps[0] == 0 and set(surface.steps[:-1].tolist()) <= recorded
    np.testing.assert_allclose(surface.path[-1], (0.0, 0.0), atol=1e-4)
    assert surface.explained[0] > 0.3  # the run's main direction holds much of its path
    middle = w.run.checkpoints // 2
    w.timeline.move_to(middle)
    step = int(w.run.recording.steps[middle])
    qtbot.waitUntil(lambda: panel.surface_view.surface.steps[-1] == step, timeout=30_000)
    assert set(panel.surface_view.surface.steps.tolist()) <= {s for s in recorded if s <= step}
    np.testing.assert_allclose(panel.surface_view.surface.path[-1], (0.0, 0.0), atol=1e-4)
