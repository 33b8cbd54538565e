"""The graph's frames: its edges drawn by the one line item where they run, and touched only when they change."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from nnviz.core.network import Network
from nnviz.gui.edge_raster import EdgeLines
from nnviz.gui.network_view import NetworkView


@pytest.fixture
def view(shown):
    return shown(NetworkView(), 900, 560)


def screen_point(view, x, y):
    """Where view point (x, y) is in the widget's own pixels."""
    return view.mapFromScene(view.vb.mapViewToScene(QPointF(float(x), float(y))))


def test_the_line_item_paints_each_edge_where_it_runs_in_its_bucket_s_colour(view, qtbot):
    """784-2-10 with one input edge per neuron: on the painted window, a point of each drawn input edge (between
    the input image, which covers its start, and its neuron) has exactly the colour of its bucket's pen, and the
    segments are the layout's own coordinates."""
    net = Network((784, 2, 10), seed=0)
    net.weights[0][...] = 0.0
    net.weights[0][0, 5 * 28 + 3] = 2.0  # neuron 0's strongest input: a positive edge from pixel (5, 3)
    net.weights[0][1, 20 * 28 + 24] = -2.0  # neuron 1's: a negative one from pixel (20, 24)
    view.set_input_edges(1)
    view.show_network(net, np.zeros(784, np.float32))
    qtbot.wait(50)
    picture = view.grab().toImage()
    ratio = picture.devicePixelRatio()
    for neuron, pixel in ((0, 5 * 28 + 3), (1, 20 * 28 + 24)):
        start, end = view.layout.input_xy[pixel], view.layout.columns[0][neuron]
        bucket = next(b for b in range(len(view.edges.pens))
                      if any(np.allclose(row, [*start, *end]) for row in view.edges.segments(b)))
        at = screen_point(view, *(start + 0.8 * (end - start)))
        x, y = int(at.x() * ratio), int(at.y() * ratio)
        around = {picture.pixelColor(x + dx, y + dy).name() for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
        assert view.edges.pens[bucket].color().name() in around, f"neuron {neuron}: only {around} on its edge"
    assert (bucket < len(view.edges.pens) // 2) is False  # the last edge checked is a negative one


def test_a_stroke_redraws_no_edge_but_new_weights_do(view, monkeypatch):
    """A new input with the same weights (a stroke, or a paused network's frame) leaves the edges as they are;
    weights changed in place (the same network object) or another network redraw them."""
    drawn = []
    original = EdgeLines.show_edges
    monkeypatch.setattr(EdgeLines, "show_edges", lambda self, *a: (drawn.append(1), original(self, *a)))
    net = Network(seed=4)
    rng = np.random.default_rng(0)
    view.show_network(net, rng.random(784).astype(np.float32))
    assert len(drawn) == 1
    view.show_network(net, rng.random(784).astype(np.float32))
    assert len(drawn) == 1, "a stroke redrew the edges"
    net.weights[0][...] *= -1
    view.show_network(net, np.zeros(784, np.float32))
    assert len(drawn) == 2
    view.show_network(Network(seed=5), np.zeros(784, np.float32))
    assert len(drawn) == 3
