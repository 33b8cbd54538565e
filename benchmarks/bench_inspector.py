"""Neuron inspector speed: one frame of the inspector (read the neuron, write out its sum, redraw the curve and the
layer matrix, and Qt painting them), p50/p95 in ms, beside the weight images' frame measured in the same run on the same
networks (a view every frame already pays for).

For a first-layer neuron of 784-16-16-10 (784 terms, a 16×784 matrix) and of 784-100-10 (a 100×784 matrix); each
frame gets fresh weights.

    python benchmarks/bench_inspector.py [--frames 100] [--json]

The inspector runs only while its tab is in front (it draws more than the weight images: a table of numbers and two
plots); the frame scheduler then spaces frames out so that drawing keeps at most a third of the window's time.
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


def _shown(widget, width: int, height: int):
    from PySide6.QtWidgets import QApplication

    widget.resize(width, height)
    widget.show()
    for _ in range(20):
        QApplication.processEvents()
    return widget


def measure(sizes, frames: int) -> dict:
    """p50/p95 ms of an inspector frame and of a weight-images frame, alternating on the same weights."""
    from nnviz.core.inspection import read_neuron
    from nnviz.core.network import Network
    from PySide6.QtWidgets import QApplication

    from nnviz.gui.inspector import InspectorPanel
    from nnviz.gui.weights_view import WeightsView
    from nnviz.gui.widgets import Scrolling

    panel, weights = InspectorPanel(), WeightsView()
    hosts = _shown(Scrolling(panel), 320, 480), _shown(weights, 500, 300)  # the inspector as its dock holds it
    rng = np.random.default_rng(0)
    net = Network(sizes, seed=0)
    x = rng.random(784).astype(np.float32) * (rng.random(784) < 0.2)

    # each frame: the update, then Qt painting what it changed (as the next turn of the window's event loop does)
    def inspector_frame():
        panel.show_neuron(net, read_neuron(net, x, 1, 3))
        QApplication.processEvents()

    def weights_frame():
        weights.show_network(net, x)
        QApplication.processEvents()

    times = {"inspector": [], "weights": []}
    for frame in range(frames + 5):
        net.params += rng.normal(scale=0.01, size=net.params.size).astype(np.float32)
        for name, run in (("inspector", inspector_frame), ("weights", weights_frame)):
            t0 = time.perf_counter()
            run()
            if frame >= 5:  # the first frames build caches
                times[name].append(1000 * (time.perf_counter() - t0))
    for host in hosts:
        host.close()
    return {f"{name}_{q}": float(np.percentile(t, p)) for name, t in times.items() for q, p in (("p50", 50),
                                                                                               ("p95", 95))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    from nnviz.gui.app import make_app

    make_app()
    result = {"16": measure((784, 16, 16, 10), args.frames), "100": measure((784, 100, 10), args.frames)}
    for r in result.values():
        r["ratio_p95"] = r["inspector_p95"] / r["weights_p95"]
    if args.json:
        print(json.dumps(result))
        return
    for n, r in result.items():
        print(f"{n:>3} units: inspector p50 {r['inspector_p50']:.2f} ms  p95 {r['inspector_p95']:.2f} ms | "
              f"weight images p50 {r['weights_p50']:.2f} ms  p95 {r['weights_p95']:.2f} ms | "
              f"p95 ratio {r['ratio_p95']:.2f}")


if __name__ == "__main__":
    main()
