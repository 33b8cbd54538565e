"""The drawing corner of the window: canvas, "what the network sees", input buttons and the output bars.

A container of views; it computes nothing. The main window classifies ``canvas.network_input()`` with the newest
weights and hands the output back through ``show_output``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal, Slot
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .canvas import DrawingCanvas, ImagePreview
from .noise_view import NoiseView
from .predictions import PredictionBars
from .widgets import button


class DrawPanel(QWidget):
    """Draw a digit, or load an MNIST test digit or pure noise, and see the network's answer."""

    input_changed = Signal()  #: the network's input changed: classify it again
    noise_batch_requested = Signal(object)  #: classify these noise images (n, 784) and call show_noise_batch

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rng = np.random.default_rng()
        self.noise_batch: np.ndarray | None = None  #: the noise experiment's 100 images ``(100, 784)`` while it is on
        self.test_images: np.ndarray | None = None
        self.test_labels: np.ndarray | None = None
        self.true_label: int | None = None
        self._label_says = "MNIST says"
        self.canvas = DrawingCanvas()
        self.preview = ImagePreview("What the network sees: your drawing fitted into a 20×20 box and centred by "
                                    "its centre of mass in the 28×28 field, the way MNIST's digits were prepared.")
        self.bars = PredictionBars()
        self.normalize_box = QCheckBox("MNIST-style")
        self.normalize_box.setChecked(True)
        self.normalize_box.setToolTip("Fit the drawing into 20×20 and centre it, as MNIST was made. Turn it off to "
                                      "feed the raw grid and see why small or off-centre digits get misread.")
        self.answer = QLabel("Draw a digit")
        self.answer.setWordWrap(True)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self.answer.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self.answer.setFont(f)
        # room for two lines, always: a new answer never moves the canvas or the bars
        self.answer.setFixedHeight(2 * self.answer.fontMetrics().lineSpacing() + 6)
        self.noise_view = NoiseView(self)
        self._noise_is_new = False
        self.noise_view.closed.connect(self.end_noise_batch)

        side = QVBoxLayout()
        side.addWidget(QLabel("Network sees:"))
        side.addWidget(self.preview)
        side.addWidget(self.normalize_box)
        side.addStretch(1)
        buttons = QGridLayout()
        self.clear_button = button("Clear", "Blank canvas (Delete or C on the canvas)")
        self.undo_button = button("Undo", "Remove the last stroke (Ctrl+Z on the canvas)")
        self.mnist_button = button("MNIST digit", "A random image from the 10,000 test digits the network never "
                                   "trains on; its true label is marked under the bars.")
        self.noise_button = button("Noise", "Pure random pixels. The network was only ever shown digits, so it has "
                                   "no way to say 'none of these' — it still answers, often confidently.")
        self.noise100_button = button("100 noise images", "The explanation's experiment at scale: 100 images of "
                                      "random pixels. Which digits does the network see in them, and how sure is it?")
        for i, b in enumerate((self.clear_button, self.undo_button, self.mnist_button, self.noise_button,
                               self.noise100_button)):
            buttons.addWidget(b, i, 0)  # one column: the Draw dock stays narrow enough for a 1024-wide screen
        side.addLayout(buttons)

        top = QHBoxLayout()
        top.addWidget(self.canvas, 1)
        top.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(self.answer)
        layout.addWidget(self.bars, 2)

        self.clear_button.clicked.connect(self.canvas.clear)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.mnist_button.clicked.connect(self.show_random_test_digit)
        self.noise_button.clicked.connect(self.show_noise)
        self.noise100_button.clicked.connect(self.start_noise_batch)
        self.normalize_box.toggled.connect(self.canvas.set_normalization)
        self.canvas.changed.connect(self._on_canvas_changed)
        self.mnist_button.setEnabled(False)

    def set_test_set(self, images: np.ndarray, labels: np.ndarray) -> None:
        """Give the panel MNIST's test digits (uint8 ``(n, 28, 28)``) for the MNIST-digit button."""
        self.test_images, self.test_labels = images, labels
        self.mnist_button.setEnabled(True)

    @Slot()
    def show_random_test_digit(self) -> None:
        """Load a random MNIST test digit and remember its label."""
        if self.test_images is None:
            return
        i = int(self.rng.integers(len(self.test_images)))
        self.show_labelled(self.test_images[i] / 255.0, int(self.test_labels[i]))

    @Slot(object, int)
    def show_labelled(self, image: np.ndarray, label: int, says: str = "MNIST says") -> None:
        """Put a labelled image (28×28 in [0, 1]) on the canvas, its label marked under the bars; ``says`` is whose
        label it is in the answer ("MNIST says 9", "You meant 9")."""
        self.canvas.set_image(image)
        self.true_label = label
        self._label_says = says
        self.bars.set_true_label(label)
        self.input_changed.emit()

    @Slot()
    def show_noise(self) -> None:
        """Load an image of uniform random pixels."""
        self.canvas.set_image(self.rng.random((28, 28)))

    @Slot()
    def start_noise_batch(self) -> None:
        """Start the 100-noise-images experiment: the images and their guesses in a window of their own, the bars
        the share of each guess, until the window is closed or the canvas changes (it follows training)."""
        self.noise_batch = self.rng.random((100, 784)).astype(np.float32)
        self._noise_is_new = True
        self.noise_batch_requested.emit(self.noise_batch)

    @Slot()
    def end_noise_batch(self) -> None:
        """The experiment is over: its window closes and the bars and the text show the canvas again."""
        if self.noise_batch is None:
            return
        self.noise_batch = None
        self.noise_view.hide()
        self.input_changed.emit()

    @Slot()
    def _on_canvas_changed(self) -> None:
        if self.noise_batch is not None:  # drawing (or any new input) ends the noise experiment
            self.noise_batch = None
            self.noise_view.hide()
        self.true_label = None
        self.bars.set_true_label(None)
        self.preview.set_image(self.canvas.input_image())
        self.input_changed.emit()

    def show_noise_batch(self, outputs: np.ndarray, kind: str = "sigmoid") -> None:
        """Show how the network answered the noise images (``outputs`` ``(100, 10)``, ``kind`` the output layer's
        function): each image with its guess in the experiment's window, the share of each guess on the bars."""
        guesses = outputs.argmax(axis=1)
        share = np.bincount(guesses, minlength=10) / len(outputs)
        self.bars.show_output(share, "share")
        self.bars.set_true_label(None)
        top = int(np.argmax(share))
        self.answer.setText(f"Noise: seen as <b>{top}</b> most often ({100 * share[top]:.0f} %)")
        measure = "probability" if kind == "softmax" else "activation"
        self.noise_view.show_batch(self.noise_batch if self._noise_is_new else None, outputs, measure)
        if self._noise_is_new:
            self._noise_is_new = False
            if not self.noise_view.isVisible():
                self.noise_view.resize(self.noise_view.sizeHint())
                self.noise_view.move(self.mapToGlobal(QPoint(self.width() + 12, 0)))  # beside, covering no canvas
            self.noise_view.show()

    def show_output(self, output: np.ndarray, kind: str, untrained: bool = False) -> None:
        """Show the network's output activations for the current input (``kind``: the output layer's function)."""
        blank = self.canvas.is_blank()
        self.bars.show_output(output, kind, blank=blank, untrained=untrained)
        guess = self.bars.guess
        measure = "probability" if kind == "softmax" else "activation"
        if blank:
            self.answer.setText("Draw a digit")
        elif untrained:
            self.answer.setText(f"Untrained: its “{guess}” is only a guess")
        elif self.true_label is not None:
            verdict = "right" if guess == self.true_label else "wrong"
            self.answer.setText(f"{self._label_says} {self.true_label} · network says <b>{guess}</b> ({verdict})")
        else:
            self.answer.setText(f"Network says <b>{guess}</b> ({float(output[guess]):.2f} {measure})")
