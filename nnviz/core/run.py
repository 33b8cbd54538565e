"""The run as the window sees it: configuration, data, the newest snapshot, its model file, its recording and the
cursor (no Qt).

The window asks this model what to show and what an action may do, and tells it what arrived; everything it
decided by itself before (which network reads the drawing, what is shown while MNIST is missing, what a loaded
model replaces, whether a hand-made step is possible) is decided here, where it is unit-tested without Qt.

The cursor says which moment the views show: ``LIVE`` (the newest snapshot), or one checkpoint of the run's
recording — the one store of checkpoints the window keeps (made once per architecture; it takes its memory, at
most the budget, as checkpoints arrive), fed by the training loop's batches, cleared by a new run and truncated by
a branch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .architecture import INPUTS, OUTPUTS, parameter_count
from .history import History
from .model_io import ModelFile, read_model
from .network import Network
from .protocol import BranchFrom, DataLoaded, Resume
from .recording import CheckpointBatch, Recording, branch
from .snapshot import Snapshot
from .timeline import Checkpoints, moment, single_checkpoint, viewing_text
from .training import TrainConfig

_HERE = Path(__file__).resolve()
#: The shipped files (icon, help, example model): ``nnviz/resources`` when installed, ``resources/`` in a checkout.
RESOURCES = next((p for p in (_HERE.parents[1] / "resources", _HERE.parents[2] / "resources") if p.is_dir()),
                 _HERE.parents[2] / "resources")
EXAMPLE_MODEL = RESOURCES / "example-model.npz"

LIVE = None  #: the cursor's value when the views follow training


@dataclass(frozen=True)
class OpenedModel:
    """A model file read for the window: the network, the full configuration, and its history as a Resume."""

    path: Path
    network: Network
    config: TrainConfig
    resume: Resume
    recording: Recording | None = None  #: the run's checkpoints, if the file holds them


class Run:
    """One run of training as the window sees it. Poll :attr:`version` to know when the shown moment changed."""

    def __init__(self, config: TrainConfig, example: Path = EXAMPLE_MODEL):
        self.config = config  #: the run's configuration (as last reset, loaded or edited live)
        self.example = example
        self.data: DataLoaded | None = None
        self.data_source: str | None = None  #: where the data was asked for (the experiment's second run too)
        self.latest: Snapshot | None = None  #: the newest snapshot of the live run
        self.model_path: Path | None = None  #: the model file the network came from or was saved to
        self.title_name: str | None = None  #: the file name shown in the window's title
        self.example_standing_in = False  #: the example network is shown only because MNIST is missing
        self.comparison_running = False  #: the random-labels experiment's second network is training
        self.version = 0  #: increases whenever the shown snapshot changes
        self._network_of: tuple[Snapshot | None, Network | None] = (None, None)
        self._cursor: int | None = LIVE  # the ordinal of the checkpoint shown (stable while the store thins)
        self._cursor_step = 0  # ...and its step, to fall back on the one before it if thinning took it
        self._moment: tuple[tuple, Snapshot | None] = ((), None)  # the shown moment, cached per cursor position
        self.timeline = Checkpoints()  #: the store of the live run's checkpoints

    # --- what arrived ----------------------------------------------------------------------------------------
    @property
    def has_data(self) -> bool:
        """MNIST is loaded in the training loop (so it can train)."""
        return self.data is not None

    def snapshot_arrived(self, snap: Snapshot) -> bool:
        """The newest snapshot of the live run; True if the shown moment changed (the cursor is live)."""
        self.latest = snap
        self.config = snap.config
        if self._cursor is LIVE:
            self.version += 1
        return self._cursor is LIVE

    def data_arrived(self, data: DataLoaded) -> bool:
        """MNIST is here. True if training should start from fresh weights now: the example network only stood in
        while there was no data, and "download, press Train, watch it learn" starts from random weights."""
        self.data = data
        self.timeline.prepare(parameter_count(self.config.sizes))  # in the background, before training records
        if self.example_standing_in:
            self.example_standing_in = False
            self.model_path = self.title_name = None
            return True
        return False

    # --- what is shown ---------------------------------------------------------------------------------------
    def shown(self) -> Snapshot | None:
        """The snapshot under the cursor: the newest, or the recorded moment (built once per cursor position)."""
        index = self.cursor
        if index is LIVE or self.latest is None:
            return self.latest
        key = (self.timeline.generation, self._cursor)
        if self._moment[0] != key:
            self._moment = (key, moment(self.latest, self.recording, index))
        return self._moment[1]

    def network(self) -> Network | None:
        """The shown snapshot's network (built once per snapshot), or None; it reads the drawing."""
        snap = self.shown()
        cached, net = self._network_of
        if snap is not cached:
            net = snap.network() if snap is not None else None
            self._network_of = (snap, net)
        return net

    def untrained(self) -> bool:
        """True if the shown network has not learned anything: fresh random weights, not stepped, not from a file
        (its answers are guesses, whatever the bars say)."""
        snap = self.shown()
        return snap is not None and snap.step == 0 and self.model_path is None

    def graph_network(self) -> Network | None:
        """The network to draw on the graph and weight images: only an MNIST-shaped one."""
        net = self.network()
        return net if net is not None and (net.sizes[0], net.sizes[-1]) == (INPUTS, OUTPUTS) else None

    def classify(self, x: np.ndarray) -> np.ndarray | None:
        """The ten output activations for inputs ``x`` ``(784,)`` or ``(n, 784)`` under the shown network."""
        net = self.network()
        if net is None:
            return None
        x = np.asarray(x, np.float32)
        return net.predict(x[None, :])[0] if x.ndim == 1 else net.predict(x)

    def window_title(self) -> str:
        """The window's title: the model file's name when the network came from one (or was saved to it)."""
        return f"{self.title_name} — nnviz" if self.title_name else "nnviz — watch a neural network learn"

    # --- what an action may do -------------------------------------------------------------------------------
    def why_not(self, action: str) -> str | None:
        """None if ``action`` ("train", "step", "experiment", "apply a step", "branch") can be done now, else the
        sentence that says why not and what to do."""
        what = {"train": "Training", "step": "Stepping", "experiment": "The experiment",
                "apply a step": "Applying a step", "branch": "Branching"}.get(action)
        if what is not None and not self.has_data:
            return f"{what} needs MNIST: download it or open a copy (File menu)."
        if action == "apply a step" and self._cursor is not LIVE:
            return ("Applying a step changes the live network, and the views show an earlier moment: press End "
                    "to go back to live first (or branch from here).")
        return None

    def would_lose_training(self) -> bool:
        """True if starting over would throw away a network that has trained (so ask first)."""
        return self.latest is not None and self.latest.step > 0

    def started_over(self, config: TrainConfig) -> None:
        """A reset or a preset: fresh weights for ``config``, not from any file."""
        self.config = config
        self.model_path = self.title_name = None
        self.example_standing_in = False
        self._leave_run()
        if self.has_data:
            self.timeline.prepare(parameter_count(config.sizes))

    # --- model files ------------------------------------------------------------------------------------------
    def open_model(self, path: Path, base: TrainConfig) -> OpenedModel:
        """Read a model for the window; ModelFileError (a sentence) if it is not one nnviz can show.

        Settings the file does not record come from ``base`` (the form's current settings).
        """
        m = read_model(path)  # refuses a network that does not read MNIST (784 in, 10 out), with a sentence
        config = TrainConfig.from_dict({**base.to_dict(), **m.config, "sizes": list(m.network.sizes)})
        return OpenedModel(Path(path), m.network, config, resume_of(m), m.recording)

    def model_opened(self, opened: OpenedModel, standing_in: bool = False) -> Snapshot | None:
        """``opened`` replaces the network. Returns the snapshot to show at once when there is no data (no training
        loop snapshots come then), else None. ``standing_in``: the example shown only while MNIST is missing."""
        self.config = opened.config
        self.model_path = opened.path
        self.title_name = None if standing_in else opened.path.name
        self.example_standing_in = standing_in
        self._leave_run()
        self._adopt_recording(opened)
        if self.has_data:
            return None
        r = opened.resume
        costs, samples = r.history.recent()
        snap = Snapshot.of_network(opened.network, opened.config, step=r.step, samples_seen=r.samples_seen,
                                   epoch_progress=r.epoch_progress, epoch=int(r.epoch_progress),
                                   test_accuracy=tuple(r.history.test_accuracy), cost_samples=samples, costs=costs,
                                   envelope=r.history.envelope())
        self.snapshot_arrived(snap)
        return snap

    def saved(self, path: Path) -> None:
        """The network was saved to ``path``: Ctrl+S saves there from now on."""
        self.model_path = Path(path)
        self.title_name = self.model_path.name

    def save_path(self) -> Path | None:
        """Where Save writes without asking, or None (never over the shipped example: Save As asks)."""
        if self.model_path is None or self.model_path.resolve() == self.example.resolve():
            return None
        return self.model_path

    def resume_point(self, history: History) -> Resume | None:
        """The live network's counters with its cost ``history``, to continue it in a new training process."""
        s = self.latest
        if s is None:
            return None
        return Resume(s.step, s.samples_seen, s.epoch_progress, history, self.timeline.next_ordinal)

    def relay_replaced(self) -> None:
        """A new training loop took over (its runs are numbered afresh); its checkpoints follow on in the store."""
        self.timeline.relay_replaced()

    # --- the timeline -----------------------------------------------------------------------------------------
    @property
    def recording(self) -> Recording | None:
        """The live run's checkpoints (None until the store is made)."""
        return self.timeline.store

    def checkpoints_arrived(self, run_id: int, batch: CheckpointBatch) -> None:
        """New checkpoints of run ``run_id`` of the training loop, for the store (they come before its snapshot)."""
        if self.timeline.arrived(run_id, batch):
            self.move_cursor(LIVE)  # the moment shown belonged to a run that is gone
        else:
            self._follow_cursor()

    def _leave_run(self) -> None:
        """The window starts another run (reset, opened model): the views show it live."""
        self.timeline.leave_run()
        self.move_cursor(LIVE)

    def _adopt_recording(self, opened: OpenedModel) -> None:
        """An opened model's recording becomes the store (up to its step); without one, its network is the start."""
        r = opened.resume
        rec = opened.recording
        if rec is not None and len(rec) and rec.steps[0] <= r.step:
            last = rec.at_or_before(r.step)
            if last < len(rec) - 1:
                rec.truncate(last)  # a checkpoint beyond the file's network is not this run's
            self.timeline.adopt(rec)
        else:
            self.timeline.arrived(None, single_checkpoint(r.step, r.samples_seen, r.epoch_progress,
                                                          r.history.last_cost, opened.network.params))

    @property
    def checkpoints(self) -> int:
        """Checkpoints on the timeline."""
        return len(self.timeline) if self.latest is not None else 0

    @property
    def cursor(self) -> int | None:
        """The index of the checkpoint shown, or ``LIVE``."""
        if self._cursor is LIVE:
            return LIVE
        return self.recording.index_of_ordinal(self._cursor)

    def move_cursor(self, index: int | None) -> bool:
        """Show checkpoint ``index`` (clamped to the timeline), or ``LIVE``; True if the shown moment changed."""
        if index is not LIVE:
            if not self.checkpoints:
                index = LIVE
            else:
                index = min(max(int(index), 0), self.checkpoints - 1)
        target = LIVE if index is LIVE else int(self.recording.ordinals[index])
        if target == self._cursor:
            return False
        self._cursor = target
        if index is not LIVE:
            self._cursor_step = int(self.recording.steps[index])
        self.version += 1
        return True

    def step_cursor(self, delta: int) -> bool:
        """Move to the previous (``-1``) or next (``+1``) checkpoint: back from live goes to the last one before the
        live moment, on past the last one goes live. True if the shown moment changed."""
        index, n = self.cursor, self.checkpoints
        if not n:
            return False
        if index is LIVE:
            if delta > 0:
                return False
            before = int(np.searchsorted(self.recording.steps, self.latest.step)) - 1
            return self.move_cursor(max(before + 1 + delta, 0))
        return self.move_cursor(LIVE if index + delta >= n else max(index + delta, 0))

    def _follow_cursor(self) -> None:
        """Keep the cursor on its moment as the store thins: the checkpoint before it if thinning took its own."""
        if self._cursor is not LIVE and self.cursor is None:
            self.move_cursor(self.recording.at_or_before(self._cursor_step) if len(self.recording) else LIVE)

    def viewing(self) -> str | None:
        """"viewing mini-batch N of M" when the views are not live, else None."""
        shown = self.shown()
        if self._cursor is LIVE or shown is None:
            return None
        return viewing_text(shown.step, self.latest.step)

    def moment_epochs(self) -> float | None:
        """Where the cost plot marks the moment shown (epochs), or None when the views are live."""
        shown = self.shown()
        return None if self._cursor is LIVE or shown is None else shown.samples_seen / shown.train_size

    def checkpoint_at(self, epochs: float) -> int | None:
        """The checkpoint nearest to ``epochs`` on the cost plot's time axis, or ``LIVE`` if the live moment is
        nearer (or there is no recording)."""
        if not self.checkpoints:
            return LIVE
        samples = epochs * self.latest.train_size
        seen = self.recording.samples_seen
        i = int(np.searchsorted(seen, samples))
        candidates = [j for j in (i - 1, i) if 0 <= j < len(seen)]
        best = min(candidates, key=lambda j: abs(int(seen[j]) - samples))
        return LIVE if abs(self.latest.samples_seen - samples) < abs(int(seen[best]) - samples) else best

    def branch_here(self, config: TrainConfig) -> BranchFrom:
        """Continue training from the moment under the cursor with ``config``'s settings (the run's layers and
        squishifications kept: the weights are theirs). The store loses the old future; the plot keeps it."""
        index, shown, live = self.cursor, self.shown(), self.latest
        config = config.with_(sizes=live.config.sizes, activation=live.config.activation,
                              output=live.config.output, init=live.config.init)
        history = History.from_parts(live.envelope, live.costs, live.cost_samples, live.step - len(live.costs),
                                     live.test_accuracy, live.quick_accuracy)
        b = branch(self.recording, index, history, config.network())
        self.timeline.branched()
        self._cursor = LIVE
        self.version += 1
        # the moment is the live state until the branch's first snapshot arrives
        self.latest = dataclasses.replace(shown, config=config, learning_rate=config.learning_rate)
        self.config = config
        return BranchFrom(config, dataclasses.replace(b, recording=None))


def resume_of(m: ModelFile, train_size: int = 60000) -> Resume:
    """A model file's history as a Resume: its mini-batch count and samples seen are those of its last cost."""
    h = m.history
    samples = int(m.cost_samples[-1]) if len(m.cost_samples) else 0
    rec = m.recording
    # the window's store holds the file's checkpoints, or the opened network as checkpoint 0
    next_ordinal = rec.next_ordinal if rec is not None and len(rec) and rec.steps[0] <= h.steps else 1
    return Resume(h.steps, samples, samples / train_size, h, next_ordinal)
