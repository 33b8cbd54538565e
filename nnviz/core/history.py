"""The cost history of a run, in bounded memory: every mini-batch for the recent part, a fixed-size summary before.

Keeping every mini-batch's cost forever grows without end (a full-speed hour is ~90 million of them). So
:class:`History` keeps the costs of the last ``RECENT_STEPS``-or-more mini-batches one by one, and folds older
ones into a :class:`CostEnvelope`: at most ``SUMMARY_BUCKETS`` buckets of consecutive mini-batches, each with its
cost's minimum, maximum and mean and the steps and samples it covers. When the buckets run out, neighbouring
pairs merge and a bucket holds twice as many steps, so the summary's size never changes however long the run.
It is the same min/max envelope the cost plot draws, so the plot loses nothing it could show.

Arrays handed out (``recent()``, ``envelope()``) are read-only and never change afterwards: the buffers are
replaced, not rewritten, when they fill, so a view can go to another thread without a copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .snapshot import frozen as _frozen

# 2**16 mini-batches one by one: 11 epochs of MNIST at batch 10, so a 10-epoch run keeps every cost, and zooming
# into the plot or exporting the recent costs shows real mini-batches; costs 12 bytes each (0.8 MB). The buffer
# holds twice that, so the fold into the summary (copying the kept half to a new buffer) happens once every
# 65,536 steps: about 10 ns a step.
RECENT_STEPS = 1 << 16
RECENT_CAPACITY = 2 * RECENT_STEPS
FIRST_CAPACITY = 4096  # a short run starts with a small buffer that doubles up to RECENT_CAPACITY
SUMMARY_BUCKETS = 1024  # the cost plot's envelope has as many: about one per pixel column of a wide plot
QUICK_KEEP = 1024  # quick accuracy estimates kept (100 epochs' worth); beyond, every second one goes
MAX_BUCKET_SIZE = 1 << 48  # a sanity bound for files: far beyond any run


@dataclass(frozen=True)
class CostEnvelope:
    """The summary of the mini-batches before :attr:`History.first`: per bucket, the cost's min, max and mean.

    Bucket ``b`` summarises ``count[b]`` consecutive mini-batches, the steps ``start[b] <= i < end[b]`` (a branch
    can leave a gap, so ``end - start`` may exceed ``count`` there), after which ``first_sample[b]`` …
    ``last_sample[b]`` samples had been seen. Every bucket holds ``size`` mini-batches (a power of two) except
    perhaps the last. Arrays are ``(n_buckets,)`` and read-only.
    """

    size: int
    start: np.ndarray
    end: np.ndarray
    count: np.ndarray
    first_sample: np.ndarray
    last_sample: np.ndarray
    min: np.ndarray
    max: np.ndarray
    mean: np.ndarray

    def __len__(self) -> int:
        return len(self.start)

    @property
    def steps(self) -> int:
        """Mini-batches summarised."""
        return int(self.count.sum())

    def until(self, step: int) -> "CostEnvelope":
        """The buckets that end by ``step``: the summary as it was then (a bucket reaching past it is left out whole,
        since it cannot be split honestly). Read-only views, no copy."""
        keep = int(np.searchsorted(self.end, step, side="right"))
        return CostEnvelope(self.size, *(getattr(self, k)[:keep] for k in _INT_FIELDS + _FLOAT_FIELDS))

    @property
    def is_open(self) -> bool:
        """True if the last bucket is not full yet (the next mini-batches fold into it)."""
        return len(self) > 0 and int(self.count[-1]) < self.size


_INT_FIELDS = ("start", "end", "count", "first_sample", "last_sample")
_FLOAT_FIELDS = ("min", "max", "mean")


def _envelope(size: int, columns: dict[str, np.ndarray], n: int) -> CostEnvelope:
    return CostEnvelope(size, **{k: _frozen(v[:n]) for k, v in columns.items()})


def empty_envelope() -> CostEnvelope:
    """A summary of nothing."""
    return _envelope(1, _new_columns(), 0)


def _new_columns() -> dict[str, np.ndarray]:
    cols = {k: np.zeros(SUMMARY_BUCKETS, np.int64) for k in _INT_FIELDS}
    cols.update({k: np.zeros(SUMMARY_BUCKETS, np.float64) for k in _FLOAT_FIELDS})
    return cols


def fold(env: CostEnvelope, costs: np.ndarray, samples: np.ndarray, first_step: int) -> CostEnvelope:
    """A new summary: ``env`` with the mini-batches ``first_step, first_step + 1, …`` (``costs``, ``samples``) added.

    ``env`` itself is not changed (views of it handed out stay valid). Vectorised over whole buckets.
    """
    cols = _new_columns()
    n, size = len(env), env.size
    for k in cols:
        cols[k][:n] = getattr(env, k)
    y = np.asarray(costs, np.float64)
    s = np.asarray(samples, np.int64)
    steps = first_step + np.arange(len(y), dtype=np.int64)
    i, total = 0, len(y)
    if n and cols["count"][n - 1] < size and total:  # top up the open bucket
        b, take = n - 1, int(min(size - cols["count"][n - 1], total))
        c = cols["count"][b]
        cols["mean"][b] = (cols["mean"][b] * c + y[:take].sum()) / (c + take)
        cols["min"][b] = min(cols["min"][b], y[:take].min())
        cols["max"][b] = max(cols["max"][b], y[:take].max())
        cols["count"][b] += take
        cols["end"][b], cols["last_sample"][b] = steps[take - 1] + 1, s[take - 1]
        i = take
    while i < total:
        if n == SUMMARY_BUCKETS:  # every bucket is full here: pairs merge and a bucket holds twice as many
            _merge_pairs(cols)
            n, size = n // 2, size * 2
            continue
        k = min((SUMMARY_BUCKETS - n) * size, total - i)
        full, rest = divmod(k, size)
        parts = [(full, size)] + ([(1, rest)] if rest else [])
        for buckets, width in parts:
            if not buckets:
                continue
            seg = slice(i, i + buckets * width)
            block = y[seg].reshape(buckets, width)
            b = slice(n, n + buckets)
            cols["min"][b], cols["max"][b], cols["mean"][b] = block.min(axis=1), block.max(axis=1), block.mean(axis=1)
            cols["count"][b] = width
            cols["start"][b] = steps[seg][::width]
            cols["end"][b] = steps[seg][width - 1 :: width] + 1
            cols["first_sample"][b] = s[seg][::width]
            cols["last_sample"][b] = s[seg][width - 1 :: width]
            n += buckets
            i += buckets * width
    return _envelope(size, cols, n)


def _merge_pairs(cols: dict[str, np.ndarray]) -> None:
    h = SUMMARY_BUCKETS // 2
    even, odd = slice(0, None, 2), slice(1, None, 2)
    c0, c1 = cols["count"][even], cols["count"][odd]
    cols["mean"][:h] = (cols["mean"][even] * c0 + cols["mean"][odd] * c1) / (c0 + c1)
    cols["count"][:h] = c0 + c1
    cols["min"][:h] = np.minimum(cols["min"][even], cols["min"][odd])
    cols["max"][:h] = np.maximum(cols["max"][even], cols["max"][odd])
    for k in ("start", "first_sample"):
        cols[k][:h] = cols[k][even]
    for k in ("end", "last_sample"):
        cols[k][:h] = cols[k][odd]


class History:
    """What happened during training, in bounded memory: costs one by one for the recent part, a summary before.

    Mini-batch ``i`` (0-based) is held one by one if ``first <= i < steps``: its cost is ``costs[i - first]`` and
    ``samples[i - first]`` the samples seen once it was done; mini-batches before ``first`` are summarised in
    :meth:`envelope`. ``test_accuracy`` rows are ``(samples_seen, accuracy)`` on the full test set at each epoch's
    end, ``quick_accuracy`` rows the same on a fixed subset of test images during epochs (at most ``QUICK_KEEP``:
    when full, every second one goes and only every second new one is kept, so they stay evenly spread).

    The trainer writes runs of steps straight into the buffers: ``costs, samples, h = reserve(count)``, write
    entries ``h, h + 1, …``, then ``commit(h_end)``. The window side calls :meth:`extend`.
    """

    def __init__(self):
        self.costs = np.empty(FIRST_CAPACITY, np.float32)
        self.samples = np.empty(FIRST_CAPACITY, np.int64)
        self.first = 0  # step index of costs[0]
        self.fill = 0  # entries of costs/samples in use
        self._summary = empty_envelope()
        self.test_accuracy: list = []
        self.quick_accuracy: list = []
        self._quick_seen = 0  # quick estimates offered
        self._quick_stride = 1  # keep every this-many-th of them

    @property
    def steps(self) -> int:
        """Mini-batches recorded in all (held one by one or summarised)."""
        return self.first + self.fill

    @property
    def last_cost(self) -> float:
        """The newest mini-batch's cost (NaN before the first)."""
        return float(self.costs[self.fill - 1]) if self.fill else float("nan")

    @property
    def nbytes(self) -> int:
        """Bytes held by the cost arrays (bounded: at most the full buffers and the full summary)."""
        return self.costs.nbytes + self.samples.nbytes + SUMMARY_BUCKETS * 8 * (len(_INT_FIELDS) + len(_FLOAT_FIELDS))

    # --- writing ---------------------------------------------------------------------------------------------
    def reserve(self, n: int) -> tuple[np.ndarray, np.ndarray, int]:
        """Room for ``n`` more entries: ``(costs, samples, h)``, the buffers and the index to write entry one at.

        Growing or folding old entries into the summary makes new buffers; views handed out earlier keep the old
        ones, whose filled part never changes. At most ``RECENT_CAPACITY - RECENT_STEPS`` at a time.
        """
        if self.fill + n > len(self.costs):
            if n > RECENT_CAPACITY - RECENT_STEPS:
                raise ValueError(f"reserve at most {RECENT_CAPACITY - RECENT_STEPS} entries at a time, not {n}")
            if self.fill + n <= RECENT_CAPACITY:
                size = max(len(self.costs), 1)
                while size < self.fill + n:
                    size *= 2
                self._rebuffer(0, min(size, RECENT_CAPACITY))
            else:
                self._rebuffer(self.fill - RECENT_STEPS, RECENT_CAPACITY)
        return self.costs, self.samples, self.fill

    def commit(self, end: int) -> None:
        """Entries up to index ``end`` (exclusive) of the buffers :meth:`reserve` returned are written."""
        self.fill = end

    def _rebuffer(self, drop: int, capacity: int) -> None:
        """New buffers of ``capacity``; the oldest ``drop`` entries go into the summary."""
        if drop:
            self._summary = fold(self._summary, self.costs[:drop], self.samples[:drop], self.first)
        costs, samples = np.empty(capacity, np.float32), np.empty(capacity, np.int64)
        keep = self.fill - drop
        costs[:keep], samples[:keep] = self.costs[drop : self.fill], self.samples[drop : self.fill]
        self.costs, self.samples = costs, samples
        self.first += drop
        self.fill = keep

    def record(self, cost: float, samples_seen: int) -> None:
        """Append one mini-batch's cost."""
        costs, samples, h = self.reserve(1)
        costs[h], samples[h] = cost, samples_seen
        self.commit(h + 1)

    def extend(self, costs: np.ndarray, samples: np.ndarray) -> None:
        """Append many mini-batches' costs at once (any number: long ones fold into the summary as they go)."""
        chunk = RECENT_CAPACITY - RECENT_STEPS
        for i in range(0, len(costs), chunk):
            c, s = costs[i : i + chunk], samples[i : i + chunk]
            buf_c, buf_s, h = self.reserve(len(c))
            buf_c[h : h + len(c)], buf_s[h : h + len(c)] = c, s
            self.commit(h + len(c))

    def add_quick_accuracy(self, samples_seen: int, accuracy: float) -> None:
        """Record a quick estimate (evenly thinned beyond ``QUICK_KEEP``)."""
        self._quick_seen += 1
        if (self._quick_seen - 1) % self._quick_stride:
            return
        self.quick_accuracy.append((samples_seen, accuracy))
        if len(self.quick_accuracy) >= QUICK_KEEP:
            del self.quick_accuracy[1::2]
            self._quick_stride *= 2

    # --- reading ---------------------------------------------------------------------------------------------
    def recent(self) -> tuple[np.ndarray, np.ndarray]:
        """Read-only views ``(costs, samples)`` of the mini-batches held one by one (from step :attr:`first`)."""
        return _frozen(self.costs[: self.fill].view()), _frozen(self.samples[: self.fill].view())

    def since(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Read-only ``(costs, samples)`` of the mini-batches from ``step`` on (from :attr:`first` if it is older)."""
        costs, samples = self.recent()
        i = min(max(step - self.first, 0), self.fill)
        return costs[i:], samples[i:]

    def envelope(self) -> CostEnvelope:
        """The summary of the mini-batches before :attr:`first` (read-only; never changes afterwards)."""
        return self._summary

    def best_test_accuracy(self) -> float:
        """The best full-test-set accuracy so far (NaN before the first epoch ends)."""
        return max((a for _, a in self.test_accuracy), default=float("nan"))

    # --- a branch --------------------------------------------------------------------------------------------
    def truncated(self, step: int, samples_seen: int) -> "History":
        """A new history of this run up to ``step`` mini-batches (``samples_seen`` samples): for a branch.

        A summary bucket that reaches past ``step`` is left out whole (it cannot be split honestly); the
        mini-batches it held before ``step`` then form a gap, a fraction of a bucket, that the summary shows.
        """
        h = History()
        if step >= self.first:
            h._summary = self._summary
            h.first = self.first
            k = min(step - self.first, self.fill)
            h.extend(self.costs[:k], self.samples[:k])
        else:
            h._summary = self._summary.until(step)
            h.first = step
        h.test_accuracy = [r for r in self.test_accuracy if r[0] <= samples_seen]
        h.quick_accuracy = [r for r in self.quick_accuracy if r[0] <= samples_seen]
        h._quick_stride = self._quick_stride
        h._quick_seen = len(h.quick_accuracy) * self._quick_stride
        return h

    @classmethod
    def from_parts(cls, envelope: CostEnvelope | None, costs: np.ndarray, samples: np.ndarray, first: int,
                   test_accuracy=(), quick_accuracy=()) -> "History":
        """A history made of a snapshot's frozen parts: the summary, and the costs one by one from step ``first``
        (saving from the window reads these, never the history the relay thread is extending)."""
        h = cls()
        if envelope is not None:
            h._summary = envelope
        h.first = int(first)
        h.extend(costs, samples)
        h.test_accuracy = list(test_accuracy)
        h.quick_accuracy = list(quick_accuracy)
        return h

    # --- files -----------------------------------------------------------------------------------------------
    def to_members(self) -> dict[str, np.ndarray]:
        """The model file's members for this history: ``costs``, ``cost_samples`` (the recent part) and, optional
        to readers, ``cost_first`` and the summary (``cost_envelope*``)."""
        costs, samples = self.recent()
        env = self._summary
        return {
            "costs": costs, "cost_samples": samples, "cost_first": np.int64(self.first),
            "cost_envelope_size": np.int64(env.size),
            "cost_envelope": np.stack([env.min, env.max, env.mean], axis=1).reshape(-1, 3),
            "cost_envelope_steps": np.stack([env.start, env.end, env.count], axis=1).reshape(-1, 3),
            "cost_envelope_samples": np.stack([env.first_sample, env.last_sample], axis=1).reshape(-1, 2),
        }

    @classmethod
    def from_members(cls, members: dict, costs: np.ndarray, samples: np.ndarray) -> "History":
        """Rebuild from a model file's members (``costs``/``samples`` already read); ValueError says what is wrong.

        Old files have no summary and may hold millions of costs: those beyond the recent part are folded in.
        """
        h = cls()
        first = members.get("cost_first")
        if first is not None:
            first = np.asarray(first)
            if first.shape != () or first.dtype.kind not in "iu" or not 0 <= int(first) < MAX_BUCKET_SIZE:
                raise ValueError("its 'cost_first' entry is not a step number")
            h._summary = _envelope_from_members(members, int(first))
            h.first = int(first)
        elif any(k.startswith("cost_envelope") for k in members):
            raise ValueError("its cost summary has no 'cost_first' entry")
        env = h._summary
        if len(samples) and ((np.diff(samples) <= 0).any() or (len(env) and samples[0] <= env.last_sample[-1])):
            raise ValueError("its sample counts do not increase from one mini-batch to the next")
        h.extend(costs, samples)
        return h


def _envelope_from_members(members: dict, first: int) -> CostEnvelope:
    """The summary stored in a file, checked: bounded, consistent, finite; ValueError otherwise."""
    names = ("cost_envelope_size", "cost_envelope", "cost_envelope_steps", "cost_envelope_samples")
    if any(k not in members for k in names):
        raise ValueError("its cost summary is incomplete")
    size, values, steps, samples = (np.asarray(members[k]) for k in names)
    n = len(values) if values.ndim == 2 else -1
    if (size.shape != () or size.dtype.kind not in "iu" or not 1 <= int(size) <= MAX_BUCKET_SIZE
            or int(size) & (int(size) - 1)):
        raise ValueError("its cost summary's bucket size is not a power of two")
    if not (0 <= n <= SUMMARY_BUCKETS and values.shape == (n, 3) and steps.shape == (n, 3)
            and samples.shape == (n, 2) and values.dtype.kind == "f" and steps.dtype.kind in "iu"
            and samples.dtype.kind in "iu"):
        raise ValueError(f"its cost summary does not have the shape of at most {SUMMARY_BUCKETS} buckets")
    size = int(size)
    start, end, count = (steps[:, j].astype(np.int64) for j in range(3))
    lo, hi, mean = (values[:, j].astype(np.float64) for j in range(3))
    s0, s1 = samples[:, 0].astype(np.int64), samples[:, 1].astype(np.int64)
    ok = (np.isfinite(values).all() and (count >= 1).all() and (count[:-1] == size).all() and (count <= size).all()
          and (start >= 0).all() and (end - start >= count).all() and (end[:-1] <= start[1:]).all()
          and (n == 0 or end[-1] <= first) and (s0 <= s1).all() and (s1[:-1] < s0[1:]).all()
          and (lo <= hi).all())
    if not ok:
        raise ValueError("its cost summary is inconsistent (bucket ranges, counts or values)")
    cols = dict(zip(_INT_FIELDS + _FLOAT_FIELDS, (start, end, count, s0, s1, lo, hi, mean)))
    return CostEnvelope(size, **{k: _frozen(v) for k, v in cols.items()})
