""""My digits": keep your own drawings with the digit each one means, see how well the network reads them, and
train with them.

A standalone panel over ``nnviz.core.my_digits.MyDigits``. The window hands it the canvas's drawing
(``set_drawing``) and the current network (``set_network``); it says when the collection or the
train-with switch changes (``digits_changed``, ``train_with_changed``) and the window decides what training does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog,
                               QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QSizePolicy, QToolButton,
                               QVBoxLayout, QWidget)

from ..core.data import DataError
from ..core.examples_file import Examples
from ..core.mixing import DEFAULT_EXTRA_WEIGHT
from ..core.my_digits import MyDigits
from .thumbnails import digit_icon
from .widgets import button

ICON_SIDE = 32
ALL = -1  # the filter's "every digit"
NONE_YET = "No digits of yours yet: draw one on the canvas and press its digit (a key there, or a button above)."


class MyDigitsPanel(QWidget):
    """Add the drawing as a digit you meant, browse and delete yours, see how many the network reads right."""

    digits_changed = Signal()  #: added, deleted or imported: a run training with them should take the new set
    digit_opened = Signal(object, int)  #: a digit double-clicked in the gallery: its image (28, 28) in [0, 1], label
    train_with_changed = Signal(bool, float)  #: the "Train with my digits" switch, and the share of each epoch

    def __init__(self, store: MyDigits | None = None, parent=None):
        super().__init__(parent)
        self.store = store if store is not None else MyDigits.open()
        self.network = None
        self.drawing: np.ndarray | None = None
        self.guesses = np.empty(0, np.intp)  #: what the network reads each of my digits as (empty: no network)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # digit keys add, Delete deletes, while the panel has focus

        self.add_buttons = []
        add_row = QHBoxLayout()
        add_row.setSpacing(2)
        for d in range(10):
            # tool buttons: a push button's style asks 80 px for a one-digit label, and ten must fit a narrow panel
            b = QToolButton()
            b.setText(str(d))
            b.setToolTip(f"Keep the drawing on the canvas as one of your {d}s (or press {d} on the canvas)")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            b.clicked.connect(lambda _=False, d=d: self.add_current(d))
            add_row.addWidget(b, 1)
            self.add_buttons.append(b)

        self.filter = QComboBox()
        self.filter.addItem("All digits", ALL)
        for d in range(10):
            self.filter.addItem(f"Your {d}s", d)
        self.filter.setToolTip("Show all your digits, or one digit's")
        self.filter.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.gallery = QListWidget()
        self.gallery.setViewMode(QListWidget.ViewMode.IconMode)
        self.gallery.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.gallery.setGridSize(QSize(ICON_SIDE + 14, ICON_SIDE + 22))
        self.gallery.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.gallery.setMovement(QListWidget.Movement.Static)
        self.gallery.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.gallery.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the panel takes the keys: a list would search on digits
        self.gallery.setMinimumHeight(ICON_SIDE + 22 + 6)  # one row; more as the panel grows
        self.gallery.setToolTip("Your digits, each with the digit you meant; “9→3” means the network reads it as "
                                "3. Double-click one to put it on the canvas.")

        self.score = QLabel(NONE_YET)
        self.score.setWordWrap(True)
        self.delete_button = button("Delete", "Delete the selected digits (Delete key)")
        self.export_button = button("Export…", "Save a copy of your digits (an .npz file that `nnviz train --extra` "
                                    "reads)")
        self.import_button = button("Import…", "Add the digits of an exported file")
        self.train_box = QCheckBox("Train with my digits")
        self.train_box.setToolTip("Mix your digits into every epoch of training, from the next epoch on, so the "
                                  "network learns your hand")
        self.weight = QDoubleSpinBox()
        self.weight.setRange(1, 50)
        self.weight.setDecimals(0)
        self.weight.setSuffix(" % of each epoch")
        self.weight.setValue(100 * DEFAULT_EXTRA_WEIGHT)
        self.weight.setToolTip("The share of each epoch's examples taken from your digits, each repeated as often as "
                               "needed (5 %: 50 digits are each seen about 63 times an epoch)")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        score = QHBoxLayout()
        score.addWidget(self.score, 1)
        score.addWidget(self.filter, 0, Qt.AlignmentFlag.AlignTop)
        train = QHBoxLayout()
        train.addWidget(self.train_box)
        train.addWidget(self.weight)
        train.addStretch(1)
        files = QHBoxLayout()
        for b in (self.delete_button, self.export_button, self.import_button):
            files.addWidget(b)
        files.addStretch(1)
        # the most used first: at the window's default size the Draw panel shows about the first three rows
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(add_row)
        layout.addLayout(score)
        layout.addLayout(train)
        layout.addWidget(self.message)
        layout.addWidget(self.gallery, 1)
        layout.addLayout(files)

        self.filter.currentIndexChanged.connect(self._refresh)
        self.delete_button.clicked.connect(self.delete_selected)
        self.export_button.clicked.connect(self._ask_export)
        self.import_button.clicked.connect(self._ask_import)
        self.train_box.toggled.connect(self._emit_train_with)
        self.weight.valueChanged.connect(self._on_weight)
        self.gallery.itemSelectionChanged.connect(self._update_buttons)
        self.gallery.itemDoubleClicked.connect(self._open)
        if self.store.problem:
            self._say(self.store.problem)
        self.set_drawing(None)
        self._refresh()

    # --- what the window hands in -------------------------------------------------------------------------
    def set_network(self, network) -> None:
        """Read my digits with ``network`` (anything with ``classify((n, 784)) -> (n,)``), or None for none."""
        self.network = network
        self.guesses = self.store.read_right(network)[0] if network is not None else np.empty(0, np.intp)
        self._mark()

    @Slot(object)
    def set_drawing(self, drawing: np.ndarray | None) -> None:
        """The canvas's current network input (784 floats in [0, 1]); None or a blank one disables adding."""
        self.drawing = None if drawing is None or not np.asarray(drawing).any() else np.asarray(drawing, np.float32)
        for b in self.add_buttons:
            b.setEnabled(self.drawing is not None)

    # --- what the panel offers -------------------------------------------------------------------------------
    def train_with(self) -> tuple[bool, float]:
        """Whether to train with my digits, and their share of each epoch (0.05 = 5 %)."""
        return self.train_box.isChecked(), self.weight.value() / 100

    def examples(self) -> Examples:
        """My digits, for ``Trainer(extra=[...])``."""
        return self.store.examples()

    @Slot(int)
    def add_current(self, label: int) -> None:
        """Keep the current drawing as one of my ``label``s."""
        if self.drawing is None:
            self._say(f"Draw a {label} on the canvas first, then press {label} to keep it.")
            return
        try:
            self.store.add(self.drawing, label)
        except (DataError, ValueError) as e:
            self._say(str(e))
            return
        self._changed()
        read = ""
        if len(self.guesses) == len(self.store):
            wrong = self.guesses[-1] != label
            read = f"; read as {self.guesses[-1]}" + (" (“Why misread?” shows why)" if wrong else "")
        self._say(f"Kept as one of your {label}s ({self.store.counts()[label]} now){read}.")

    @Slot()
    def delete_selected(self) -> None:
        """Delete the digits selected in the gallery."""
        indices = [item.data(Qt.ItemDataRole.UserRole) for item in self.gallery.selectedItems()]
        if not indices:
            return
        try:
            self.store.delete(indices)
        except DataError as e:
            self._say(str(e))
            return
        self._say(f"Deleted {len(indices)} digit{'s' if len(indices) > 1 else ''}.")
        self._changed()

    def export_to(self, path: str | Path) -> bool:
        """Write my digits to ``path``; say so, or say why not. Returns whether it worked."""
        try:
            self.store.export(path)
        except DataError as e:
            self._say(str(e))
            return False
        self._say(f"Exported {len(self.store)} digits to {path}.")
        return True

    def import_from(self, path: str | Path) -> int:
        """Add the digits of the examples file at ``path``; say how many, or why none. Returns how many."""
        try:
            added = self.store.import_file(path)
        except DataError as e:
            self._say(str(e))
            return 0
        self._say(f"Imported {added} digits from {Path(path).name}.")
        self._changed()
        return added

    # --- inside ------------------------------------------------------------------------------------------------
    def _changed(self) -> None:
        self.guesses = self.store.read_right(self.network)[0] if self.network is not None else np.empty(0, np.intp)
        self._refresh()
        self.digits_changed.emit()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    @Slot()
    def _refresh(self) -> None:
        """Rebuild the gallery (the chosen digit's, or all, by digit), then its marks and the score line."""
        digit = self.filter.currentData()
        labels = self.store.labels
        shown = np.flatnonzero(labels == digit) if digit != ALL else np.argsort(labels, kind="stable")
        self.gallery.setUpdatesEnabled(False)
        self.gallery.clear()
        for i in shown:
            item = QListWidgetItem(digit_icon(self.store.images[i], ICON_SIDE), str(labels[i]))
            item.setData(Qt.ItemDataRole.UserRole, int(i))
            item.setToolTip(f"You meant {labels[i]}")
            self.gallery.addItem(item)
        self.gallery.setUpdatesEnabled(True)
        self._mark()
        self._update_buttons()

    def _mark(self) -> None:
        """Mark each shown digit with what the network reads (“9→3” when wrong) and update the score line.

        Cheap enough for every new network: the icons stay, only changed captions are set.
        """
        labels, read = self.store.labels, len(self.guesses) == len(self.store)
        for row in range(self.gallery.count()):
            item = self.gallery.item(row)
            i = item.data(Qt.ItemDataRole.UserRole)
            wrong = read and self.guesses[i] != labels[i]
            text = f"{labels[i]}→{self.guesses[i]}" if wrong else str(labels[i])
            if item.text() != text:
                item.setText(text)
                item.setToolTip(f"You meant {labels[i]}" + (f"; the network reads {self.guesses[i]}" if wrong else ""))
        self.score.setText(self.score_text(self.filter.currentData()))

    def score_text(self, digit: int = ALL) -> str:
        """“7 of 10 of your 9s” for one digit, or the total and the worst-read digit."""
        counts = self.store.counts()
        if not counts.sum():
            return NONE_YET
        if len(self.guesses) != len(self.store):
            n = counts.sum()
            return f"{n} digit{'s' if n > 1 else ''} of yours; the network reads them once there is one."
        right = np.bincount(self.store.labels[self.guesses == self.store.labels], minlength=10)
        had = np.flatnonzero(counts)
        if digit != ALL or len(had) == 1:
            digit = digit if digit != ALL else had[0]
            return f"The network reads {right[digit]} of {counts[digit]} of your {digit}s right."
        worst = had[np.argmin(right[had] / counts[had])]
        text = f"The network reads {right.sum()} of your {counts.sum()} digits right"
        if right[worst] < counts[worst]:
            text += f"; worst: {right[worst]} of {counts[worst]} of your {worst}s"
        return text + "."

    @Slot()
    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(bool(self.gallery.selectedItems()))
        self.export_button.setEnabled(len(self.store) > 0)

    @Slot(bool)
    def _emit_train_with(self, _on: bool = False) -> None:
        self.train_with_changed.emit(*self.train_with())

    @Slot(float)
    def _on_weight(self, _value: float) -> None:
        if self.train_box.isChecked():
            self._emit_train_with()

    @Slot(QListWidgetItem)
    def _open(self, item: QListWidgetItem) -> None:
        i = item.data(Qt.ItemDataRole.UserRole)
        self.digit_opened.emit(self.store.images[i] / 255.0, int(self.store.labels[i]))

    @Slot()
    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export my digits", "my-digits.npz", "Digits (*.npz)")
        if path:
            self.export_to(path)

    @Slot()
    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import digits", "", "Digits (*.npz)")
        if path:
            self.import_from(path)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key, zero = int(event.key()), int(Qt.Key.Key_0.value)
        if zero <= key <= zero + 9:
            self.add_current(key - zero)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
