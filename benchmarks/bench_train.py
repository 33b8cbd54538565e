"""Headless training speed of 784-16-16-10 (video preset) at batch 10, 32 and 128, beside this machine's GEMM rate.

Prints samples/s (median of several runs) and, measured in the same run, the float32 matrix-multiply rate and the
ceiling it implies: the samples/s a step would reach if all its multiply-adds ran at that rate with zero overhead.
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


def samples_per_second(data: MNIST, batch: int, seconds: float, repeats: int) -> float:
    """Median samples/s of training steps only (evaluation and the epoch shuffle excluded as in-epoch work)."""
    tr = Trainer(preset("video", batch_size=batch), data)
    tr.run_steps(200)  # warm up
    rates = []
    for _ in range(repeats):
        steps = 0
        start_samples = tr.samples_seen
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < seconds / repeats:
            tr.run_steps(100)
            steps += 100
        rates.append((tr.samples_seen - start_samples) / (time.perf_counter() - t0))
    return statistics.median(rates)


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
    rates = {str(b): samples_per_second(data, b, args.seconds, 5) for b in (10, 32, 128)}
    ceiling = gflops * 1e9 / flops_per_sample((784, 16, 16, 10))
    gflops_after = gemm_gflops()
    result = {"samples_per_second": rates, "gemm_gflops": statistics.mean([gflops, gflops_after]),
              "ceiling_samples_per_second": ceiling, "data": source}
    if args.json:
        print(json.dumps(result))
        return
    print(f"data: {source}")
    print(f"float32 GEMM: {result['gemm_gflops']:.1f} GFLOP/s -> ceiling {ceiling:,.0f} samples/s "
          f"({flops_per_sample((784, 16, 16, 10)):,} FLOP per sample)")
    for b, r in rates.items():
        print(f"batch {b:>3}: {r:>10,.0f} samples/s  ({100 * r / ceiling:.1f} % of the ceiling)")
    print("target: batch 10 >= 250,000 samples/s")


if __name__ == "__main__":
    main()
