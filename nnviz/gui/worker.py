"""The window's side of training: a QObject in a QThread that relays between the window and the training loop.

The loop (``nnviz.core.training_loop``) runs in a child process by default; the relay thread then sits in a
blocking wait on the process's pipe and its sentinel (which releases the GIL, so it costs the window nothing) and
turns the loop's events into Qt signals carrying immutable Snapshots. With ``mode="thread"`` (or when no process
can be started) the very same loop runs inside the relay thread itself.

Commands never block the GUI thread: they go into a bounded queue that a small sender thread writes to the pipe.
If the training process dies (killed, out of memory), the relay notices at once (EOF on the pipe, the sentinel)
and emits :attr:`TrainingRelay.died`; the window keeps the last snapshot and starts a new relay on the next Train.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
from multiprocessing.connection import wait

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from ..core import protocol as p
from ..core.blas import one_blas_thread
from ..core.training_loop import TrainingLoop, run_training_process, serve

QUEUE_LIMIT = 1000  # commands waiting for the pipe at most (a stuck process must not grow the window's memory)
log = logging.getLogger(__name__)


class _Inbox:
    """The thread mode's mailbox: ``poll``/``recv`` like a Connection, fed from the GUI thread."""

    def __init__(self):
        self.queue: queue.Queue = queue.Queue(QUEUE_LIMIT)
        self._next = None

    def put(self, command) -> None:
        self.queue.put_nowait(command)

    def poll(self, timeout: float | None = 0.0) -> bool:
        if self._next is None:
            try:
                self._next = self.queue.get(timeout=timeout) if timeout != 0 else self.queue.get_nowait()
            except queue.Empty:
                return False
        return True

    def recv(self):
        self.poll(None)
        command, self._next = self._next, None
        return command


class TrainingRelay(QObject):
    """Steers one training loop; talk to it only through its methods (from the GUI thread) and its signals."""

    snapshot_ready = Signal(object)  #: a Snapshot
    checkpoints_ready = Signal(int, object)  #: a run id and its new recording.CheckpointBatch (before its Snapshot)
    running_changed = Signal(bool)
    diverged = Signal(str)  #: the cost became NaN/inf; training paused, last good weights kept
    failed = Signal(str)  #: something the user should know
    data_ready = Signal(object)  #: a protocol.DataLoaded
    data_failed = Signal(str)  #: MNIST could not be loaded (the sentence names the file)
    batch_ready = Signal(object, object)  #: the next mini-batch: images uint8 (m, 784), labels (m,)
    nearest_ready = Signal(object)  #: a protocol.Nearest: MNIST's training images nearest to a drawing
    died = Signal(str)  #: the training process ended unexpectedly (the sentence says so)
    finished = Signal()

    def __init__(self, mode: str = "process"):
        super().__init__()
        self.mode = mode
        self.fallback_reason: str | None = None  #: why a thread runs the loop although a process was asked for
        self.last_step = 0  #: the newest snapshot's mini-batch count (for the message if the process dies)
        self._stopping = False
        self._assembler = p.SnapshotAssembler()
        self._dispatch = {
            p.Published: lambda e: self._published(e), p.RunningChanged: lambda e: self.running_changed.emit(e.running),
            p.Diverged: lambda e: self.diverged.emit(e.message), p.Failed: lambda e: self.failed.emit(e.message),
            p.DataLoaded: lambda e: self.data_ready.emit(e), p.DataFailed: lambda e: self.data_failed.emit(e.message),
            p.Batch: lambda e: self.batch_ready.emit(e.images, e.labels),
            p.Nearest: lambda e: self.nearest_ready.emit(e),
            p.Finished: lambda e: None,  # thread mode: serve() returns right after it
        }
        self.process = None
        if mode == "process":
            try:
                self._start_process()
            except OSError as e:  # e.g. no semaphores or process limit reached: train in the relay thread
                self.fallback_reason = f"a training process could not be started ({e.strerror or e})"
                self.mode = "thread"
        if self.mode == "thread":
            self._inbox = _Inbox()
        self.thread = QThread()
        self.thread.setObjectName("nnviz-training")
        self.moveToThread(self.thread)
        self.thread.started.connect(self.run)
        # QThread.quit is thread-safe: called directly from the relay thread, it needs no turn of the GUI's loop
        # (which may be blocked waiting for this very thread)
        self.finished.connect(self.thread.quit, Qt.ConnectionType.DirectConnection)

    def _start_process(self) -> None:
        ctx = multiprocessing.get_context("spawn")  # a clean interpreter: no Qt state inherited
        commands_in, self._commands_out = ctx.Pipe(duplex=False)
        self._events_in, events_out = ctx.Pipe(duplex=False)
        process = ctx.Process(target=run_training_process, args=(commands_in, events_out), name="nnviz-training",
                              daemon=True)
        with one_blas_thread():  # the training process's matrices are small: no BLAS threads spinning
            process.start()
        # The child's ends are the child's: with no copy left here, its death is an EOF on our end at once.
        commands_in.close()
        events_out.close()
        self.process = process
        self._outbox: queue.Queue = queue.Queue(QUEUE_LIMIT)
        threading.Thread(target=self._send_loop, name="nnviz-commands", daemon=True).start()

    # --- called from the GUI thread -------------------------------------------------------------------------
    def start(self) -> None:
        """Start relaying (and, in thread mode, training)."""
        self.thread.start()

    def post(self, command) -> None:
        """Hand a protocol command to the loop; never blocks."""
        box = self._outbox if self.process is not None else self._inbox.queue
        try:
            box.put_nowait(command)
        except queue.Full:
            log.warning("training loop not reading its commands; dropped %s", type(command).__name__)

    def history(self):
        """The cost history assembled so far (read it once the relay has stopped or died)."""
        return self._assembler.history

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the loop and the relay thread cleanly: stop → quit → wait."""
        self._stopping = True
        if self.thread.isRunning():
            self.post(p.Stop())
            if not self.thread.wait(timeout_ms):
                if self.process is not None and self.process.is_alive():
                    self.process.kill()  # stuck: the relay's wait then ends on the sentinel
                self.thread.wait(2000)
        if self.process is not None:
            self._outbox.put(None)  # ends the sender thread
            self.process.join(timeout=2)

    # --- the sender thread (process mode) -------------------------------------------------------------------
    def _send_loop(self) -> None:
        while True:
            command = self._outbox.get()
            if command is None:
                return
            try:
                self._commands_out.send(command)  # may block on a full pipe: this thread's problem, not the GUI's
            except (BrokenPipeError, OSError, ValueError):
                return  # the process has ended

    # --- the relay thread ------------------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        """Relay the loop's events as signals until it finishes (or, in thread mode, run the loop right here)."""
        try:
            if self.process is None:
                serve(TrainingLoop(self._on_event), self._inbox)
            else:
                self._relay_process()
        except Exception:  # noqa: BLE001 - a loop that fails in thread mode: say so, keep the window
            log.exception("training loop failed")
            self.failed.emit("Training stopped after an unexpected error; see the log. Reset to start again.")
        finally:
            self.finished.emit()

    def _relay_process(self) -> None:
        events, sentinel = self._events_in, self.process.sentinel
        while True:
            ready = wait([events, sentinel])
            if events in ready:
                try:
                    event = events.recv()
                except (EOFError, OSError):
                    break
                if isinstance(event, p.Finished):
                    break  # asked to stop, or ended after an error it reported
                self._on_event(event)
            elif sentinel in ready and not events.poll(0):
                break
        self.process.join(timeout=1)
        if not self._stopping:
            code = self.process.exitcode
            how = f" (killed by signal {-code})" if code is not None and code < 0 else ""
            self.died.emit(f"The training process stopped unexpectedly{how}; your network up to mini-batch "
                           f"{self.last_step:,} is kept. Press Train to go on from there.")

    def _on_event(self, event) -> None:
        self._dispatch[type(event)](event)

    def _published(self, event: p.Published) -> None:
        self.last_step = event.state.step
        if event.checkpoints is not None:
            self.checkpoints_ready.emit(event.run_id, event.checkpoints)
        self.snapshot_ready.emit(self._assembler.build(event))
