"""The cost landscape and the dreams: how long each picture takes, and whether the dreams pass the issue's check.

Measured in the same run, on 1,000 MNIST training images, with one BLAS thread (as in the app's worker processes):

- references: one forward pass and one backpropagation of the 784-16-16-10 network on those images;
- ``slice_ms``: the step along the gradient, C(θ − s∇C) at 31 step sizes (bar: p95 <= 30 ms);
- ``surface_s``: the whole network's 41×41 surface on the plane of a recorded path (bar: <= 1.5 s), beside the
  time 1,681 separate forward passes would take;
- ``dream_ms``: one digit's dream (bar: p95 <= 200 ms);
- the check of issue 16: for the example model and a model trained just now (``nnviz train --preset video --epochs
  3``), ``nnviz dream MODEL --digit D --json`` for every D is read by the same network, loaded apart, as D with an
  output activation >= 0.9; and each dream's distance to the nearest test image of its digit beside the typical
  distance between two test images of that digit (and the same with correlations, which ignore the amount of ink);
- ``training_ratio``: in-app training speed with the landscape and dreams panels on screen over the speed with them
  hidden (bar: >= 0.85) — the main window's ``analysis.landscape_panel`` and ``analysis.dreams_panel``.

    python benchmarks/bench_landscape.py [--data PATH] [--repeats 40] [--seconds 6] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):  # before NumPy loads
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "resources" / "example-model.npz"


def percentiles(ms) -> dict:
    return {"p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95))}


CPU_MS: dict[str, list[float]] = {}  # the same calls' CPU time: what the figures would be on an idle machine


def timed_ms(fn, repeats: int, name: str = "") -> list[float]:
    """Wall-clock milliseconds of ``repeats`` calls (after one to warm up); their CPU time goes to CPU_MS[name]."""
    fn()
    out, cpu = [], CPU_MS.setdefault(name, [])
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append(1000 * (time.perf_counter() - t0))
        cpu.append(1000 * (time.process_time() - c0))
    return out


def train_with_path(data, epochs: int, record_every: int):
    """The video preset trained for ``epochs``, its weights recorded every ``record_every`` steps."""
    from nnviz.core.training import Trainer, preset

    trainer = Trainer(preset("video", epochs=epochs), data)
    path, steps = [trainer.network.params.copy()], [0]
    while trainer.epoch < epochs:
        trainer.run_steps(record_every, stop_at_epoch_end=True)
        path.append(trainer.network.params.copy())
        steps.append(trainer.history.steps)
    return trainer.network, np.array(path), np.array(steps)


def dream_check(model: Path, test_x, test_y) -> dict:
    """The issue's check through the command line, and the distances of the dreams from real digits."""
    from nnviz.cli import main as cli
    from nnviz.core.dreams import dream_distances
    from nnviz.core.model_io import load_model

    net = load_model(model)
    answers, dreams = [], {}
    for digit in range(10):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli(["dream", str(model), "--digit", str(digit), "--json"])
        assert code == 0, f"nnviz dream failed for {model} digit {digit}"
        line = json.loads(out.getvalue().strip().splitlines()[-1])
        dreams[digit] = np.array(line["pixels"])
        answers.append(net.predict(dreams[digit])[0])
    answers = np.array(answers)
    read_as = answers.argmax(axis=1)
    own = answers[np.arange(10), np.arange(10)]
    dist = dream_distances(dreams, test_x, test_y)
    mean = {k: float(np.mean([d[k] for d in dist.values()])) for k in next(iter(dist.values()))}
    farther = sum(d["dream_to_nearest"] > d["typical_pair"] for d in dist.values())
    less_alike = sum(d["dream_best_correlation"] < d["typical_pair_correlation"] for d in dist.values())
    return {"read_as_own_digit": int(np.sum(read_as == np.arange(10))), "min_own_activation": float(own.min()),
            "passes": bool(np.all(read_as == np.arange(10)) and own.min() >= 0.9), "distances": mean,
            "digits_farther_than_typical_pair": int(farther), "digits_less_alike_than_typical_pair": int(less_alike)}


def _panel_dock(panel):
    from PySide6.QtWidgets import QDockWidget

    w = panel
    while w is not None and not isinstance(w, QDockWidget):
        w = w.parentWidget()
    return w or panel


def training_ratio(data_path: str, seconds: float) -> tuple[float | None, str]:
    """In-app samples/s with the landscape (whole-network tab) and dreams on screen over the same with them hidden,
    alternating phases; None, and why, if the window has no ``landscape_panel`` yet."""
    from PySide6.QtCore import QSettings

    from nnviz.gui.app import make_app

    app = make_app()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(data=data_path)
    owner = getattr(window, "analysis", window)  # the window's analysis docks hold the panels
    panels = [getattr(owner, name, None) for name in ("landscape_panel", "dreams_panel")]
    if panels[0] is None:
        window.close()
        return None, ("training_ratio: null — MainWindow has no landscape_panel yet; it is measured once the panel "
                      "is wired into the window.")
    panels = [p for p in panels if p is not None]
    window.resize(1366, 768)
    window.show()
    from app_window import wait_for_data

    if not wait_for_data(app, window):
        raise SystemExit("the app did not load MNIST; pass --data PATH")
    if hasattr(panels[0], "tabs"):
        panels[0].tabs.setCurrentIndex(1)  # the whole network's surface: the heaviest of the landscape's pictures

    def show(on: bool) -> None:
        for p in panels:
            _panel_dock(p).setVisible(on)

    def rate(phase_seconds: float) -> float:
        first, t0 = window.latest, time.perf_counter()
        while time.perf_counter() - t0 < phase_seconds:
            app.processEvents()
            time.sleep(0.001)
        return (window.latest.samples_seen - first.samples_seen) / (time.perf_counter() - t0)

    window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())  # full speed (not the default pace)
    window.toggle_training()
    show(True)
    while window.latest is None or window.latest.samples_seen == 0:
        app.processEvents()
        time.sleep(0.01)
    rate(1.5)  # warm-up: the worker processes start, the first pictures are computed
    on, off = [], []
    for _ in range(2):
        show(False)
        rate(0.5)
        off.append(rate(seconds / 4))
        show(True)
        rate(0.5)
        on.append(rate(seconds / 4))
    window.close()
    app.processEvents()
    ratio = float(np.mean(on) / np.mean(off))
    return ratio, f"in-app training {np.mean(on):,.0f} samples/s with the panels shown, {np.mean(off):,.0f} hidden"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", help="mnist.npz (default: the shared copy, then the cache)")
    p.add_argument("--repeats", type=int, default=40)
    p.add_argument("--seconds", type=float, default=6.0, help="training-ratio measurement time")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    from bench_train import get_data
    from nnviz.cli import main as cli
    from nnviz.core.data import MNIST
    from nnviz.core.dreams import digit_dreams
    from nnviz.core.landscape import Sample, gradient_slice
    from nnviz.core.model_io import load_model
    from nnviz.core.surface import network_surface

    data, source = get_data(args.data)
    if source.startswith("random"):
        raise SystemExit("bench_landscape needs the real MNIST (the dreams are compared with it): pass --data PATH")
    data_path = data.source
    sample = Sample.from_images(data.x_train, data.y_train)
    test_x = MNIST.inputs(data.x_test)
    log = sys.stderr if args.json else sys.stdout

    trained, path, steps = train_with_path(data, epochs=1, record_every=120)
    example = load_model(EXAMPLE)
    forward = timed_ms(lambda: trained.predict(sample.x), args.repeats)
    backprop = timed_ms(lambda: trained.backprop(sample.x, sample.y), args.repeats)
    slice_ms = timed_ms(lambda: gradient_slice(trained, sample, 3.0), args.repeats, "slice") + \
        timed_ms(lambda: gradient_slice(example, sample, 3.0), args.repeats, "slice")
    surface = [t / 1000 for t in timed_ms(lambda: network_surface(trained, sample, "path", path, steps), 3,
                                          "surface")]
    surface_random = timed_ms(lambda: network_surface(trained, sample, "random"), 1)[0] / 1000
    dream_ms = []
    for net in (example, trained):
        for digit in range(10):
            dream_ms += timed_ms(lambda: digit_dreams(net, digits=[digit]), 2, "dream")
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "x.npz"
        with contextlib.redirect_stdout(io.StringIO()):
            cli(["train", "--preset", "video", "--epochs", "3", "--data", str(data_path), "--out", str(fresh)])
        checks = {"example": dream_check(EXAMPLE, test_x, data.y_test),
                  "fresh": dream_check(fresh, test_x, data.y_test)}
    ratio, ratio_note = training_ratio(str(data_path), args.seconds)

    f50 = float(np.median(forward))
    result = {
        "slice_ms": percentiles(slice_ms),
        "surface_s": float(np.median(surface)),
        "dream_ms": percentiles(dream_ms),
        "training_ratio": ratio,
        "reference_forward_ms": f50,
        "reference_backprop_ms": float(np.median(backprop)),
        "surface_random_s": surface_random,
        "surface_as_separate_forward_passes_s": 41 * 41 * f50 / 1000,
        "dream_check": checks,
        "cpu_ms": {k: percentiles(v) for k, v in CPU_MS.items() if k and v},
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    s, d = result["slice_ms"], result["dream_ms"]
    print(f"reference: one forward pass on 1,000 images {f50:.2f} ms, one backprop {result['reference_backprop_ms']:.2f}"
          " ms", file=log)
    print(f"gradient slice (31 steps): p50 {s['p50']:.1f} ms, p95 {s['p95']:.1f} ms = "
          f"{s['p50'] / result['reference_backprop_ms']:.1f}× one backprop (bar p95 <= 30 ms)", file=log)
    print(f"whole surface 41×41, path plane: {result['surface_s']:.2f} s (random plane {surface_random:.2f} s); "
          f"1,681 separate forward passes would take {result['surface_as_separate_forward_passes_s']:.2f} s "
          "(bar <= 1.5 s)", file=log)
    print(f"one dream: p50 {d['p50']:.1f} ms, p95 {d['p95']:.1f} ms (bar p95 <= 200 ms)", file=log)
    cpu = result["cpu_ms"]
    print(f"CPU time (what an idle machine would take): slice p50 {cpu['slice']['p50']:.1f} / p95 "
          f"{cpu['slice']['p95']:.1f} ms, surface p50 {cpu['surface']['p50'] / 1000:.2f} s, dream p50 "
          f"{cpu['dream']['p50']:.1f} / p95 {cpu['dream']['p95']:.1f} ms; load average {result['load_average']}",
          file=log)
    for name, c in checks.items():
        dist = c["distances"]
        print(f"dreams of the {name} model: {c['read_as_own_digit']}/10 read as their digit, lowest own activation "
              f"{c['min_own_activation']:.3f} ({'passes' if c['passes'] else 'FAILS'} the >= 0.9 check); mean distance "
              f"to the nearest test image of the digit {dist['dream_to_nearest']:.2f} vs typical pair "
              f"{dist['typical_pair']:.2f} (nearest pair {dist['nearest_pair']:.2f}): farther for "
              f"{c['digits_farther_than_typical_pair']}/10 digits; best correlation {dist['dream_best_correlation']:.2f}"
              f" vs typical pair {dist['typical_pair_correlation']:.2f}: less alike for "
              f"{c['digits_less_alike_than_typical_pair']}/10", file=log)
    print(ratio_note if ratio is None else f"training ratio {ratio:.2f} (bar >= 0.85): {ratio_note}", file=log)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
