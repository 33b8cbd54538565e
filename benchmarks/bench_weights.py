"""Weight images speed: time to update the mosaic from a new snapshot (recompute + repaint), p50/p95 in ms.

For a first hidden layer of 16 units (784-16-16-10) and of 100 units (784-100-10); each frame gets fresh weights.

    python benchmarks/bench_weights.py [--frames 100] [--json]

Targets: p95 <= 3 ms for 16 units, <= 10 ms for 100.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402


def measure(sizes, frames: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from nnviz.core.network import Network
    from nnviz.gui.weights_view import WeightsView

    view = WeightsView()
    view.resize(500, 300)
    view.show()
    for _ in range(20):
        QApplication.processEvents()
    rng = np.random.default_rng(0)
    net = Network(sizes, seed=0)
    x = rng.random(784).astype(np.float32)
    view.show_network(net, x)
    view.viewport().repaint()
    times = []
    for _ in range(frames):
        net.params += rng.normal(scale=0.01, size=net.params.size).astype(np.float32)
        t0 = time.perf_counter()
        view.show_network(net, x)
        view.viewport().repaint()
        times.append(1000 * (time.perf_counter() - t0))
    view.close()
    return {"p50": float(np.percentile(times, 50)), "p95": float(np.percentile(times, 95))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    from nnviz.gui.app import make_app

    make_app()
    result = {"16": measure((784, 16, 16, 10), args.frames), "100": measure((784, 100, 10), args.frames)}
    if args.json:
        print(json.dumps(result))
        return
    for n, r in result.items():
        print(f"{n:>3} units: update+repaint p50 {r['p50']:.2f} ms  p95 {r['p95']:.2f} ms")
    print("targets: p95 <= 3 ms (16 units), <= 10 ms (100 units)")


if __name__ == "__main__":
    main()
