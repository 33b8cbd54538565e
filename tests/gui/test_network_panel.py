"""The graph's panel: the K box drives the graph, the thinning note follows each frame, the key sits above."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.core.graph_layout import DEFAULT_INPUT_EDGES
from nnviz.core.network import Network
from nnviz.gui.network_panel import NetworkPanel
from tests.gui.test_network_view import drawn_edges


@pytest.fixture
def panel(shown):
    return shown(NetworkPanel(), 900, 600)


def type_k(qtbot, panel, k):
    spin = panel.edges_spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, str(k))
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_typing_k_redraws_the_graph_and_reports_it(panel, qtbot):
    """Typing a K into the box makes the graph draw that many input edges per first-layer neuron, and the panel
    says so with input_edges_changed (for the window to remember it)."""
    panel.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    assert panel.input_edges() == DEFAULT_INPUT_EDGES
    assert drawn_edges(panel.view) == 16 * DEFAULT_INPUT_EDGES + 16 * 16 + 16 * 10
    with qtbot.waitSignal(panel.input_edges_changed, timeout=2000, check_params_cb=lambda k: k == 5):
        type_k(qtbot, panel, 5)
    assert panel.view.input_edges_per_neuron == 5 and drawn_edges(panel.view) == 16 * 5 + 16 * 16 + 16 * 10
    panel.set_input_edges(784)
    assert panel.edges_spin.value() == 784 and drawn_edges(panel.view) == 784 * 16 + 16 * 16 + 16 * 10


def test_thinning_note_follows_the_network_shown(panel, qtbot):
    """The note beside the K box appears for a large network (wrapped into the room left, not widening the
    panel) and goes again for the default one; raising K to 784 (every edge, drawn as one picture) clears it."""
    x = np.zeros(784, np.float32)
    panel.show_network(Network((784, 16, 16, 10), seed=0), x)
    assert panel.thinning_label.text() == ""
    narrowest = panel.minimumSizeHint().width()
    panel.show_network(Network((784, 1000, 10), seed=0), x)
    assert "large network" in panel.thinning_label.text() and panel.thinning_label.isVisible()
    assert panel.minimumSizeHint().width() == narrowest  # the note wraps; it never widens the window
    type_k(qtbot, panel, 784)
    qtbot.waitUntil(lambda: panel.thinning_label.text() == "", timeout=2000)
    type_k(qtbot, panel, 32)
    qtbot.waitUntil(lambda: "large network" in panel.thinning_label.text(), timeout=2000)
    panel.show_network(Network((784, 16, 16, 10), seed=0), x)
    assert panel.thinning_label.text() == ""


def test_key_sits_between_the_box_and_the_graph(panel, qtbot):
    """From the top: the K box, the colour key (wrapped to the panel's width), the graph taking the rest."""
    panel.show_network(Network((784, 16, 16, 10), seed=0), np.zeros(784, np.float32))
    panel.resize(500, 600)
    qtbot.wait(50)
    spin, legend, view = panel.edges_spin, panel.legend, panel.view
    assert spin.geometry().bottom() < legend.geometry().top() + 1
    assert legend.geometry().bottom() < view.geometry().top() + 1
    assert legend.width() <= panel.width() and legend.wordWrap() and "positive weight" in legend.text()
    assert view.height() > panel.height() / 2
