"""The training worker: a QObject living in its own QThread, running the core's Trainer step by step.

The GUI never calls the trainer. It leaves requests in a lock-guarded mailbox (``set_learning_rate``,
``request_step``, ``reset``, …) that the loop reads *between* steps, and receives immutable
:class:`~nnviz.core.snapshot.Snapshot` objects, at most ~30 a second, through ``snapshot_ready``.
A busy loop never runs queued slots, so nothing reaches the worker through the event queue.
"""

from __future__ import annotations

import threading
import time
import traceback

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from ..core.data import MNIST, DataError, load_mnist
from ..core.network import Network
from ..core.snapshot import Snapshot
from ..core.training import TrainConfig, Trainer, TrainingDiverged

PUBLISH_INTERVAL = 1 / 30  # seconds between snapshots at most
CHUNK = 32  # steps between looks at the clock and the mailbox at full speed


class TrainingWorker(QObject):
    """Runs training in a background thread; talk to it only through its thread-safe methods and signals."""

    snapshot_ready = Signal(object)  #: a Snapshot
    diverged = Signal(str)  #: the cost became NaN/inf; training paused, last good weights kept
    failed = Signal(str)  #: something the user should know (e.g. the data could not be loaded)
    data_ready = Signal(object)  #: the MNIST object, once loaded in this thread
    running_changed = Signal(bool)
    finished = Signal()

    def __init__(self, config: TrainConfig):
        super().__init__()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._mail: dict = {"config": config}
        self._running = False
        self._step_requests = 0
        self._steps_per_second: float | None = None  # None = full speed
        self.trainer: Trainer | None = None  # touched only by the worker thread
        self.data: MNIST | None = None
        self._config = config
        self._network: Network | None = None  # a loaded model waiting for data

    # --- called from the GUI thread -------------------------------------------------------------------------
    def _post(self, **items) -> None:
        with self._lock:
            self._mail.update(items)
        self._wake.set()

    def set_running(self, running: bool) -> None:
        """Train continuously (True) or pause (False)."""
        self._post(running=bool(running))

    def request_step(self) -> None:
        """Run exactly one mini-batch (while paused)."""
        with self._lock:
            self._step_requests += 1
        self._wake.set()

    def set_learning_rate(self, value: float) -> None:
        """Change η from the next step on (also clears a divergence, so training can resume)."""
        self._post(learning_rate=float(value))

    def set_batch_size(self, value: int) -> None:
        """Change the mini-batch size from the next step on."""
        self._post(batch_size=int(value))

    def set_speed(self, steps_per_second: float | None) -> None:
        """Slow motion (mini-batches per second) or ``None`` for full speed."""
        self._post(speed=steps_per_second if steps_per_second is None else float(steps_per_second))

    def reset(self, config: TrainConfig) -> None:
        """Start over with fresh random weights for ``config`` (paused)."""
        self._post(config=config, network=None, running=False)

    def load_network(self, network: Network, config: TrainConfig) -> None:
        """Continue from a loaded network (paused); its weights are copied."""
        self._post(config=config, network=network.copy(), running=False)

    def load_data(self, source) -> None:
        """Load MNIST from ``source`` (path, or None for the default places) in the worker thread."""
        self._post(data=source)

    def stop(self) -> None:
        """Ask the loop to end; then ``thread.quit()`` and ``thread.wait()``."""
        self._stop.set()
        self._wake.set()

    # --- the worker thread -----------------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """The loop: read the mailbox, train (full speed, slow motion or single steps), publish snapshots."""
        last_publish = 0.0
        next_slow_step = 0.0
        try:
            with np.errstate(all="ignore"):
                while not self._stop.is_set():
                    self._wake.clear()  # before reading: a request posted after this sets it again
                    changed = self._read_mail()
                    tr = self.trainer
                    stepped = False
                    if tr is not None and tr.diverged is None:
                        if self._running and self._steps_per_second is None:
                            stepped = self._run_for(PUBLISH_INTERVAL)
                        elif self._running:
                            now = time.perf_counter()
                            if now >= next_slow_step:
                                next_slow_step = max(now, next_slow_step) + 1 / self._steps_per_second
                                stepped = self._run_steps(1)
                            else:
                                self._wake.wait(min(next_slow_step - now, 0.05))
                        elif self._take_step_request():
                            stepped = self._run_steps(1)
                    if not stepped and not changed and not self._running:
                        self._wake.wait(0.05)
                    now = time.perf_counter()
                    if tr is not None and (changed or (stepped and now - last_publish >= PUBLISH_INTERVAL)
                                           or (stepped and not self._running)):
                        self.snapshot_ready.emit(self.trainer.snapshot())
                        last_publish = now
                if self.trainer is not None:
                    self.snapshot_ready.emit(self.trainer.snapshot())
        except Exception:  # noqa: BLE001 - the thread must end cleanly and say why
            self.failed.emit("Training stopped after an unexpected error:\n" + traceback.format_exc(limit=3))
        finally:
            self.finished.emit()

    def _take_step_request(self) -> bool:
        with self._lock:
            if self._step_requests:
                self._step_requests -= 1
                return True
            return False

    def _run_for(self, seconds: float) -> bool:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and not self._stop.is_set() and not self._wake.is_set():
            if not self._run_steps(CHUNK):
                return True
        return True

    def _run_steps(self, n: int) -> bool:
        """Run n steps; on divergence pause, publish, and say so. Returns False if training cannot go on."""
        try:
            self.trainer.run_steps(n)
            return True
        except TrainingDiverged as e:
            self._running = False
            self.running_changed.emit(False)
            self.snapshot_ready.emit(self.trainer.snapshot())
            self.diverged.emit(str(e))
            return False

    def _read_mail(self) -> bool:
        """Apply pending requests; True if something changed that views should see."""
        with self._lock:
            mail, self._mail = self._mail, {}
        if not mail:
            return False
        changed = False
        if "speed" in mail:
            self._steps_per_second = mail["speed"]
        if "data" in mail:
            try:
                self.data = load_mnist(mail["data"])
                self.data_ready.emit(self.data)
                mail.setdefault("config", self._config)
                mail.setdefault("network", self._network)
            except DataError as e:
                self.failed.emit(str(e))
        if "config" in mail:
            self._config = mail["config"]
            self._network = mail.get("network")
            if self.data is not None:
                try:
                    self.trainer = Trainer(self._config, self.data, self._network)
                except ValueError as e:
                    self.failed.emit(str(e))
                    self.trainer = None
                self._running = False
                self.running_changed.emit(False)
                changed = True
        tr = self.trainer
        if tr is not None:
            if "learning_rate" in mail:
                tr.learning_rate = mail["learning_rate"]
                tr.clear_divergence()
                changed = True
            if "batch_size" in mail:
                tr.batch_size = max(1, mail["batch_size"])
                changed = True
        if "running" in mail:
            running = mail["running"] and tr is not None
            if running and tr.diverged:
                running = False
                self.diverged.emit(tr.diverged)
            if running != self._running:
                self._running = running
                self.running_changed.emit(running)
        return changed


def network_snapshot(network: Network, config: TrainConfig) -> Snapshot:
    """A Snapshot of a network that is not training (a loaded model before any data is present)."""
    empty_f = Snapshot.frozen(np.empty(0, np.float32))
    empty_i = Snapshot.frozen(np.empty(0, np.int64))
    return Snapshot(config=config, sizes=network.sizes, params=Snapshot.frozen(network.params.copy()), step=0,
                    epoch=0, epoch_progress=0.0, samples_seen=0, train_size=60000, cost_samples=empty_i,
                    costs=empty_f, test_accuracy=(), quick_accuracy=(), learning_rate=config.learning_rate,
                    batch_size=config.batch_size)
