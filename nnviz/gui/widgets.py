"""Small widget helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton


def button(text: str, tip: str) -> QPushButton:
    """A push button with its tooltip that never takes the keyboard focus: Space is the window's Train/Pause
    shortcut, and a focused button would swallow it as a click."""
    b = QPushButton(text)
    b.setToolTip(tip)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b
