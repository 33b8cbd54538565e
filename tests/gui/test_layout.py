"""The window's layout holds: resized to the minimum and back, maximised, reset, saved and restored."""

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLabel, QLineEdit

from nnviz.gui.layout import DEFAULT_SIZE, fits_a_screen


def _resized(qtbot, w, width, height):
    w.resize(width, height)
    qtbot.waitUntil(lambda: w.size().toTuple() == (max(width, w.minimumSizeHint().width()),
                                                   max(height, w.minimumSizeHint().height())), timeout=3_000)
    _settled(qtbot, w)
    return w


def _settled(qtbot, w) -> None:
    """Wait until the docks have their shares (a few turns of the event loop after the resize)."""
    previous = None
    for _ in range(40):
        qtbot.wait(50)
        sizes = tuple(x.size().toTuple() for x in (w.draw_panel.canvas, w.weights_panel.view, w.draw_dock,
                                                    w.cost_dock, w.controls_dock))
        if sizes == previous:
            return
        previous = sizes


def _canvas_side(w) -> int:
    return min(w.draw_panel.canvas.width(), w.draw_panel.canvas.height())


def test_minimum_size_and_back_restores_the_proportions(make_window, qtbot):
    """The issue's check: shrunk to the minimum and grown back to 1600×1000, the canvas's shorter side is ≥ 280 px
    and the weight images ≥ 150 px tall (the bottom panels used to stay squashed and the canvas under 200 px)."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1600, 1000)
    before = (_canvas_side(w), w.weights_panel.view.height(), w.draw_dock.width())
    _resized(qtbot, w, 1, 1)
    assert _canvas_side(w) < 280
    _resized(qtbot, w, 1600, 1000)
    assert _canvas_side(w) >= 280 and w.weights_panel.view.height() >= 150
    assert (_canvas_side(w), w.weights_panel.view.height(), w.draw_dock.width()) == before


def test_maximised_the_canvas_grows_with_the_space(make_window, qtbot):
    """A larger window gives the canvas and the weight images more room too, not only the graph."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1600, 1000)
    canvas, weights = _canvas_side(w), w.weights_panel.view.height()
    _resized(qtbot, w, 2400, 1400)
    assert _canvas_side(w) > 1.3 * canvas and w.weights_panel.view.height() > 1.3 * weights


def _drag(qtbot, w, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(w, Qt.MouseButton.LeftButton, pos=start)
    for i in range(1, 11):
        qtbot.mouseMove(w, start + (end - start) * (i / 10))
        qtbot.wait(10)  # Qt moves a separator on a timer, once per turn of the event loop
    qtbot.mouseRelease(w, Qt.MouseButton.LeftButton, pos=end)


def test_a_dragged_separator_is_kept_through_resizes(make_window, qtbot):
    """Dragging the separator beside the Draw panel sets its share: it holds when the window shrinks and grows."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1600, 1000)
    before = w.draw_dock.width()
    edge = w.draw_dock.geometry()
    separator = QPoint(edge.right() + 3, edge.center().y())
    _drag(qtbot, w, separator, separator + QPoint(-80, 0))
    qtbot.waitUntil(lambda: w.draw_dock.width() < before - 50, timeout=2_000)
    _settled(qtbot, w)
    dragged = w.draw_dock.width()
    _resized(qtbot, w, 1200, 800)
    _resized(qtbot, w, 1600, 1000)
    assert abs(w.draw_dock.width() - dragged) <= 3


def test_reset_layout_brings_the_built_in_docks_back(make_window, qtbot):
    """View → Reset layout (Ctrl+Shift+R): a closed dock returns, a floating one docks again, a moved one goes back,
    and the sizes are the built-in ones."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1600, 1000)
    built_in = (w.draw_dock.width(), w.cost_dock.height())
    w.weights_dock.close()
    w.draw_dock.setFloating(True)
    w.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, w.cost_dock)
    qtbot.wait(100)
    assert any(a.text() == "Reset &layout" for a in w.menuBar().actions()[2].menu().actions())
    qtbot.keyClick(w.cost_view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: w.weights_dock.isVisible() and not w.draw_dock.isFloating(), timeout=2_000)
    assert w.dockWidgetArea(w.cost_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    qtbot.waitUntil(lambda: (w.draw_dock.width(), w.cost_dock.height()) == built_in, timeout=2_000)


def test_a_squashed_window_does_not_squash_the_next_launch(make_window, qtbot):
    """Closed at its minimum size, the next window (at 1600×1000) still has the built-in proportions."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1, 1)
    w.close()
    again = make_window(None, autoload=False)
    _resized(qtbot, again, 1600, 1000)
    assert _canvas_side(again) >= 280 and again.weights_panel.view.height() >= 150


def test_a_saved_geometry_that_no_longer_fits_is_not_restored(make_window, qtbot):
    """A window saved larger than any screen (a monitor since unplugged) opens at the default size instead of
    squeezed onto this screen; a floating dock saved off every screen comes back onto it."""
    w = make_window(None, autoload=False)
    screen = QGuiApplication.primaryScreen().availableGeometry()
    w.resize(screen.width() + 1500, screen.height() + 1500)
    w.draw_dock.setFloating(True)
    w.draw_dock.move(screen.right() + 3000, 0)
    qtbot.wait(100)
    w.close()
    again = make_window(None, autoload=False)
    assert again.size().toTuple() == DEFAULT_SIZE
    assert fits_a_screen(again.draw_dock.frameGeometry())
    assert fits_a_screen(QRect(screen.topLeft(), screen.size() / 2))
    assert not fits_a_screen(QRect(screen.right() + 100, 0, 300, 300))


def test_nothing_is_squeezed_at_the_minimum_size(make_window, qtbot):
    """At the window's minimum size no button, label, box or field on screen is smaller than it needs (the
    Training form's rows used to overlap; it scrolls now)."""
    w = make_window(None, autoload=False)
    _resized(qtbot, w, 1, 1)
    assert not squeezed(w)


def squeezed(w) -> list:
    """The buttons, labels, boxes and fields of ``w`` on screen that are smaller than they need."""
    found = []
    for kind in (QAbstractButton, QLabel, QComboBox, QAbstractSpinBox, QLineEdit):
        for x in w.findChildren(kind):
            if not x.isVisible() or x.window() is not w or x.visibleRegion().isEmpty():
                continue
            if isinstance(x, QLineEdit) and isinstance(x.parentWidget(), (QAbstractSpinBox, QComboBox)):
                continue  # a spin box's own text field sits inside its frame
            hint = x.minimumSizeHint()
            if x.width() < hint.width() or x.height() < hint.height():
                found.append((type(x).__name__, getattr(x, "text", str)(), x.size().toTuple(), hint.toTuple()))
    return found
