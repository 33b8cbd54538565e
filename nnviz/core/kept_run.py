"""The learner's run, kept aside while the guided tour borrows the window and put back when it ends (no Qt).

The tour loads the example network, starts fresh ones and trains them: the learner's network, its history, its
timeline and its model file would be gone. :func:`keep` copies what the run model holds of them (the newest
snapshot is immutable, so it is kept as it is; the timeline's checkpoints are copied, only those in use), and
:func:`put_back` makes the run that one again — the way an opened model file replaces the network — and returns the
command that gives the training loop its network back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .history import History
from .protocol import Load, Resume
from .recording import CheckpointBatch, Recording
from .run import LIVE, OpenedModel, Run
from .snapshot import Snapshot


@dataclass(frozen=True)
class KeptRun:
    """What the run model held of the learner's run: its newest snapshot, its checkpoints, its file and cursor."""

    snapshot: Snapshot | None  #: None: there was no network yet (the data was still loading)
    checkpoints: CheckpointBatch | None  #: copies of the timeline's checkpoints up to the snapshot's step
    model_path: Path | None
    title_name: str | None
    example_standing_in: bool
    cursor: int | None  #: the checkpoint the views showed, or LIVE


def keep(run: Run) -> KeptRun:
    """A copy of ``run``'s state that the tour's own runs cannot touch."""
    snap, rec = run.latest, run.recording
    checkpoints = None
    if snap is not None and rec is not None and len(rec):
        n = int(np.searchsorted(rec.steps, snap.step, side="right"))  # the store can be ahead of the snapshot
        checkpoints = CheckpointBatch(rec.ordinals[:n].copy(), rec.steps[:n].copy(), rec.samples_seen[:n].copy(),
                                      rec.epoch_progress[:n].copy(), rec.costs[:n].copy(),
                                      rec.all_params()[:n].copy())
    return KeptRun(snap, checkpoints, run.model_path, run.title_name, run.example_standing_in, run.cursor)


def history_of(snap: Snapshot) -> History:
    """The cost history a snapshot carries (its recent costs one by one, the older ones summarised)."""
    return History.from_parts(snap.envelope, snap.costs, snap.cost_samples, snap.step - len(snap.costs),
                              snap.test_accuracy, snap.quick_accuracy)


def put_back(run: Run, kept: KeptRun) -> Load | None:
    """Make ``run`` the kept run again and return the Load that hands its network to the training loop (None if
    there was no network: the caller starts over instead). The kept snapshot is shown at once, whole history and
    all, until the loop's first snapshot of the network arrives."""
    snap = kept.snapshot
    if snap is None:
        return None
    network = snap.network()
    checkpoints = kept.checkpoints if kept.checkpoints is not None and len(kept.checkpoints) else None
    # without checkpoints the network becomes checkpoint 0 (as an opened file does)
    next_ordinal = int(checkpoints.ordinals[-1]) + 1 if checkpoints is not None else 1
    resume = Resume(snap.step, snap.samples_seen, snap.epoch_progress, history_of(snap), next_ordinal)
    store = run.recording
    # The tour's store (128 MiB) takes the kept checkpoints back in place when it fits them; a second store beside
    # it would double the window's memory for a moment.
    in_place = checkpoints is not None and store is not None and store.n_params == network.params.size
    recording = None
    if checkpoints is not None and not in_place:
        recording = Recording(network.params.size)
        recording.extend(checkpoints)
    opened = OpenedModel(kept.model_path or run.example, network, snap.config, resume, recording)
    run.model_opened(opened, kept.example_standing_in)
    if in_place:
        store.clear()
        store.extend(checkpoints)
        run.timeline.adopt(store)
    run.model_path, run.title_name = kept.model_path, kept.title_name
    run.example_standing_in = kept.example_standing_in
    run.snapshot_arrived(snap)
    if kept.cursor is not LIVE:
        run.move_cursor(kept.cursor)
    return Load(snap.config, network, resume)
