"""How large a network the live views can show: frame times of the graph and the weight images, p50/p95 in ms.

Each candidate network gets fresh weights and a new input every frame (as training would), then the graph
(default K = 32 input edges per neuron), the first layer's weight images and the last hidden layer's (the product
of the weight matrices) are updated and repainted. The default 784-16-16-10 is the reference measured in the same
run. A network is "within budget" when every one of its views stays at or under one frame, p95 <= 16 ms; the
largest one within budget sets the limit in ``nnviz/core/architecture.py``.

    python benchmarks/bench_limits.py [--frames 40] [--json]

With --json, ends with one JSON line: {"<sizes>": {"graph_p95": ms, "weights_p95": ms, "deep_weights_p95": ms,
"params": n, "within_budget": bool}, ..., "reference": "784-16-16-10", "budget_ms": 16}.
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

BUDGET_MS = 16.0
CANDIDATES = [
    (784, 16, 16, 10),  # the reference: the explanation's network
    (784, 256, 10),
    (784, 512, 10),
    (784, 1024, 10),
    (784, 2048, 10),
    (784, 256, 256, 256, 10),
    (784, 512, 512, 512, 10),
    (784, 1024, 1024, 1024, 10),
    (784, 512, 512, 512, 512, 512, 512, 10),
]


def _frames(view, net, frames: int, rng) -> list[float]:
    """Time ``frames`` updates + repaints of ``view`` (ms), each after a training-sized change of the weights."""
    x = rng.random(784).astype(np.float32)
    view.show_network(net, x)
    view.viewport().repaint()
    times = []
    for _ in range(frames):
        net.params += rng.normal(scale=0.01, size=net.params.size).astype(np.float32)
        x = np.clip(x + rng.normal(scale=0.05, size=784).astype(np.float32), 0, 1)
        t0 = time.perf_counter()
        view.show_network(net, x)
        view.viewport().repaint()
        times.append(1000 * (time.perf_counter() - t0))
    return times


def measure(sizes, frames: int) -> dict:
    """p50/p95 of the graph and the weight images (first and last hidden layer) for a network of ``sizes``."""
    from PySide6.QtWidgets import QApplication

    from nnviz.core.network import Network
    from nnviz.gui.network_view import NetworkView
    from nnviz.gui.weights_view import WeightsView

    rng = np.random.default_rng(0)
    net = Network(sizes, seed=0)
    result = {"params": int(net.params.size)}
    graph = NetworkView()
    graph.resize(900, 560)
    graph.show()
    weights = WeightsView()
    weights.resize(500, 300)
    weights.show()
    for _ in range(20):
        QApplication.processEvents()
    t = _frames(graph, net, frames, rng)
    result["graph_p50"], result["graph_p95"] = float(np.percentile(t, 50)), float(np.percentile(t, 95))
    t = _frames(weights, net, frames, rng)
    result["weights_p50"], result["weights_p95"] = float(np.percentile(t, 50)), float(np.percentile(t, 95))
    weights.set_layer(len(sizes) - 2)
    t = _frames(weights, net, frames, rng)
    result["deep_weights_p95"] = float(np.percentile(t, 95))
    graph.close()
    weights.close()
    result["within_budget"] = max(result["graph_p95"], result["weights_p95"], result["deep_weights_p95"]) <= BUDGET_MS
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=40)
    p.add_argument("--json", action="store_true")
    p.add_argument("--sizes", nargs="*", help="networks to measure instead, like 784-300-10 (the reference is added)")
    args = p.parse_args()
    from nnviz.gui.app import make_app

    make_app()
    candidates = [tuple(int(n) for n in s.split("-")) for s in args.sizes] if args.sizes else CANDIDATES
    if (784, 16, 16, 10) not in candidates:
        candidates = [(784, 16, 16, 10), *candidates]
    results = {"-".join(map(str, s)): measure(s, args.frames) for s in candidates}
    ref = results["784-16-16-10"]
    for name, r in results.items():
        print(f"{name:>34}: {r['params']:>9,} params  graph p50 {r['graph_p50']:6.1f} p95 {r['graph_p95']:6.1f} ms"
              f"  weights p95 {r['weights_p95']:6.1f} ms  deepest p95 {r['deep_weights_p95']:6.1f} ms"
              f"  ({r['graph_p95'] / max(ref['graph_p95'], 1e-9):.1f}x the reference graph)"
              f"  {'within' if r['within_budget'] else 'OVER'} budget")
    print(f"budget: every view p95 <= {BUDGET_MS:g} ms; reference 784-16-16-10 measured in the same run")
    if args.json:
        print(json.dumps({**results, "reference": "784-16-16-10", "budget_ms": BUDGET_MS}))


if __name__ == "__main__":
    main()
