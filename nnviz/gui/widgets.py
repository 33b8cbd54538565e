"""Small widget helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget


def button(text: str, tip: str) -> QPushButton:
    """A push button with its tooltip that never takes the keyboard focus: Space is the window's Train/Pause
    shortcut, and a focused button would swallow it as a click."""
    b = QPushButton(text)
    b.setToolTip(tip)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


def controls_above(panel: QWidget, controls: list[QWidget], *views: QWidget, margin: int = 0,
                   spacing: int | None = None) -> QVBoxLayout:
    """Lay out ``panel``: a row of ``controls`` on the left, under it ``views``, the last taking the spare height."""
    row = QHBoxLayout()
    for widget in controls:
        row.addWidget(widget)
    row.addStretch(1)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(margin, margin, margin, margin)
    if spacing is not None:
        layout.setSpacing(spacing)
    layout.addLayout(row)
    for view in views[:-1]:
        layout.addWidget(view)
    layout.addWidget(views[-1], 1)
    return layout
