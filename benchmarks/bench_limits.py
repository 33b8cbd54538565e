"""How large a network the live views can show: per-frame time of the graph and the weight images, p50/p95 in ms.

Each candidate network gets changed weights and a new input every frame (as training would), then the graph
(default K = 32 input edges per neuron), the first layer's weight images and the last hidden layer's (the product
of the weight matrices) are updated and repainted. The explanation's 784-16-16-10 is the reference, measured in
the same run. Candidates are measured in interleaved rounds; each figure is the median over the rounds.

The figure that decides is the GUI thread's CPU time per frame, with NumPy's BLAS on one thread so that all the
work is on that thread: on an idle machine it equals the wall time, and on a shared one (the machine this was
tuned on had a load of 7-9 on 2 cores) it measures the work rather than the neighbours. Wall-time p95 is printed
beside it. A network is "within budget" when every view's CPU p95 is at most one 16 ms frame. The largest
networks within budget set the limits in ``nnviz/core/architecture.py``.

    python benchmarks/bench_limits.py [--frames 30] [--rounds 3] [--sizes 784-300-10 ...] [--json]

With --json, ends with one JSON line: {"<sizes>": {"graph_p50": ms, "graph_p95": ms, "weights_p95": ms,
"deep_weights_p95": ms, "graph_wall_p95": ms, "params": n, "within_budget": bool}, ...,
"reference": "784-16-16-10", "budget_ms": 16}.
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
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # all the work on the timed thread
    os.environ[_var] = "1"

import numpy as np  # noqa: E402

BUDGET_MS = 16.0  # one frame at 60 Hz, per view
REFERENCE = "784-16-16-10"
CANDIDATES = [
    (784, 16, 16, 10),  # the explanation's network: the reference
    (784, 100, 10),  # Nielsen's; its graph has the same 8 ms budget
    (784, 512, 10),  # the largest the form accepts, in each shape
    (784, 256, 256, 10),
    (784, 128, 128, 128, 10),
    (784, 1024, 10),  # beyond the limit: one more layer or twice the neurons
    (784, 512, 512, 10),
    (784, 128, 128, 128, 128, 10),
    (784, 2048, 10),
]


def _frames(view, net, frames: int, rng) -> tuple[list[float], list[float]]:
    """(CPU, wall) times in ms of ``frames`` updates + repaints of ``view``, each after a training-sized change."""
    x = rng.random(784).astype(np.float32)
    view.show_network(net, x)
    view.viewport().repaint()
    changes = rng.normal(scale=0.01, size=(frames, net.params.size)).astype(np.float32)
    inputs = np.clip(x + rng.normal(scale=0.05, size=(frames, 784)).astype(np.float32).cumsum(axis=0), 0, 1)
    cpu, wall = [], []
    for change, x in zip(changes, inputs):
        net.params += change
        c0, t0 = time.thread_time(), time.perf_counter()
        view.show_network(net, x)
        view.viewport().repaint()
        cpu.append(1000 * (time.thread_time() - c0))
        wall.append(1000 * (time.perf_counter() - t0))
    return cpu, wall


def measure(sizes, frames: int) -> dict:
    """p50/p95 of the graph and the weight images (first and last hidden layer) for a network of ``sizes``."""
    from PySide6.QtWidgets import QApplication

    from nnviz.core.network import Network
    from nnviz.gui.network_view import NetworkView
    from nnviz.gui.weights_view import WeightsView

    rng = np.random.default_rng(0)
    net = Network(sizes, seed=0)
    graph = NetworkView()
    graph.resize(900, 560)
    graph.show()
    weights = WeightsView()
    weights.resize(500, 300)
    weights.show()
    for _ in range(20):
        QApplication.processEvents()
    result = {"params": int(net.params.size)}
    cpu, wall = _frames(graph, net, frames, rng)
    result["graph_p50"], result["graph_p95"] = float(np.percentile(cpu, 50)), float(np.percentile(cpu, 95))
    result["graph_wall_p95"] = float(np.percentile(wall, 95))
    result["weights_p95"] = float(np.percentile(_frames(weights, net, frames, rng)[0], 95))
    weights.set_layer(len(sizes) - 2)
    result["deep_weights_p95"] = float(np.percentile(_frames(weights, net, frames, rng)[0], 95))
    graph.close()
    weights.close()
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=30)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--sizes", nargs="*", help="networks to measure instead, like 784-300-10 (the reference is added)")
    args = p.parse_args()
    from nnviz.gui.app import make_app

    make_app()
    candidates = [tuple(int(n) for n in s.split("-")) for s in args.sizes] if args.sizes else CANDIDATES
    if REFERENCE not in ["-".join(map(str, c)) for c in candidates]:
        candidates = [(784, 16, 16, 10), *candidates]
    rounds = [{"-".join(map(str, c)): measure(c, args.frames) for c in candidates} for _ in range(args.rounds)]
    results = {name: {key: float(np.median([r[name][key] for r in rounds])) for key in rounds[0][name]}
               for name in rounds[0]}
    ref = results[REFERENCE]["graph_p95"]
    for name, r in results.items():
        r["params"] = int(r["params"])
        slowest = max(r["graph_p95"], r["weights_p95"], r["deep_weights_p95"])
        r["within_budget"] = slowest <= BUDGET_MS
        print(f"{name:>30}: {r['params']:>9,} params  CPU ms: graph p50 {r['graph_p50']:5.1f} p95 {r['graph_p95']:5.1f}"
              f" ({r['graph_p95'] / ref:.1f}x ref), weights p95 {r['weights_p95']:5.1f}, deepest "
              f"{r['deep_weights_p95']:5.1f}; graph wall p95 {r['graph_wall_p95']:5.1f}  "
              f"{'within' if r['within_budget'] else 'OVER'} budget")
    print(f"reference {REFERENCE}: graph CPU p95 {ref:.1f} ms in this run; budget: every view's CPU p95 <= "
          f"{BUDGET_MS:g} ms; medians of {args.rounds} interleaved rounds of {args.frames} frames")
    if args.json:
        print(json.dumps({**results, "reference": REFERENCE, "budget_ms": BUDGET_MS}))


if __name__ == "__main__":
    main()
