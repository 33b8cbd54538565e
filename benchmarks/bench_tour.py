"""The guided tour's cost to the window: the same window trained at full speed, every view live, without the tour
and with it open on the gradient-descent step (the veil over the whole window, the card, the frames), alternately.

The veil is a translucent widget over every view, so each view's repaint paints it too. Prints, measured in the same
run, the GUI event loop's latency (how late a 10 ms timer fires) p50/p95 and the views' redraw time per frame
p50/p95 with and without the tour, the ratios of the p95s, and the training speed with and without it.

    python benchmarks/bench_tour.py [--seconds 6] [--rounds 2] [--data PATH] [--json]

Target: with the tour, latency p95 still <= 16 ms and redraw p95 within 1.2x of the window without it.
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

from app_window import measure_live, open_window  # noqa: E402


def percentile(values, q):
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def settle(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=6.0, help="per measurement")
    p.add_argument("--rounds", type=int, default=2, help="without/with pairs, alternated")
    p.add_argument("--data")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    app, window = open_window(args.data, size=(1280, 760))
    window.ask = lambda title, question: True
    tour = window.tour
    tour.start()
    while tour.step().key != "gradient-descent":
        tour.next()
    window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())
    window.controls.train_button.click()
    settle(app, 1.5)
    runs = {"without": [], "with": []}
    for _ in range(args.rounds):
        for name in ("without", "with"):
            tour.veil.setVisible(name == "with")  # (the tour's 200 ms timer runs in both)
            tour.card.setVisible(name == "with")
            settle(app, 0.5)
            runs[name].append(measure_live(app, window, args.seconds))
    tour.leave()
    window.close()
    result = {}
    for name, parts in runs.items():
        late = [x for r in parts for x in r["lateness"]]
        redraw = [x for r in parts for x in r["redraw"]]
        result[name] = {"latency_ms": {"p50": percentile(late, 50), "p95": percentile(late, 95)},
                        "redraw_ms": {"p50": percentile(redraw, 50), "p95": percentile(redraw, 95)},
                        "samples_per_second": float(np.mean([r["rate"] for r in parts])), "frames": len(redraw)}
    result["latency_p95_ratio"] = result["with"]["latency_ms"]["p95"] / max(result["without"]["latency_ms"]["p95"],
                                                                            1e-9)
    result["redraw_p95_ratio"] = result["with"]["redraw_ms"]["p95"] / result["without"]["redraw_ms"]["p95"]
    if args.json:
        print(json.dumps(result))
        return
    for name in ("without", "with"):
        r = result[name]
        print(f"{name:>7} the tour: latency p50 {r['latency_ms']['p50']:.1f} ms, p95 {r['latency_ms']['p95']:.1f} ms;"
              f" redraw p50 {r['redraw_ms']['p50']:.2f} ms, p95 {r['redraw_ms']['p95']:.2f} ms ({r['frames']} frames);"
              f" training {r['samples_per_second']:,.0f} samples/s")
    print(f"with / without: latency p95 {result['latency_p95_ratio']:.2f}x, redraw p95 "
          f"{result['redraw_p95_ratio']:.2f}x (target: latency p95 <= 16 ms, redraw p95 <= 1.2x)")


if __name__ == "__main__":
    main()
