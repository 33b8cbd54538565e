"""Memory stays flat: the real window trains the video preset at full speed, every view live, and the resident
memory of the window's process and of the training process is read at 20 s and at 90 s.

Prints each process's growth between the two readings, and both together, beside the same readings of a headless
Trainer (no window, the same bounded history) measured in the same run as the reference.

    python benchmarks/bench_soak.py [--first 20] [--last 90] [--json]

Target (issue 13): window, training process and both together each grow by <= 25 MB between 20 s and 90 s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app_window import memory_mb, open_window  # noqa: E402
from bench_train import get_data  # noqa: E402


def headless(path: str, first: float, last: float) -> dict:
    """The reference: a plain Trainer at full speed, its memory at the same two moments."""
    from nnviz.core.training import Trainer, preset

    data, _ = get_data(path)
    tr = Trainer(preset("video"), data)
    t0, readings = time.perf_counter(), {}
    for mark in (first, last):
        while time.perf_counter() - t0 < mark:
            tr.run_steps(256)
        readings[mark] = memory_mb(os.getpid())
    return {"first_mb": readings[first], "last_mb": readings[last], "steps": tr.step_count}


def app(path: str, first: float, last: float) -> dict:
    """The window training at full speed: both processes' memory at ``first`` and ``last`` seconds."""
    qt, window = open_window(path)
    window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())  # full speed, not the default pace
    window.toggle_training()
    t0, readings = time.perf_counter(), {}
    child = window.worker.process.pid
    for mark in (first, last):
        while time.perf_counter() - t0 < mark:
            qt.processEvents()
            time.sleep(0.002)
        readings[mark] = (memory_mb(os.getpid()), memory_mb(child))
    steps = window.latest.step
    window.close()
    qt.processEvents()
    (w1, c1), (w2, c2) = readings[first], readings[last]
    return {"window_mb": [w1, w2], "training_mb": [c1, c2], "steps": steps}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--first", type=float, default=20.0)
    p.add_argument("--last", type=float, default=90.0)
    p.add_argument("--data")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    data, source = get_data(args.data)
    if source.startswith("random"):
        raise SystemExit("bench_soak needs the real MNIST: pass --data PATH")
    path = data.source
    del data
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        reference = pool.apply(headless, (path, args.first, args.last))
    r = app(path, args.first, args.last)
    growth = {"window": r["window_mb"][1] - r["window_mb"][0], "training": r["training_mb"][1] - r["training_mb"][0]}
    growth["both"] = growth["window"] + growth["training"]
    result = {"growth_mb": growth, "window_mb": r["window_mb"], "training_mb": r["training_mb"],
              "app_steps": r["steps"], "headless_growth_mb": reference["last_mb"] - reference["first_mb"],
              "headless_steps": reference["steps"], "seconds": [args.first, args.last]}
    if args.json:
        print(json.dumps(result))
        return
    print(f"between {args.first:g} s and {args.last:g} s of full-speed training ({r['steps']:,} mini-batches in the app):")
    print(f"  window process   {r['window_mb'][0]:.0f} -> {r['window_mb'][1]:.0f} MB ({growth['window']:+.1f} MB)")
    print(f"  training process {r['training_mb'][0]:.0f} -> {r['training_mb'][1]:.0f} MB ({growth['training']:+.1f} MB)")
    print(f"  both together    {growth['both']:+.1f} MB (target: each and both <= +25 MB)")
    print(f"  reference, a headless Trainer: {result['headless_growth_mb']:+.1f} MB over "
          f"{reference['steps']:,} mini-batches")


if __name__ == "__main__":
    main()
