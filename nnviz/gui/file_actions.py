"""The file dialogs and file writes of the window's File menu: models, data sets, the history as CSV, the plot."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from ..core.history import History
from ..core.model_io import ModelFileError, save_model
from ..core.recording import Recording
from ..core.run import Run


def _model_dir(window) -> str:
    return str(window.settings.value("files/model_dir", str(Path.home())))


def ask_model_to_open(window) -> Path | None:
    """The model file the user picks, or None."""
    path, _ = QFileDialog.getOpenFileName(window, "Open model", _model_dir(window), "nnviz models (*.npz)")
    return Path(path) if path else None


def ask_model_to_save(window) -> Path | None:
    """Where the user wants the model saved (``.npz`` added if missing), or None."""
    path, _ = QFileDialog.getSaveFileName(window, "Save model", str(Path(_model_dir(window)) / "model.npz"),
                                          "nnviz models (*.npz)")
    if not path:
        return None
    return Path(path) if path.endswith(".npz") else Path(path + ".npz")


class ModelFiles(QObject):
    """File → Open / Save model and the example network: the dialogs, reading through the run model (which refuses
    what nnviz cannot show, with a sentence), and saving the live snapshot. The window wires ``opened``/``saved``."""

    opened = Signal(object, bool)  #: an OpenedModel to use, and whether it only stands in while MNIST is missing
    saved = Signal(object)  #: the Path the network was saved to

    def __init__(self, window, run: Run, base_config):
        super().__init__(window)
        self.window, self.run, self.base_config = window, run, base_config

    def open_path(self, path: Path, standing_in: bool = False) -> bool:
        """Read the model at ``path`` and emit ``opened``; on a bad file say why (unless it only stands in)."""
        try:
            opened = self.run.open_model(Path(path), self.base_config())
        except ModelFileError as e:
            if not standing_in:
                QMessageBox.warning(self.window, "Cannot open model", f"{e}\n\nThe current network is unchanged.")
            return False
        if not standing_in:
            self.window.settings.setValue("files/model_dir", str(Path(path).parent))
            self.window.statusBar().showMessage(f"Opened {Path(path).name}", 5000)
        self.opened.emit(opened, standing_in)
        return True

    @Slot()
    def open(self) -> None:
        """File → Open model…"""
        path = ask_model_to_open(self.window)
        if path is not None:
            self.open_path(path)

    @Slot()
    def open_example(self) -> None:
        """File → Load the example network."""
        if not self.run.example.is_file():
            QMessageBox.warning(self.window, "Example missing", f"The example network should be at "
                                f"{self.run.example}; reinstall nnviz to get it back.")
            return
        self.open_path(self.run.example)

    @Slot()
    def save(self) -> None:
        """File → Save model: to the model's file, or ask where."""
        target = self.run.save_path()
        self.save_to(target) if target is not None else self.save_as()

    @Slot()
    def save_as(self) -> None:
        """File → Save model as…"""
        path = ask_model_to_save(self.window)
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> bool:
        """Save the live network, its history and its recording; a failure is explained and nothing is
        overwritten."""
        if not save_snapshot(self.window, self.run.latest, path, self.run.recording):
            return False
        self.run.saved(path)
        self.window.settings.setValue("files/model_dir", str(path.parent))
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        self.saved.emit(path)
        return True


def save_snapshot(parent: QWidget, snap, path: Path, recording: Recording | None = None) -> bool:
    """Save ``snap``'s network and history (and the run's ``recording``, the timeline's checkpoints) to ``path``;
    on failure say why (nothing is overwritten)."""
    if snap is None:
        QMessageBox.information(parent, "Nothing to save", "There is no network yet.")
        return False
    try:
        history = History.from_parts(snap.envelope, snap.costs, snap.cost_samples, snap.step - len(snap.costs),
                                     snap.test_accuracy, snap.quick_accuracy)
        save_model(snap.network(), path, snap.config.to_dict(), history=history,
                   recording=recording if recording is not None and len(recording) else None)
    except ModelFileError as e:
        QMessageBox.warning(parent, "Cannot save model", str(e))
        return False
    return True


def export_csv(window) -> None:
    """File → Export history as CSV: one row per mini-batch of the shown run."""
    snap = window.run.shown()
    if snap is None:
        return
    path, _ = QFileDialog.getSaveFileName(window, "Export history", str(Path(_model_dir(window)) / "history.csv"),
                                          "CSV (*.csv)")
    if path:
        try:
            Path(path).write_text(window.cost_view.history_csv(snap))
        except OSError as e:
            QMessageBox.warning(window, "Cannot export", f"Could not write {path}: {e.strerror or e}.")


def export_png(window) -> None:
    """File → Export cost plot as PNG."""
    path, _ = QFileDialog.getSaveFileName(window, "Export plot", str(Path(_model_dir(window)) / "cost.png"),
                                          "PNG (*.png)")
    if path and not window.cost_view.grab().save(path, "PNG"):
        QMessageBox.warning(window, "Cannot export", f"Could not write {path}.")
