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


def fixed_plot(plot) -> None:
    """Make a pyqtgraph ``PlotItem`` one that shows rather than explores: no right-click menu (its log and
    transform options are not followed by bare items), no auto-range button, no panning or zooming."""
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(False, False)
