"""The run as the window sees it: configuration, data, the newest snapshot, its model file, the cursor (no Qt).

The window asks this model what to show and what an action may do, and tells it what arrived; everything it
decided by itself before (which network reads the drawing, what is shown while MNIST is missing, what a loaded
model replaces, whether a hand-made step is possible) is decided here, where it is unit-tested without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .architecture import INPUTS, OUTPUTS
from .model_io import ModelFile, read_model
from .network import Network
from .protocol import DataLoaded, Resume
from .history import History
from .snapshot import Snapshot
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
        self.cursor = LIVE  #: which moment the views show: live, or (later) a recorded one
        self.version = 0  #: increases whenever the shown snapshot changes
        self._network_of: tuple[Snapshot | None, Network | None] = (None, None)

    # --- what arrived ----------------------------------------------------------------------------------------
    @property
    def has_data(self) -> bool:
        """MNIST is loaded in the training loop (so it can train)."""
        return self.data is not None

    def snapshot_arrived(self, snap: Snapshot) -> None:
        """The newest snapshot of the live run."""
        self.latest = snap
        self.config = snap.config
        if self.cursor is LIVE:
            self.version += 1

    def data_arrived(self, data: DataLoaded) -> bool:
        """MNIST is here. True if training should start from fresh weights now: the example network only stood in
        while there was no data, and "download, press Train, watch it learn" starts from random weights."""
        self.data = data
        if self.example_standing_in:
            self.example_standing_in = False
            self.model_path = self.title_name = None
            return True
        return False

    # --- what is shown ---------------------------------------------------------------------------------------
    def shown(self) -> Snapshot | None:
        """The snapshot under the cursor."""
        return self.latest

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
        """None if ``action`` ("train", "step", "experiment", "apply a step") can be done now, else the sentence
        that says why not and what to do."""
        if action in ("train", "step", "experiment", "apply a step") and not self.has_data:
            what = {"train": "Training", "step": "Stepping", "experiment": "The experiment",
                    "apply a step": "Applying a step"}[action]
            return f"{what} needs MNIST: download it or open a copy (File menu)."
        return None

    def would_lose_training(self) -> bool:
        """True if starting over would throw away a network that has trained (so ask first)."""
        return self.latest is not None and self.latest.step > 0

    def started_over(self, config: TrainConfig) -> None:
        """A reset or a preset: fresh weights for ``config``, not from any file."""
        self.config = config
        self.model_path = self.title_name = None
        self.example_standing_in = False

    # --- model files ------------------------------------------------------------------------------------------
    def open_model(self, path: Path, base: TrainConfig) -> OpenedModel:
        """Read a model for the window; ModelFileError (a sentence) if it is not one nnviz can show.

        Settings the file does not record come from ``base`` (the form's current settings).
        """
        m = read_model(path)  # refuses a network that does not read MNIST (784 in, 10 out), with a sentence
        config = TrainConfig.from_dict({**base.to_dict(), **m.config, "sizes": list(m.network.sizes)})
        return OpenedModel(Path(path), m.network, config, resume_of(m))

    def model_opened(self, opened: OpenedModel, standing_in: bool = False) -> Snapshot | None:
        """``opened`` replaces the network. Returns the snapshot to show at once when there is no data (no training
        loop snapshots come then), else None. ``standing_in``: the example shown only while MNIST is missing."""
        self.config = opened.config
        self.model_path = opened.path
        self.title_name = None if standing_in else opened.path.name
        self.example_standing_in = standing_in
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
        return Resume(s.step, s.samples_seen, s.epoch_progress, history)


def resume_of(m: ModelFile, train_size: int = 60000) -> Resume:
    """A model file's history as a Resume: its mini-batch count and samples seen are those of its last cost."""
    h = m.history
    samples = int(m.cost_samples[-1]) if len(m.cost_samples) else 0
    return Resume(h.steps, samples, samples / train_size, h)
