"""Qt view of backpropagation for one example (or a mini-batch): what the cost asks of every neuron and weight.

All numbers come from the core's ``Network.backprop`` (checked against finite differences in the core's tests).
The panel chooses the example and shows the numbers in words; the graph draws the same nudges and steps on the
network itself (``NetworkView.set_backprop``). "Apply one step" changes the training network's weights through the
main window; "Undo" puts the previous ones back exactly.
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.functions import one_hot
from ..core.network import Backprop, ForwardPass, Network
from . import theme
from .widgets import button


def signed(value: float, decimals: int = 3) -> str:
    """A small signed number readably: fixed decimals, or three significant digits when those would show ±0.000
    (a mini-batch's step for one weight is often ~1e-5, and "-0.000" says nothing)."""
    value = float(value)
    return f"{value:+.{decimals}f}" if value == 0 or abs(value) >= 0.5 * 10**-decimals else f"{value:+.2e}"


WORD_JOINER = "\u2060"  # no line break here (Qt's rich text ignores white-space:nowrap on a span)


def unbroken(html: str) -> str:
    """``html`` kept on one line: a symbol like −∂C/∂a, or a number with its name, is never split at a line end
    (a word joiner between its characters, no-break spaces for its spaces; tags are left as they are)."""
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(part if part.startswith("<") else WORD_JOINER.join(part).replace(" ", "\u00a0")
                   for part in parts)


class BackpropPanel(QWidget):
    """Pick an example; see the nudges and gradients backpropagation computes; apply one step and undo it."""

    overlay_changed = Signal()  #: the backprop picture changed (redraw the graph's overlay)
    show_image = Signal(object, int)  #: put this training image (28×28 in [0, 1]) and label on the canvas
    batch_requested = Signal()  #: please call set_batch with the trainer's next mini-batch
    params_requested = Signal(object)  #: put these parameters in place (a step, or an undo)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rng = np.random.default_rng()
        self.network: Network | None = None
        self.drawing = np.zeros(784, np.float32)
        self.images: np.ndarray | None = None  # training images for examples and mini-batches
        self.labels: np.ndarray | None = None
        self.example: tuple[np.ndarray, np.ndarray] | None = None  # (x (m, 784), labels (m,))
        self.result: Backprop | None = None
        self.undo_stack: list[np.ndarray] = []
        self.learning_rate = 3.0
        self.is_open = True  #: the panel's tab is open (the window says when it is not: :meth:`set_open`)

        self.source = QComboBox()
        self.source.addItems(["the canvas", "an MNIST training image", "the next mini-batch"])
        self.source.setToolTip("What to backpropagate: your drawing (say which digit it should be), one training "
                               "image with its label, or the average over a mini-batch — what SGD really applies.")
        self.target = QSpinBox()
        self.target.setRange(0, 9)
        self.target.setToolTip("The digit the drawing should be read as: the output neuron that should light up.")
        self.next_button = button("Another", "Pick another training image (or fetch the trainer's next mini-batch "
                                  "again)")
        self.overlay = QCheckBox("Show on the network")
        self.overlay.setToolTip("While this tab is open: draw the nudges as bars beside the neurons and the weight "
                                "steps on the edges (leaving the tab returns the graph to the weights).")
        self.overlay.setChecked(True)
        self.focus = QSpinBox()
        self.focus.setRange(0, 9)
        self.focus.setToolTip("The output neuron whose three ways to rise are spelled out below.")
        self.apply_button = button("Apply one step", "One step of gradient descent on just this example (or "
                                   "mini-batch), with the current learning rate: watch the outputs move toward the "
                                   "target.")
        self.undo_button = button("Undo", "Put back the weights from before the last step, exactly.")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        grid = QGridLayout()
        grid.addWidget(QLabel("Example"), 0, 0)
        grid.addWidget(self.source, 0, 1, 1, 2)
        grid.addWidget(QLabel("should be"), 1, 0)
        grid.addWidget(self.target, 1, 1)
        grid.addWidget(self.next_button, 1, 2)
        grid.addWidget(QLabel("explain output"), 2, 0)
        grid.addWidget(self.focus, 2, 1)
        grid.addWidget(self.overlay, 2, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        # the explanation (with a mini-batch, every example's nudges too) scrolls when the dock is short
        self.text_area = QScrollArea()
        self.text_area.setWidget(self.text)
        self.text_area.setWidgetResizable(True)
        self.text_area.setFrameShape(QFrame.Shape.NoFrame)
        self.text_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.text_area, 1)

        self.source.currentIndexChanged.connect(self._pick)
        self.target.valueChanged.connect(self._target_changed)
        self.next_button.clicked.connect(self._pick)
        self.focus.valueChanged.connect(self.recompute)
        self.overlay.toggled.connect(self.overlay_changed)
        self.apply_button.clicked.connect(self.apply_step)
        self.undo_button.clicked.connect(self.undo)
        self.undo_button.setEnabled(False)
        self.text.setText("Backpropagation needs a network: load MNIST or the example network.")

    # --- inputs from the window ---------------------------------------------------------------------------
    def set_training_images(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Training images (uint8 ``(n, 28, 28)``) and labels to draw examples and mini-batches from."""
        self.images, self.labels = images, labels

    def set_can_step(self, can: bool) -> None:
        """Enable "Apply one step" only when there is a training network to change (MNIST loaded)."""
        self.apply_button.setEnabled(can)
        self.apply_button.setToolTip(
            "One step of gradient descent on just this example (or mini-batch), with the current learning rate: "
            "watch the outputs move toward the target." if can else
            "Needs MNIST: the step changes the training network, which starts once the data is loaded.")

    def set_network(self, network: Network, learning_rate: float) -> None:
        """The newest network and η; recompute if the panel is in use."""
        self.network = network
        self.learning_rate = learning_rate
        if self.is_open:
            self.recompute()

    def set_drawing(self, x: np.ndarray, label: int | None = None) -> None:
        """The canvas's current input (the example, unless a mini-batch is chosen) and its label if it has one (an
        MNIST digit): "should be" starts at that digit.

        Not recomputed here, on every stroke segment: the window's next frame calls ``set_network``, which does.
        """
        self.drawing = np.asarray(x, np.float32).reshape(784)
        if label is not None and self.source.currentIndex() == 0 and label != self.target.value():
            self.target.blockSignals(True)  # recomputed with the next frame, like the drawing
            self.target.setValue(int(label))
            self.target.blockSignals(False)
            self.focus.setValue(int(label))

    def showing_overlay(self) -> bool:
        """True if the graph should show backpropagation now: "Show on the network" is on and this tab is open."""
        return self.overlay.isChecked() and self.is_open

    @Slot(bool)
    def set_open(self, is_open: bool) -> None:
        """Whether the panel's tab is open (a dock's ``visibilityChanged``): the overlay and the recomputing stop
        while it is not, and the graph returns to the weights."""
        if is_open != self.is_open:
            self.is_open = is_open
            if is_open:
                self.recompute()  # emits overlay_changed
            else:
                self.overlay_changed.emit()

    # --- choosing the example -------------------------------------------------------------------------------
    @Slot()
    def _pick(self) -> None:
        mode = self.source.currentIndex()
        self.target.setEnabled(mode != 2)
        self.example = None
        if mode == 1 and self.images is not None:
            # one training image goes on the canvas, so the graph, the bars and this view all show the same input
            i = int(self.rng.integers(len(self.images)))
            label = int(self.labels[i])
            self.target.blockSignals(True)
            self.target.setValue(label)
            self.target.blockSignals(False)
            self.focus.setValue(label)
            self.show_image.emit(self.images[i] / 255.0, label)
        elif mode == 2:
            self.batch_requested.emit()  # the answer arrives in set_batch
            return
        self.recompute()

    def set_batch(self, images: np.ndarray, labels: np.ndarray) -> None:
        """The mini-batch SGD will use next (uint8 ``(m, 784)``, labels ``(m,)``): average over it."""
        if self.source.currentIndex() != 2:
            return
        self.example = (np.asarray(images, np.float32).reshape(len(images), -1) / 255, np.asarray(labels))
        self.recompute()

    @Slot(int)
    def _target_changed(self, digit: int) -> None:
        self.focus.setValue(digit)
        self.recompute()

    def inputs(self) -> tuple[np.ndarray, np.ndarray]:
        """The example(s) now: inputs ``(m, 784)`` and one-hot targets ``(m, 10)``."""
        if self.example is None:
            x, labels = self.drawing[None, :], np.array([self.target.value()])
        else:
            x, labels = self.example
        return x, one_hot(labels)

    # --- computing and showing -----------------------------------------------------------------------------
    @Slot()
    def recompute(self) -> None:
        """Backpropagate the chosen example(s) through the newest network and describe the result."""
        if self.network is None:
            return
        x, y = self.inputs()
        self.result = self.network.backprop(x, y)
        self.text.setText(self.describe())
        self.overlay_changed.emit()

    def batch_average(self):
        """For a mini-batch: its mean image and a one-row ForwardPass of its mean weighted sums and activations
        (what the graph shows under the batch's average nudges and steps); ``None`` for a single example."""
        if self.result is None or len(self.result.costs) < 2:
            return None
        fp = self.result.forward
        mean = ForwardPass([z.mean(axis=0, keepdims=True) for z in fp.weighted_sums],
                           [a.mean(axis=0, keepdims=True) for a in fp.activations])
        return mean.activations[0][0], mean

    def overlay_picture(self):
        """What the graph should draw over the network: ``(steps, nudges)`` per layer, or None when the overlay is
        off or the tab is not open. A mini-batch shows its average nudges; one example its own."""
        bp = self.result
        if not self.showing_overlay() or bp is None:
            return None
        nudges = bp.mean_nudges() if len(bp.costs) > 1 else [None if n is None else n[0] for n in bp.nudges]
        return self.steps(), nudges

    def steps(self) -> list[np.ndarray]:
        """−∂C/∂W per layer (mean over the examples): the direction each weight would move."""
        return [-g for g in self.result.nabla_w]

    def describe(self) -> str:
        """The numbers in words, in short lines: cost, what each output wants, the three ways to raise one output."""
        bp, net = self.result, self.network
        m = len(bp.costs)
        k = self.focus.value()
        out = bp.forward.output.mean(axis=0)
        want = bp.mean_nudges()[-1]
        L = len(net.sizes) - 1
        lines = [f"<b>cost</b> {bp.cost:.4f}" + (f" (mean of {m} examples)" if m > 1 else "")]
        up, down = theme.NUDGE_UP_ON_LIGHT, theme.NUDGE_DOWN_ON_LIGHT  # the panel is light; the graph's bars dark
        wishes = [unbroken(f"{d}:<span style='color:{up if want[d] > 0 else down}'>{'▲' if want[d] > 0 else '▼'}"
                           f"{abs(want[d]):.2f}</span>") for d in range(10)]
        lines.append(f"<b>what the cost asks of each output</b> ({unbroken('−∂C/∂a')}):<br>"
                     + " ".join(wishes[:5]) + "<br>" + " ".join(wishes[5:]))
        prev = bp.forward.activations[L - 1].mean(axis=0)
        w = net.weights[L - 1][k]
        delta = bp.deltas[L - 1][:, k].mean()
        strongest = np.argsort(-np.abs(bp.nabla_w[L - 1][k]))[:3]
        heaviest = np.argsort(-np.abs(w))[:3]
        indent = "<br>&nbsp;&nbsp;"
        lines.append(
            f"<b>to move output {k}</b> (now {out[k]:.3f}, nudge {unbroken(signed(want[k]))}), three ways:"
            f"<br>1. its bias: step {unbroken('−∂C/∂b = ' + signed(-bp.nabla_b[L - 1][k], 4))}"
            f"<br>2. its weights, step {unbroken('−∂C/∂w = −δ·a')}: largest where the previous activation is. "
            "Strongest:"
            + "".join(indent + unbroken(f"#{j} a={prev[j]:.2f}, step {signed(-bp.nabla_w[L - 1][k, j])}")
                      for j in strongest)
            + f"<br>3. the previous activations, wish {unbroken('−δ·w')}: largest where the weight is. Most for:"
            + "".join(indent + unbroken(f"#{j} w={w[j]:+.2f}, wish {signed(-delta * w[j])}") for j in heaviest)
            + "<br>Summed over all outputs, these wishes are the previous layer's nudge, and so on backwards.")
        if m > 1:
            per = bp.nudges[-1]
            rows = "<br>".join(f"label {int(np.argmax(t))}: " + " ".join(f"{v:+.2f}" for v in per[i])
                               for i, t in enumerate(self.inputs()[1]))
            lines.append(f"<b>each example's output nudges</b> (averaged above):<br><tt>{rows}</tt>")
        return "<br><br>".join(lines)

    # --- one step -------------------------------------------------------------------------------------------
    @Slot()
    def apply_step(self) -> None:
        """One gradient step on this example (or mini-batch) with the current η; undoable."""
        if self.network is None or self.result is None:
            return
        self.undo_stack.append(self.network.params.copy())
        stepped = self.network.copy()
        stepped.apply_gradient(self.result, self.learning_rate)
        self.undo_button.setEnabled(True)
        self.params_requested.emit(stepped.params.copy())

    @Slot()
    def undo(self) -> None:
        """Put back the weights from before the last step."""
        if self.undo_stack:
            self.params_requested.emit(self.undo_stack.pop())
        self.undo_button.setEnabled(bool(self.undo_stack))
