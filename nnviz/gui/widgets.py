"""Small widget helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

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


def dock(window, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    """A dock of ``window`` holding ``widget``; ``name`` is how the saved layout finds it again."""
    d = QDockWidget(title, window)
    d.setObjectName(name)
    d.setWidget(widget)
    window.addDockWidget(area, d)
    return d
