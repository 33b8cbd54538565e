"""The insight dock: a window gets the panel in a dock, the shown network is measured only while the dock is open,
and a clicked gallery image reaches the Draw panel."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from nnviz.core.model_io import load_model
from nnviz.gui.draw_panel import DrawPanel
from nnviz.gui.insight_dock import InsightDock
from tests.core.test_insight import ROOT_MODEL


class Shown:
    """A stand-in for a snapshot: what the dock needs of one."""

    def __init__(self, network):
        self._network = network
        self.built = 0

    def network(self):
        self.built += 1
        return self._network


@pytest.fixture
def window(qtbot, mnist):
    w = QMainWindow()
    w.draw_panel = DrawPanel()
    w.setCentralWidget(w.draw_panel)
    w.shown_snapshot = None
    w.insight = InsightDock(w, lambda: w.shown_snapshot, w.draw_panel.show_labelled)
    w.insight.data_arrived(mnist.x_test, mnist.y_test)
    qtbot.addWidget(w)
    w.resize(1400, 1000)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_the_shown_network_is_measured_once_and_only_while_open(window, qtbot):
    """A new shown snapshot is measured (once, however many frames show it); with the dock closed nothing is even
    built, and reopening the dock measures the snapshot shown meanwhile."""
    net = load_model(ROOT_MODEL)
    window.shown_snapshot = first = Shown(net)
    window.insight.show_shown()
    window.insight.show_shown()
    assert first.built == 1 and window.insight.panel.insight.accuracy == net.accuracy(
        window.insight.panel.data.inputs, window.insight.panel.data.labels)
    window.insight.dock.close()
    qtbot.waitUntil(lambda: not window.insight.panel.isVisible(), timeout=2000)
    half = net.copy()
    half.params[:] = net.params * 0.5
    window.shown_snapshot = second = Shown(half)
    window.insight.show_shown()
    assert second.built == 0
    window.insight.dock.show()
    qtbot.waitUntil(lambda: second.built == 1, timeout=3000)
    qtbot.waitUntil(lambda: window.insight.panel.insight is not None and
                    window.insight.panel.insight.outputs[0, 0] == pytest.approx(half.predict(
                        window.insight.panel.data.inputs[:1])[0, 0]), timeout=5000)  # within the panel's pacing


def test_a_clicked_gallery_image_reaches_the_draw_panel(window, qtbot, mnist):
    """Clicking an image behind a cell puts that test image, with its label, on the Draw panel's canvas."""
    window.shown_snapshot = Shown(load_model(ROOT_MODEL))
    window.insight.show_shown()
    panel = window.insight.panel
    qtbot.mouseClick(panel.confusion_view, Qt.MouseButton.LeftButton, pos=panel.confusion_view.cell_centre(7, 9))
    gallery = panel.cell_gallery
    qtbot.mouseClick(gallery, Qt.MouseButton.LeftButton, pos=gallery.tile_rect(0).center())
    i = int(gallery.indices[0])
    assert window.draw_panel.true_label == mnist.y_test[i] == 7
    np.testing.assert_allclose(window.draw_panel.canvas.network_input(), mnist.x_test[i].ravel() / 255.0, atol=1e-6)
