"""What the network learned, on the 10,000 test images: the confusion matrix and its most confused pairs,
per-digit accuracy, every example's cost, and galleries of the images behind a cell and of the hardest examples.

A container of views with one entry point, ``show_insight``: give it a network (and the test images and labels)
or an :class:`~nnviz.core.insight.Insight` already computed, as often as there is a new one; it keeps to a small
share of the window's time. While the panel is hidden it only remembers what it was given and computes when it is
shown again, so a closed panel costs training nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QScrollArea,
                               QTabWidget, QVBoxLayout, QWidget)

from ..core.atomic import write_atomically
from ..core.insight import Insight, LabelledImages, compute_insight, confusion_csv
from ..core.network import Network
from .confusion_view import ConfusionView
from .cost_histogram import CostHistogram
from .digit_accuracy_view import DigitAccuracyView
from .example_gallery import MAX_EXAMPLES, ExampleGallery
from .widgets import button

HARDEST = 60  # examples in the hardest-examples gallery
# Measuring takes a forward pass over the test set (~5-20 ms) and drawing a few ms; at full speed a quick estimate
# comes ~25 times a second. The panel keeps to a share of the window's time (measured: recomputing at every quick
# estimate cut training to 0.82× of its speed), and to a rate a person can follow.
BUDGET = 0.03
MIN_GAP_S = 0.3
MAX_GAP_S = 1.0  # ...but a measurement slowed by a busy machine never holds the next one back for longer
PAIRS = 5  # confused pairs named beside the matrix
SIDE_WIDTH = 300  # pixels: the column beside the matrix


def _scrolling(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return area


class InsightPanel(QWidget):
    """The confusion matrix (click a cell for its images), per-digit accuracy, the costs' histogram, the galleries."""

    #: an example was clicked in a gallery: (28×28 float image in [0, 1], true label), for the Draw panel's
    #: ``show_labelled``
    example_chosen = Signal(object, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.insight: Insight | None = None
        self.data: LabelledImages | None = None
        self.selected_cell: tuple[int, int] | None = None
        self.directory = str(Path.home())  #: where the export dialogs start
        self._pending: Network | Insight | None = None
        self._ready_at = 0.0  # perf_counter() time before which a new source waits (see show_insight)
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.timeout.connect(self._show_pending)

        self.confusion_view = ConfusionView()
        self.normalise_box = QCheckBox("Rows normalised")
        self.normalise_box.setToolTip("Show each row as shares of that digit's test images (%), so digits with "
                                      "fewer images compare fairly: what share of the 5s is read as 3?")
        self.normalise_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Space stays the window's Train/Pause
        # The labels that change with every network have a fixed size: a label whose size may change makes each
        # new text lay the whole panel out again (measured: 1.5 ms a frame). Their lines are broken by hand.
        self.summary = QLabel("No network measured yet.")
        self.pairs_label = QLabel("")
        line = self.fontMetrics().lineSpacing()
        self.summary.setFixedSize(SIDE_WIDTH, 2 * line + 6)
        self.pairs_label.setFixedSize(SIDE_WIDTH, PAIRS * line + 6)
        self.pairs_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.summary.setToolTip("Accuracy: the share of the test images whose most active output is the right "
                                "digit. Cost: the average, over the same images, of each image's own cost — "
                                "the number gradient descent pushes down (see the histogram below).")
        for label in (self.summary, self.pairs_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # rich text is laid out as a document: 4× slower
        self.pairs_label.setToolTip("The network's most frequent mistakes on the test images: which digit it "
                                    "took for which, and how often. Click the cell in the matrix to see them.")
        self.csv_button = button("Matrix as CSV…", "Save the confusion matrix (counts, or shares when the rows are "
                                 "normalised) as a CSV file for a spreadsheet")
        self.png_button = button("Matrix as PNG…", "Save the confusion matrix as an image")
        self.accuracy_view = DigitAccuracyView()
        self.histogram = CostHistogram()
        self.cell_gallery = ExampleGallery("Click a cell of the confusion matrix to see the test images behind it, "
                                           "the ones the network was surest about first.")
        self.hardest_gallery = ExampleGallery("The test images with the highest cost appear here.")
        self.hardest_gallery.set_title(f"The {HARDEST} test images with the highest cost (C), the costliest first. "
                                       "Click one to put it on the canvas.")
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolling(self.cell_gallery), "Images behind the cell")
        self.tabs.addTab(_scrolling(self.hardest_gallery), "Hardest examples")
        self.tabs.setTabToolTip(0, "The images of the chosen cell, sorted by how sure the network was of its answer "
                                   "(its most active output). Click one to put it on the canvas.")
        self.tabs.setTabToolTip(1, "The test images with the highest cost: where the outputs are furthest from "
                                   "the answer they should give. Click one to put it on the canvas.")

        side = QVBoxLayout()
        side.addWidget(self.summary)
        side.addWidget(self.normalise_box)
        side.addWidget(QLabel("<b>Most confused</b>"))
        side.addWidget(self.pairs_label)
        side.addStretch(1)
        side.addWidget(self.csv_button)
        side.addWidget(self.png_button)
        top = QHBoxLayout()
        top.addWidget(self.confusion_view, 3)
        top.addLayout(side, 2)
        middle = QHBoxLayout()
        middle.addWidget(self.accuracy_view)
        middle.addWidget(self.histogram)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(top, 6)
        layout.addLayout(middle, 3)
        layout.addWidget(self.tabs, 3)
        # in a scroll area: the dock may be smaller than the views need (the window must fit a 1024×768 screen
        # with every dock open); then the panel scrolls instead of squeezing the matrix into illegibility
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        area = _scrolling(content)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        area.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(area)

        self.confusion_view.cell_clicked.connect(self.open_cell)
        self.normalise_box.toggled.connect(self.set_normalised)
        self.csv_button.clicked.connect(self.export_csv)
        self.png_button.clicked.connect(self.export_png)
        for gallery in (self.cell_gallery, self.hardest_gallery):
            gallery.example_chosen.connect(self.example_chosen)

    # --- the entry point -----------------------------------------------------------------------------------------
    def set_test_set(self, images: np.ndarray, labels: np.ndarray) -> None:
        """The labelled images to measure on (uint8 ``(n, 28, 28)`` or float ``(n, 784)``), converted once."""
        if self.data is None or images is not self.data.images or len(labels) != len(self.data):
            self.data = LabelledImages.of(images, labels)
            self.histogram.reset_range()

    def show_insight(self, source: Network | Insight, images: np.ndarray | None = None,
                     labels: np.ndarray | None = None) -> None:
        """Show what ``source`` learned: a network (measured here on ``images``/``labels``, or the test set given
        before) or an :class:`Insight` computed elsewhere.

        Call it as often as there is something new (every quick estimate, every move of the timeline's cursor):
        the panel measures and draws at once if it has been idle long enough, else a little later, and only the
        newest of what came meanwhile — so it spends at most ``BUDGET`` of the window's time. Hidden, it computes
        nothing until it is shown again.
        """
        if images is not None and labels is not None:
            self.set_test_set(images, labels)
        self._pending = source
        wait = self._ready_at - time.perf_counter()
        if wait <= 0:
            self._show_pending()
        elif not self._later.isActive():
            self._later.start(int(1000 * wait) + 1)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._show_pending()

    @Slot()
    def _show_pending(self) -> None:
        if self._pending is None or not self.isVisible():
            return  # hidden: the newest source waits for showEvent
        source, self._pending = self._pending, None
        started = time.perf_counter()
        if isinstance(source, Network):
            if self.data is None:
                return  # no test set yet: nothing to measure on
            source = compute_insight(source, self.data)
        self.show_computed(source)
        spent = time.perf_counter() - started
        self._ready_at = time.perf_counter() + min(max(MIN_GAP_S, spent / BUDGET - spent), MAX_GAP_S)

    def show_computed(self, insight: Insight) -> None:
        """Draw every view from ``insight`` (the open cell's gallery follows the new network)."""
        self.insight = insight
        self.confusion_view.show_confusion(insight.confusion)
        self.accuracy_view.show_accuracy(insight.recall, insight.precision)
        self.histogram.show_costs(insight.costs)
        cost = f"{insight.cost:.4g}" if np.isfinite(insight.cost) else "not a number (the weights blew up)"
        self.summary.setText(f"{100 * insight.accuracy:.2f} % of {insight.count:,} test images read right\n"
                             f"their average cost: {cost}")
        pairs = insight.confused_pairs(PAIRS)
        self.pairs_label.setText("\n".join(f"{p.sentence()} ({100 * p.share:.1f} % of the {p.true}s)" for p in pairs)
                                 or "none: every test image is read right")
        hardest = insight.hardest(HARDEST)
        self._fill(self.hardest_gallery, hardest, with_costs=True)
        if self.selected_cell is not None:
            self._fill_cell(*self.selected_cell)  # the same cell, the new network's images (the tab stays)

    def _fill(self, gallery: ExampleGallery, indices: np.ndarray, with_costs: bool = False) -> None:
        ins = self.insight
        indices = indices[:MAX_EXAMPLES]
        gallery.show_examples(ins.data.images[indices], ins.labels[indices], ins.outputs[indices], indices,
                              ins.costs[indices] if with_costs else None)

    # --- interaction -----------------------------------------------------------------------------------------
    @Slot(int, int)
    def open_cell(self, true: int, answer: int) -> None:
        """Show the images of digit ``true`` that the network answered ``answer``, most confident first."""
        self.selected_cell = (true, answer)
        self.confusion_view.select_cell(true, answer)
        self._fill_cell(true, answer)
        self.tabs.setCurrentIndex(0)

    def _fill_cell(self, true: int, answer: int) -> None:
        if self.insight is None:
            return
        indices = self.insight.cell(true, answer)
        self._fill(self.cell_gallery, indices)
        shown = min(len(indices), MAX_EXAMPLES)
        what = self.confusion_view.describe(true, answer)
        more = f" — the {shown} the network was surest about" if shown < len(indices) else ""
        self.cell_gallery.set_title(f"{what}{more}. Click one to put it on the canvas.")
        self.cell_gallery.empty_text = f"{what}: no test image here. Click another cell."

    @Slot(bool)
    def set_normalised(self, on: bool) -> None:
        """Rows as shares of each digit's images, or counts."""
        if self.normalise_box.isChecked() != on:
            self.normalise_box.setChecked(on)
        self.confusion_view.set_normalised(on)

    def set_palette(self, name: str) -> None:
        """Standard or colour-blind-safe colours."""
        self.confusion_view.set_palette(name)
        self.accuracy_view.set_palette(name)

    # --- exports -----------------------------------------------------------------------------------------------
    def confusion_csv(self) -> str:
        """The matrix as shown (counts, or row shares when normalised) as CSV text."""
        return confusion_csv(self.confusion_view.values())

    def save_confusion_csv(self, path) -> Path:
        """Write :meth:`confusion_csv` to ``path`` (complete or not at all); raises OSError."""
        text = self.confusion_csv().encode()
        return write_atomically(path, lambda f: f.write(text))

    def save_confusion_png(self, path) -> bool:
        """Save the matrix view as a PNG image; False if it could not be written."""
        return self.confusion_view.grab().save(str(path), "PNG")

    @Slot()
    def export_csv(self) -> None:
        """Ask where, then save the matrix as CSV."""
        path, _ = QFileDialog.getSaveFileName(self, "Export confusion matrix",
                                              str(Path(self.directory) / "confusion.csv"), "CSV (*.csv)")
        if path:
            try:
                self.save_confusion_csv(path)
            except OSError as e:
                QMessageBox.warning(self, "Cannot export", f"Could not write {path}: {e.strerror or e}. "
                                    "Choose another folder.")

    @Slot()
    def export_png(self) -> None:
        """Ask where, then save the matrix as a PNG image."""
        path, _ = QFileDialog.getSaveFileName(self, "Export confusion matrix",
                                              str(Path(self.directory) / "confusion.png"), "PNG (*.png)")
        if path and not self.save_confusion_png(path):
            QMessageBox.warning(self, "Cannot export", f"Could not write {path}. Choose another folder.")
