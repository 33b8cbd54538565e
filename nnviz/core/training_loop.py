"""The training loop: runs a Trainer as the window's commands say, wherever it runs (no Qt here).

By default it runs in a process of its own (:func:`run_training_process`). Python runs one thread at a time (the
GIL): a training *thread* that is always busy makes every Qt call of the window wait for the GIL, so drawing slows
down and the window lags, while the drawing in turn slows training (``benchmarks/bench_gui.py`` measures both
modes side by side). The same loop can also run inside the window's relay thread (``nnviz --training thread``),
the fallback where a child process cannot be started: :func:`serve` drives it in both cases.

Commands and events are the typed messages of :mod:`nnviz.core.protocol`. Snapshots go out at most ~30 a second
and carry only the costs and the recording's checkpoints that are new since the previous one: the trainer records
into an outbox (:class:`~nnviz.core.recording.Recording` with ``outbox=True``, made anew for every run) that each
publish empties, and the window keeps the one store the timeline reads. A snapshot carries at most
``BATCH_BYTES`` of checkpoints: at full speed the dense start records hundreds within 1/30 s, and shipped at once
they were a copy in the outbox, one in the event and one in its pickle in each process (~50 MB at the peak).
"""

from __future__ import annotations

import copy
import os
import time
import traceback
from collections.abc import Callable

import numpy as np

from . import protocol as p
from .data import DataError, load_mnist
from .examples_file import validate_examples
from .mixing import DEFAULT_EXTRA_WEIGHT
from .nearest import NearestImages
from .recording import Branch, Recording
from .snapshot import TrainingState
from .training import Trainer, TrainingDiverged

PUBLISH_INTERVAL = 1 / 30  # seconds between snapshots at most
CHUNK = 64  # steps between looks at the clock and the mailbox at full speed
TRAIN_SAMPLE = 1000  # training images handed to the window (the backprop view's examples)
BATCH_BYTES = 2 << 20  # checkpoints' bytes one snapshot carries at most (training waits to publish the rest)


class TrainingLoop:
    """Runs a Trainer as the commands say, and reports through ``send(event)``.

    ``clock`` (seconds) is injectable, so that pacing and publishing can be tested without waiting.
    """

    def __init__(self, send: Callable[[object], None], clock: Callable[[], float] = time.perf_counter,
                 load=load_mnist):
        self.send = send
        self.clock = clock
        self.load = load
        self.trainer: Trainer | None = None
        self.data = None
        self.config = None
        self.network = None
        self.resume: p.Resume | None = None
        self.outbox: Recording | None = None  #: the checkpoints recorded since the last publish
        self.batch_rows = 1  #: checkpoints one snapshot carries at most (``BATCH_BYTES`` of them)
        self.running = False
        self.speed: float | None = None
        self.step_requests = 0
        self.run_id = 0
        self.sent_costs = 0
        self.send_history = False  #: the next Published carries the whole (resumed) history
        self.stopped = False
        self.changed = False  #: what the views show changed: publish at the next turn
        self.last_publish = -1e9
        self.next_slow_step = 0.0
        self.extra: list = []  #: the extra example sets every trainer of this loop trains with ("my digits")
        self.extra_weight = DEFAULT_EXTRA_WEIGHT
        self._nearest: tuple = (None, None)  # (the data, its NearestImages): built on the first question
        self._handlers = {
            p.Stop: self._stop, p.SetSpeed: self._speed, p.Step: self._step, p.LoadData: self._load_data,
            p.Reset: self._reset, p.Load: self._load, p.SetRunning: self._running,
            p.SetLearningRate: self._learning_rate, p.SetBatchSize: self._batch_size,
            p.PeekBatch: self._peek_batch, p.SetParams: self._params, p.BranchFrom: self._branch,
            p.SetExtra: self._set_extra, p.FindNearest: self._find_nearest,
        }

    # --- commands ------------------------------------------------------------------------------------------
    def handle(self, command) -> None:
        """Apply one command (between steps)."""
        self._handlers[type(command)](command)

    def _stop(self, c: p.Stop) -> None:
        self.stopped = True

    def _speed(self, c: p.SetSpeed) -> None:
        self.speed = c.steps_per_second
        self.next_slow_step = self.clock()

    def _step(self, c: p.Step) -> None:
        self.step_requests += 1

    def _load_data(self, c: p.LoadData) -> None:
        try:
            data = self.load(c.source)
        except DataError as e:
            self.send(p.DataFailed(c.source, str(e)))
            return
        except (OSError, ValueError, MemoryError) as e:  # a loader that missed a case: still one sentence
            self.send(p.DataFailed(c.source, f"{c.source or 'MNIST'} could not be read ({type(e).__name__}: {e})."))
            return
        self.data = data  # a failed load keeps the data (and trainer) there was
        n = min(TRAIN_SAMPLE, len(data.x_train))
        self.send(p.DataLoaded(source=str(data.source), train_count=len(data.x_train), x_test=data.x_test,
                               y_test=data.y_test, x_train_sample=data.x_train[:n], y_train_sample=data.y_train[:n]))
        self._rebuild()

    def _reset(self, c: p.Reset) -> None:
        self.config, self.network, self.resume = c.config, None, None
        self._rebuild()

    def _load(self, c: p.Load) -> None:
        self.config, self.network, self.resume = c.config, c.network, c.resume
        self._rebuild()

    def _branch(self, c: p.BranchFrom) -> None:
        b = c.branch  # a Load of the branch's network, counters and history, numbering checkpoints on from it
        self._load(p.Load(c.config, b.network, p.Resume(b.step, b.samples_seen, b.epoch_progress, b.history,
                                                        b.next_ordinal)))

    def _running(self, c: p.SetRunning) -> None:
        tr = self.trainer
        running = bool(c.running) and tr is not None
        if running and tr.diverged:
            running = False
            self.send(p.Diverged(tr.diverged))
        self._set_running(running)
        self.changed = True  # a pause shows the trainer's final state at once

    def _learning_rate(self, c: p.SetLearningRate) -> None:
        if self.trainer is not None:
            self.trainer.learning_rate = c.value
            self.trainer.clear_divergence()
            self.changed = True

    def _batch_size(self, c: p.SetBatchSize) -> None:
        if self.trainer is not None:
            self.trainer.batch_size = max(1, int(c.value))
            self.changed = True

    def _peek_batch(self, c: p.PeekBatch) -> None:
        if self.trainer is not None:
            x, labels = self.trainer.next_mini_batch()
            self.send(p.Batch(x, labels))

    def _params(self, c: p.SetParams) -> None:
        if self.trainer is not None:
            self.trainer.network.set_params(c.params)
            self.trainer.clear_divergence()
            if self.trainer.recording is not None:  # the timeline holds the hand-made step too (at its step)
                self.trainer.record_into(self.trainer.recording)
            self.changed = True

    def _set_extra(self, c: p.SetExtra) -> None:
        try:
            extra = [] if c.images is None or not len(c.images) else \
                [validate_examples(c.images, c.labels, source="your digits")]
            if self.trainer is not None:  # from its next epoch on; a trainer made later starts with them
                self.trainer.set_extra(extra, c.weight)
        except (DataError, ValueError) as e:
            self.send(p.Failed(f"Training cannot use your digits: {e}"))
            return
        self.extra, self.extra_weight = extra, c.weight

    def _find_nearest(self, c: p.FindNearest) -> None:
        digits = tuple(dict.fromkeys(int(d) for d in c.digits))
        if self.data is None:
            self.send(p.Nearest(c.request, digits, np.zeros((len(digits), 0, 28, 28), np.uint8),
                                np.zeros((len(digits), 0))))
            return
        if self._nearest[0] is not self.data:
            self._nearest = (self.data, NearestImages(self.data.x_train, self.data.y_train))
        found = self._nearest[1].nearest(c.drawing, digits, c.k)
        k = min(len(n.indices) for n in found)
        images = np.stack([self.data.x_train[n.indices[:k]].reshape(k, 28, 28) for n in found])
        self.send(p.Nearest(c.request, digits, images, np.stack([n.distances[:k] for n in found])))

    def _set_running(self, running: bool) -> None:
        if running != self.running:
            self.running = running
            self.send(p.RunningChanged(running))

    def _rebuild(self) -> None:
        if self.data is None or self.config is None:
            return
        try:
            self.trainer = Trainer(self.config, self.data, self.network, self.extra, self.extra_weight)
        except ValueError as e:
            self.send(p.Failed(str(e)))
            self.trainer = None
            return
        self.run_id += 1
        self.sent_costs = 0
        self.send_history = False
        # np.empty maps the outbox's pages without touching them: only the few rows in use between two
        # publishes ever become memory, so a new one per run costs nothing
        n_params = self.trainer.network.params.size
        try:
            self.outbox = Recording(n_params, outbox=True)
        except ValueError:  # a network too large to record within the budget trains unrecorded
            self.outbox = None
        self.batch_rows = max(1, BATCH_BYTES // (4 * n_params))
        if self.resume is not None:
            r = self.resume
            self.trainer.resume(Branch(self.trainer.network, r.step, r.samples_seen, r.epoch_progress,
                                       copy.deepcopy(r.history), None, r.next_ordinal), recording=self.outbox)
            self.sent_costs, self.send_history = r.step, True
        else:
            self.trainer.record_into(self.outbox)  # checkpoint 0: the starting weights (None: not recording)
        self._set_running(False)
        self.changed = True

    # --- training ------------------------------------------------------------------------------------------
    def wait_time(self) -> float | None:
        """How long the driver may wait for a command before there is work to do (None: until one comes)."""
        tr = self.trainer
        if tr is None or tr.diverged:
            return 0.0 if self.changed else None
        if self.step_requests or self.changed or (self.running and self.speed is None):
            return 0.0
        if self.running:
            return max(0.0, self.next_slow_step - self.clock())
        return None

    def work(self, interrupted: Callable[[], bool] = lambda: False) -> None:
        """Do what is due now: train for a while (full speed), one paced step (slow motion) or one requested
        step (paused); then publish if the views' picture changed (at most ~30 times a second while training)."""
        tr = self.trainer
        stepped = False
        if tr is not None and tr.diverged is None:
            if self.running and self.speed is None:
                stepped = self.train_a_while(PUBLISH_INTERVAL, interrupted)
            elif self.running:
                now = self.clock()
                if now >= self.next_slow_step:
                    self.next_slow_step = max(now, self.next_slow_step) + 1 / self.speed
                    stepped = self.steps(1)
            elif self.step_requests:
                self.step_requests -= 1
                stepped = self.steps(1)
        else:
            self.step_requests = 0  # no network, or a diverged one: nothing steps
        now = self.clock()
        if self.trainer is not None and (self.changed or (stepped and (
                not self.running or now - self.last_publish >= PUBLISH_INTERVAL or not self.checkpoint_room()))):
            self.publish()
            self.last_publish = now

    def train_a_while(self, seconds: float, interrupted: Callable[[], bool]) -> bool:
        """Train at full speed for about ``seconds`` (or until ``interrupted()``); False if nothing ran."""
        end = self.clock() + seconds
        ran = False
        while self.clock() < end and not interrupted():
            room = self.checkpoint_room()  # a step records one checkpoint at most
            if not room or not self.steps(min(CHUNK, room)):
                break  # (a full batch of checkpoints is published before training goes on)
            ran = True
        return ran

    def checkpoint_room(self) -> int:
        """How many more checkpoints the next snapshot can carry (many when not recording)."""
        return CHUNK if self.outbox is None else max(self.batch_rows - len(self.outbox), 0)

    def steps(self, n: int) -> bool:
        """Run ``n`` steps; on divergence pause and say so. False if training cannot go on."""
        try:
            self.trainer.run_steps(n)
            return True
        except TrainingDiverged as e:
            self._set_running(False)
            self.publish()
            self.send(p.Diverged(str(e)))
            return False

    def publish(self) -> None:
        """Send the trainer's state and the costs and checkpoints not sent before."""
        tr = self.trainer
        h = tr.history
        new = self.outbox.take_new() if self.outbox is not None and len(self.outbox) else None
        costs, samples = h.since(self.sent_costs)
        state = TrainingState(
            config=tr.config, sizes=tr.network.sizes, params=tr.network.params.copy(), step=tr.step_count,
            epoch=tr.epoch, epoch_progress=tr.epoch_progress, samples_seen=tr.samples_seen, train_size=tr.train_size,
            test_accuracy=tuple(h.test_accuracy), quick_accuracy=tuple(h.quick_accuracy),
            learning_rate=tr.learning_rate, samples_per_second=tr.samples_per_second() if self.running else 0.0,
            running=self.running)
        if self.send_history:  # the whole history, new costs included (a copy: in thread mode it is the same object)
            event = p.Published(self.run_id, h.steps, costs[:0].copy(), samples[:0].copy(), state, copy.deepcopy(h),
                                checkpoints=new)
        else:
            event = p.Published(self.run_id, self.sent_costs, costs.copy(), samples.copy(), state, checkpoints=new)
        self.send(event)
        self.sent_costs, self.send_history = h.steps, False
        self.changed = False


def serve(loop: TrainingLoop, inbox) -> None:
    """Run ``loop`` until a Stop: wait for commands while there is nothing to do, handle them between steps.

    ``inbox`` has ``poll(timeout) -> bool`` (``None`` waits for ever) and ``recv()``: a multiprocessing
    Connection, or the relay thread's queue.
    """
    while not loop.stopped:
        if inbox.poll(loop.wait_time()):
            while not loop.stopped and inbox.poll(0):
                loop.handle(inbox.recv())
            if loop.stopped:
                break
        loop.work(lambda: inbox.poll(0))
    if loop.trainer is not None:
        loop.publish()
    loop.send(p.Finished())


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
    """Entry point of the training process: serve until told to stop (or the window's end of the pipe closes)."""
    _yield_to_the_window()
    loop = TrainingLoop(events.send)
    try:
        with np.errstate(all="ignore"):
            serve(loop, commands)
    except (EOFError, BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        return  # the window is gone
    except Exception:  # noqa: BLE001 - report, then end cleanly
        try:
            events.send(p.Failed("Training stopped after an unexpected error:\n" + traceback.format_exc(limit=3)))
            events.send(p.Finished())
        except (BrokenPipeError, OSError):
            pass
