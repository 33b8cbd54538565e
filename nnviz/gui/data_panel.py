"""Getting MNIST from the window: the in-place first-run panel, and the download with its progress dialog.

The download runs in a QThread of its own and reports through signals; its progress callback is how Cancel
reaches it, and Cancel also cuts the connection, so it takes effect at once even on a stalled server. Loading the
file is the training loop's job (it loads it once and sends the window what it needs), so nothing here loads it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QProgressDialog, QVBoxLayout

from ..core import data as mnist_data
from .widgets import button


class DataPanel(QFrame):
    """Says in place that MNIST is missing (or could not be read), with the ways to get it; runs the download."""

    downloaded = Signal(str)  #: MNIST is in the cache at this path: use it
    dataset_chosen = Signal(object)  #: the user picked this MNIST file or folder: use it
    example_requested = Signal()
    #: Where Download fetches from: (url, SHA-256, size). Tests point it at a local server.
    download_source = (mnist_data.MNIST_URL, mnist_data.MNIST_SHA256, mnist_data.MNIST_SIZE)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        v = QVBoxLayout(self)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.message)
        row = QHBoxLayout()
        self.download_button = button("Download MNIST (11 MB)", "Fetch the 70,000 digits from the Keras mirror "
                                      "into your cache, checked against its SHA-256.")
        self.open_button = button("Open a file…", "An mnist.npz, or a folder holding the four MNIST IDX files.")
        self.example_button = button("Load the example trained network", "A small network already trained on "
                                     "MNIST (shipped with nnviz), so you can explore without the data.")
        for b, signal in ((self.download_button, self.download), (self.open_button, self.open_dataset),
                          (self.example_button, self.example_requested)):
            row.addWidget(b)
            b.clicked.connect(signal)
        row.addStretch(1)
        v.addLayout(row)
        self.running: Download | None = None  #: the download under way
        self.hide()

    @Slot()
    def download(self) -> None:
        """Download MNIST into the cache with a progress dialog (Cancel works); errors explained."""
        if self.running is not None:
            return
        d = self.running = Download(*self.download_source)
        dialog = DownloadDialog(d, self.window())
        queued = Qt.ConnectionType.QueuedConnection
        d.finished.connect(self.downloaded, queued)
        # bound slots of this (GUI-thread) panel: a lambda would run in the download's thread
        d.failed.connect(self._download_failed, queued)
        d.cancelled.connect(self._download_cancelled, queued)
        d.done.connect(self._download_done, queued)
        dialog.show()
        d.start()

    @Slot(str)
    def _download_failed(self, message: str) -> None:
        QMessageBox.warning(self.window(), "Download failed", message)

    @Slot()
    def _download_cancelled(self) -> None:
        self.window().statusBar().showMessage("Download cancelled; nothing was kept.", 5000)

    @Slot()
    def _download_done(self) -> None:
        if self.running is not None:
            self.running.wait()
            self.running = None

    def cancel_download(self) -> None:
        """Stop a download under way and wait for its thread (the window is closing)."""
        if self.running is not None:
            self.running.cancel()
            self.running.wait()
            self.running = None

    def explain(self, text: str) -> None:
        """Show the panel with this message."""
        self.message.setText(text)
        self.show()

    def explain_missing(self, showing_example: bool) -> None:
        """First run: MNIST is nowhere to be found (and, if ``showing_example``, the example network stands in)."""
        self.explain(
            "<b>MNIST is not here yet.</b> nnviz trains on the MNIST digits (70,000 handwritten 28×28 images). "
            + ("Until they are here, you are looking at the example network shipped with nnviz, already trained "
               "on them: draw a digit and watch it read it. " if showing_example else "")
            + "Download them (11 MB) or open a copy you have to train your own. "
            f"nnviz looks in its cache ({mnist_data.cache_path()}), the NNVIZ_DATA variable, and --data.")

    @Slot()
    def open_dataset(self) -> None:
        """File → Open dataset…, or the panel's button: pick an mnist.npz or an IDX folder."""
        path, _ = QFileDialog.getOpenFileName(self.window(), "Open MNIST", str(Path.home()),
                                              "MNIST (*.npz *-ubyte *-ubyte.gz);;All files (*)")
        if path:  # an IDX file picked by hand stands for its folder
            self.dataset_chosen.emit(Path(path).parent if "ubyte" in Path(path).name else Path(path))


class Download(QObject):
    """Downloads MNIST into the cache in a thread of its own: progress, then finished(path) or failed(message)."""

    progress = Signal(int, int)  #: bytes done, bytes expected
    finished = Signal(str)  #: the cached file
    failed = Signal(str)  #: what went wrong (the sentence says what to do)
    cancelled = Signal()
    done = Signal()  #: after any of the three above

    def __init__(self, url: str, sha256: str, size: int):
        super().__init__()
        self.source = (url, sha256, size)
        self._cancel = threading.Event()
        self._abort = None  # cuts the connection; set once connected
        self.thread = QThread()
        self.thread.setObjectName("nnviz-download")
        self.moveToThread(self.thread)
        self.thread.started.connect(self.run)
        self.done.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def start(self) -> None:
        """Begin downloading."""
        self.thread.start()

    def cancel(self) -> None:
        """Stop now (thread-safe): the connection is cut, so even a stalled server cannot hold it up."""
        self._cancel.set()
        abort = self._abort
        if abort is not None:
            abort()

    def wait(self, ms: int = 5000) -> bool:
        """Wait for the thread to end (after cancel, or at close)."""
        return self.thread.wait(ms)

    def _connected(self, abort) -> None:
        self._abort = abort
        if self._cancel.is_set():  # cancelled while connecting
            abort()

    @Slot()
    def run(self) -> None:
        """The download itself, in this object's thread."""
        url, sha256, size = self.source

        def report(done: int, total: int) -> bool:
            self.progress.emit(done, total or size)
            return not self._cancel.is_set()

        try:
            path = mnist_data.download_mnist(progress=report, url=url, sha256=sha256, size=size,
                                             connected=self._connected)
        except mnist_data.DownloadCancelled:
            self.cancelled.emit()
        except mnist_data.DataError as e:
            self.failed.emit(str(e))
        else:
            self.finished.emit(str(path))
        self.done.emit()


class DownloadDialog(QProgressDialog):
    """The download's progress, counted in megabytes, with Cancel."""

    def __init__(self, download: Download, parent=None):
        super().__init__("Downloading MNIST (11 MB)…", "Cancel", 0, 100, parent)
        self.setWindowTitle("Download MNIST")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(0)
        self._shown = ""
        download.progress.connect(self.on_progress, Qt.ConnectionType.QueuedConnection)
        download.done.connect(self.close, Qt.ConnectionType.QueuedConnection)
        # direct: the download's own thread is busy in the download, and cancel() is thread-safe
        self.canceled.connect(download.cancel, Qt.ConnectionType.DirectConnection)

    @Slot(int, int)
    def on_progress(self, done: int, total: int) -> None:
        """Show how far it has got."""
        total = max(total, 1)
        self.setValue(int(100 * done / total))
        text = f"Downloading MNIST: {done / 1e6:.1f} of {total / 1e6:.1f} MB…"
        if text != self._shown:
            self.setLabelText(text)
            self._shown = text
