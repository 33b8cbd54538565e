"""The dreams panel: the ten digits' dreams, and one hidden neuron's dream beside its weights.

Like the landscape panel, ``show_network`` only keeps a copy of the weights; a timer asks the background workers for
new dreams when the weights (or a choice) have changed: at most once a second, and a few per cent of one core.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from ..core.background import LatestJobs, Recompute, dreams_job, neuron_dream_job
from ..core.network import Network
from . import dreams_view
from .dreams_view import DreamsView, NeuronDreamView
from .landscape_panel import TICK_MS, caption

KEYS = ("dreams", "neuron dream")
SMOOTHNESS = 0.5  # the prior's strength when switched on


class DreamsPanel(QWidget):
    """What the network would most like to see: for each digit, and for a chosen hidden neuron."""

    def __init__(self, jobs: LatestJobs | None = None, parent=None):
        super().__init__(parent)
        self.jobs = jobs if jobs is not None else LatestJobs()
        self._owns_jobs = jobs is None
        self.digits_view, self.neuron_view = DreamsView(), NeuronDreamView()
        self.start = QComboBox()
        self.start.addItems(["blank", "noise"])
        self.start.setToolTip("The image each climb starts from: all black, or random pixels.")
        self.smooth = QCheckBox("Smoothness prior")
        self.smooth.setToolTip("Also pull each pixel toward its neighbours. Off, the dreams show what the network "
                               "really asks for; on, they become blobs that look a little more like strokes.")
        self.layer = QSpinBox()
        self.layer.setRange(1, 1)
        self.layer.setPrefix("layer ")
        self.unit = QSpinBox()
        self.unit.setPrefix("neuron ")
        for w, tip in ((self.layer, "The hidden layer of the neuron whose dream is shown."),
                       (self.unit, "The hidden neuron whose dream is shown (clicking a weight image chooses it).")):
            w.setToolTip(tip)
        row = QHBoxLayout()
        row.addWidget(QLabel("Start from"))
        row.addWidget(self.start)
        row.addWidget(self.smooth)
        row.addStretch(1)
        neuron_row = QHBoxLayout()
        neuron_row.addWidget(self.layer)
        neuron_row.addWidget(self.unit)
        neuron_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(caption(dreams_view.DIGITS_EXPLANATION))
        layout.addLayout(row)
        layout.addWidget(self.digits_view, 2)
        layout.addWidget(caption(dreams_view.NEURON_EXPLANATION))
        layout.addLayout(neuron_row)
        layout.addWidget(self.neuron_view, 2)

        self.network: Network | None = None
        self._version = 0
        self._asked: dict[str, np.ndarray] = {}  # the weights each running job dreams with
        self.schedule = {"dreams": Recompute("dreams", 1.0, duty=0.03),
                         "neuron dream": Recompute("neuron dream", 1.0, duty=0.02)}
        for signal in (self.start.currentIndexChanged, self.smooth.toggled):
            signal.connect(self._settings_changed)
        self.layer.valueChanged.connect(self._layer_changed)
        self.unit.valueChanged.connect(lambda _: self.schedule["neuron dream"].now())
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def show_network(self, network: Network) -> None:
        """Dream with ``network`` (cheap: call it every frame, live or at any moment of the timeline)."""
        if self.network is None or network.config() != self.network.config():
            self.network = network.copy()
            hidden = max(len(network.sizes) - 2, 1)
            self.layer.setRange(1, hidden)
            self._layer_changed()
            self._version += 1
        elif not np.array_equal(network.params, self.network.params):
            self.network.set_params(network.params)
            self._version += 1

    def choose_neuron(self, layer: int, unit: int) -> None:
        """Show the dream of neuron ``unit`` of hidden layer ``layer`` (e.g. from a weight image's click)."""
        if layer < 1 or self.network is None or layer >= len(self.network.sizes) - 1:
            return
        self.layer.setValue(layer)
        self.unit.setValue(unit)

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe colours (for the weight image)."""
        self.neuron_view.set_palette(name)

    def shutdown(self) -> None:
        """Stop asking for dreams; stop the workers if this panel started them."""
        self._timer.stop()
        if self._owns_jobs:
            self.jobs.close()

    @Slot()
    def _settings_changed(self) -> None:
        for recompute in self.schedule.values():
            recompute.now()

    @Slot()
    def _layer_changed(self) -> None:
        if self.network is not None:
            self.unit.setRange(0, self.network.sizes[self.layer.value()] - 1)
        self.schedule["neuron dream"].now()

    def _settings(self) -> tuple[str, float]:
        return self.start.currentText(), SMOOTHNESS if self.smooth.isChecked() else 0.0

    @Slot()
    def _tick(self) -> None:
        for done in self.jobs.poll(KEYS):
            self.schedule[done.key].finished(done.seconds)
            if done.error is not None:
                self.neuron_view.title.setText(f"Could not dream: {done.error}")
            elif done.key == "dreams":
                self.digits_view.show_dreams(done.result)
            elif self.network is not None:
                net = self.network.copy()
                net.set_params(self._asked[done.key])
                self.neuron_view.show_dream(done.result, net)
        net = self.network
        if net is None or net.sizes[0] != 784 or net.sizes[-1] != 10:  # dreams are 28×28 images of ten digits
            return
        start, smoothness = self._settings()
        config = net.config()
        if self.digits_view.isVisible():
            self._ask("dreams", (self._version, start, smoothness), dreams_job, config, net.params.copy(), start,
                      smoothness)
        if self.neuron_view.isVisible() and len(net.sizes) > 2:
            layer, unit = self.layer.value(), self.unit.value()
            self._ask("neuron dream", (self._version, layer, unit, start, smoothness), neuron_dream_job, config,
                      net.params.copy(), layer, unit, start, smoothness)

    def _ask(self, key: str, state, fn, *args) -> None:
        if self.schedule[key].submit_if_wanted(state, self.jobs, fn, *args):
            self._asked[key] = args[1]  # the weights it dreams with
