"""The window's keyboard: Space, → and S act wherever the focus is; Escape leaves a field; Tab goes in reading order.

A spin box or a line edit claims every printable key for itself (Qt's "shortcut override"), so with the focus in
the learning-rate box Space did nothing, and in the hidden-layers field it typed a space over the selection. None
of those fields ever needs these keys, so the filter below refuses the field's claim and the window's shortcut acts
instead; → is left to a field only while its text cursor can still move right.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDockWidget, QLineEdit, QWidget

#: keys that belong to the window, not to the field that has the focus (Train/Pause, Step, the speed)
WINDOW_KEYS = {Qt.Key.Key_Space, Qt.Key.Key_Right, Qt.Key.Key_S, Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight}
_PLAIN = {Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier}


def _line_edit(widget: QWidget) -> QLineEdit | None:
    if isinstance(widget, QLineEdit):
        return widget
    if isinstance(widget, QAbstractSpinBox):
        return widget.lineEdit()
    return None


def field_wants(widget: QWidget, key: Qt.Key) -> bool:
    """True if ``widget`` has a use for ``key`` itself: only → while its text cursor is before the end."""
    edit = _line_edit(widget)
    return key == Qt.Key.Key_Right and edit is not None and edit.cursorPosition() < len(edit.text())


class WindowKeys(QObject):
    """Watches whichever widget of ``window`` has the focus (one event filter on it, moved as the focus moves)."""

    def __init__(self, window: QWidget, home: QWidget):
        super().__init__(window)
        self.window = window
        self.home = home  #: where Escape puts the focus (the cost plot: no field, so every key acts)
        self.watched: QWidget | None = None
        QApplication.instance().focusChanged.connect(self._focus_changed)

    def belongs(self, widget: QWidget | None) -> bool:
        """True if ``widget`` is part of the window (its docks too, floating or not; not its dialogs)."""
        while widget is not None:
            if widget is self.window:
                return True
            if widget.isWindow() and not isinstance(widget, QDockWidget):
                return False  # a dialog, the help window, a combo box's popup
            widget = widget.parentWidget()
        return False

    @Slot(object, object)
    def _focus_changed(self, old, new) -> None:
        if self.watched is not None:
            self.watched.removeEventFilter(self)
            self.watched = None
        if new is not None and new is not self.home and self.belongs(new):
            new.installEventFilter(self)
            self.watched = new

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and event.key() in WINDOW_KEYS and event.modifiers() in _PLAIN:
            if not field_wants(obj, event.key()):
                event.ignore()  # the field does not claim the key: the window's shortcut takes it
                return True
        elif kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.home.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return False


def tab_order(widgets: list[QWidget]) -> None:
    """Tab visits ``widgets`` in this order (those that take no keyboard focus are skipped by Qt)."""
    for first, second in zip(widgets, widgets[1:]):
        if first.window() is second.window():  # a floating dock is a window of its own
            QWidget.setTabOrder(first, second)


def install(w) -> WindowKeys:
    """Give main window ``w`` its keyboard: the focus starts on the cost plot (not in a field, so every key acts at
    once), Escape returns it there, and Tab goes through the fields as they are read, dock by dock."""
    w.cost_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    c, d, b, wp = w.controls, w.draw_panel, w.backprop_panel, w.weights_panel
    tab_order([w.cost_view, d.normalize_box,
               c.speed_slider, c.lr_spin, c.batch_spin, c.preset_combo, c.layers_edit, c.activation_combo,
               c.output_combo, c.cost_combo, c.init_combo, c.seed_spin, c.random_labels,
               w.network_panel.edges_spin, wp.layer_combo, wp.times_input, wp.per_unit,
               b.source, b.target, b.focus, b.overlay])
    w.cost_view.setFocus()
    return WindowKeys(w, w.cost_view)
