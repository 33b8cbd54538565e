"""The cost history's memory and hand-off time at 10^4, 10^5 and 10^6 mini-batches: bounded vs the old unbounded one.

For each length, a history is filled the way the trainer fills it (its bytes are taken then), and the window's
per-snapshot work is timed:
extend with the new costs a snapshot brings (500), take the read-only views for the plot (``recent()`` and
``envelope()``), and let the cost plot fold them in (``CostView.show_snapshot``, offscreen Qt; left out with
``--no-plot`` or when Qt is missing). The reference, measured in the same run, is the history as it was before
(arrays that double when full), whose bytes grow with the run and whose hand-off sometimes copies it all.

    python benchmarks/bench_memory.py [--json] [--no-plot]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from nnviz.core.history import History  # noqa: E402

LENGTHS = (10_000, 100_000, 1_000_000)
NEW_PER_SNAPSHOT = 500  # ~30 snapshots a second at ~15,000 mini-batches a second
SNAPSHOTS = 60


class UnboundedHistory:
    """The reference: every cost kept, in arrays that double when full (the history before it was bounded)."""

    def __init__(self):
        self.costs, self.samples, self.steps = np.empty(4096, np.float32), np.empty(4096, np.int64), 0

    def extend(self, costs, samples):
        n = len(costs)
        while self.steps + n > len(self.costs):
            self.costs = np.concatenate([self.costs, np.empty_like(self.costs)])
            self.samples = np.concatenate([self.samples, np.empty_like(self.samples)])
        self.costs[self.steps : self.steps + n], self.samples[self.steps : self.steps + n] = costs, samples
        self.steps += n

    def recent(self):
        return self.costs[: self.steps].view(), self.samples[: self.steps].view()

    def envelope(self):
        return None

    @property
    def nbytes(self):
        return self.costs.nbytes + self.samples.nbytes


def make_plot():
    """A CostView and a snapshot maker, or None without Qt."""
    try:
        from PySide6.QtWidgets import QApplication

        from nnviz.core.snapshot import Snapshot
        from nnviz.core.training import TrainConfig
        from nnviz.gui.cost_view import CostView
    except ImportError:
        return None
    app = QApplication.instance() or QApplication([])
    view = CostView()

    def show(costs, samples, step):
        view.show_snapshot(Snapshot(config=TrainConfig(), sizes=(784, 16, 16, 10), params=np.zeros(1, np.float32),
                                    step=step, epoch=0, epoch_progress=0.0, samples_seen=int(samples[-1]),
                                    train_size=60000, cost_samples=samples, costs=costs, test_accuracy=(),
                                    quick_accuracy=(), learning_rate=3.0))

    return app, view, show


def measure(kind, length: int, plot) -> dict:
    """Fill a history to ``length`` mini-batches, then time SNAPSHOTS hand-offs of NEW_PER_SNAPSHOT new costs."""
    rng = np.random.default_rng(0)
    h = kind()
    total = length + SNAPSHOTS * NEW_PER_SNAPSHOT
    costs = rng.random(total).astype(np.float32)
    samples = np.arange(1, total + 1, dtype=np.int64) * 10
    for i in range(0, length, 64):  # the training loop's runs of steps
        h.extend(costs[i : min(i + 64, length)], samples[i : min(i + 64, length)])
    nbytes = h.nbytes
    if plot:
        plot[1].start_new_run(keep_previous=False)
        c, s = h.recent()
        plot[2](c, s, length)
    times = []
    for j in range(SNAPSHOTS):
        new = slice(length + j * NEW_PER_SNAPSHOT, length + (j + 1) * NEW_PER_SNAPSHOT)
        t0 = time.perf_counter()
        h.extend(costs[new], samples[new])
        c, s = h.recent()
        h.envelope()
        if plot:
            plot[2](c, s, new.stop)
        times.append(1000 * (time.perf_counter() - t0))
    return {"bytes": nbytes, "p50": statistics.median(times), "max": max(times)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-plot", action="store_true", help="time the history alone, without the cost plot")
    args = p.parse_args()
    plot = None if args.no_plot else make_plot()
    what = "extend + views + cost plot" if plot else "extend + views"
    result = {"history_bytes": {}, "handoff_ms": {}, "reference_bytes": {}, "reference_handoff_ms": {}}
    for n in LENGTHS:
        ours, ref = measure(History, n, plot), measure(UnboundedHistory, n, plot)
        key = f"{n:.0e}".replace("+0", "")
        result["history_bytes"][key], result["reference_bytes"][key] = ours["bytes"], ref["bytes"]
        result["handoff_ms"][key] = {"p50": ours["p50"], "max": ours["max"]}
        result["reference_handoff_ms"][key] = {"p50": ref["p50"], "max": ref["max"]}
        if not args.json:
            print(f"{n:>9,} mini-batches: bounded {ours['bytes'] / 2**20:5.2f} MB, hand-off ({what}) p50 "
                  f"{ours['p50']:.2f} ms max {ours['max']:.2f} ms | unbounded reference {ref['bytes'] / 2**20:5.2f} MB,"
                  f" p50 {ref['p50']:.2f} ms max {ref['max']:.2f} ms")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
