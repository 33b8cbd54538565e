"""Network graph speed: time to update the view from a new snapshot and to paint it, p50/p95 in milliseconds.

For the default 784-16-16-10 network and for 784-100-10, with every input edge drawn (K = 784: 12,960 edges for the
default network), and for 784-1000-10 with the app's default K = 32, where large layers are thinned to each
neuron's strongest edges (42,000 lines without it). Each frame gets fresh weights (as training would) and a new
input, then the view is repainted.

    python benchmarks/bench_graph.py [--frames 100] [--json]

Target: update + paint p95 <= 8 ms for 784-16-16-10 with all edges.
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


def measure(sizes, frames: int, k: int = 784) -> dict:
    from nnviz.core.network import Network
    from nnviz.gui.network_view import NetworkView

    view = NetworkView()
    view.resize(900, 560)
    view.show()
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + 5
    while not view.isVisible() or not view.windowHandle().isExposed():
        QApplication.processEvents()
        if time.perf_counter() > deadline:
            break
    view.set_input_edges(k)
    rng = np.random.default_rng(0)
    net = Network(sizes, seed=0)
    x = rng.random(784).astype(np.float32)
    view.show_network(net, x)
    view.viewport().repaint()
    update, total = [], []
    for _ in range(frames):
        net.params += rng.normal(scale=0.01, size=net.params.size).astype(np.float32)  # a training step's change
        x = np.clip(x + rng.normal(scale=0.05, size=784).astype(np.float32), 0, 1)
        t0 = time.perf_counter()
        view.show_network(net, x)
        t1 = time.perf_counter()
        view.viewport().repaint()  # a QGraphicsView paints in its viewport
        t2 = time.perf_counter()
        update.append(1000 * (t1 - t0))
        total.append(1000 * (t2 - t0))
    # edges on screen: the repainted picture's, or the curve items' line segments
    edges = len(view.raster.keys) if view.raster.isVisible() else sum(
        len(item.xData) // 2 for item in view.edge_items if item.xData is not None)
    view.close()
    return {"p50": float(np.percentile(total, 50)), "p95": float(np.percentile(total, 95)),
            "update_p50": float(np.percentile(update, 50)), "edges": edges}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    from nnviz.gui.app import make_app

    make_app()
    result = {"784-16-16-10": measure((784, 16, 16, 10), args.frames),
              "784-100-10": measure((784, 100, 10), args.frames),
              "784-1000-10 (K=32)": measure((784, 1000, 10), args.frames, k=32)}
    if args.json:
        print(json.dumps({k: {"p50": v["p50"], "p95": v["p95"]} for k, v in result.items()}))
        return
    for name, r in result.items():
        print(f"{name:>18}: {r['edges']:,} edges  update+paint p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms "
              f"(update alone p50 {r['update_p50']:.1f} ms)")
    print("target: 784-16-16-10 p95 <= 8 ms")


if __name__ == "__main__":
    main()
