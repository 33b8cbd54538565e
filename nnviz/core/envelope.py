"""Long series of costs kept small enough to draw every frame: envelopes (bucket min/max or mean) and averages.

A plot a few hundred pixels wide cannot show a million mini-batches one by one; what it can show is, for each
stretch of the run, the lowest and highest cost (the faint band) and the mean of the moving average (the bold
line). Two bucketings of the same points: linear in time for a linear time axis, and geometric (each bucket a
fixed ratio of time wide) for a logarithmic one, where the first few mini-batches need a bucket each.
"""

from __future__ import annotations

import math

import numpy as np

AVERAGE_WINDOW = 100  # mini-batches in the moving average


class Envelope:
    """A long series kept as at most ``2 * max_buckets`` points: each bucket's minimum and maximum (or its mean).

    Appending is O(new points); when the buckets run out, pairs of buckets merge and the bucket doubles in size.
    This is what peak downsampling would draw anyway, without re-scanning a million points every frame.
    """

    def __init__(self, max_buckets: int = 1024, mean: bool = False):
        self.max_buckets = max_buckets
        self.mean = mean
        self.size = 1  # points per bucket
        self.n_buckets = 0
        self.x = np.empty(max_buckets)
        self.lo = np.empty(max_buckets)
        self.hi = np.empty(max_buckets)
        self.fill = 0  # points in the last, still open bucket
        self.count = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """Append points (x increasing); vectorised over whole buckets."""
        n, i = len(x), 0
        if self.fill and n:  # top up the open bucket
            take = min(self.size - self.fill, n)
            self._fold(self.n_buckets - 1, y[:take])
            self.fill = (self.fill + take) % self.size
            i = take
        while i < n:
            room = self.max_buckets - self.n_buckets
            if room == 0:
                self._merge()  # every bucket is full here, so pairs merge exactly
                continue
            k = min(room * self.size, n - i)
            full, rest = divmod(k, self.size)
            if full:
                seg = y[i : i + full * self.size].reshape(full, self.size)
                b = self.n_buckets
                self.x[b : b + full] = x[i : i + full * self.size : self.size]
                if self.mean:
                    self.lo[b : b + full] = seg.sum(axis=1)
                else:
                    self.lo[b : b + full] = seg.min(axis=1)
                    self.hi[b : b + full] = seg.max(axis=1)
                self.n_buckets += full
                i += full * self.size
            if rest:
                b = self.n_buckets
                self.n_buckets += 1
                self.x[b] = x[i]
                self.lo[b], self.hi[b] = (0.0, 0.0) if self.mean else (np.inf, -np.inf)
                self._fold(b, y[i : i + rest])
                self.fill = rest
                i += rest
        self.count += n

    def _fold(self, b: int, ys: np.ndarray) -> None:
        if self.mean:
            self.lo[b] += ys.sum()
        else:
            self.lo[b] = min(self.lo[b], ys.min())
            self.hi[b] = max(self.hi[b], ys.max())

    def _merge(self) -> None:
        # pairs of full buckets become one; the bucket size doubles
        h = self.max_buckets // 2
        self.x[:h] = self.x[0::2]
        if self.mean:
            self.lo[:h] = self.lo[0::2] + self.lo[1::2]
        else:
            self.lo[:h] = np.minimum(self.lo[0::2], self.lo[1::2])
            self.hi[:h] = np.maximum(self.hi[0::2], self.hi[1::2])
        self.n_buckets = h
        self.size *= 2

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y to draw: min/max zig-zag per bucket, or the bucket means."""
        n = self.n_buckets
        if n == 0:
            return np.empty(0), np.empty(0)
        if self.mean:
            counts = np.full(n, float(self.size))
            if self.fill:
                counts[-1] = self.fill
            return self.x[:n].copy(), self.lo[:n] / counts
        return zigzag(self.x[:n], self.lo[:n], self.hi[:n])

    def clear(self) -> None:
        """Forget every point."""
        self.size, self.n_buckets, self.fill, self.count = 1, 0, 0, 0


class LogEnvelope:
    """The same series bucketed for a logarithmic time axis: bucket k holds the points with x in
    ``[x₀·r^k, x₀·r^(k+1))``, x₀ the first point's x.

    Every bucket is as wide on a log axis; the first mini-batches (far apart in ratio) get a bucket each, so the
    first plunge of the cost is drawn point by point however long the run. The number of buckets grows with the
    logarithm of the run's length: about 700 for a million mini-batches at the default ratio.
    """

    def __init__(self, ratio: float = 1.02, mean: bool = False):
        self.log_ratio = math.log(ratio)
        self.mean = mean
        self.x0 = 0.0
        self.bucket = np.empty(0, np.int64)  # each stored bucket's index k
        self.x = np.empty(0)
        self.lo = np.empty(0)  # minimum, or the sum for a mean envelope
        self.hi = np.empty(0)  # maximum, or the count for a mean envelope
        self.n_buckets = 0
        self.count = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """Append points (x increasing and positive); vectorised."""
        if not len(x):
            return
        if self.count == 0:
            self.x0 = float(x[0]) if x[0] > 0 else 1e-12
        k = np.floor(np.log(np.maximum(x, self.x0) / self.x0) / self.log_ratio + 1e-9).astype(np.int64)
        starts = np.concatenate([[0], np.flatnonzero(np.diff(k)) + 1])
        if self.mean:
            lo, hi = np.add.reduceat(y, starts), np.diff(np.append(starts, len(y))).astype(float)
        else:
            lo, hi = np.minimum.reduceat(y, starts), np.maximum.reduceat(y, starts)
        keys, xs = k[starts], x[starts]
        n = self.n_buckets
        if n and keys[0] == self.bucket[n - 1]:  # the first new points fall in the open bucket
            if self.mean:
                self.lo[n - 1] += lo[0]
                self.hi[n - 1] += hi[0]
            else:
                self.lo[n - 1] = min(self.lo[n - 1], lo[0])
                self.hi[n - 1] = max(self.hi[n - 1], hi[0])
            keys, xs, lo, hi = keys[1:], xs[1:], lo[1:], hi[1:]
        self._grow(n + len(keys))
        self.bucket[n : n + len(keys)] = keys
        self.x[n : n + len(keys)] = xs
        self.lo[n : n + len(keys)] = lo
        self.hi[n : n + len(keys)] = hi
        self.n_buckets = n + len(keys)
        self.count += len(x)

    def _grow(self, n: int) -> None:
        if n > len(self.x):
            size = max(n, 2 * len(self.x), 256)
            for name in ("bucket", "x", "lo", "hi"):
                old = getattr(self, name)
                new = np.empty(size, old.dtype)
                new[: self.n_buckets] = old[: self.n_buckets]
                setattr(self, name, new)

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y to draw: min/max zig-zag per bucket, or the bucket means."""
        n = self.n_buckets
        if self.mean:
            return self.x[:n].copy(), self.lo[:n] / np.maximum(self.hi[:n], 1.0)
        return zigzag(self.x[:n], self.lo[:n], self.hi[:n])

    def clear(self) -> None:
        """Forget every point."""
        self.n_buckets = self.count = 0


def zigzag(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each bucket's minimum then maximum at its x, as one line that draws the band between them."""
    ys = np.empty(2 * len(x))
    ys[0::2], ys[1::2] = lo, hi
    return np.repeat(x, 2), ys


class MovingAverage:
    """The mean of the last ``window`` values, computed incrementally for each new value."""

    def __init__(self, window: int = AVERAGE_WINDOW):
        self.window = window
        self.tail = np.zeros(0)

    def extend(self, values: np.ndarray) -> np.ndarray:
        """The moving average at each of ``values`` (appended after everything seen so far)."""
        joined = np.concatenate([self.tail, values])
        csum = np.concatenate([[0.0], np.cumsum(joined)])
        ends = np.arange(len(self.tail) + 1, len(joined) + 1)
        starts = np.maximum(ends - self.window, 0)
        self.tail = joined[-self.window :]
        return (csum[ends] - csum[starts]) / (ends - starts)

    def clear(self) -> None:
        """Forget the values seen."""
        self.tail = np.zeros(0)


class CostCurves:
    """One run's cost as drawn: every mini-batch's band (optional) and its moving average, for both time axes."""

    def __init__(self, with_band: bool = True):
        self.band = Envelope() if with_band else None
        self.band_log = LogEnvelope() if with_band else None
        self.average = Envelope(mean=True)
        self.average_log = LogEnvelope(mean=True)
        self.moving = MovingAverage()
        self.first_x = math.nan  # where the run starts (the left end of a log time axis)
        self.last_x = math.nan

    @property
    def count(self) -> int:
        """Mini-batches folded in so far."""
        return self.average.count

    def extend(self, x: np.ndarray, costs: np.ndarray) -> None:
        """Append mini-batches: their time ``x`` (epochs, increasing) and their costs ``(n,)``."""
        if not len(x):
            return
        if not self.count:
            self.first_x = float(x[0])
        self.last_x = float(x[-1])
        averaged = self.moving.extend(costs)
        self.average.extend(x, averaged)
        self.average_log.extend(x, averaged)
        if self.band is not None:
            self.band.extend(x, costs)
            self.band_log.extend(x, costs)

    def average_points(self, log_time: bool) -> tuple[np.ndarray, np.ndarray]:
        """The moving average's (x, y) for a linear or a logarithmic time axis."""
        return (self.average_log if log_time else self.average).points()

    def band_points(self, log_time: bool) -> tuple[np.ndarray, np.ndarray]:
        """Every mini-batch's cost as a min/max band, (x, y), for a linear or a logarithmic time axis."""
        if self.band is None:
            return np.empty(0), np.empty(0)
        return (self.band_log if log_time else self.band).points()

    def average_top(self, log_time: bool = False) -> float:
        """The largest moving average drawn on that time axis (NaN before any point)."""
        _, y = self.average_points(log_time)
        return float(np.nanmax(y)) if len(y) else math.nan

    def clear(self) -> None:
        """Forget the run."""
        for part in (self.band, self.band_log, self.average, self.average_log, self.moving):
            if part is not None:
                part.clear()
        self.first_x = self.last_x = math.nan
