"""The app under load: train the video preset at full speed in the real main window, every view live.

Prints, measured in the same run: headless training samples/s (the same Trainer, no window) and in-app samples/s,
their ratio; the GUI event loop's latency (how late a 10 ms timer fires) p50/p95/max; the views' redraw time per
frame p50/p95; and the peak resident memory — for training in its own process (the default) and, side by side,
in the relay's thread (``nnviz --training thread``), with the thread mode's speed over the process mode's.
Offscreen Qt is fine (``QT_QPA_PLATFORM=offscreen`` is the default here when no display is set).

    python benchmarks/bench_gui.py [--seconds 10] [--modes process,thread] [--json]

Targets: in-app >= 90 % of headless; latency p95 <= 16 ms; peak RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from app_window import measure_live, memory_mb, open_window  # noqa: E402
from bench_train import get_data  # noqa: E402
from nnviz.core.training import Trainer, preset  # noqa: E402


def percentile(values, q):
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def headless_rate(path: str, seconds: float) -> float:
    """samples/s of the plain Trainer loop over ``seconds`` (epoch ends included, as in the app)."""
    data, _ = get_data(path)
    tr = Trainer(preset("video"), data)
    tr.run_steps(200)
    s0, t0 = tr.samples_seen, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        tr.run_steps(256)
    return (tr.samples_seen - s0) / (time.perf_counter() - t0)


def app_run(data_path: str | None, seconds: float, mode: str = "process") -> dict:
    app, window = open_window(data_path, training=mode)
    window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())  # full speed (not the default pace)
    window.toggle_training()  # Space
    # let it warm up, then measure
    t_end = time.perf_counter() + 1.0
    while time.perf_counter() < t_end:
        app.processEvents()
    measured = measure_live(app, window, seconds)
    process = window.worker.process
    child_rss = memory_mb(process.pid, "VmHWM") if process is not None else 0.0
    window.close()
    app.processEvents()
    return {**measured, "child_rss": child_rss}


def summary(r: dict, headless: float) -> dict:
    """The figures of one app run."""
    return {
        "app_samples_per_second": r["rate"],
        "ratio": r["rate"] / headless,
        "latency_ms": {"p50": percentile(r["lateness"], 50), "p95": percentile(r["lateness"], 95),
                       "max": max(r["lateness"], default=float("nan"))},
        "redraw_ms": {"p50": percentile(r["redraw"], 50), "p95": percentile(r["redraw"], 95)},
        "frames": len(r["redraw"]),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--modes", default="process,thread", help="training modes to measure, in this order")
    p.add_argument("--data")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    data, source = get_data(args.data)
    if source.startswith("random"):
        raise SystemExit("bench_gui needs the real MNIST: pass --data PATH")
    path = data.source
    del data
    modes = [m for m in args.modes.split(",") if m]
    runs, window_mb = {}, float("nan")
    # The headless runs happen in a child process, so this process's peak RSS is the app's alone.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        headless_before = pool.apply(headless_rate, (path, args.seconds / 2))
        for mode in modes:
            runs[mode] = app_run(path, args.seconds, mode)
            if mode == "process":  # before a thread run adds a trainer to this process
                window_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        headless_after = pool.apply(headless_rate, (path, args.seconds / 2))
    headless = statistics.mean([headless_before, headless_after])
    main_mode = modes[0]
    result = {"headless_samples_per_second": headless, **summary(runs[main_mode], headless),
              "peak_rss_mb": window_mb + runs[main_mode]["child_rss"], "mode": main_mode}
    for mode in modes[1:]:
        result[mode] = summary(runs[mode], headless)
    if "thread" in runs and "process" in runs:
        result["thread_over_process"] = runs["thread"]["rate"] / runs["process"]["rate"]
    if args.json:
        print(json.dumps(result))
        return
    print(f"headless: {headless:,.0f} samples/s (before {headless_before:,.0f}, after {headless_after:,.0f})")
    for mode in modes:
        r = result if mode == main_mode else result[mode]
        lat = r["latency_ms"]
        print(f"{mode:>7}: {r['app_samples_per_second']:,.0f} samples/s = {100 * r['ratio']:.0f} % of headless; "
              f"event-loop latency p50 {lat['p50']:.1f} / p95 {lat['p95']:.1f} / max {lat['max']:.1f} ms; "
              f"redraw p50 {r['redraw_ms']['p50']:.2f} / p95 {r['redraw_ms']['p95']:.2f} ms over {r['frames']} frames")
    if "thread_over_process" in result:
        print(f"training in the window's thread runs at {100 * result['thread_over_process']:.0f} % of the speed "
              "of training in its own process")
    print(f"peak RSS ({main_mode} mode): {result['peak_rss_mb']:.0f} MB = window {window_mb:.0f} + training process "
          f"{runs[main_mode]['child_rss']:.0f} (target <= 400 MB; targets: >= 90 % of headless, latency p95 <= 16 ms)")


if __name__ == "__main__":
    main()
