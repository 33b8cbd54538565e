"""The key to the network graph's colours: a strip of text above the graph, saying what is drawn right now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from . import theme


def fill_key(hidden_activation: str) -> str:
    """How a neuron's fill reads, for a network whose hidden layers use ``hidden_activation``."""
    if hidden_activation == "relu":
        return "neuron fill = activation: black 0 → white 1 (hidden ReLU layers: → white at their largest)"
    if hidden_activation == "tanh":
        return "neuron fill = activation: black 0 → white 1 (hidden tanh layers: black −1 → white 1)"
    return "neuron fill = activation: black 0 → white 1"


def key_html(palette: str, hidden_activation: str, backprop: bool) -> str:
    """The key's text (HTML): the weights' colours, or what the backpropagation overlay's bars and edges mean."""
    pos, neg = (theme.PALETTES[palette][k] for k in ("positive", "negative"))
    if backprop:
        return (f"<span style='color:{theme.TEXT}; font-size:9pt'>backpropagation for one example (or a "
                f"mini-batch's average)<br>bars: each neuron's nudge −∂C/∂a, <span style='color:{theme.NUDGE_UP}'>"
                f"up</span> = should be more active, <span style='color:{theme.NUDGE_DOWN}'>down</span> = less"
                f"<br>edges: the step −∂C/∂w, <span style='color:rgb{pos}'>weight should grow</span>, "
                f"<span style='color:rgb{neg}'>shrink</span>, brighter = larger</span>")
    return (f"<span style='color:{theme.TEXT}; font-size:9pt'>{fill_key(hidden_activation)}"
            f"<br>edges: <span style='color:rgb{pos}'>positive weight</span>, <span style='color:rgb{neg}'>"
            "negative weight</span>, brighter = larger |w|<br>hover a neuron for its numbers, click to follow "
            "its connections</span>")


class GraphLegend(QLabel):
    """The graph's key as a strip to place above it: outside the plot it wraps to any width and covers no neuron."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(f"background:{theme.PLOT_BACKGROUND}; padding:4px 8px;")
        self.show_key("standard", "sigmoid", backprop=False)

    def show_key(self, palette: str, hidden_activation: str, backprop: bool) -> None:
        """Say what the graph draws for this palette, hidden activation and overlay (relaid out only on change)."""
        html = key_html(palette, hidden_activation, backprop)
        if html != self.text():
            self.setText(html)
