"""The window's handle on training: the relay to the training loop, its revival, and the experiment's second run.

The window posts protocol commands here and listens to these signals, whichever relay is behind them: when the
training process dies, the next command that needs training starts a new one from the last snapshot (its weights,
counters and history), so the learner loses nothing. The live run's recorded checkpoints go straight into the run
model's store (on the GUI thread, before the snapshot they came with), where the timeline reads them.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from ..core import protocol as p
from ..core.run import Run
from .worker import TrainingRelay


class TrainingControl(QObject):
    """Owns the training relays; its signals are the main relay's, forwarded to the GUI thread."""

    snapshot_ready = Signal(object)
    comparison_snapshot = Signal(object)  #: the random-labels run's snapshots
    running_changed = Signal(bool)
    diverged = Signal(str)
    failed = Signal(str)
    data_ready = Signal(object)
    data_failed = Signal(str)
    batch_ready = Signal(object, object)
    nearest_ready = Signal(object)
    died = Signal(str)
    notice = Signal(str)  #: something worth a line in the status bar

    def __init__(self, run: Run, mode: str = "process", parent=None):
        super().__init__(parent)
        self.run = run
        self.mode = mode
        self.dead = False  #: the training process stopped unexpectedly; the next Train starts a new one
        self.comparison: TrainingRelay | None = None
        self._told_fallback = False
        self.standing: dict[type, object] = {}  #: the last command of each kind that a new loop must be given again
        self.relay = self._new_relay()
        self._forward(self.relay)

    def _new_relay(self) -> TrainingRelay:
        return TrainingRelay(self.mode)

    def _forward(self, relay: TrainingRelay) -> None:
        queued = Qt.ConnectionType.QueuedConnection
        for name in ("snapshot_ready", "running_changed", "diverged", "failed", "data_ready", "data_failed",
                     "batch_ready", "nearest_ready"):
            getattr(relay, name).connect(getattr(self, name), queued)
        relay.died.connect(self._on_died, queued)
        relay.checkpoints_ready.connect(self._on_checkpoints, queued)

    @Slot(int, object)
    def _on_checkpoints(self, run_id: int, batch) -> None:
        self.run.checkpoints_arrived(run_id, batch)

    def start(self, *commands) -> None:
        """Post the first commands and start the relay."""
        for command in commands:
            self.relay.post(command)
        self.relay.start()
        if self.relay.fallback_reason and not self._told_fallback:
            self._told_fallback = True
            self.notice.emit(f"Training runs in a thread: {self.relay.fallback_reason}.")

    def post(self, command) -> None:
        """Hand a command to the live run's loop (starting a new process first if the old one died)."""
        if self.dead and not isinstance(command, p.Stop):
            self.revive()
        self.relay.post(command)

    def post_standing(self, command) -> None:
        """Post a setting the live run keeps (e.g. SetExtra: train with my digits); a revived loop gets it again."""
        self.standing[type(command)] = command
        self.post(command)

    def post_all(self, command) -> None:
        """Hand a command to both runs of the experiment (Train/Pause, speed)."""
        self.post(command)
        if self.comparison is not None:
            self.comparison.post(command)

    def _on_died(self, message: str) -> None:
        self.dead = True
        self.died.emit(message)

    def revive(self) -> None:
        """A new training loop continuing from the last snapshot's weights, counters and history."""
        history = self.relay.history()
        self.relay.shutdown(1000)
        self.relay = self._new_relay()
        self._forward(self.relay)
        self.run.relay_replaced()
        self.dead = False
        commands = [p.LoadData(self.run.data_source)] if self.run.data_source else []
        snap = self.run.latest
        if snap is not None:
            commands.append(p.Load(snap.config, snap.network(), self.run.resume_point(history)))
        self.start(*commands, *self.standing.values())

    def start_comparison(self, config, speed) -> None:
        """Train a second network on shuffled labels beside the live one (the random-labels experiment)."""
        self.stop_comparison()
        relay = self.comparison = self._new_relay()
        relay.snapshot_ready.connect(self.comparison_snapshot, Qt.ConnectionType.QueuedConnection)
        for command in (p.SetSpeed(speed), p.LoadData(self.run.data_source),
                        p.Reset(config.with_(random_labels=True)), p.SetRunning(True)):
            relay.post(command)
        relay.start()
        self.run.comparison_running = True

    def stop_comparison(self) -> bool:
        """End the second run, if any; True if there was one."""
        if self.comparison is None:
            return False
        self.comparison.shutdown()
        self.comparison = None
        self.run.comparison_running = False
        return True

    def shutdown(self) -> None:
        """Stop every relay cleanly: stop → quit → wait."""
        self.stop_comparison()
        self.relay.shutdown()
