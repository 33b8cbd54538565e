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


def key_html(palette: str, hidden_activation: str, backprop: bool, selected: str | None = None,
             chosen: int = 0) -> str:
    """The key's text (HTML): the weights' colours, or what the backpropagation overlay's bars and edges mean; with
    a neuron ``selected`` (its name, e.g. "hidden layer 1, neuron 5"), what its bright edges are; with ``chosen``
    weights marked, what their edges are."""
    pos, neg = (theme.PALETTES[palette][k] for k in ("positive", "negative"))
    if backprop:
        lines = ("backpropagation for one example (or a mini-batch's average), while its tab is open"
                 f"<br>bars: each neuron's nudge −∂C/∂a, <span style='color:{theme.NUDGE_UP}'>up</span> = should be "
                 f"more active, <span style='color:{theme.NUDGE_DOWN}'>down</span> = less"
                 f"<br>edges: the step −∂C/∂w, <span style='color:rgb{pos}'>weight should grow</span>, "
                 f"<span style='color:rgb{neg}'>shrink</span>, brighter = larger")
    else:
        lines = (f"{fill_key(hidden_activation)}<br>edges: <span style='color:rgb{pos}'>positive weight</span>, "
                 f"<span style='color:rgb{neg}'>negative weight</span>, brighter = larger |w|")
    if selected:
        lines += (f"<br>bold edges: the weights into and out of {selected} (<span style='color:rgb{pos}'>positive"
                  f"</span>, <span style='color:rgb{neg}'>negative</span>), the rest dimmed; its weighted sum is "
                  "worked out in the Neuron tab; click it again to clear, or click two of its edges to see the cost "
                  "over those two weights")
    else:
        lines += ("<br>hover a neuron or an edge for its numbers; click a neuron for its connections and its "
                  "weighted sum (Neuron tab), an edge for the cost over its weight (Gradient descent)")
    if chosen:
        lines += (f"<br><span style='color:{theme.CHOSEN}'>thick edges</span>: the weight{'s' if chosen > 1 else ''} "
                  "mapped in Gradient descent (a bias has no edge)")
    return f"<span style='color:{theme.TEXT}; font-size:9pt'>{lines}</span>"


class GraphLegend(QLabel):
    """The graph's key as a strip to place above it: outside the plot it wraps to any width and covers no neuron."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setStyleSheet(f"background:{theme.PLOT_BACKGROUND}; padding:4px 8px;")
        self.show_key("standard", "sigmoid", backprop=False)

    def show_key(self, palette: str, hidden_activation: str, backprop: bool, selected: str | None = None,
                 chosen: int = 0) -> None:
        """Say what the graph draws for this palette, hidden activation, overlay, selected neuron (its name) and
        number of chosen weights marked (relaid out only on change)."""
        html = key_html(palette, hidden_activation, backprop, selected, chosen)
        if html != self.text():
            self.setText(html)
