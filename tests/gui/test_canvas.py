"""The drawing canvas: real mouse strokes, erase/undo/clear, normalisation, and real handwriting recognised."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nnviz.core.drawing import center_of_mass
from nnviz.core.model_io import load_model
from nnviz.gui.canvas import DrawingCanvas
from nnviz.gui.main_window import EXAMPLE_MODEL

from .handwriting import replay


@pytest.fixture
def canvas(shown):
    """A standalone DrawingCanvas, built with no arguments, 308×308 on screen."""
    return shown(DrawingCanvas(), 308, 308)


def drag(qtbot, widget, points, button=Qt.MouseButton.LeftButton):
    qtbot.mousePress(widget, button, pos=QPoint(*points[0]))
    for p in points[1:]:
        qtbot.mouseMove(widget, QPoint(*p))
    qtbot.mouseRelease(widget, button, pos=QPoint(*points[-1]))


def test_a_stroke_lights_up_cells_and_emits_changed(canvas, qtbot):
    """A left-button drag paints soft ink on the grid; `changed` fires for each segment."""
    with qtbot.waitSignals([canvas.changed] * 3, timeout=1000):
        drag(qtbot, canvas, [(50, 50), (100, 60), (150, 70)])
    grid = canvas.grid()
    assert grid.max() > 0.9 and 0 < (grid > 0.5).sum() < 100
    assert ((grid > 0.05) & (grid < 0.9)).any(), "strokes should have anti-aliased (grey) edges"
    x = canvas.network_input()
    assert x.shape == (784,) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1


def test_normalisation_centres_an_off_centre_digit(canvas, qtbot):
    """A small stroke in a corner is fed centred and enlarged; with normalisation off, it stays in the corner."""
    drag(qtbot, canvas, [(30, 30), (30, 60), (40, 80)])
    seen = canvas.network_input().reshape(28, 28)
    r, c = center_of_mass(seen)
    assert abs(r - 14) < 1.5 and abs(c - 14) < 1.5
    canvas.set_normalization(False)
    raw = canvas.network_input().reshape(28, 28)
    r, c = center_of_mass(raw)
    assert r < 8 and c < 8


def test_right_button_erases_and_undo_and_clear(canvas, qtbot):
    """Right-drag erases ink; Ctrl+Z removes the last stroke; Delete clears all."""
    drag(qtbot, canvas, [(60, 150), (250, 150)])
    before = canvas.grid().sum()
    drag(qtbot, canvas, [(150, 120), (150, 180)], Qt.MouseButton.RightButton)
    assert canvas.grid().sum() < before - 1
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.grid().sum() == pytest.approx(before, rel=0.01)  # re-rendered at once vs segment by segment
    qtbot.keyClick(canvas, Qt.Key.Key_Delete)
    assert canvas.is_blank() and not canvas.network_input().any()


def test_loaded_image_is_fed_unchanged(canvas):
    """An MNIST digit or noise goes in as it is (noise must not be 'normalised' into a blob)."""
    noise = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    canvas.set_image(noise)
    np.testing.assert_allclose(canvas.network_input(), noise.ravel(), atol=1e-6)


@pytest.fixture(scope="module")
def pen_digits():
    from nnviz.core.pendigits import read_pendigits

    from ..conftest import PENDIGITS

    if not PENDIGITS.is_file():
        import os

        if os.environ.get("NNVIZ_REQUIRE_DATA"):
            pytest.fail(f"pen digits not found at {PENDIGITS}")
        pytest.skip(f"pen digits not found at {PENDIGITS} (set NNVIZ_TEST_DATA)")
    return read_pendigits(PENDIGITS)


def test_real_handwriting_replayed_as_mouse_drags_is_read(canvas, pen_digits):
    """1,000 digits by 30 real writers, drawn with mouse events at natural sizes and places, read by the example
    network (see README, Reading real handwriting): ≥ 75 % with MNIST normalisation, far less without it."""
    assert len(pen_digits) == 7494
    net = load_model(EXAMPLE_MODEL)
    rng = np.random.default_rng(0)
    hits = raw_hits = 0
    order = rng.permutation(len(pen_digits))[:1000]
    for i in order:
        d = pen_digits[i]
        canvas.clear()
        replay(canvas, d, rng)
        hits += int(net.classify(canvas.network_input()[None])[0]) == d.label
        raw_hits += int(net.classify(canvas.grid().reshape(1, -1))[0]) == d.label
    assert hits / len(order) >= 0.75
    assert raw_hits < hits


def tablet_stroke(canvas, points, pressure, pointer="Pen"):
    """Send a pen tablet's press / moves / release to the canvas as Qt delivers them (QTabletEvents)."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
    from PySide6.QtWidgets import QApplication

    device = QPointingDevice("test pen", 1, QInputDevice.DeviceType.Stylus,
                             getattr(QPointingDevice.PointerType, pointer),
                             QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2)
    kinds = [QTabletEvent.Type.TabletPress] + [QTabletEvent.Type.TabletMove] * (len(points) - 2) \
        + [QTabletEvent.Type.TabletRelease]
    for kind, (x, y) in zip(kinds, points):
        pos = QPointF(x, y)
        buttons = Qt.MouseButton.NoButton if kind == QTabletEvent.Type.TabletRelease else Qt.MouseButton.LeftButton
        event = QTabletEvent(kind, device, pos, QPointF(canvas.mapToGlobal(pos)), pressure, 0.0, 0.0, 0.0, 0.0,
                             0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton, buttons)
        QApplication.sendEvent(canvas, event)


def test_pen_tablet_pressure_widens_and_eraser_erases(canvas):
    """A pen tablet draws (no mouse events needed); pressing harder paints a wider line; the pen's eraser end
    rubs ink out."""
    line = [(80, y) for y in range(40, 270, 10)]
    tablet_stroke(canvas, line, pressure=0.1)
    light = (canvas.grid() > 0.5).sum()
    assert light > 0
    canvas.clear()
    tablet_stroke(canvas, line, pressure=1.0)
    heavy = canvas.grid().copy()
    assert (heavy > 0.5).sum() > 1.2 * light
    tablet_stroke(canvas, [(40, 150), (120, 150), (200, 150)], pressure=1.0, pointer="Eraser")
    assert canvas.grid().sum() < heavy.sum() - 1
