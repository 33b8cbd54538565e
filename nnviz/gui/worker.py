"""The window's side of training: a QObject in a QThread that relays between the window and the training process.

Training itself runs in a separate process (``nnviz.core.training_loop``): a busy training *thread* would hold
Python's GIL and slow every Qt call of the window. This relay starts that process, forwards the window's requests
to it (thread-safe methods, callable from the GUI thread), and turns its messages into Qt signals carrying
immutable :class:`~nnviz.core.snapshot.Snapshot` objects. While waiting for a message it sits in a blocking read,
which releases the GIL, so it costs the window nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from ..core.network import Network
from ..core.training import TrainConfig
from ..core.training_loop import SnapshotAssembler, run_training_process

BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class TrainingWorker(QObject):
    """Steers the training process; talk to it only through its methods and signals."""

    snapshot_ready = Signal(object)  #: a Snapshot
    diverged = Signal(str)  #: the cost became NaN/inf; training paused, last good weights kept
    failed = Signal(str)  #: something the user should know (e.g. the data could not be loaded)
    data_ready = Signal(object)  #: test images and counts, once the data is loaded
    running_changed = Signal(bool)
    batch_ready = Signal(object, object)  #: the next mini-batch: images uint8 (m, 784), labels (m,)
    finished = Signal()

    def __init__(self, config: TrainConfig):
        super().__init__()
        ctx = multiprocessing.get_context("spawn")  # a clean interpreter: no Qt state inherited
        self._commands_in, self._commands_out = ctx.Pipe(duplex=False)
        self._events_in, self._events_out = ctx.Pipe(duplex=False)
        self._send_lock = threading.Lock()
        self.process = ctx.Process(target=run_training_process, args=(self._commands_in, self._events_out),
                                   name="nnviz-training", daemon=True)
        # One BLAS thread in the training process: its matrices are small, and idle BLAS threads spinning on
        # the window's core would slow the window down (2-core machines).
        saved = {k: os.environ.get(k) for k in BLAS_THREAD_VARS}
        os.environ.update({k: "1" for k in BLAS_THREAD_VARS})
        try:
            self.process.start()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        self._assembler = SnapshotAssembler()
        self._post("reset", config)

    # --- called from the GUI thread -------------------------------------------------------------------------
    def _post(self, name: str, value=None) -> None:
        with self._send_lock:
            try:
                self._commands_out.send((name, value))
            except (BrokenPipeError, OSError):
                pass  # the process has ended; the window is closing

    def set_running(self, running: bool) -> None:
        """Train continuously (True) or pause (False)."""
        self._post("running", bool(running))

    def request_step(self) -> None:
        """Run exactly one mini-batch (while paused)."""
        self._post("step")

    def set_learning_rate(self, value: float) -> None:
        """Change η from the next step on (also clears a divergence, so training can resume)."""
        self._post("learning_rate", float(value))

    def set_batch_size(self, value: int) -> None:
        """Change the mini-batch size from the next step on."""
        self._post("batch_size", int(value))

    def set_speed(self, steps_per_second: float | None) -> None:
        """Slow motion (mini-batches per second) or ``None`` for full speed."""
        self._post("speed", None if steps_per_second is None else float(steps_per_second))

    def reset(self, config: TrainConfig) -> None:
        """Start over with fresh random weights for ``config`` (paused)."""
        self._post("reset", config)

    def load_network(self, network: Network, config: TrainConfig) -> None:
        """Continue from a loaded network (paused)."""
        self._post("load", (config, network.copy()))

    def set_params(self, params) -> None:
        """Put these weights and biases in place (a single-example step from the backprop view, or its undo)."""
        self._post("params", np.array(params, np.float32))

    def request_next_batch(self) -> None:
        """Ask for the mini-batch the next step will use (answered by ``batch_ready``)."""
        self._post("peek_batch")

    def load_data(self, source) -> None:
        """Load MNIST from ``source`` (path, or None for the default places) in the training process."""
        self._post("data", None if source is None else str(source))

    def stop(self) -> None:
        """Ask the training process to end; ``run`` then returns and the thread can quit."""
        self._post("stop")

    # --- the relay thread ------------------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """Turn the training process's messages into signals until it finishes."""
        try:
            while True:
                try:
                    name, value = self._events_in.recv()  # blocks without holding the GIL
                except (EOFError, OSError):
                    break
                if name == "snapshot":
                    self.snapshot_ready.emit(self._assembler.build(value))
                elif name == "running":
                    self.running_changed.emit(value)
                elif name == "diverged":
                    self.diverged.emit(value)
                elif name == "failed":
                    self.failed.emit(value)
                elif name == "batch":
                    self.batch_ready.emit(value["x"], value["labels"])
                elif name == "data":
                    self.data_ready.emit(SimpleNamespace(**value))
                elif name == "finished":
                    break
        finally:
            self.process.join(timeout=2)
            if self.process.is_alive():
                self.process.terminate()
                self.process.join(timeout=2)
            self.finished.emit()

