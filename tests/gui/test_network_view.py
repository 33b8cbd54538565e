"""The network graph: follows the input, shows the right numbers, colours edges by sign, selects on click."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtWidgets import QApplication

from nnviz.core.network import Network
from nnviz.gui.network_view import STRENGTHS, NetworkView

from .picking import edge_pixel


@pytest.fixture
def view(shown):
    return shown(NetworkView(), 900, 560)


def hand_set_network():
    """784-3-2-10 with known weights: signs alternate, biases 0.1 × index."""
    net = Network((784, 3, 2, 10), seed=0)
    for l, w in enumerate(net.weights):
        w[...] = np.where(np.arange(w.size).reshape(w.shape) % 2 == 0, 0.5, -0.25) * (l + 1)
        net.biases[l][...] = 0.1 * np.arange(len(net.biases[l]))
    return net


def segments(item):
    x = item.xData
    return 0 if x is None else len(x) // 2


def drawn_edges(view):
    """Edges on screen: the line item's segments, or the repainted picture's edges when it is shown."""
    if view.raster.isVisible():
        return len(view.raster.keys)
    return int(view.edges.counts.sum())


def test_edge_colours_follow_weight_signs(view):
    """Every drawn edge is in a positive colour iff its weight is positive; all 784 inputs drawn at K=784 (those as
    the incrementally painted picture, whose bucket keys are checked; the rest as the line item's segments)."""
    net = hand_set_network()
    view.set_input_edges(784)
    view.show_network(net, np.zeros(784, np.float32))
    raster_keys = view.raster.keys if view.raster.isVisible() else np.empty(0, int)
    lines = view.edges.counts if view.edges.isVisible() else np.zeros(2 * STRENGTHS, int)
    positive = int(lines[:STRENGTHS].sum()) + int((raster_keys < STRENGTHS).sum())
    negative = int(lines[STRENGTHS:].sum()) + int((raster_keys >= STRENGTHS).sum())
    weights = np.concatenate([w.ravel() for w in net.weights])
    assert positive == (weights > 0).sum() and negative == (weights < 0).sum()
    assert drawn_edges(view) == 784 * 3 + 3 * 2 + 2 * 10


def test_raster_of_all_input_edges_matches_the_weights_and_repaints_incrementally(view):
    """With K = 784 on the default network, the input edges' picture holds one bucket per weight (sign and
    strength as the curve items would have them); a small change repaints only what changed, not everything."""
    net = Network(seed=3)
    view.set_input_edges(784)
    view.show_network(net, np.zeros(784, np.float32))
    assert view.raster.isVisible() and len(view.raster.keys) == drawn_edges(view) == 12_960
    w = np.concatenate([w.ravel() for w in net.weights])
    np.testing.assert_array_equal(view.raster.keys < STRENGTHS, w >= 0)
    image = view.raster.image
    assert image is not None and not image.isNull()
    # a mark in the picture's corner, where no edge runs: only a full redraw (which clears the picture) erases it
    assert image.pixel(0, 0) == 0
    image.setPixel(0, 0, 0xFFFFFFFF)
    net.weights[0][0, :5] *= -1  # five edges change sign
    view.show_network(net, np.zeros(784, np.float32))
    assert view.raster.image.pixel(0, 0) == 0xFFFFFFFF  # repainted incrementally
    np.testing.assert_array_equal(view.raster.keys[:784] < STRENGTHS, net.weights[0][0] >= 0)
    net.weights[0][...] *= -1  # every input edge changes sign: the whole picture is redrawn
    view.show_network(net, np.zeros(784, np.float32))
    assert view.raster.image.pixel(0, 0) == 0
    view.set_input_edges(32)
    assert not view.raster.isVisible()


def test_top_k_input_edges_are_the_strongest(view):
    """With K = 5, each first-layer neuron shows its 5 largest |w| inputs."""
    net = Network(seed=1)
    view.set_input_edges(5)
    view.show_network(net, np.zeros(784, np.float32))
    idx, w = view.edge_weights(1)
    assert len(idx) == 16 * 5
    for j in range(16):
        mine = idx[(idx // 784) == j] % 784
        assert set(mine) == set(np.argsort(-np.abs(net.weights[0][j]))[:5])


def test_activations_shown_are_the_forward_pass(view):
    """Neuron shading uses the network's real activations for the given input."""
    net = Network(seed=2)
    x = np.random.default_rng(0).random(784).astype(np.float32)
    view.show_network(net, x)
    fp = net.forward(x[None])
    for shown, real in zip(view.activations(), fp.activations):
        np.testing.assert_allclose(shown, real[0], rtol=1e-6)
    (x_mark, y_mark), = view.marks.positions
    assert (x_mark, y_mark) == tuple(view.layout.columns[-1][int(np.argmax(fp.output))])


def test_hover_text_is_right_for_a_known_neuron(view, qtbot):
    """Hovering hidden neuron 2 of layer 1 shows its activation, bias and weighted sum."""
    net = hand_set_network()
    x = np.zeros(784, np.float32)
    x[0] = 1.0  # only pixel 0 lit: z_j = w_j0 + b_j
    view.show_network(net, x)
    qtbot.mouseMove(view.viewport(), view.view_point(1, 2))
    qtbot.waitUntil(lambda: view.hovered == (1, 2), timeout=2000)
    text = view.describe(1, 2)
    z = net.weights[0][2, 0] + net.biases[0][2]
    assert f"{net.biases[0][2]:+.3f}" in text and f"{z:+.3f}" in text
    assert f"{1 / (1 + np.exp(-z)):.3f}" in text
    assert view.hover_text.isVisible() and view.hover_image.isVisible()  # first layer: weight thumbnail
    # the thumbnail sits clear of the text box (it used to hide behind it), and both stay inside the view
    qtbot.wait(50)
    box = view.hover_text.mapRectToScene(view.hover_text.boundingRect())
    thumb = view.hover_image.mapRectToScene(view.hover_image.boundingRect())
    assert not box.intersects(thumb)
    shown_area = view.vb.mapRectToScene(view.vb.boundingRect())
    assert shown_area.contains(box) and shown_area.contains(thumb)
    # the pointer leaves the graph straight from the neuron: the box goes, and the next frame does not bring it back
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    view.show_network(net, x)
    assert view.hovered is None and not view.hover_text.isVisible() and not view.hover_image.isVisible()


def test_click_selects_highlights_and_clears(view, qtbot):
    """Clicking a neuron emits its (layer, index) and highlights exactly its in/out edges; clicking again clears."""
    net = hand_set_network()
    view.set_input_edges(784)
    view.show_network(net, np.zeros(784, np.float32))
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(2, 1))
    assert sig.args == [2, 1]
    assert sum(segments(i) for i in view.highlight_items) == 3 + 10  # 3 in, 10 out
    assert view.edges.opacity() < 0.5
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(2, 1))
    assert sig.args == [-1, -1] and view.edges.opacity() == 1.0


def test_new_architecture_rebuilds_the_layout(view):
    """784-100-10 and 784-32-32-32-10 lay out with every neuron inside the view, in distinct places."""
    for sizes in ((784, 100, 10), (784, 32, 32, 32, 10)):
        view.show_network(Network(sizes, seed=0), np.zeros(784, np.float32))
        assert view.layout.sizes == sizes and len(view.layout.neuron_xy) == sum(sizes[1:])
        assert len(np.unique(view.layout.neuron_xy.round(6), axis=0)) == sum(sizes[1:])
        assert len(view.labels) == 10
        r = view.vb.viewRange()
        assert view.layout.neuron_xy[:, 0].max() < r[0][1] and np.abs(view.layout.neuron_xy[:, 1]).max() < r[1][1]


def test_graph_follows_the_canvas_in_the_window(window, qtbot):
    """Drawing on the canvas changes the input activations the graph shows (one source of truth for the input)."""
    from PySide6.QtCore import QPoint

    canvas = window.draw_panel.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 60))
    for y in range(70, 260, 10):
        qtbot.mouseMove(canvas, QPoint(150, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(150, 250))
    qtbot.waitUntil(lambda: bool(window.network_view.activations()) and
                    np.array_equal(window.network_view.activations()[0], canvas.network_input()), timeout=3000)
    assert window.network_view.activations()[0].max() > 0.9


def test_legend_sits_above_the_graph(window, qtbot):
    """The colour key is a strip above the graph, not text inside the plot: it wraps within the graph's width at
    any window size and covers no neuron; while the backprop overlay is on it says what those colours mean."""
    legend, view = window.network_view.legend, window.network_view
    window.resize(1000, 650)  # as narrow as the docks allow
    qtbot.waitUntil(lambda: view.layout is not None, timeout=5000)
    assert legend.isVisible() and legend.parent() is view.parent()
    assert legend.geometry().bottom() < view.geometry().top()
    assert legend.width() <= view.width() + 1 and legend.wordWrap()
    assert "positive weight" in legend.text() and "Neuron tab" in legend.text()  # where a click leads
    r = view.vb.viewRange()
    assert np.abs(view.layout.neuron_xy[:, 1]).max() < r[1][1]
    view.set_backprop([np.zeros_like(x) for x in view.network.weights], [None] * len(view.network.sizes))
    assert "nudge" in legend.text()
    view.set_backprop(None, None)
    assert "positive weight" in legend.text()


def test_input_image_is_drawn_upright_where_its_edges_leave(view, qtbot):
    """The digit in the graph stands the right way up: with only the top-left pixel lit, the painted window is
    bright exactly where that pixel's edges leave from (top left of the input square) and dark at the bottom
    left. (The plot's y grows upwards; drawn naively, every digit stood on its head.)"""
    x = np.zeros(784, np.float32)
    x[:3] = 1.0  # row 0, columns 0-2: a short bar along the top edge
    view.show_network(Network((784, 16, 16, 10), seed=0), x)
    qtbot.wait(50)
    picture = view.grab().toImage()
    ratio = picture.devicePixelRatio()

    def brightness(pixel_index):
        px, py = view.layout.input_xy[pixel_index]
        at = view.mapFromScene(view.vb.mapViewToScene(pg_point(px, py)))
        return picture.pixelColor(int(at.x() * ratio), int(at.y() * ratio)).lightness()

    assert brightness(1) > 200  # row 0, column 1: lit, at the top
    assert brightness(27 * 28 + 1) < 50  # row 27, column 1: dark, at the bottom


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(float(x), float(y))


def test_large_layers_are_thinned_to_their_strongest_edges(view, qtbot):
    """784-1000-10 would be 42,000 lines a frame (~60 ms of Qt drawing, a frozen window): the graph draws each
    neuron's strongest few incoming edges, at most a few thousand in all, and says so; the default network and
    the all-edges picture (K = 784) are drawn in full."""
    from nnviz.core import graph_layout as nv

    net = Network((784, 1000, 10), seed=0)
    view.show_network(net, np.zeros(784, np.float32))
    assert drawn_edges(view) <= nv.INPUT_EDGE_BUDGET + nv.LAYER_EDGE_BUDGET
    k1, k2 = view.edges_per_neuron(1), view.edges_per_neuron(2)
    assert k1 == 2 and k2 == 100 and "large network" in view.thinning_note()
    idx, w = view.edge_weights(2)  # each output keeps its strongest incoming edges
    kept = np.zeros(net.weights[1].size, bool)
    kept[idx] = True
    kept = kept.reshape(net.weights[1].shape)
    a = np.abs(net.weights[1])
    for j in range(10):
        assert a[j, kept[j]].min() >= a[j, ~kept[j]].max()
    view.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    assert drawn_edges(view) == 16 * 32 + 16 * 16 + 16 * 10 and view.thinning_note() == ""


def test_window_says_when_the_graph_is_thinned(make_window, qtbot):
    """The note beside the K box appears for a large network and goes again for the default one."""
    w = make_window(None)  # the example network, 784-16-16-10
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    w._show_graph()
    assert w.network_panel.thinning_label.text() == ""
    big = Network((784, 1000, 10), seed=0)
    from nnviz.core.snapshot import Snapshot
    from nnviz.core.training import preset

    w.on_snapshot(Snapshot.of_network(big, preset("video", sizes=(784, 1000, 10))))
    w._show_graph()
    assert "large network" in w.network_panel.thinning_label.text()


def test_the_key_says_how_relu_and_tanh_are_shaded(view):
    """ReLU has no top and tanh goes to −1: with such hidden layers the key says how their fill reads, and it
    returns to the plain 0 → 1 for sigmoid."""
    x = np.zeros(784, np.float32)
    view.show_network(Network((784, 16, 16, 10), activation="relu", seed=0), x)
    assert "ReLU" in view.legend.text()
    view.show_network(Network((784, 16, 16, 10), activation="tanh", seed=0), x)
    assert "tanh layers: black −1" in view.legend.text()
    view.show_network(Network((784, 16, 16, 10), seed=0), x)
    assert "ReLU" not in view.legend.text() and "tanh" not in view.legend.text()


def test_hover_box_of_an_output_neuron_stays_inside(view, qtbot):
    """The output layer sits at the right edge: its hover box opens to the left of the neuron, inside the view."""
    view.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    area = view.vb.mapRectToScene(view.vb.boundingRect())
    for index in (0, 9):
        qtbot.mouseMove(view.viewport(), view.view_point(3, index))
        qtbot.waitUntil(lambda: view.hovered == (3, index), timeout=2000)
        qtbot.wait(50)
        box = view.hover_text.mapRectToScene(view.hover_text.boundingRect())
        assert area.contains(box), (index, box, area)


@pytest.mark.parametrize("palette", ["standard", "colour-blind safe"])
def test_both_highlight_pens_follow_the_palette(view, qtbot, palette):
    """A selected neuron's positive and negative edges are drawn in the palette's two colours, in both palettes
    and after switching between them (the positive pen once kept pyqtgraph's default grey: only the negative one
    was set)."""
    from PySide6.QtGui import QColor

    from nnviz.gui import theme

    other = "standard" if palette != "standard" else "colour-blind safe"
    for name in (other, palette):  # switch there and back: each switch must set both pens
        view.set_palette(name)
    net = hand_set_network()
    view.show_network(net, np.zeros(784, np.float32))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(2, 1))
    assert view.selected == (2, 1) and all(segments(i) for i in view.highlight_items)
    for item, key in zip(view.highlight_items, ("positive", "negative")):
        assert item.opts["pen"].color() == QColor(*theme.PALETTES[palette][key]), key


def test_neuron_fills_follow_each_new_input(view):
    """Each neuron's grey is its activation (black 0 → white 1) for the input shown now, frame after frame,
    including a frame that repeats the last one (skipped) and one that goes back to an earlier input."""
    net = Network(seed=2)
    rng = np.random.default_rng(0)
    inputs = [rng.random(784).astype(np.float32) for _ in range(2)]
    for x in (inputs[0], inputs[1], inputs[1], inputs[0]):
        view.show_network(net, x)
        acts = np.concatenate([a[0] for a in net.forward(x[None]).activations[1:]])
        greys = np.array([view.neurons.fills[level].color().red() for level in view.neurons.levels])
        np.testing.assert_allclose(greys, acts * 255, atol=255 / 32 / 2 + 1)


def test_a_resized_graph_resizes_its_neurons_and_labels_without_a_new_frame(view, qtbot):
    """Shrunk (while paused: no frame comes), the neurons and the output digits' labels shrink with the graph; they
    used to keep their size and overlap at the window's minimum size."""
    view.show_network(Network(seed=0), np.zeros(784, np.float32))
    big = view._neuron_size_drawn[0]
    label_before = view.labels[0].textItem.font().pixelSize()
    view.resize(260, 300)
    qtbot.waitUntil(lambda: view._neuron_size_drawn[0] < big, timeout=2_000)
    spacing = view.layout.spacing / view.vb.viewPixelSize()[1]
    assert view._neuron_size_drawn[0] <= 0.8 * spacing + 1e-6
    assert view.labels[0].textItem.font().pixelSize() < label_before


def test_a_click_on_an_edge_names_its_weight_and_keeps_the_selection(view, qtbot):
    """A real click on an edge emits (layer, j, k) of its weight — an input edge from its pixel, edges between
    neurons — and leaves a selected neuron selected (two of its edges can be picked); a click on a neuron still
    selects it, and one on empty space still clears."""
    net = hand_set_network()
    view.show_network(net, np.zeros(784, np.float32))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(2, 1))
    assert view.selected == (2, 1)
    drawn = view.edge_weights(1)[0]
    k = int(drawn[drawn // 784 == 2][0] % 784)
    for edge in ((2, 1, 0), (3, 4, 1), (1, 2, k)):
        with qtbot.waitSignal(view.edge_clicked, timeout=2000) as sig:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=edge_pixel(view, *edge))
        assert sig.args == list(edge) and view.selected == (2, 1)
    with qtbot.assertNotEmitted(view.edge_clicked):
        with qtbot.waitSignal(view.neuron_selected, timeout=2000) as sig:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(3, 4))
    assert sig.args == [3, 4]
    empty = view.mapFromScene(view.vb.mapViewToScene(QPointF(1.2, 0.95)))
    with qtbot.waitSignal(view.neuron_selected, timeout=2000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=empty)
    assert sig.args == [-1, -1]


def test_hovering_an_edge_says_which_weight_it_is(view, qtbot):
    """The pointer on an edge shows its weight's value, where it runs from and to, and that a click maps it."""
    net = hand_set_network()
    view.show_network(net, np.zeros(784, np.float32))
    qtbot.mouseMove(view.viewport(), edge_pixel(view, 2, 1, 0))
    qtbot.waitUntil(view.hover_text.isVisible, timeout=2000)
    text = view.hover_text.textItem.toPlainText()
    assert f"w = {net.weights[1][1, 0]:+.3f}" in text
    assert "from hidden layer 1, neuron 0" in text and "to hidden layer 2, neuron 1" in text and "click" in text


def test_chosen_weights_are_marked_on_their_edges(view):
    """Chosen weights are drawn over the graph as their own edges (a bias has none) and the key says what they are;
    a new architecture forgets them."""
    view.show_network(hand_set_network(), np.zeros(784, np.float32))
    view.mark_weights([(1, 2, 400), (3, 4, 1), (2, 0, 3)])  # the last is neuron 0's bias in layer 2 (n_in = 3)
    x = view.chosen_item.xData
    assert len(x) == 4
    np.testing.assert_allclose([x[0], view.chosen_item.yData[0]], view.layout.position(0, 400))
    assert "mapped in Gradient descent" in view.legend.text()  # the key says what the thick edges are
    view.show_network(Network((784, 16, 10), seed=0), np.zeros(784, np.float32))
    assert view.chosen == [] and len(view.chosen_item.xData) == 0
    assert "mapped in Gradient descent" not in view.legend.text()
