"""Headless training speed of 784-16-16-10 (video preset) at batch 10, 32 and 128, beside this machine's GEMM rate.

Prints samples/s (median of several runs) and, measured in the same run, two references: the float32
matrix-multiply rate and the ceiling it implies (the samples/s a step would reach if all its multiply-adds ran at
that rate with zero overhead), and a clean vectorised NumPy loop (Nielsen's network.py in matrix form: inputs
converted to float32 once, mini-batches gathered from a shuffled index, float32 throughout), timed in turns with
nnviz's trainer at batch 10 so that both see the same machine (the ratio is the figure that survives its noise).
Everything nnviz's trainer does per step is timed: the step, the float conversion of its inputs, the cost
history, the quick accuracy estimates and, at each epoch's end, the new order and the full test-set accuracy.
Uses the real MNIST when found (``--data``, ``$NNVIZ_DATA``, the cache, or ../shared/data), else random images.

    python benchmarks/bench_train.py [--json] [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nnviz.core.data import MNIST, DataError, load_mnist  # noqa: E402
from nnviz.core.training import Trainer, preset  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist.npz"


def get_data(path: str | None) -> tuple[MNIST, str]:
    """Real MNIST if available, else random uint8 images of the same shape (speed does not depend on pixels)."""
    for candidate in (path, None, SHARED if SHARED.is_file() else None):
        try:
            if candidate is not None or path is None:
                d = load_mnist(candidate)
                return d, d.source
        except DataError:
            continue
    rng = np.random.default_rng(0)
    fake = MNIST(rng.integers(0, 256, (60000, 28, 28), np.uint8), rng.integers(0, 10, 60000).astype(np.uint8),
                 rng.integers(0, 256, (10000, 28, 28), np.uint8), rng.integers(0, 10, 10000).astype(np.uint8), "random")
    return fake, "random images (no MNIST found)"


class CleanLoop:
    """The reference: a clean vectorised mini-batch SGD loop for 784-16-16-10 (sigmoid, quadratic cost, η = 3)."""

    def __init__(self, data: MNIST, batch: int, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.x = data.x_train.reshape(len(data.x_train), -1).astype(np.float32) / np.float32(255)
        self.y = np.eye(10, dtype=np.float32)[data.y_train]
        sizes = (784, 16, 16, 10)
        self.w = [rng.standard_normal((o, i), dtype=np.float32) for i, o in zip(sizes[:-1], sizes[1:])]
        self.b = [rng.standard_normal((o, 1), dtype=np.float32) for o in sizes[1:]]
        self.batch, self.rng, self.eta = batch, rng, np.float32(3.0)
        self.order, self.pos, self.samples_seen = rng.permutation(len(self.x)), 0, 0

    def run_steps(self, n: int) -> None:
        for _ in range(n):
            if self.pos >= len(self.order):
                self.order, self.pos = self.rng.permutation(len(self.x)), 0
            idx = self.order[self.pos : self.pos + self.batch]
            self.pos += self.batch
            a, activations = self.x[idx].T, []
            activations.append(a)
            for w, b in zip(self.w, self.b):
                a = 1 / (1 + np.exp(-(w @ a + b)))
                activations.append(a)
            delta = (a - self.y[idx].T) * a * (1 - a)
            scale = self.eta / len(idx)
            for layer in range(len(self.w) - 1, -1, -1):
                a_prev = activations[layer]
                grad_w, grad_b = delta @ a_prev.T, delta.sum(axis=1, keepdims=True)
                if layer:
                    delta = (self.w[layer].T @ delta) * a_prev * (1 - a_prev)
                self.w[layer] -= scale * grad_w
                self.b[layer] -= scale * grad_b
            self.samples_seen += len(idx)


def rates(trainers: dict, seconds: float, repeats: int) -> dict[str, float]:
    """Median samples/s of each trainer's ``run_steps``, timed in turns (so all see the same machine)."""
    for tr in trainers.values():
        tr.run_steps(200)  # warm up
    measured: dict[str, list[float]] = {name: [] for name in trainers}
    for _ in range(repeats):
        for name, tr in trainers.items():
            start_samples, t0 = tr.samples_seen, time.perf_counter()
            while time.perf_counter() - t0 < seconds / repeats:
                tr.run_steps(100)
            measured[name].append((tr.samples_seen - start_samples) / (time.perf_counter() - t0))
    return {name: statistics.median(r) for name, r in measured.items()}


def gemm_gflops(n: int = 1024, repeats: int = 7) -> float:
    """float32 GEMM rate (GFLOP/s), median of several n×n products."""
    a = np.random.default_rng(0).random((n, n), np.float32)
    b = a.copy()
    c = np.empty_like(a)
    np.dot(a, b, out=c)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.dot(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(times) / 1e9


def flops_per_sample(sizes) -> int:
    """Multiply-add FLOPs of one training sample: forward, weight gradients, and δ propagation below the top."""
    layers = list(zip(sizes[:-1], sizes[1:]))
    fwd = sum(2 * (i + 1) * o for i, o in layers)
    grad = fwd
    prop = sum(2 * (i + 1) * o for i, o in layers[1:])
    return fwd + grad + prop


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument("--seconds", type=float, default=3.0, help="measuring time per batch size")
    p.add_argument("--data")
    args = p.parse_args()
    data, source = get_data(args.data)
    gflops = gemm_gflops()
    with np.errstate(all="ignore"):
        first = rates({"nnviz": Trainer(preset("video", batch_size=10), data), "clean": CleanLoop(data, 10)},
                      2 * args.seconds, 10)
        ours = {"10": first["nnviz"]}
        ours.update({str(b): rates({"nnviz": Trainer(preset("video", batch_size=b), data)}, args.seconds, 5)["nnviz"]
                     for b in (32, 128)})
    ceiling = gflops * 1e9 / flops_per_sample((784, 16, 16, 10))
    gflops_after = gemm_gflops()
    result = {"samples_per_second": ours, "gemm_gflops": statistics.mean([gflops, gflops_after]),
              "ceiling_samples_per_second": ceiling, "clean_loop_samples_per_second": {"10": first["clean"]},
              "ratio_to_clean_loop": {"10": first["nnviz"] / first["clean"]}, "data": source}
    if args.json:
        print(json.dumps(result))
        return
    print(f"data: {source}")
    print(f"float32 GEMM: {result['gemm_gflops']:.1f} GFLOP/s -> ceiling {ceiling:,.0f} samples/s "
          f"({flops_per_sample((784, 16, 16, 10)):,} FLOP per sample)")
    for b, r in ours.items():
        print(f"batch {b:>3}: {r:>10,.0f} samples/s  ({100 * r / ceiling:.1f} % of the ceiling)")
    print(f"clean vectorised NumPy loop, batch 10, timed in turns with the first line: {first['clean']:,.0f} "
          f"samples/s -> nnviz is {first['nnviz'] / first['clean']:.2f}x as fast")
    print("target: batch 10 >= 250,000 samples/s")


if __name__ == "__main__":
    main()
