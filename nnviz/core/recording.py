"""A run's recording: checkpoints of every weight and bias, dense at the start, within a fixed memory budget.

Which moments: every mini-batch for the first ``DENSE_STEPS`` (the network changes fastest there), then at
steps that grow geometrically (each ``GROWTH`` = 1 % later than the one before: 3 mini-batches apart at 300,
100 apart at 10,000), and at every quick accuracy estimate and epoch's end (the trainer adds those), so
the timeline has a moment wherever the cost plot has an accuracy dot.

How many: a :class:`Recording` is one ``(capacity, n_params)`` float32 matrix, its capacity the budget divided by
one checkpoint's bytes (48 MiB: 967 checkpoints of 784-16-16-10, 158 of 784-100-10 — a larger network gets
fewer, never more memory). The matrix is reserved, not filled: the system provides its memory page by page as
rows are first written, so the store grows with the checkpoints it holds and stops at the budget (a window that
has recorded a few seconds holds a few seconds' worth, not the whole budget). When it is full, it thins evenly:
each checkpoint carries its *ordinal* (its place in the trainer's sequence of checkpoints, 0, 1, 2, …); the store
then keeps only ordinals that are multiples of 2, then 4, …, and ignores new ones that are not, so the kept
moments stay spread like the schedule, at half the density each time. The first ``protected`` ordinals (the
starting weights and the dense start) are always kept. Thinning depends only on the ordinals, so any store fed
the same checkpoints holds the same ones: the training process ships only new checkpoints
(:meth:`Recording.take_new`), and the window's store thins on its own.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np

from .history import History
from .network import DTYPE, Network

DENSE_STEPS = 300  # every mini-batch recorded up to this step
GROWTH = 0.01  # afterwards, each checkpoint this fraction of its step after the previous one
# Bytes per recording (the bar: 150 MB). Measured (benchmarks/bench_soak.py, 784-16-16-10 at full speed,
# the store full after 90 s): the window takes ~200 MB without its store and the training process ~140 MB, so the
# whole app stays within ARCHITECTURE.md's 400 MB with 48 MiB; with 128 MiB it took ~480 MB.
DEFAULT_BUDGET = 48 << 20
META_BYTES = 8 + 8 + 8 + 8 + 8  # per checkpoint: ordinal, step, samples seen, epoch progress, cost


def next_checkpoint_step(step: int) -> int:
    """The step of the scheduled checkpoint after one at ``step`` (quick estimates and epoch ends come on top)."""
    return step + 1 if step < DENSE_STEPS else step + math.ceil(step * GROWTH)


def capacity_for(n_params: int, budget_bytes: int = DEFAULT_BUDGET) -> int:
    """How many checkpoints of ``n_params`` parameters fit in ``budget_bytes``."""
    return budget_bytes // (n_params * np.dtype(DTYPE).itemsize + META_BYTES)


@dataclass(frozen=True)
class CheckpointBatch:
    """Checkpoints on their way from the training process to the window: copies, ``(k,)`` and ``(k, n_params)``."""

    ordinals: np.ndarray
    steps: np.ndarray
    samples_seen: np.ndarray
    epoch_progress: np.ndarray
    costs: np.ndarray
    params: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)


_META = (("ordinals", np.int64), ("steps", np.int64), ("samples_seen", np.int64), ("epoch_progress", np.float64),
         ("costs", np.float64))


class Recording:
    """Checkpoints of a run: weights and biases with their step, samples seen, epoch progress and cost.

    ``cost`` is the last mini-batch's cost when the checkpoint was taken (NaN at step 0). ``capacity`` is fixed
    (from ``budget_bytes`` unless given): that many rows are reserved, and become memory as they are first written
    (:attr:`held_bytes`). ``outbox=True`` makes a store for the training process's side, whose :meth:`take_new`
    empties it. Views returned are read-only and valid until the next change (``version`` counts changes): copy
    what you keep longer.
    """

    def __init__(self, n_params: int, budget_bytes: int = DEFAULT_BUDGET, capacity: int | None = None,
                 outbox: bool = False):
        capacity = capacity_for(n_params, budget_bytes) if capacity is None else int(capacity)
        if capacity < 2:
            raise ValueError(f"a network of {n_params:,} parameters is too large to record within "
                             f"{budget_bytes / 2**20:.0f} MB (one checkpoint takes {n_params * 4 / 2**20:.0f} MB)")
        self.n_params, self.capacity, self.outbox = int(n_params), capacity, outbox
        # np.empty maps the pages without touching them: a row becomes memory when a checkpoint is first written
        # there, so the store takes what it holds (up to the budget), not the budget from the start
        self._params = np.empty((capacity, self.n_params), DTYPE)
        self._meta = {name: np.zeros(capacity, dt) for name, dt in _META}
        self.count = 0
        self._rows_written = 0  # rows ever written (the ones that have become memory)
        self.level = 0  # keeps ordinals that are multiples of 2**level
        self.protected = min(DENSE_STEPS + 1, capacity // 4)  # ordinals below this are always kept
        self.next_ordinal = 0  # what add() uses when not told
        self._taken = -1  # the highest ordinal take_new() has handed out
        self.version = 0

    # --- adding ----------------------------------------------------------------------------------------------
    def keeps(self, ordinal: int) -> bool:
        """Whether a checkpoint of this ordinal would be kept at the present thinning level."""
        return ordinal < self.protected or ordinal % (1 << self.level) == 0

    def add(self, step: int, samples_seen: int, epoch_progress: float, cost: float, params: np.ndarray,
            ordinal: int | None = None) -> bool:
        """Store a checkpoint (``params`` is copied); False if thinning leaves it out.

        Steps must increase; a second checkpoint at the newest step replaces it (a branch resumes at its step).
        """
        ordinal = self.next_ordinal if ordinal is None else int(ordinal)
        steps = self._meta["steps"]
        if self.count and step <= steps[self.count - 1]:
            if step < steps[self.count - 1]:
                raise ValueError(f"checkpoints come in step order: {step} after {int(steps[self.count - 1])}")
            self._write(self.count - 1, int(self._meta["ordinals"][self.count - 1]), step, samples_seen,
                        epoch_progress, cost, params)  # the same moment again: replace it, keep its place
            return True
        self.next_ordinal = ordinal + 1
        while self.count == self.capacity:
            self._thin()
        if not self.keeps(ordinal):
            return False
        self._write(self.count, ordinal, step, samples_seen, epoch_progress, cost, params)
        self.count += 1
        return True

    def _write(self, i: int, *values) -> None:
        *meta, params = values
        self._params[i] = params
        self._rows_written = max(self._rows_written, i + 1)
        for (name, _), value in zip(_META, meta):
            self._meta[name][i] = value
        self.version += 1

    def _thin(self) -> None:
        """Double the level and keep only the checkpoints it keeps (rows move down in place: no second matrix)."""
        self.level += 1
        ordinals = self._meta["ordinals"][: self.count]
        kept = np.flatnonzero((ordinals < self.protected) | (ordinals % (1 << self.level) == 0))
        for dst, src in enumerate(kept.tolist()):
            if dst != src:
                self._params[dst] = self._params[src]
        for column in self._meta.values():
            column[: len(kept)] = column[kept]
        self.count = len(kept)
        self.version += 1

    def extend(self, batch: CheckpointBatch) -> int:
        """Add every checkpoint of ``batch`` (shipped from the training process); returns how many were kept."""
        kept = 0
        for i in range(len(batch)):
            kept += self.add(int(batch.steps[i]), int(batch.samples_seen[i]), float(batch.epoch_progress[i]),
                             float(batch.costs[i]), batch.params[i], int(batch.ordinals[i]))
        return kept

    def receive(self, batch: CheckpointBatch) -> bool:
        """Add checkpoints shipped from the training process (the window's side); True if some held here went.

        Checkpoints held from the batch's first ordinal or first step on belong to another future (a new run
        starts again at ordinal 0; a branch or a restarted process numbers on from where it took over), so they
        are dropped before the batch is added: the store never holds two futures at once.
        """
        if not len(batch):
            return False
        n = self.count
        keep = min(int(np.searchsorted(self._meta["ordinals"][:n], int(batch.ordinals[0]))),
                   int(np.searchsorted(self._meta["steps"][:n], int(batch.steps[0]))))
        if keep < n:
            self.clear() if keep == 0 else self.truncate(keep - 1)
        self.extend(batch)
        return keep < n

    def take_new(self) -> CheckpointBatch:
        """Copies of the checkpoints added since the last call (an outbox is emptied), to ship to the window."""
        n = self.count
        start = int(np.searchsorted(self._meta["ordinals"][:n], self._taken, side="right"))
        batch = CheckpointBatch(*(self._meta[name][start:n].copy() for name, _ in _META),
                                params=self._params[start:n].copy())
        if n:
            self._taken = int(self._meta["ordinals"][n - 1])
        if self.outbox:
            self.count = 0
            self.version += 1
        return batch

    def clear(self) -> None:
        """Forget every checkpoint (a new run), keeping the memory."""
        self.count, self.level, self.next_ordinal, self._taken = 0, 0, 0, -1
        self.version += 1

    def truncate(self, index: int) -> None:
        """Forget the checkpoints after ``index`` (a branch from there); the next ordinal follows ``index``'s."""
        if not 0 <= index < self.count:
            raise IndexError(f"no checkpoint {index} (there are {self.count})")
        self.count = index + 1
        self.next_ordinal = int(self._meta["ordinals"][index]) + 1
        self._taken = min(self._taken, self.next_ordinal - 1)
        self.version += 1

    # --- reading ---------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.count

    @property
    def nbytes(self) -> int:
        """The most memory the store can take: its budget (the rows it reserved, full)."""
        return self._params.nbytes + sum(c.nbytes for c in self._meta.values())

    @property
    def held_bytes(self) -> int:
        """The memory the store has taken so far: the rows written at least once (they stay after a thinning or a
        new run), and the counters."""
        return self._rows_written * self._params.itemsize * self.n_params + sum(c.nbytes for c in self._meta.values())

    def _column(self, name: str) -> np.ndarray:
        v = self._meta[name][: self.count].view()
        v.flags.writeable = False
        return v

    @property
    def steps(self) -> np.ndarray:
        """Step (mini-batches done) of each checkpoint, increasing, ``(count,)``."""
        return self._column("steps")

    @property
    def samples_seen(self) -> np.ndarray:
        """Samples seen at each checkpoint, ``(count,)``."""
        return self._column("samples_seen")

    @property
    def epoch_progress(self) -> np.ndarray:
        """Epochs done (a real number) at each checkpoint, ``(count,)``."""
        return self._column("epoch_progress")

    @property
    def costs(self) -> np.ndarray:
        """The last mini-batch's cost at each checkpoint (NaN at step 0), ``(count,)``."""
        return self._column("costs")

    @property
    def ordinals(self) -> np.ndarray:
        """Each checkpoint's place in the trainer's sequence of checkpoints, ``(count,)``."""
        return self._column("ordinals")

    def params(self, i: int) -> np.ndarray:
        """Checkpoint ``i``'s weights and biases, a read-only view ``(n_params,)`` laid out like ``Network.params``."""
        if not -self.count <= i < self.count:
            raise IndexError(f"no checkpoint {i} (there are {self.count})")
        v = self._params[i % self.count].view()
        v.flags.writeable = False
        return v

    def all_params(self) -> np.ndarray:
        """Every checkpoint's parameters, a read-only view ``(count, n_params)``."""
        v = self._params[: self.count].view()
        v.flags.writeable = False
        return v

    def index_of_ordinal(self, ordinal: int) -> int | None:
        """The index of the checkpoint of this ordinal, or None if it is not (or no longer) kept."""
        i = int(np.searchsorted(self._meta["ordinals"][: self.count], ordinal))
        return i if i < self.count and self._meta["ordinals"][i] == ordinal else None

    def index_of(self, step: int) -> int | None:
        """The index of the checkpoint taken at exactly ``step``, or None."""
        i = int(np.searchsorted(self._meta["steps"][: self.count], step))
        return i if i < self.count and self._meta["steps"][i] == step else None

    def at_or_before(self, step: int) -> int:
        """The index of the latest checkpoint not after ``step`` (the network as it was then; 0 before the first)."""
        return max(int(np.searchsorted(self._meta["steps"][: self.count], step, side="right")) - 1, 0)

    def nearest(self, step: int) -> int:
        """The index of the checkpoint whose step is closest to ``step`` (the earlier one on a tie)."""
        if not self.count:
            raise IndexError("the recording is empty")
        steps = self._meta["steps"][: self.count]
        i = int(np.searchsorted(steps, step))
        if i == 0:
            return 0
        if i == self.count:
            return i - 1
        return i - 1 if step - steps[i - 1] <= steps[i] - step else i


def outputs_through_run(recording: Recording, network: Network, x: np.ndarray,
                        indices: slice | np.ndarray | None = None) -> np.ndarray:
    """The output activations ``(k, n_out)`` for one input ``x`` ``(n_in,)`` at every checkpoint (or ``indices``).

    Batched: one matrix product per layer over all checkpoints at once, reading each checkpoint's weights in
    place (``network`` gives the architecture and squishifications; its own weights are not used). It reads the
    whole store once (50 MB for 967 checkpoints of 784-16-16-10): while a drawing changes, a slice such as
    ``slice(None, None, 4)`` reads a quarter in place (an index array copies the rows it picks).
    """
    params = recording.all_params()
    if indices is not None:
        params = params[indices if isinstance(indices, slice) else np.asarray(indices)]
    k = len(params)
    a = np.asarray(x, DTYPE).reshape(-1)
    if a.shape != (network.sizes[0],):
        raise ValueError(f"expected one input of {network.sizes[0]} values, got shape {np.shape(x)}")
    offset = 0
    for layer, (n_in, n_out) in enumerate(network.layer_shapes, start=1):
        blocks = params[:, offset : offset + (n_in + 1) * n_out].reshape(k, n_out, n_in + 1)  # [W | b] per checkpoint
        offset += (n_in + 1) * n_out
        if layer == 1:
            z = blocks[:, :, :-1] @ a  # the same input for every checkpoint
        else:
            z = np.matmul(blocks[:, :, :-1], a[:, :, None])[:, :, 0]
        z += blocks[:, :, -1]
        a = network.activation_for(layer).forward(z, out=z)
    return a


@dataclass
class Branch:
    """The run as it was at one checkpoint, to continue training from there (with new settings if wanted)."""

    network: Network
    step: int
    samples_seen: int
    epoch_progress: float
    history: History
    recording: Recording | None  #: the store, truncated after the checkpoint (``None`` on its way to a process)
    next_ordinal: int  #: the ordinal the next checkpoint takes


def branch(recording: Recording, index: int, history: History, network: Network) -> Branch:
    """The network at checkpoint ``index`` and the run's history up to then.

    ``history`` is left as it is (the old future stays there, for the plot's comparison); the recording is
    truncated after ``index`` so new checkpoints follow on. ``network`` gives the architecture.
    """
    step, seen = int(recording.steps[index]), int(recording.samples_seen[index])
    progress = float(recording.epoch_progress[index])
    net = Network(network.sizes, network.activation_name, network.output_name, network.cost_name, network.init,
                  params=recording.params(index))
    recording.truncate(index)
    return Branch(net, step, seen, progress, history.truncated(step, seen), recording, recording.next_ordinal)


# --- files: the model format's optional recording ----------------------------------------------------------------
PREFIX = "recording_"  # the model file's members of the recording start with this
MAX_FILE_BYTES = 160 << 20  # a recording in a file may not declare more (files recorded with a 128 MiB budget load)
_FILE_META = (("recording_ordinals", "ordinals"), ("recording_steps", "steps"), ("recording_samples", "samples_seen"),
              ("recording_epochs", "epoch_progress"), ("recording_costs", "costs"))


def recording_members(recording: Recording) -> dict[str, np.ndarray]:
    """The model file's members for ``recording``: ``recording_params`` float32 ``(k, n_params)`` and ``(k,)``
    ``recording_ordinals``, ``recording_steps``, ``recording_samples`` (int64), ``recording_epochs`` and
    ``recording_costs`` (float64), and ``recording_level`` (the thinning level)."""
    members = {"recording_params": recording.all_params(), "recording_level": np.int64(recording.level)}
    members.update({member: recording._column(name) for member, name in _FILE_META})
    return members


def read_recording(path, n_params: int) -> Recording | None:
    """The recording in model file ``path`` for a network of ``n_params`` parameters, or None if it has none.

    Every member's declared shape and type are checked before anything is read or allocated, the weights are
    read straight into the store, and everything is validated (finite weights, steps in order); ValueError says
    what is wrong in a few words.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = {n[:-4]: n for n in zf.namelist() if n.startswith(PREFIX) and n.endswith(".npy")}
            if not names:
                return None
            return _read_members(zf, names, n_params)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, KeyError) as e:
        raise ValueError(f"its recording cannot be read ({e or type(e).__name__})") from None


def _header(zf, name: str) -> tuple[tuple, np.dtype, int]:
    """Shape, dtype and data offset of the .npy member ``name``, from its header alone."""
    with zf.open(name) as fp:
        version = np.lib.format.read_magic(fp)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(fp)
        if fortran or dtype.hasobject:
            raise ValueError(f"its recording's '{name[:-4]}' is not a plain array")
        return shape, dtype, fp.tell()


def _read_members(zf, names: dict[str, str], n_params: int) -> Recording:
    wanted = ["recording_params"] + [m for m, _ in _FILE_META]
    missing = [m for m in wanted if m not in names]
    if missing:
        raise ValueError(f"its recording is incomplete (no '{missing[0]}')")
    shape, dtype, offset = _header(zf, names["recording_params"])
    if len(shape) != 2 or shape[1] != n_params or dtype != np.dtype("<f4"):
        raise ValueError(f"its recording's weights are not float32 checkpoints of {n_params:,} parameters")
    k = shape[0]
    if not 1 <= k or k * n_params * 4 > MAX_FILE_BYTES:
        raise ValueError(f"its recording declares {k:,} checkpoints ({k * n_params * 4 / 2**20:,.0f} MB); "
                         f"nnviz keeps at most {MAX_FILE_BYTES / 2**20:.0f} MB")
    if zf.getinfo(names["recording_params"]).file_size != offset + k * n_params * 4:
        raise ValueError("its recording's weights are not the size their header declares")
    meta = {}
    for member, name in _FILE_META:
        s, dt, _ = _header(zf, names[member])
        if s != (k,) or dt.kind not in ("f" if name in ("epoch_progress", "costs") else "iu"):
            raise ValueError(f"its recording's '{member}' does not match its {k:,} checkpoints")
        with zf.open(names[member]) as fp:
            meta[name] = np.lib.format.read_array(fp, allow_pickle=False)
    level = 0
    if "recording_level" in names:
        s, dt, _ = _header(zf, names["recording_level"])
        with zf.open(names["recording_level"]) as fp:
            level = np.lib.format.read_array(fp, allow_pickle=False)
        if s != () or dt.kind not in "iu" or not 0 <= int(level) < 63:
            raise ValueError("its recording's thinning level is not a small whole number")
    _check_meta(meta)
    rec = Recording(n_params, capacity=max(k, capacity_for(n_params)))
    rows = rec._params[:k]
    with zf.open(names["recording_params"]) as fp:
        fp.seek(offset)
        view, done = memoryview(rows).cast("B"), 0
        while done < len(view):
            got = fp.readinto(view[done:])
            if not got:
                raise ValueError("its recording's weights end early")
            done += got
    if not np.isfinite(rows).all():
        raise ValueError("some of its recorded weights are NaN or infinite")
    for name, column in meta.items():
        rec._meta[name][:k] = column
    rec.count, rec.level, rec._rows_written = k, int(level), k
    rec.next_ordinal = int(meta["ordinals"][-1]) + 1
    return rec


def _check_meta(meta: dict[str, np.ndarray]) -> None:
    steps, samples, ordinals = meta["steps"], meta["samples_seen"], meta["ordinals"]
    ok = ((steps >= 0).all() and (np.diff(steps) > 0).all() and (samples >= 0).all()
          and (np.diff(samples) >= 0).all() and (ordinals >= 0).all() and (np.diff(ordinals) > 0).all()
          and np.isfinite(meta["epoch_progress"]).all() and (meta["epoch_progress"] >= 0).all()
          and not np.isinf(meta["costs"]).any())
    if not ok:
        raise ValueError("its recording's steps, sample counts or costs are out of order or not finite")
