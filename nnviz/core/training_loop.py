"""The training loop that runs in its own process, steered by messages (no Qt here).

Why a process and not a thread: Python runs one thread at a time (the GIL). A training thread that is always busy
makes every Qt call of the window wait for the GIL, so drawing slows down several times and the window lags, while
the drawing in turn slows training. In a process of its own, training gets a core to itself and the window keeps
the other; only small messages cross between them.

Messages in (``commands``), as ``(name, value)`` tuples, read between steps:
``running`` bool · ``step`` (one mini-batch, while paused) · ``learning_rate`` float · ``batch_size`` int ·
``speed`` mini-batches/s or None (full speed) · ``data`` path or None · ``reset`` TrainConfig ·
``load`` (TrainConfig, Network) · ``peek_batch`` (answered by ``("batch", {x, labels})``: the next
mini-batch, not consumed) · ``params`` flat weights to put in place (a hand-made step, or its undo) · ``stop``.

Messages out (``events``): ``("snapshot", dict)`` at most ~30 a second, with only the costs that are new since
the previous one (see :class:`SnapshotAssembler`) · ``("diverged", str)`` · ``("failed", str)`` ·
``("data", dict)`` the test images and counts · ``("running", bool)`` · ``("finished", None)``.
"""

from __future__ import annotations

import os
import time
import traceback

import numpy as np

from .data import DataError, load_mnist
from .snapshot import Snapshot
from .training import History, TrainConfig, Trainer, TrainingDiverged

PUBLISH_INTERVAL = 1 / 30  # seconds between snapshots at most
CHUNK = 64  # steps between looks at the clock and the mailbox at full speed


class TrainingLoop:
    """Runs a Trainer as the commands say, and reports through ``send(name, value)``."""

    def __init__(self, send):
        self.send = send
        self.trainer: Trainer | None = None
        self.data = None
        self.config = TrainConfig()
        self.network = None
        self.running = False
        self.speed: float | None = None
        self.step_requests = 0
        self.run_id = 0
        self.sent_costs = 0
        self.stopped = False

    # --- commands ------------------------------------------------------------------------------------------
    def handle(self, name: str, value) -> bool:
        """Apply one command; True if what the views show changed."""
        if name == "stop":
            self.stopped = True
            return False
        if name == "speed":
            self.speed = value
            return False
        if name == "step":
            self.step_requests += 1
            return False
        if name == "data":
            try:
                self.data = load_mnist(value)
            except DataError as e:
                self.send("failed", str(e))
                return False
            self.send("data", {"x_test": self.data.x_test, "y_test": self.data.y_test,
                               "x_train_sample": self.data.x_train[:1000], "y_train_sample": self.data.y_train[:1000],
                               "train_count": len(self.data.x_train), "source": self.data.source})
            return self._rebuild()
        if name == "reset":
            self.config, self.network = value, None
            return self._rebuild()
        if name == "load":
            self.config, self.network = value
            return self._rebuild()
        tr = self.trainer
        if name == "running":
            running = bool(value) and tr is not None
            if running and tr.diverged:
                running = False
                self.send("diverged", tr.diverged)
            self._set_running(running)
            return False
        if tr is None:
            return False
        if name == "learning_rate":
            tr.learning_rate = value
            tr.clear_divergence()
            return True
        if name == "batch_size":
            tr.batch_size = max(1, int(value))
            return True
        if name == "peek_batch":  # the backprop view's "average over the next mini-batch"
            x, labels = tr.next_mini_batch()
            self.send("batch", {"x": x, "labels": labels})
            return False
        if name == "params":  # the backprop view's single-example step, or its undo
            tr.network.set_params(value)
            tr.clear_divergence()
            return True
        return False

    def _set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self.send("running", running)

    def _rebuild(self) -> bool:
        if self.data is None:
            return False
        try:
            self.trainer = Trainer(self.config, self.data, self.network)
        except ValueError as e:
            self.send("failed", str(e))
            self.trainer = None
            return False
        self.run_id += 1
        self.sent_costs = 0
        self._set_running(False)
        return True

    # --- training ------------------------------------------------------------------------------------------
    def train_a_while(self, seconds: float, interrupted) -> bool:
        """Train at full speed for about ``seconds`` (or until ``interrupted()``); False if nothing ran."""
        end = time.perf_counter() + seconds
        ran = False
        while time.perf_counter() < end and not interrupted():
            if not self.steps(CHUNK):
                break
            ran = True
        return ran

    def steps(self, n: int) -> bool:
        """Run ``n`` steps; on divergence pause and say so. False if training cannot go on."""
        try:
            self.trainer.run_steps(n)
            return True
        except TrainingDiverged as e:
            self._set_running(False)
            self.publish()
            self.send("diverged", str(e))
            return False

    def publish(self) -> None:
        """Send a snapshot: parameters, progress, and the costs not sent before."""
        tr = self.trainer
        h = tr.history
        new = slice(self.sent_costs, h.steps)
        self.send("snapshot", {
            "run_id": self.run_id, "config": tr.config, "sizes": tr.network.sizes,
            "params": tr.network.params.copy(), "step": tr.step_count, "epoch": tr.epoch,
            "epoch_progress": tr.epoch_progress, "samples_seen": tr.samples_seen, "train_size": tr.train_size,
            "first_cost": self.sent_costs, "new_costs": h.costs[new].copy(), "new_samples": h.samples[new].copy(),
            "test_accuracy": tuple(h.test_accuracy), "quick_accuracy": tuple(h.quick_accuracy),
            "learning_rate": tr.learning_rate, "batch_size": tr.batch_size,
            "samples_per_second": tr.samples_per_second(), "diverged": tr.diverged,
        })
        self.sent_costs = h.steps


TRAINING_NICENESS = 5  # how much lower the training process's CPU priority is than the window's


def _yield_to_the_window() -> None:
    """Lower this process's CPU priority a little. With one training process per core it changes nothing; when
    there are more (the random-labels experiment trains two networks on a 2-core machine) the window still gets
    a core the moment it needs one, so input and frames stay smooth while training takes what is left."""
    try:
        os.nice(TRAINING_NICENESS)
    except (AttributeError, OSError):  # no nice() (Windows) or not allowed: train at normal priority
        pass


def run_training_process(commands, events) -> None:
    """Entry point of the training process: loop until told to stop (or the window's end of the pipe closes)."""
    _yield_to_the_window()
    loop = TrainingLoop(lambda name, value: events.send((name, value)))
    last_publish = 0.0
    next_slow_step = 0.0
    try:
        with np.errstate(all="ignore"):
            while not loop.stopped:
                changed = False
                timeout = 0.0 if (loop.running and loop.speed is None) else 0.02
                if loop.running and loop.speed is not None:
                    timeout = max(0.0, min(next_slow_step - time.perf_counter(), 0.02))
                if loop.step_requests:
                    timeout = 0.0
                if commands.poll(timeout):
                    while commands.poll(0):
                        name, value = commands.recv()
                        changed |= loop.handle(name, value)
                    if loop.stopped:
                        break
                stepped = False
                tr = loop.trainer
                if tr is not None and tr.diverged is None:
                    if loop.running and loop.speed is None:
                        stepped = loop.train_a_while(PUBLISH_INTERVAL, commands.poll)
                    elif loop.running:
                        now = time.perf_counter()
                        if now >= next_slow_step:
                            next_slow_step = max(now, next_slow_step) + 1 / loop.speed
                            stepped = loop.steps(1)
                    elif loop.step_requests:
                        loop.step_requests -= 1
                        stepped = loop.steps(1)
                elif loop.step_requests and tr is not None:
                    loop.step_requests = 0  # a diverged network does not step
                now = time.perf_counter()
                if tr is not None and (changed or (stepped and (not loop.running
                                                                 or now - last_publish >= PUBLISH_INTERVAL))):
                    loop.publish()
                    last_publish = now
            if loop.trainer is not None:
                loop.publish()
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        return  # the window is gone
    except Exception:  # noqa: BLE001 - report, then end cleanly
        try:
            events.send(("failed", "Training stopped after an unexpected error:\n" + traceback.format_exc(limit=3)))
        except (BrokenPipeError, OSError):
            pass
    try:
        events.send(("finished", None))
    except (BrokenPipeError, OSError):
        pass


class SnapshotAssembler:
    """Rebuilds full :class:`Snapshot` objects on the window's side from the loop's incremental messages."""

    def __init__(self):
        self.run_id = None
        self.history = History()

    def build(self, m: dict) -> Snapshot:
        """A Snapshot for message ``m`` (a new run starts a fresh history)."""
        if m["run_id"] != self.run_id or m["first_cost"] != self.history.steps:
            self.run_id = m["run_id"]
            self.history = History()
        self.history.extend(m["new_costs"], m["new_samples"])
        samples, costs = self.history.cost_view()
        params = m["params"]
        params.flags.writeable = False
        return Snapshot(config=m["config"], sizes=tuple(m["sizes"]), params=params, step=m["step"],
                        epoch=m["epoch"], epoch_progress=m["epoch_progress"], samples_seen=m["samples_seen"],
                        train_size=m["train_size"], cost_samples=samples, costs=costs,
                        test_accuracy=m["test_accuracy"], quick_accuracy=m["quick_accuracy"],
                        learning_rate=m["learning_rate"], batch_size=m["batch_size"],
                        samples_per_second=m["samples_per_second"], diverged=m["diverged"])
