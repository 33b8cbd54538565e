"""The neuron inspector in the real window: a real click on the graph (or a weight image) shows that neuron's
numbers, equal to the network's own forward pass for the drawing; it follows training and the timeline's cursor;
``inspect()`` is there for the tour; and the panel itself writes out softmax and draws the neuron's row."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from nnviz.core.inspection import read_neuron
from nnviz.core.network import Network
from nnviz.gui.inspector import InspectorPanel
from nnviz.gui.inspector_dock import in_front
from nnviz.gui import theme
from nnviz.gui.inspector_plots import coloured, number
from nnviz.gui.sum_table import beside
from nnviz.gui.theme import nice_limit


def settle(w, qtbot) -> None:
    """Wait until the frame scheduler has drawn everything that changed."""
    qtbot.waitUntil(lambda: not w.frames.busy and not w.frames._pending, timeout=5_000)
    qtbot.wait(60)
    qtbot.waitUntil(lambda: not w.frames.busy and not w.frames._pending, timeout=5_000)


def own_numbers(w, layer: int, j: int) -> tuple[float, float]:
    """The shown network's own z and a for neuron ``j`` of ``layer`` and the canvas's drawing (its forward pass)."""
    net = w.run.graph_network()
    forward = net.forward(w.draw_panel.canvas.network_input()[None, :])
    return float(forward.weighted_sums[layer - 1][0, j]), float(forward.activations[layer][0, j])


def shows(w, layer: int, j: int) -> bool:
    """The inspector shows neuron ``j`` of ``layer`` with the shown network's own numbers for the drawing."""
    r = w.inspector.panel.reading
    if r is None or (r.layer, r.index) != (layer, j):
        return False
    z, a = own_numbers(w, layer, j)
    return abs(r.weighted_sum - z) < 1e-4 and abs(r.activation - a) < 1e-5


def click_neuron(w, qtbot, layer: int, j: int) -> None:
    """A real left click on neuron ``j`` of ``layer`` in the graph."""
    view = w.network_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=5_000)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(layer, j))


def test_a_click_on_the_graph_shows_the_neurons_own_numbers_and_they_follow_the_timeline(window, qtbot):
    """The issue's check: with an MNIST digit on the canvas and a few steps taken, a click on a hidden neuron in the
    graph raises the Neuron dock, and its z, a (and the text's z) equal the network's own forward pass; Home shows
    the starting network's numbers for the same neuron, End the live ones again, and a step of training moves
    them."""
    w = window
    qtbot.mouseClick(w.draw_panel.mnist_button, Qt.MouseButton.LeftButton)
    for _ in range(3):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 3 and w.run.checkpoints == 4, timeout=10_000)
    assert not in_front(w.inspector_dock)  # behind the Training tab
    with qtbot.waitSignal(w.inspector.inspected, timeout=2_000) as signal:
        click_neuron(w, qtbot, 2, 4)
    assert signal.args == [2, 4]
    qtbot.waitUntil(lambda: shows(w, 2, 4), timeout=3_000)
    assert in_front(w.inspector_dock)
    z_live, _ = own_numbers(w, 2, 4)
    written = w.inspector.panel.sum_text.text()
    assert f"= z (the weighted sum) {number(z_live)}\na = σ(z) = σ({number(z_live)})" in written
    qtbot.keyClick(w, Qt.Key.Key_Home)
    settle(w, qtbot)
    assert w.run.shown().step == 0
    start = read_neuron(Network(seed=0), w.draw_panel.canvas.network_input(), 2, 4)
    assert shows(w, 2, 4) and w.inspector.panel.reading.weighted_sum == pytest.approx(start.weighted_sum, abs=1e-4)
    assert abs(start.weighted_sum - z_live) > 1e-4  # three steps changed this neuron's sum
    qtbot.keyClick(w, Qt.Key.Key_End)
    settle(w, qtbot)
    assert shows(w, 2, 4) and w.inspector.panel.reading.weighted_sum == pytest.approx(z_live, abs=1e-4)
    qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 4, timeout=5_000)
    qtbot.waitUntil(lambda: shows(w, 2, 4) and abs(w.inspector.panel.reading.weighted_sum - z_live) > 1e-6,
                    timeout=3_000)


def test_a_weight_image_and_an_output_neuron_are_inspected_and_the_drawing_is_followed(window, qtbot):
    """A click on a weight image shows that first-layer unit (its inputs named as pixels); a click on an output
    neuron shows it with its σ; a new drawing updates the numbers; a click on empty space clears the inspector."""
    w = window
    weights = w.weights_panel.view
    qtbot.waitUntil(lambda: weights.network is not None, timeout=5_000)
    qtbot.mouseClick(w.draw_panel.mnist_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(weights.viewport(), Qt.MouseButton.LeftButton, pos=weights.view_point(7))
    qtbot.waitUntil(lambda: shows(w, 1, 7), timeout=3_000)
    assert "pixel (" in w.inspector.panel.sum_text.text()
    click_neuron(w, qtbot, 3, 2)
    qtbot.waitUntil(lambda: shows(w, 3, 2), timeout=3_000)
    assert "output neuron 2" in w.inspector.panel.title.text()
    assert "σ" in w.inspector.panel.squish_text.text()
    before = w.inspector.panel.reading.weighted_sum
    qtbot.mouseClick(w.draw_panel.mnist_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shows(w, 3, 2) and w.inspector.panel.reading.weighted_sum != before, timeout=3_000)
    click_neuron(w, qtbot, 3, 2)  # the same neuron again: the graph clears its selection, and so does the inspector
    qtbot.waitUntil(lambda: w.inspector.panel.reading is None, timeout=3_000)
    assert "Click a neuron" in w.inspector.panel.title.text()


def test_the_inspector_computes_only_while_it_can_be_seen(window, qtbot):
    """Behind another tab the inspector draws nothing (its numbers stay those of the old network); brought forward
    it shows the current ones at once. A click while the Backpropagation tab is open leaves that tab in front."""
    w = window
    w.inspector.inspect(1, 3)
    qtbot.waitUntil(lambda: shows(w, 1, 3), timeout=3_000)
    w.controls_dock.raise_()
    qtbot.waitUntil(lambda: not in_front(w.inspector_dock), timeout=2_000)
    old = w.inspector.panel.reading
    qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 1, timeout=5_000)
    settle(w, qtbot)
    assert w.inspector.panel.reading is old
    w.inspector_dock.raise_()
    qtbot.waitUntil(lambda: w.inspector.panel.reading is not old and shows(w, 1, 3), timeout=3_000)
    w.backprop_dock.raise_()
    qtbot.waitUntil(lambda: in_front(w.backprop_dock), timeout=2_000)
    click_neuron(w, qtbot, 2, 5)
    assert w.inspector.chosen == (2, 5) and in_front(w.backprop_dock) and not in_front(w.inspector_dock)


def test_inspect_opens_the_dock_and_selects_the_neuron_everywhere(make_window, qtbot):
    """The tour's way in, without MNIST (the example network): ``inspect(layer, j)`` reopens a closed dock, puts it
    in front, selects the neuron in the graph and the weight images, and says so with ``inspected`` (each time it is
    asked); its matrix takes the colour-blind-safe palette with the graph; ``inspect(-1, -1)`` clears all three; a
    click on the graph does not reopen a dock the user closed."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.weights_panel.view.network is not None, timeout=5_000)
    w.inspector_dock.close()
    click_neuron(w, qtbot, 1, 2)
    assert w.inspector.chosen == (1, 2) and not w.inspector_dock.isVisible()  # closed: really hidden
    with qtbot.waitSignal(w.inspector.inspected, timeout=2_000) as signal:
        w.inspector.inspect(2, 9)
    assert signal.args == [2, 9]
    qtbot.waitUntil(lambda: in_front(w.inspector_dock), timeout=2_000)
    assert w.network_view.selected == (2, 9) and w.weights_panel.view.selected == 9
    qtbot.waitUntil(lambda: shows(w, 2, 9), timeout=3_000)
    assert "h1 neuron" in w.inspector.panel.sum_text.text()
    assert "16×16 · 16 + 16 → 16" in w.inspector.panel.matrix_text.text()
    w.colourblind_action.setChecked(True)  # View → colour-blind-safe colours: the matrix follows the graph's

    def matrix_in(palette: str) -> bool:
        weights = w.run.graph_network().weights[1]
        limit = nice_limit(float(np.abs(weights).max()))
        expected = coloured(weights, -limit, limit, theme.diverging_lut(palette))
        return np.array_equal(w.inspector.panel.matrix.w_image.image, expected)

    qtbot.waitUntil(lambda: matrix_in("colour-blind safe"), timeout=3_000)
    with qtbot.waitSignal(w.inspector.inspected, timeout=2_000) as again:  # the same neuron asked for again
        w.inspector.inspect(2, 9)
    assert again.args == [2, 9]
    with qtbot.waitSignal(w.inspector.inspected, timeout=2_000) as cleared:
        w.inspector.inspect(-1, -1)
    assert cleared.args == [-1, -1] and w.network_view.selected is None and w.inspector.panel.reading is None


def test_the_panel_writes_out_softmax_and_frames_the_neurons_row(shown, qtbot):
    """For a softmax output the panel says how softmax differs, its curve passes through the marked (z, a), and the
    matrix frames this neuron's row of W; the blank canvas is said to make every term 0."""
    panel = shown(InspectorPanel(), 320, 520)
    net = Network((784, 16, 10), output="softmax", cost="cross-entropy", seed=2)
    x = np.zeros(784, np.float32)
    x[300:420] = 0.8
    r = read_neuron(net, x, 2, 6)
    panel.show_neuron(net, r)
    assert "add up to 1" in panel.squish_text.text() and "Softmax reads all ten" in panel.squish_text.text()
    assert "10×16 · 16 + 10 → 10" in panel.matrix_text.text()
    curve_z, curve_a = panel.curve.curve.getData()
    dot_z, dot_a = panel.curve.dot.getData()
    assert np.interp(dot_z[0], curve_z, curve_a) == pytest.approx(dot_a[0], abs=2e-3)
    assert dot_z[0] == r.weighted_sum and dot_a[0] == r.activation
    _, ys = panel.matrix.frames.getData()
    assert ys.min() == pytest.approx(6 / 10) and ys.max() == pytest.approx(7 / 10)  # row 6 of 10
    blank = read_neuron(net, np.zeros(784, np.float32), 1, 0)
    panel.show_neuron(net, blank)
    assert "784 terms (all 0: blank pixels)" in panel.sum_text.text()
    fm = QFontMetrics(panel.sum_text.font())  # in a narrow dock such a line gives way to its number, not over it
    cut = beside(fm, "+ 784 terms (all 0: blank pixels)", "+0.000", 200)
    assert cut.endswith("…") and fm.horizontalAdvance(cut) + fm.horizontalAdvance("+0.000") < 200
    assert beside(fm, "+ b (the bias)", "+0.000", 200) == "+ b (the bias)"
    panel.clear()
    assert not panel.curve.isVisible() and "Click a neuron" in panel.title.text()


def test_a_new_architecture_clears_the_choice(window, qtbot):
    """Reset to 784-30-10: the graph clears its selection, and the inspector stops showing a neuron that is gone
    (rather than showing whichever neuron now has the same number)."""
    w = window
    w.inspector.inspect(2, 5)
    qtbot.waitUntil(lambda: shows(w, 2, 5), timeout=3_000)
    w.controls.layers_edit.setText("30")
    qtbot.mouseClick(w.controls.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.latest.sizes == (784, 30, 10), timeout=10_000)
    qtbot.waitUntil(lambda: getattr(w.network_view.layout, "sizes", None) == (784, 30, 10), timeout=5_000)  # no graph
    # is laid out before its first frame, which a loaded machine may not have reached yet
    qtbot.waitUntil(lambda: w.inspector.chosen is None and w.inspector.panel.reading is None, timeout=5_000)
    assert w.network_view.selected is None and "Click a neuron" in w.inspector.panel.title.text()
    settle(w, qtbot)  # the weight images too have the new layer before the click selects one of its 30 units
    click_neuron(w, qtbot, 1, 29)
    qtbot.waitUntil(lambda: shows(w, 1, 29), timeout=5_000)


@pytest.mark.parametrize("z", [-5.5, -1.5, 0.0, 1.5, 5.8])
def test_the_curves_label_covers_neither_the_curve_nor_leaves_the_plot(shown, qtbot, z):
    """Wherever z falls on the sigmoid, the yellow z/a label sits inside the plot and no point of the curve is under
    it (next to the dot it covered the rising curve)."""
    from nnviz.gui.inspector_plots import SquishView

    view = shown(SquishView(), 300, 150)
    curve_z = np.linspace(-7, 7, 241)
    curve_a = 1 / (1 + np.exp(-curve_z))
    a = float(1 / (1 + np.exp(-z)))
    view.show_curve(curve_z, curve_a, (-7.0, 7.0), (-0.06, 1.06), z, a)
    qtbot.wait(50)
    box = view.label.mapRectToView(view.label.boundingRect())
    assert -7.0 <= box.left() and box.right() <= 7.0 and -0.06 <= box.top() and box.bottom() <= 1.06
    under = (curve_z >= box.left()) & (curve_z <= box.right())
    assert not np.any((curve_a[under] >= box.top()) & (curve_a[under] <= box.bottom()))
