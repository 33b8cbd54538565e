"""Qt view of the training controls: play/pause/step/reset, speed, hyperparameters, presets.

It only *describes* what the user wants (signals and ``config()``); the main window passes that to the worker.
Learning rate, batch size and speed apply live; the architecture fields apply on Reset.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.architecture import (
    MAX_HIDDEN_LAYERS,
    MAX_HIDDEN_NEURONS,
    ArchitectureError,
    hidden_text,
    mnist_sizes,
    parse_hidden,
)
from ..core.functions import ACTIVATIONS, COSTS, OUTPUTS
from ..core.network import INITS
from ..core.training import PRESETS, TrainConfig
from .widgets import button

#: Slider positions → mini-batches per second; the last position is full speed (None).
SPEEDS: list[float | None] = [1, 2, 5, 10, 30, 100, None]
#: The pace a new window starts at: 100 mini-batches of 10 a second, so the first epoch of 60,000 images takes a
#: minute and the cost's first plunge can be watched; full speed is the next position of the slider.
DEFAULT_SPEED_INDEX = SPEEDS.index(100)
TRAINING_IMAGES = 60_000


def speed_label(speed: float | None, batch_size: int = 10) -> str:
    """Human text for a speed setting: mini-batches and images a second, and what an epoch then takes."""
    if speed is None:
        return "full speed: as fast as this computer can train"
    images = speed * batch_size
    seconds = TRAINING_IMAGES / images
    epoch = (f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min" if seconds < 5400
             else f"{seconds / 3600:.0f} h")
    return f"{speed:g} mini-batches/s = {images:,.0f} images/s: an epoch in about {epoch}"


class ControlsPanel(QWidget):
    """Buttons and fields that steer training."""

    train_toggled = Signal(bool)  #: Train (True) / Pause (False) pressed
    step_requested = Signal()
    reset_requested = Signal()
    learning_rate_changed = Signal(float)
    batch_size_changed = Signal(int)
    speed_changed = Signal(object)  #: float mini-batches/s, or None for full speed
    preset_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)

        buttons = QHBoxLayout()
        self.train_button = button("Train", "Start or pause training (Space). Each mini-batch: run the images "
                                   "forward, measure the cost, backpropagate, nudge every weight and bias downhill.")
        self.train_button.setCheckable(True)
        self.step_button = button("Step", "Take exactly one step of gradient descent on one mini-batch (→ or S), "
                                  "while paused.")
        self.reset_button = button("Reset", "Throw the learned weights away and start from fresh random ones "
                                   "(Ctrl+R). Layer sizes, activation, cost and seed take effect here.")
        for b in (self.train_button, self.step_button, self.reset_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.train_button.toggled.connect(self._on_train_toggled)
        self.step_button.clicked.connect(self.step_requested)
        self.reset_button.clicked.connect(self.reset_requested)

        live = QGroupBox("While training")
        form = QFormLayout(live)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(DEFAULT_SPEED_INDEX)
        self.speed_slider.setPageStep(1)
        self.speed_slider.setToolTip("How fast training goes. Slow motion lets you watch single mini-batches change "
                                     "the network; the default (100 a second) shows an epoch in about a minute; "
                                     "the last position, full speed, trains an epoch in a second or two.")
        self.speed_label = QLabel()
        self.speed_label.setWordWrap(True)
        form.addRow("Speed", self.speed_slider)
        form.addRow(self.speed_label)  # across the whole row: two lines, not three
        self.speed_slider.valueChanged.connect(self._on_speed)
        self.lr_spin = QDoubleSpinBox()
        self.lr_spin.setDecimals(4)
        self.lr_spin.setRange(0.0001, 100000.0)
        self.lr_spin.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_spin.setToolTip("Learning rate η: how far each step of gradient descent moves the weights along the "
                                "negative gradient. Too small crawls; too large overshoots and can blow up.")
        self.lr_spin.valueChanged.connect(self.learning_rate_changed)
        form.addRow("Learning rate η", self.lr_spin)
        self.batch_spin = QSpinBox()
        self.batch_spin.setRange(1, 10000)
        self.batch_spin.setToolTip("Mini-batch size: how many images are averaged for one step. Small batches "
                                   "make quick, noisy steps; large ones slow, careful steps.")
        self.batch_spin.valueChanged.connect(self.batch_size_changed)
        self.batch_spin.valueChanged.connect(self._show_speed)  # images/s = mini-batches/s × batch size
        form.addRow("Mini-batch size", self.batch_spin)
        layout.addWidget(live)

        arch = QGroupBox("Network (applies on Reset)")
        aform = QFormLayout(arch)
        self.preset_combo = QComboBox()
        self.preset_combo.addItems(list(PRESETS))
        self.preset_combo.setToolTip("video: the explanation's 784-16-16-10 sigmoid network. best: the same shape "
                                     "with ReLU, softmax and cross-entropy. diverge: a learning rate far too large "
                                     "(η = 2 on a tanh network): every step overshoots, so the cost climbs and "
                                     "swings instead of falling. overflow: a step so large the weights overflow "
                                     "and the cost turns NaN; training pauses and keeps the last good weights.")
        self.preset_combo.textActivated.connect(self.preset_chosen)
        self.applied_preset = "video"  #: the preset the form was last filled from
        aform.addRow("Preset", self.preset_combo)
        self.layers_edit = QLineEdit()
        self.layers_edit.setToolTip("Hidden layer sizes, comma-separated: 16,16 is the explanation's network; "
                                    f"30 is Nielsen's 784-30-10. At most {MAX_HIDDEN_LAYERS} layers and "
                                    f"{MAX_HIDDEN_NEURONS} neurons in all: larger networks cannot be drawn live.")
        aform.addRow("Hidden layers", self.layers_edit)
        self.activation_combo = self._combo(ACTIVATIONS, "The squishification of the hidden layers: sigmoid squashes "
                                            "into (0, 1); ReLU is max(0, z); tanh squashes into (−1, 1).")
        aform.addRow("Activation", self.activation_combo)
        self.output_combo = self._combo(OUTPUTS, "Output layer: ten independent sigmoids, or softmax (ten "
                                        "probabilities that sum to 1).")
        aform.addRow("Output", self.output_combo)
        self.cost_combo = self._combo(COSTS, "quadratic: ½ Σ (output − target)². cross-entropy: −log of the "
                                      "probability given to the right answer; learns faster when badly wrong.")
        aform.addRow("Cost", self.cost_combo)
        self.init_combo = self._combo(INITS, "normal: every weight and bias N(0, 1) (the textbook start). scaled: "
                                      "weights N(0, 1/inputs), He's N(0, 2/inputs) for ReLU.")
        aform.addRow("Initial weights", self.init_combo)
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Random seed: the same seed gives the same starting weights and order of images.")
        aform.addRow("Seed", self.seed_spin)
        self.random_labels = QCheckBox("Random labels")
        self.random_labels.setToolTip("The explanation's experiment: train on labels shuffled at random. Properly "
                                      "labelled data is learned far faster: this 16-unit network cannot memorise "
                                      "60,000 arbitrary labels, so its cost stalls near 0.45 (what answering 0.1 "
                                      "for every digit costs) and its test accuracy stays near 10 %. Training → "
                                      "Experiment: true vs random labels shows both runs side by side.")
        aform.addRow(self.random_labels)
        layout.addWidget(arch)
        layout.addStretch(1)
        self._hidden_extras: dict = {}
        self.set_config(PRESETS["video"])
        self._show_speed()

    def _combo(self, options, tip: str) -> QComboBox:
        c = QComboBox()
        c.addItems(list(options))
        c.setToolTip(tip)
        return c

    @Slot(bool)
    def _on_train_toggled(self, checked: bool) -> None:
        self.train_button.setText("Pause" if checked else "Train")
        self.step_button.setEnabled(not checked)
        self.train_toggled.emit(checked)

    @Slot(int)
    def _on_speed(self, position: int) -> None:
        self._show_speed()
        self.speed_changed.emit(SPEEDS[position])

    @Slot()
    def _show_speed(self) -> None:
        self.speed_label.setText(speed_label(self.speed(), self.batch_spin.value()))

    def use_preset(self, name: str) -> TrainConfig:
        """Fill the form from preset ``name`` and return its configuration."""
        self.set_config(PRESETS[name])
        self.show_preset(name)
        return PRESETS[name]

    def show_preset(self, name: str) -> None:
        """Show ``name`` as the preset in use (after the form was filled from it, or a change of mind)."""
        self.applied_preset = name
        self.preset_combo.setCurrentText(name)

    def set_running(self, running: bool) -> None:
        """Show the worker's real state without re-emitting."""
        self.train_button.blockSignals(True)
        self.train_button.setChecked(running)
        self.train_button.setText("Pause" if running else "Train")
        self.step_button.setEnabled(not running)
        self.train_button.blockSignals(False)

    @Slot()
    def faster(self) -> None:
        """One position right on the speed slider (the default's next is full speed)."""
        self.speed_slider.setValue(self.speed_slider.value() + 1)

    @Slot()
    def slower(self) -> None:
        """One position left on the speed slider."""
        self.speed_slider.setValue(self.speed_slider.value() - 1)

    def speed(self) -> float | None:
        """The chosen speed (mini-batches/s, None = full speed)."""
        return SPEEDS[self.speed_slider.value()]

    def set_config(self, c: TrainConfig) -> None:
        """Fill every field from ``c``."""
        self.lr_spin.setValue(c.learning_rate)
        self.batch_spin.setValue(c.batch_size)
        self.layers_edit.setText(hidden_text(c.sizes))
        for combo, value in ((self.activation_combo, c.activation), (self.output_combo, c.output),
                             (self.cost_combo, c.cost), (self.init_combo, c.init)):
            combo.setCurrentText(value)
        self.seed_spin.setValue(c.seed)
        self.random_labels.setChecked(c.random_labels)
        # settings without a field of their own ride along unchanged
        self._hidden_extras = {"lr_decay": c.lr_decay, "momentum": c.momentum, "epochs": c.epochs}

    def config(self) -> TrainConfig:
        """The configuration the fields describe; ValueError with a plain message if a field is wrong (the hidden
        layers follow :func:`nnviz.core.architecture.parse_hidden`, the command line's rules)."""
        try:
            hidden = parse_hidden(self.layers_edit.text())
        except ArchitectureError as e:  # the command line's phrase, as a sentence for a message box
            raise ArchitectureError(f"{str(e)[0].upper()}{str(e)[1:]}.") from None
        return TrainConfig(sizes=mnist_sizes(hidden), activation=self.activation_combo.currentText(),
                           output=self.output_combo.currentText(), cost=self.cost_combo.currentText(),
                           init=self.init_combo.currentText(), learning_rate=self.lr_spin.value(),
                           batch_size=self.batch_spin.value(), seed=self.seed_spin.value(),
                           random_labels=self.random_labels.isChecked(), **self._hidden_extras)
