"""What-the-network-learned speed: computing the insight for 10,000 test images, repainting its views, and the
app's training speed with the panel open over closed.

Printed beside references measured in the same run:
- compute: ``compute_insight`` (one forward pass + confusion, costs, cells' order) on the 10,000 MNIST test images
  at 784-16-16-10, inputs converted once; reference: a plain ``network.predict`` on the same float inputs.
- repaint: ``InsightPanel.show_computed(insight)`` with an insight computed beforehand (a new network each frame,
  a cell's gallery open) + a synchronous repaint of every view it changed (offscreen Qt), wall and CPU time;
  reference: the weight images' update + repaint on the same networks, in the same run.
- training_ratio: in-app samples/s with the panel shown over hidden, alternating, in one window. It needs the
  window to hold the panel as ``MainWindow.insight_panel`` (or as ``MainWindow.insight.panel``, an
  ``InsightDock``); the panel's dock (the nearest ``QDockWidget`` above it), or else the panel itself, is what is
  shown and hidden. Without it the figure is ``null`` and a sentence says why.

    python benchmarks/bench_insight.py [--frames 60] [--seconds 12] [--blas-threads N] [--json]

Targets: compute p95 <= 15 ms; repaint p95 <= 5 ms; training_ratio >= 0.9.
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
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
PAIRS_OF_TURNS = 4  # training_ratio: closed, open, closed, open, …


def _blas_threads_from_argv() -> None:
    """``--blas-threads N`` must act before NumPy loads its BLAS, so it is read here, ahead of argparse."""
    if "--blas-threads" in sys.argv:
        n = sys.argv[sys.argv.index("--blas-threads") + 1]
        os.environ.update({k: n for k in BLAS_THREAD_VARS})


_blas_threads_from_argv()

import numpy as np  # noqa: E402

from bench_train import get_data  # noqa: E402


def stats(times_ms) -> dict:
    """Median and 95th percentile of a list of milliseconds."""
    t = np.asarray(times_ms, float)
    return {"p50": float(np.percentile(t, 50)), "p95": float(np.percentile(t, 95))}


def timed(fn, repeats: int) -> list[float]:
    """Milliseconds of ``repeats`` calls of ``fn`` (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return times


def networks(count: int):
    """The example model nudged a little each time: a stream of different 784-16-16-10 networks, like training."""
    from nnviz.core.model_io import load_model

    net = load_model(Path(__file__).resolve().parents[1] / "resources" / "example-model.npz")
    rng = np.random.default_rng(0)
    for _ in range(count):
        net = net.copy()
        net.params += rng.normal(scale=0.02, size=net.params.size).astype(np.float32)
        yield net


def measure_compute(data, frames: int) -> tuple[dict, dict]:
    """compute_insight vs a plain predict, interleaved on the same networks so both see the same machine load."""
    from nnviz.core.insight import LabelledImages, compute_insight

    prepared = LabelledImages.of(data.x_test, data.y_test)
    insight_ms, predict_ms = [], []
    for net in networks(frames):
        insight_ms += timed(lambda: compute_insight(net, prepared), 1)
        predict_ms += timed(lambda: net.predict(prepared.inputs), 1)
    return stats(insight_ms), stats(predict_ms)


class PaintCounter:
    """Counts paint events per widget class, to show that each view was painted once per frame."""

    def __init__(self, app):
        from PySide6.QtCore import QEvent, QObject

        counts: dict[str, int] = {}

        class Filter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
                if event.type() == QEvent.Type.Paint:
                    counts[type(obj).__name__] = counts.get(type(obj).__name__, 0) + 1
                return False

        self.counts, self._filter, self._app = counts, Filter(), app
        app.installEventFilter(self._filter)

    def stop(self) -> dict[str, int]:
        self._app.removeEventFilter(self._filter)
        return dict(self.counts)


def measure_repaint(data, frames: int) -> tuple[dict, dict, dict, dict]:
    """show_computed(precomputed) + a synchronous repaint of every view it changed, offscreen, a cell's gallery
    open, a new network each frame (wall and this thread's CPU time: on a loaded machine a frame of several ms is
    preempted and its wall time grows with the load); then the reference, the weight images' update + repaint
    (784-16-16-10, its own budget 3 ms), on the same networks. Also returns the paints per frame of each view."""
    from PySide6.QtWidgets import QApplication

    from nnviz.core.insight import LabelledImages, compute_insight
    from nnviz.gui.insight_panel import InsightPanel
    from nnviz.gui.weights_view import WeightsView

    prepared = LabelledImages.of(data.x_test, data.y_test)
    nets = list(networks(frames))
    insights = [compute_insight(net, prepared) for net in nets]
    panel = InsightPanel()
    panel.resize(1000, 950)
    panel.show()
    panel.show_insight(insights[0])
    panel.open_cell(4, 9)
    reference = WeightsView()
    reference.resize(500, 300)
    reference.show()
    x = prepared.inputs[0]
    for _ in range(20):
        QApplication.processEvents()
    times, cpu_times, reference_times = [], [], []
    counter = PaintCounter(QApplication.instance())
    for ins in insights:
        t0, c0 = time.perf_counter(), time.thread_time()
        panel.show_computed(ins)  # what show_insight does with an insight, without its pacing
        # repaint() of one widget makes Qt paint every pending update of its window at once: each view that
        # show_insight changed is painted exactly once (the paint counts printed say so); repainting each view
        # in turn would paint most of them twice
        panel.confusion_view.repaint()
        times.append(1000 * (time.perf_counter() - t0))
        cpu_times.append(1000 * (time.thread_time() - c0))
        QApplication.processEvents()  # between frames, as the event loop would (not timed)
    paints = {k: v / len(insights) for k, v in counter.stop().items()}
    for net in nets:
        t0 = time.perf_counter()
        reference.show_network(net, x)
        reference.viewport().repaint()
        reference_times.append(1000 * (time.perf_counter() - t0))
        QApplication.processEvents()
    panel.close()
    reference.close()
    return stats(times), stats(cpu_times), stats(reference_times), paints


def panel_container(panel):
    """What shows and hides the panel in the window: its dock if it has one, else the panel itself."""
    from PySide6.QtWidgets import QDockWidget

    w = panel
    while w is not None:
        if isinstance(w, QDockWidget):
            return w
        w = w.parentWidget()
    return panel


def insight_panel_of(window):
    """The window's InsightPanel: ``window.insight_panel``, or the panel of an ``InsightDock`` at ``window.insight``."""
    from nnviz.gui.insight_panel import InsightPanel

    for panel in (getattr(window, "insight_panel", None), getattr(getattr(window, "insight", None), "panel", None)):
        if isinstance(panel, InsightPanel):
            return panel
    return None


def training_ratio(data_path: str, seconds: float) -> tuple[float | None, str]:
    """In-app training samples/s with the insight panel open over closed, alternating phases in one window.

    Looks for the panel as ``MainWindow.insight_panel``; returns (None, why) while the window has none.
    """
    import tempfile

    from PySide6.QtCore import QSettings

    from nnviz.gui.app import make_app

    app = make_app()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # a private settings file: the user's stay untouched
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(data=data_path)
    try:
        panel = insight_panel_of(window)
        if panel is None:
            return None, ("training_ratio: null — nnviz.gui.main_window.MainWindow has no insight_panel yet; it is "
                          "measured once the panel is wired into the window.")
        window.resize(1366, 768)
        window.show()
        from app_window import wait_for_data

        if not wait_for_data(app, window):
            return None, "training_ratio: null — the app did not load MNIST; pass --data PATH."
        container = panel_container(panel)
        window.toggle_training()  # Space: train at full speed
        rates = {True: [], False: []}
        busy = {True: [], False: []}  # the window thread's CPU share: what the panel costs, whatever the load

        def run(duration: float) -> None:
            end = time.perf_counter() + duration
            while time.perf_counter() < end:
                app.processEvents()
                time.sleep(0.001)

        run(1.0)  # warm up
        # short alternating turns, so the machine's other load drifts into both sides alike
        turns = (False, True) * PAIRS_OF_TURNS
        for shown in turns:
            container.setVisible(shown)
            if shown and container is not panel:
                container.raise_()  # a dock tabbed with others: in front, so the panel is really seen
            run(0.3)  # let the change settle before counting
            s0, t0, c0 = window.latest.samples_seen, time.perf_counter(), time.thread_time()
            run(seconds / len(turns))
            elapsed = time.perf_counter() - t0
            rates[shown].append((window.latest.samples_seen - s0) / elapsed)
            busy[shown].append((time.thread_time() - c0) / elapsed)
        window.toggle_training()
        ratio = float(np.mean(rates[True]) / np.mean(rates[False]))
        return ratio, (f"training: {np.mean(rates[False]):,.0f} samples/s with the panel closed, "
                       f"{np.mean(rates[True]):,.0f} open: ratio {ratio:.2f} (target >= 0.9); the window thread "
                       f"busy {100 * np.mean(busy[False]):.1f} % closed, {100 * np.mean(busy[True]):.1f} % open")
    finally:
        window.close()
        app.processEvents()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--frames", type=int, default=60)
    p.add_argument("--seconds", type=float, default=12.0, help="in-app training time for training_ratio")
    p.add_argument("--data")
    p.add_argument("--blas-threads", help="BLAS threads in this process (default: the library's own choice, "
                   "as in the app's window process)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    from nnviz.gui.app import make_app

    make_app()
    data, source = get_data(args.data)
    # repaint first: a multi-threaded BLAS keeps its threads spinning for a while after the forward passes
    repaint, repaint_cpu, weights, paints = measure_repaint(data, args.frames)
    compute, predict = measure_compute(data, args.frames)
    ratio, ratio_note = (training_ratio(data.source, args.seconds) if not source.startswith("random")
                         else (None, "training_ratio: null — needs the real MNIST (--data PATH)."))
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "library default")
    print(f"data: {source}; BLAS threads: {threads}")
    print(f"compute for 10,000 test images: p50 {compute['p50']:.2f} ms, p95 {compute['p95']:.2f} ms "
          f"(target p95 <= 15 ms); reference network.predict: p50 {predict['p50']:.2f} ms, p95 {predict['p95']:.2f} "
          f"ms; ratio of medians {compute['p50'] / predict['p50']:.2f}")
    print(f"repaint (update + every view repainted): p50 {repaint['p50']:.2f} ms, p95 {repaint['p95']:.2f} ms "
          f"(target p95 <= 5 ms); its CPU time p50 {repaint_cpu['p50']:.2f} ms, p95 {repaint_cpu['p95']:.2f} ms; "
          f"reference weight images update+repaint: p50 {weights['p50']:.2f} ms, p95 {weights['p95']:.2f} ms "
          "(its target p95 <= 3 ms)")
    print("paints per frame: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(paints.items())))
    print(ratio_note)
    if args.json:
        print(json.dumps({"compute_ms": compute, "repaint_ms": repaint, "training_ratio": ratio,
                          "repaint_cpu_ms": repaint_cpu, "reference_predict_ms": predict,
                          "reference_weights_repaint_ms": weights}))


if __name__ == "__main__":
    main()
