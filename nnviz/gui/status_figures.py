"""The status bar's figures of the shown moment: epoch, images, mini-batches, speed, cost, test accuracy — and, when
the views show a recorded moment rather than the live run, which one ("viewing mini-batch N of M")."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QStatusBar

from ..core.snapshot import Snapshot
from ..core.timeline import viewing_text

FIGURES = [("epoch", "Passes through the 60,000 training images", "epoch 999.99"),
           ("samples", "Training images seen so far", "999,999,999 images"),
           ("batches", "Mini-batches: steps of gradient descent taken", "99,999,999 mini-batches"),
           ("speed", "Training speed in images (and mini-batches) a second; — while paused", "999,999 images/s"),
           ("cost", "Cost of the latest mini-batch", "cost 99.9999"),
           ("accuracy", "Accuracy on the 10,000 test images at the last epoch's end", "test 100.00 %")]


class StatusFigures:
    """Permanent labels at the right of a status bar; ``show_snapshot`` fills them."""

    def __init__(self, bar: QStatusBar):
        self.labels: dict[str, QLabel] = {}
        self.moment = QLabel()
        self.moment.setToolTip("The views show this moment of the run, not the live network (End: back to live)")
        self.moment.setStyleSheet("font-weight:bold")
        # a fixed size, as wide as its longest text: moving the cursor then never re-lays out the window
        bold = self.moment.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        self.moment.setFixedSize(metrics.horizontalAdvance(viewing_text(9_999_999, 9_999_999)) + 4, metrics.height())
        self.moment.hide()
        bar.addPermanentWidget(self.moment)
        for key, tip, widest in FIGURES:
            label = QLabel("–")
            label.setToolTip(tip)
            # fixed, as wide as a long run's figure: a new figure then never re-lays out the window (0.8 ms a frame)
            label.setFixedSize(label.fontMetrics().horizontalAdvance(widest) + 8, label.fontMetrics().height())
            bar.addPermanentWidget(label)
            self.labels[key] = label

    def show_snapshot(self, s: Snapshot, viewing: str | None = None) -> None:
        """The figures of ``s`` (the labels "epoch N.NN" and "N mini-batches" are read by outside checks);
        ``viewing`` says which recorded moment ``s`` is ("viewing mini-batch N of M"), None when it is live."""
        if self.moment.text() != (viewing or ""):
            self.moment.setText(viewing or "")
        self.moment.setVisible(viewing is not None)
        text = {
            "epoch": f"epoch {s.epoch_progress:.2f}",
            "samples": f"{s.samples_seen:,} images",
            "batches": f"{s.step:,} mini-batches",
            "speed": (f"{s.samples_per_second:,.0f} images/s" if s.running and s.samples_per_second > 0
                      else "— images/s"),
            "cost": f"cost {s.last_cost:.4f}" if len(s.costs) else "cost –",
            "accuracy": (f"test {100 * s.latest_test_accuracy:.2f} %" if s.test_accuracy else "test –"),
        }
        for key, value in text.items():
            if self.labels[key].text() != value:
                self.labels[key].setText(value)
