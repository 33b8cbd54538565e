"""Weight images: pixels are the weights, the grid reflows, toggles work, selection follows the graph and back."""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from nnviz.core.network import Network
from nnviz.gui.weights_view import BIAS_ROWS, GAP, SIDE, WeightsView, effective_weights, nice_limit


@pytest.fixture
def view(shown):
    return shown(WeightsView(), 600, 400)


def hand_set(sizes=(784, 6, 4, 10)):
    net = Network(sizes, seed=0)
    rng = np.random.default_rng(5)
    for w, b in zip(net.weights, net.biases):
        w[...] = rng.normal(size=w.shape)
        b[...] = rng.normal(size=b.shape)
    return net


def test_tile_pixels_equal_the_weights(view):
    """Each tile of the mosaic is exactly that unit's 784 incoming weights, laid out as 28×28; bias strip below."""
    net = hand_set()
    view.show_network(net, np.zeros(784, np.float32))
    for j in range(6):
        r = view.tile_rect(j)
        y, x = int(r.top()), int(r.left())
        np.testing.assert_array_equal(view.image.image[y : y + SIDE, x : x + SIDE], net.weights[0][j].reshape(SIDE, SIDE))
        strip = view.image.image[y + SIDE : y + SIDE + BIAS_ROWS, x : x + SIDE]
        assert np.all(np.sign(strip) == np.sign(net.biases[0][j]))
    lim = np.abs(net.weights[0]).max()
    shown = view.image.levels[1]
    assert view.image.levels[0] == -shown and lim <= shown <= 1.5 * lim  # symmetric, rounded up to a nice number


def test_times_input_and_deeper_layers(view):
    """× input multiplies by the current input; layer 2 shows W₂·W₁ (the linear approximation)."""
    net = hand_set()
    x = np.zeros(784, np.float32)
    x[100:200] = 1.0
    view.show_network(net, x)
    view.set_times_input(True)
    np.testing.assert_allclose(view.tiles().reshape(6, -1), net.weights[0] * x)
    assert view.colorbar.getAxis("left").labelText == "weight × input"  # the colour bar says what it measures
    view.set_times_input(False)
    assert view.colorbar.getAxis("left").labelText == "weight"
    view.set_layer(2)
    np.testing.assert_allclose(view.tiles().reshape(4, -1), net.weights[1] @ net.weights[0], rtol=1e-5)
    assert "linear approximation" in view.title.text


def test_grid_reflows_for_wide_layers(view):
    """16, 30 and 100 units all fit, in a grid of several rows and columns."""
    for n in (16, 30, 100):
        view.show_network(Network((784, n, 10), seed=0), np.zeros(784, np.float32))
        rows = view.image.image.shape[0] // (SIDE + BIAS_ROWS + GAP) + 1
        assert view.columns * rows >= n and view.columns > 1 and rows > 1


def test_click_selects_and_hover_describes(view, qtbot):
    """Clicking a tile emits (layer, unit) and frames it; hovering shows its bias and activation."""
    net = hand_set()
    view.show_network(net, np.full(784, 0.5, np.float32))
    with qtbot.waitSignal(view.unit_selected, timeout=2000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(3))
    assert sig.args == [1, 3] and view.frame.isVisible()
    text = view.describe(3)
    assert f"{net.biases[0][3]:+.3f}" in text
    a = net.forward(np.full((1, 784), 0.5, np.float32)).activations[1][0, 3]
    assert f"{a:.3f}" in text


def test_selection_syncs_with_the_graph_in_the_window(window, qtbot):
    """Selecting a neuron in the graph frames its weight image, and clicking a weight image selects the neuron."""
    qtbot.waitUntil(lambda: window.weights_panel.view.network is not None, timeout=5000)
    graph, weights = window.network_view, window.weights_panel.view
    graph.neuron_selected.emit(1, 5)
    assert weights.selected == 5
    qtbot.mouseClick(weights.viewport(), Qt.MouseButton.LeftButton, pos=weights.view_point(7))
    assert graph.selected == (1, 7)
    assert len(effective_weights(weights.network, 1)) == 16


def test_nice_limit_rounds_up_to_readable_numbers():
    """Colour ranges are round numbers at or just above the largest |weight|."""
    assert [nice_limit(v) for v in (0.83, 1.0, 1.2, 2.7, 4.1, 6.2, 9.9, 0.0)] == [1.0, 1.0, 1.5, 3.0, 5.0, 7.0, 10.0, 1.0]


def test_deeper_layer_fits_a_narrow_dock(shown, qtbot):
    """Layer 2 in a 560-pixel-wide panel: the mosaic and the colour bar stay inside the widget (the long title
    used to stretch the layout past the edge, cutting off the last column of tiles and the colour bar)."""
    view = shown(WeightsView(), 560, 220)
    view.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    view.set_times_input(True)
    for layer in (1, 2):
        view.set_layer(layer)
        qtbot.wait(200)  # let the layout settle
        for item in (view.vb, view.colorbar):
            assert item.mapRectToScene(item.boundingRect()).right() <= view.width() + 1


def test_hover_box_stays_inside_at_every_corner(shown, qtbot):
    """Hovering a tile at any corner of the mosaic, or just beside its middle, shows its box inside the view: it
    opens toward the middle where it fits (at the right-hand tiles it used to run off the edge, cut off mid-word),
    the other way where it does not (a box wider than half the view was cut off beside the middle); leaving the
    view hides it."""
    view = shown(WeightsView(), 565, 190)
    view.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    qtbot.wait(100)
    area = view.vb.mapRectToScene(view.vb.boundingRect())
    for unit in (0, 7, 8, 15, 3, 4, 11, 12):
        qtbot.mouseMove(view.viewport(), view.view_point(unit))
        qtbot.waitUntil(lambda: view.hover.isVisible(), timeout=2000)
        qtbot.wait(50)
        box = view.hover.mapRectToScene(view.hover.boundingRect())
        assert area.contains(box), (unit, box, area)
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert not view.hover.isVisible()


def test_sixteen_units_always_fill_their_rows_evenly():
    """16 tiles lay out as 16×1, 8×2, 4×4 or 2×8 whatever the panel's shape (never 7 + 7 + 2); a count with no
    even grid (13) gets rows as even as it allows; the chosen grid has the largest tiles among the even ones."""
    from nnviz.gui.weights_view import balanced_grid

    for width in range(150, 1600, 37):
        for height in range(100, 1000, 41):
            cols, rows = balanced_grid(16, width, height, 30, 32)
            assert cols * rows == 16, (width, height, cols, rows)
            cols, rows = balanced_grid(13, width, height, 30, 32)
            assert cols * rows >= 13 and cols * (rows - 1) < 13
            assert 2 * (13 - cols * (rows - 1)) >= cols  # the last row at least half full
    assert balanced_grid(16, 500, 160, 30, 32) == (8, 2)  # the default window's wide, short dock
    assert balanced_grid(16, 300, 300, 30, 32) == (4, 4)


def test_grid_follows_the_panel_shape_while_paused(shown, qtbot):
    """Resizing reflows the tiles at once, without a new frame (a paused network gets none)."""
    view = shown(WeightsView(), 900, 250)
    view.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    wide = view.columns
    view.resize(330, 700)
    qtbot.waitUntil(lambda: view.columns != wide, timeout=2000)
    assert wide >= 8 and view.columns <= 4 and 16 % view.columns == 0


def test_own_scale_toggle_keeps_every_pattern_at_full_contrast(shown, qtbot):
    """Clicking "each on its own scale" switches between per-unit colours (every tile's largest |w| at full colour,
    so tripled weights look the same) and one shared range (which grows with the weights); the colour bar says
    which is on."""
    from nnviz.gui.weights_view import WeightsPanel

    panel = shown(WeightsPanel(), 600, 300)
    view = panel.view
    net = hand_set()
    net.weights[0][2] *= 0.1  # one quiet unit: dim on a shared scale, full contrast on its own
    x = np.zeros(784, np.float32)
    panel.show_network(net, x)
    assert panel.per_unit.isChecked() and view.per_unit  # the default
    for j in range(6):
        tile = view.image.image[int(view.tile_rect(j).top()) :][:SIDE, int(view.tile_rect(j).left()) :][:, :SIDE]
        w = net.weights[0][j].reshape(SIDE, SIDE)
        np.testing.assert_allclose(tile, w / np.abs(w).max(), rtol=1e-5)
    assert tuple(view.image.levels) == (-1.0, 1.0) and "unit's max" in view.colorbar.getAxis("left").labelText
    per_unit = view.image.image.copy()
    net.weights[0][...] *= 3
    panel.show_network(net, x)
    np.testing.assert_allclose(view.image.image, per_unit, rtol=1e-5)  # no drift as the weights grow
    qtbot.mouseClick(panel.per_unit, Qt.MouseButton.LeftButton)
    assert not view.per_unit and view.colorbar.getAxis("left").labelText == "weight"
    lim = np.abs(net.weights[0]).max()
    assert lim <= view.image.levels[1] <= 1.5 * lim
    r = view.tile_rect(2)
    quiet = view.image.image[int(r.top()) : int(r.top()) + SIDE, int(r.left()) : int(r.left()) + SIDE]
    assert np.abs(quiet).max() < 0.2 * view.image.levels[1]  # the quiet unit is dim when shared
    assert "largest |w|" in view.describe(2)


def test_weight_images_keep_a_readable_size(shown, qtbot):
    """The panel cannot be squashed into a strip: its weight images keep at least 150 px of height (two rows of
    eight tiles, each 28-pixel image drawn at 35 px or more), and say so in their size hints for the window's
    docks."""
    from nnviz.gui.weights_view import WeightsPanel

    panel = shown(WeightsPanel(), 600, 300)
    panel.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    assert panel.view.minimumSizeHint().height() >= 150 and panel.minimumSizeHint().height() >= 180
    panel.resize(600, 80)
    qtbot.wait(50)
    assert panel.view.height() >= 150
    r = panel.view.tile_rect(0)
    corner = panel.view.mapFromScene(panel.view.vb.mapViewToScene(r.topLeft()))
    far = panel.view.mapFromScene(panel.view.vb.mapViewToScene(r.bottomRight()))
    assert far.x() - corner.x() >= 35  # each 28-pixel image drawn at least 35 px wide, at the smallest


def test_colour_bar_label_fits_along_a_short_bar(view, qtbot):
    """The colour bar's label runs along the bar: in a short dock it takes its short form instead of being cut at
    both ends ("eight ÷ unit's ma"); tall, it says it all."""
    from PySide6.QtGui import QFontMetrics

    view.set_per_unit(True)
    view.show_network(Network(seed=0), np.zeros(784, np.float32))
    assert view.colorbar.getAxis("left").labelText == "weight ÷ unit's max"
    view.resize(600, 150)
    qtbot.waitUntil(lambda: view.colorbar.getAxis("left").labelText != "weight ÷ unit's max", timeout=2_000)
    text = view.colorbar.getAxis("left").labelText
    assert "unit's max" in text
    assert QFontMetrics(view.font()).horizontalAdvance(text) <= view.colorbar.geometry().height()


def test_ctrl_click_picks_one_weight_and_a_plain_click_still_selects(view, qtbot):
    """Ctrl+click on a pixel of a first-layer tile emits that weight (layer 1, unit, pixel), on the strip under it
    the unit's bias (k = 784); on a deeper layer a cell of the raw-weights strip is its weight from that neuron and
    a tile's pixel (a product of weights) picks nothing. None of it changes the selection."""
    net = hand_set()
    view.show_network(net, np.zeros(784, np.float32))
    ctrl = Qt.KeyboardModifier.ControlModifier
    for weight in ((1, 3, 14 * SIDE + 9), (1, 5, 784), (1, 0, 0)):
        with qtbot.waitSignal(view.weight_clicked, timeout=2000) as sig:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, ctrl, pos=view.cell_point(weight))
        assert sig.args == list(weight)
    assert view.selected is None
    view.set_layer(2)
    with qtbot.waitSignal(view.weight_clicked, timeout=2000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, ctrl, pos=view.cell_point((2, 1, 4)))
    assert sig.args == [2, 1, 4]
    with qtbot.assertNotEmitted(view.weight_clicked), qtbot.assertNotEmitted(view.unit_selected):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, ctrl, pos=view.view_point(1))
    with qtbot.waitSignal(view.unit_selected, timeout=2000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(1))
    assert sig.args == [2, 1]


def test_chosen_weights_are_framed_in_the_layer_shown(view):
    """A chosen weight's pixel (or bias strip, or strip cell) is framed where it is drawn, if its layer is shown."""
    net = hand_set()
    view.show_network(net, np.zeros(784, np.float32))
    view.mark_weights([(1, 3, 14 * SIDE + 9), (2, 1, 5)])
    first, second = view.chosen_frames
    assert first.isVisible() and not second.isVisible()
    tile = view.tile_rect(3)
    assert first.rect().center() == tile.topLeft() + pg.QtCore.QPointF(9.5, 14.5)
    view.set_layer(2)
    assert not first.isVisible() and second.isVisible()
    assert "w from neuron 5 of layer 1" in view.describe(1, (2, 1, 5)) and "here: the bias" in view.describe(1, (2, 1, 6))
