"""Why misread?: how long the real window waits for MNIST's nearest training images, beside the search alone.

Opens the real main window, shows the Why misread? page and puts MNIST test digits on the canvas, each with a
digit "meant" that differs from the one read, so that every question asks for two digits' nearest images. Times
each question from the window posting it (the end of the 150 ms pause that waits for the drawing to rest) to the
answer drawn in the view: through the training loop, paused and while it trains at full speed. The reference is
the same search (``core.nearest``) run here in this process on the same drawings right after each paused
question; the first question also builds the loop's index (every training image's length, once). The training
process runs at a lower priority than the window, so on a busy machine its search takes longer than the one here.

    python benchmarks/bench_nearest.py [--queries 40] [--training process|thread] [--data PATH] [--json]
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
# the reference search runs here with one BLAS thread, as the training loop's does (core/blas.py): idle BLAS
# threads spinning on a busy 2-core machine made it 10x slower
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from app_window import memory_mb, open_window  # noqa: E402
from bench_train import SHARED  # noqa: E402


def ask_and_wait(app, window, image: np.ndarray, meant: int) -> float:
    """Put ``image`` on the canvas, say ``meant``, and return the ms from the question posted to the answer shown
    (waiting in a Qt event loop, as the window does: a busy wait here would keep the relay's threads from the GIL)."""
    from PySide6.QtCore import QEventLoop, QTimer

    pages, view, panel = window.handwriting, window.handwriting.misread, window.draw_panel
    panel.canvas.set_image(image)
    view.set_meant(meant)
    pages.compare_drawing()  # what the frame does: the view asks for the digits it lacks
    pages._quiet.stop()
    loop = QEventLoop()
    window.training.nearest_ready.connect(loop.quit)  # after the pages' own slot, which shows the answer
    QTimer.singleShot(30_000, loop.quit)
    t0 = time.perf_counter()
    pages._ask()  # the moment the pause ends
    while not set(view.digits()) <= set(view.found) and time.perf_counter() - t0 < 30:
        loop.exec()
    ms = 1000 * (time.perf_counter() - t0)
    window.training.nearest_ready.disconnect(loop.quit)
    if not set(view.digits()) <= set(view.found):
        raise SystemExit("no answer from the training loop within 30 s")
    return ms


def stats(ms: list[float]) -> dict:
    """Median and 95th percentile, ms."""
    return {"p50": round(float(np.percentile(ms, 50)), 2), "p95": round(float(np.percentile(ms, 95)), 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--queries", type=int, default=40, help="questions in each condition")
    p.add_argument("--training", choices=["process", "thread"], default="process")
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    from nnviz.core.data import load_npz
    from nnviz.core.nearest import NearestImages
    from nnviz.gui.handwriting_pages import MISREAD
    from nnviz.gui.misread_view import NEIGHBOURS

    app, window = open_window(args.data, training=args.training)
    while window.latest is None:
        app.processEvents()
    window.handwriting.show_page(MISREAD)
    app.processEvents()
    mnist = load_npz(args.data)
    rng = np.random.default_rng(0)
    picks = rng.choice(len(mnist.x_test), 1 + 2 * args.queries, replace=False)
    images = mnist.x_test[picks] / np.float32(255)
    meant = (mnist.y_test[picks].astype(int) + 1 + rng.integers(0, 9, len(picks))) % 10  # never the true digit
    rss_before = memory_mb(os.getpid())

    # the reference: the same search in this process, on the same drawings, each timed right after its round
    # trip (the same moment's load on the machine); its index is built beforehand, as the loop's is by then
    index = NearestImages(mnist.x_train, mnist.y_train)
    compute = []

    def search_here(i):
        view = window.handwriting.misread
        t0 = time.perf_counter()
        index.nearest(images[i], view.digits(), NEIGHBOURS)
        compute.append(1000 * (time.perf_counter() - t0))

    first = ask_and_wait(app, window, images[0], int(meant[0]))
    paused = []
    for i in range(1, 1 + args.queries):
        paused.append(ask_and_wait(app, window, images[i], int(meant[i])))
        search_here(i)
    rss_after = memory_mb(os.getpid())  # (before training: the timeline's recording then grows the window)
    window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())
    window.toggle_training()
    t_end = time.perf_counter() + 1.0
    while time.perf_counter() < t_end:
        app.processEvents()
    step0 = window.latest.step
    training = [ask_and_wait(app, window, images[i], int(meant[i])) for i in range(1 + args.queries, len(picks))]
    steps = window.latest.step - step0
    window.toggle_training()
    window.close()

    result = {"mode": args.training, "queries": args.queries, "first_query_ms": round(first, 1),
              "paused_ms": stats(paused), "training_ms": stats(training), "search_ms": stats(compute),
              "paused_over_search": round(float(np.median(paused) / np.median(compute)), 2),
              "training_steps_meanwhile": steps,
              "window_rss_mb_change_paused": round(rss_after - rss_before, 1)}
    if args.json:
        print(json.dumps(result))
        return
    print(f"Why misread?, training in a {args.training}: question posted -> nearest images shown "
          f"({args.queries} questions each, two digits' {NEIGHBOURS} nearest of MNIST's 60,000)")
    print(f"  first question (builds the index): {first:7.1f} ms")
    for name, key in (("paused", "paused_ms"), ("while training", "training_ms"), ("the search alone", "search_ms")):
        s = result[key]
        print(f"  {name:>33}: p50 {s['p50']:7.2f} ms  p95 {s['p95']:7.2f} ms")
    print(f"  paused round trip / search alone (medians): {result['paused_over_search']:.2f}x; "
          f"{steps:,} mini-batches trained meanwhile; the window's RSS changed by "
          f"{result['window_rss_mb_change_paused']:+.1f} MB over the paused questions")


if __name__ == "__main__":
    main()
