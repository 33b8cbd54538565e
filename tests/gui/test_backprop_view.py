"""The backprop view: its numbers equal an independent computation; one step helps; undo is exact."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.core.network import Network
from nnviz.gui.backprop_view import BackpropPanel


def sig(z):
    return 1 / (1 + np.exp(-z))


def tiny_network():
    """784-3-10 sigmoid/quadratic with hand-set weights (float64 for exact comparisons)."""
    net = Network((784, 3, 10), seed=0, dtype=np.float64)
    rng = np.random.default_rng(3)
    net.weights[0][...] = rng.normal(scale=0.05, size=(3, 784))
    net.weights[1][...] = rng.normal(size=(10, 3))
    net.biases[0][...] = [0.1, -0.2, 0.3]
    net.biases[1][...] = np.linspace(-1, 1, 10)
    return net


def drawn_three(panel):
    """The tiny network, and a drawing (20 lit pixels) that should be a 3, loaded into ``panel``; returns (net, x)."""
    net = tiny_network()
    x = np.zeros(784)
    x[300:320] = 1.0
    panel.set_drawing(x)
    panel.target.setValue(3)
    panel.set_network(net, 3.0)
    return net, x


@pytest.fixture
def panel(qtbot):
    p = BackpropPanel()
    qtbot.addWidget(p)
    p.show()
    return p


def test_nudges_and_steps_equal_an_independent_computation(panel):
    """For one drawn example that should be a 3: output nudges −(a − y), hidden nudges Σ_k δ_k w_kj, edge steps −δ aᵀ."""
    net, x = drawn_three(panel)
    # independent, by hand
    z1 = net.weights[0] @ x + net.biases[0]
    a1 = sig(z1)
    z2 = net.weights[1] @ a1 + net.biases[1]
    a2 = sig(z2)
    y = np.eye(10)[3]
    out_nudge = -(a2 - y)
    d2 = (a2 - y) * a2 * (1 - a2)
    hidden_nudge = -(net.weights[1].T @ d2)
    bp = panel.result
    np.testing.assert_allclose(bp.nudges[2][0], out_nudge, rtol=1e-10)
    np.testing.assert_allclose(bp.nudges[1][0], hidden_nudge, rtol=1e-10)
    np.testing.assert_allclose(panel.steps()[1], -np.outer(d2, a1), rtol=1e-10)
    d1 = (net.weights[1].T @ d2) * a1 * (1 - a1)
    np.testing.assert_allclose(panel.steps()[0], -np.outer(d1, x), rtol=1e-10, atol=1e-15)
    text = panel.text.text().replace("\u2060", "")  # word joiners keep symbols unbroken; not part of the numbers
    assert f"{abs(out_nudge[3]):.2f}" in text and "1. its bias" in text and "3. the previous activations" in text
    assert f"{-d2[3]:+.4f}" in text  # the bias step of output 3


def test_one_step_raises_the_target_and_undo_restores_exactly(panel, qtbot):
    """Apply one step: output 3 rises for this example; Undo hands back the original parameters bit for bit."""
    net, x = drawn_three(panel)
    original = net.params.copy()
    before = net.predict(x[None])[0, 3]
    with qtbot.waitSignal(panel.params_requested) as sig_step:
        qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    stepped = Network((784, 3, 10), dtype=np.float64, params=sig_step.args[0])
    assert stepped.predict(x[None])[0, 3] > before
    with qtbot.waitSignal(panel.params_requested) as sig_undo:
        qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(sig_undo.args[0], original)
    assert not panel.undo_button.isEnabled()


def test_mini_batch_average_lists_each_example(panel, qtbot):
    """Averaging over a mini-batch: the panel asks for the next mini-batch; the mean nudges it shows are the
    average of the listed individual ones."""
    net = tiny_network()
    rng = np.random.default_rng(0)
    panel.set_network(net, 3.0)
    with qtbot.waitSignal(panel.batch_requested):
        panel.source.setCurrentIndex(2)
    panel.set_batch((rng.random((10, 784)) * 255).astype(np.uint8), rng.integers(0, 10, 10))
    bp = panel.result
    assert len(bp.costs) == 10
    np.testing.assert_allclose(bp.mean_nudges()[2], bp.nudges[2].mean(axis=0))
    assert panel.text.text().count("label ") == 10


def test_step_reaches_the_training_network_and_undo_restores_it(window, qtbot):
    """In the window: a backprop step changes the trainer's weights (seen in its next snapshot); undo restores them."""
    panel = window.backprop_panel
    window.backprop_dock.raise_()
    qtbot.waitUntil(lambda: panel.result is not None, timeout=5000)
    original = window.latest.params.copy()
    qtbot.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not np.array_equal(window.latest.params, original), timeout=5000)
    qtbot.mouseClick(panel.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: np.array_equal(window.latest.params, original), timeout=5000)
    panel.overlay.setChecked(True)
    qtbot.waitUntil(lambda: window.network_view.edge_steps is not None, timeout=3000)
    panel.source.setCurrentIndex(2)  # the trainer's next mini-batch, fetched from the training process
    qtbot.waitUntil(lambda: panel.result is not None and len(panel.result.costs) == 10, timeout=5000)


def test_tiny_steps_show_their_size_not_zero():
    """A mini-batch's step for one weight is often ~1e-5: it reads as "-1.23e-05", never as "-0.000"."""
    from nnviz.gui.backprop_view import signed

    assert signed(-1.234e-5) == "-1.23e-05" and signed(0.0213) == "+0.021" and signed(0.0) == "+0.000"
    assert signed(-0.0006) == "-0.001"


def test_graph_shows_a_mini_batch_as_its_mean_image_and_activations(window, qtbot):
    """With the next mini-batch chosen and the overlay on, the graph's input square is the batch's mean image
    and its neurons the batch's mean activations: the same examples the average nudges and steps come from (it
    used to show the canvas under them). With a single example it returns to the canvas."""
    panel = window.backprop_panel
    window.backprop_dock.raise_()
    panel.overlay.setChecked(True)
    panel.source.setCurrentIndex(2)
    qtbot.waitUntil(lambda: panel.result is not None and len(panel.result.costs) == 10, timeout=5_000)
    window._show_graph()
    x, _ = panel.inputs()
    view = window.network_view
    np.testing.assert_allclose(view.input, x.mean(axis=0), rtol=1e-6)
    fp = window.run.network().forward(x)
    for drawn, acts in zip(view.activations()[1:], fp.activations[1:]):
        np.testing.assert_allclose(drawn, acts.mean(axis=0), rtol=1e-4, atol=1e-6)
    panel.source.setCurrentIndex(0)  # the canvas
    qtbot.waitUntil(lambda: panel.result is not None and len(panel.result.costs) == 1, timeout=5_000)
    window._show_graph()
    np.testing.assert_array_equal(view.input, window.draw_panel.canvas.network_input())


def test_long_explanations_scroll(panel, qtbot):
    """A mini-batch's explanation (ten examples' nudges below the average) is longer than a short dock: it sits in
    a scroll area, so the last rows can be reached instead of being cut off."""
    net = tiny_network()
    rng = np.random.default_rng(0)
    panel.resize(300, 420)
    panel.set_network(net, 3.0)
    with qtbot.waitSignal(panel.batch_requested):
        panel.source.setCurrentIndex(2)
    panel.set_batch((rng.random((10, 784)) * 255).astype(np.uint8), rng.integers(0, 10, 10))
    qtbot.wait(100)
    bar = panel.text_area.verticalScrollBar()
    assert bar.maximum() > 0  # there is more text than room, and it scrolls
    bar.setValue(bar.maximum())
    assert panel.text.visibleRegion().boundingRect().bottom() >= panel.text.height() - 2


def contrast(a, b) -> float:
    """WCAG contrast ratio of two QColors."""
    def luminance(c):
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in (c.redF(), c.greenF(), c.blueF())]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_nudge_colours_are_readable_on_the_panel(panel):
    """The ▲/▼ wishes are coloured text on the window's light panel: at least 4.5:1 contrast (the bright green
    and orange made for the dark graph were 1.4:1 and 1.9:1 there)."""
    import re

    from PySide6.QtGui import QColor, QPalette

    panel.set_network(tiny_network(), 3.0)
    colours = set(re.findall(r"color:(#[0-9a-fA-F]{6})", panel.text.text()))
    assert colours
    background = panel.palette().color(QPalette.ColorRole.Window)
    for c in colours:
        assert contrast(QColor(c), background) >= 4.5, c


def _open_tab(window, qtbot, title: str) -> None:
    """Click the dock tab called ``title`` (its full name: where the column is short, the tab shows a shorter one)
    with the mouse."""
    from PySide6.QtWidgets import QTabBar

    for bar in window.findChildren(QTabBar):
        for i in range(bar.count()):
            if title in (bar.tabText(i), bar.tabToolTip(i)) and bar.isVisible():
                qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
                return
    raise AssertionError(f"no tab {title!r}")


def test_overlay_is_on_by_default_and_ends_when_the_tab_is_left(window, qtbot):
    """"Show on the network" starts on; opening the Backpropagation tab draws the nudges on the graph (and the key
    says so), leaving it for the Training tab returns the graph and its key to the weights, coming back brings the
    overlay back."""
    view, panel = window.network_view, window.backprop_panel
    assert panel.overlay.isChecked() and view.edge_steps is None  # the tab is not open yet
    _open_tab(window, qtbot, "Backpropagation")
    qtbot.waitUntil(lambda: view.edge_steps is not None and "nudge" in view.legend.text(), timeout=3_000)
    _open_tab(window, qtbot, "Training")
    qtbot.waitUntil(lambda: view.edge_steps is None and view.nudges is None, timeout=3_000)
    assert "positive weight" in view.legend.text() and "nudge" not in view.legend.text()
    _open_tab(window, qtbot, "Backpropagation")
    qtbot.waitUntil(lambda: view.edge_steps is not None, timeout=3_000)


def test_should_be_starts_at_the_digit_on_the_canvas(window, qtbot):
    """An MNIST digit put on the canvas (the Draw panel's button) sets "should be" and the explained output to its
    label; a drawing (no label) leaves them as they were."""
    panel, draw = window.backprop_panel, window.draw_panel
    _open_tab(window, qtbot, "Backpropagation")
    for _ in range(3):
        qtbot.mouseClick(draw.mnist_button, Qt.MouseButton.LeftButton)
        assert panel.target.value() == draw.true_label and panel.focus.value() == draw.true_label
    label = draw.true_label
    draw.canvas.clear()
    assert panel.target.value() == label
    qtbot.waitUntil(lambda: panel.result is not None and f"<b>to move output {label}</b>" in panel.text.text(),
                    timeout=3_000)


def test_selected_neuron_is_in_the_key(window, qtbot):
    """Clicking a neuron on the graph adds its bold edges to the key (also over the backprop overlay); clicking it
    again takes them out."""
    view = window.network_view
    qtbot.waitUntil(lambda: view.layout is not None, timeout=5_000)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(2, 1))
    assert "hidden layer 2, neuron 1" in view.legend.text() and "bold edges" in view.legend.text()
    _open_tab(window, qtbot, "Backpropagation")
    qtbot.waitUntil(lambda: "nudge" in view.legend.text(), timeout=3_000)
    assert "hidden layer 2, neuron 1" in view.legend.text()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.view_point(2, 1))
    assert "bold edges" not in view.legend.text()


def test_explanation_lines_are_short_and_symbols_unbroken(panel):
    """The explanation comes in short lines (each item of a list on its own, no line over 90 characters) and no
    symbol such as −∂C/∂a can be split at a line end (it broke after the slash in a narrow dock)."""
    import re

    from nnviz.gui.backprop_view import WORD_JOINER

    drawn_three(panel)
    html = panel.text.text()
    for symbol in ("−∂C/∂a", "−∂C/∂b", "−∂C/∂w = −δ·a", "−δ·w"):
        assert WORD_JOINER.join(symbol).replace(" ", "\u00a0") in html
        assert symbol not in html  # nowhere breakable
    text_lines = [re.sub(r"<[^>]+>", "", line).replace("&nbsp;", " ") for line in re.split(r"<br>", html)]
    assert max(len(line.replace(WORD_JOINER, "")) for line in text_lines) <= 90
    items = [line for line in text_lines if line.startswith("  #")]
    assert len(items) == 6 and all(len(line.replace(WORD_JOINER, "")) <= 32 for line in items)
