"""Small widget helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

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
