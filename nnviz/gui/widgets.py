"""Small widget helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from . import theme


def button(text: str, tip: str) -> QPushButton:
    """A push button with its tooltip that never takes the keyboard focus: Space is the window's Train/Pause
    shortcut, and a focused button would swallow it as a click."""
    b = QPushButton(text)
    b.setToolTip(tip)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class Banner(QLabel):
    """A message in the window (not a dialog) that stays until the user acts on it."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"background:{theme.WARNING_BACKGROUND};color:{theme.WARNING_TEXT};"
                           "padding:8px;border-radius:4px;")
        self.hide()

    def say(self, text: str) -> None:
        """Show ``text``."""
        self.setText(text)
        self.show()


def controls_above(panel: QWidget, controls: list[QWidget], *views: QWidget, margin: int = 0,
                   spacing: int | None = None) -> QVBoxLayout:
    """Lay out ``panel``: a row of ``controls`` on the left, under it ``views``, the last taking the spare height."""
    row = QHBoxLayout()
    takes_the_rest = False
    for widget in controls:
        # a widget that ignores its own width (a wrapping note) gets the room left; the others keep theirs
        ignored = widget.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Ignored
        row.addWidget(widget, 1 if ignored else 0)
        takes_the_rest = takes_the_rest or ignored
    if not takes_the_rest:
        row.addStretch(1)  # the controls together on the left
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(margin, margin, margin, margin)
    if spacing is not None:
        layout.setSpacing(spacing)
    layout.addLayout(row)
    for view in views[:-1]:
        layout.addWidget(view)
    layout.addWidget(views[-1], 1)
    return layout


class Scrolling(QScrollArea):
    """``widget`` at its full height, scrolled when the space is shorter (squeezed instead, a form's fields
    overlapped and its text was cut); it never gets narrower than the widget needs."""

    def __init__(self, widget: QWidget):
        super().__init__()
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, min(inner.height(), 120))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        inner = self.widget().sizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(), inner.height())


def dock(window, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea,
         scrolling: bool = False) -> QDockWidget:
    """A dock of ``window`` holding ``widget`` (in a :class:`Scrolling` area if ``scrolling``); ``name`` is how the
    saved layout finds it again."""
    d = QDockWidget(title, window)
    d.setObjectName(name)
    d.setWidget(Scrolling(widget) if scrolling else widget)
    window.addDockWidget(area, d)
    return d
