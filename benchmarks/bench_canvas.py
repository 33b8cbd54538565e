"""Stroke to answer: time from a mouse-move event on the canvas to the prediction bars repainted with the new output.

Opens the real main window (offscreen unless a display is set), draws with real QMouseEvents delivered to the
canvas, and times each move: stroke painting, 28x28 reduction, MNIST normalisation, the forward pass with the newest
weights, and the bars' repaint. Measured idle and while the network trains at full speed.

    python benchmarks/bench_canvas.py [--moves 600] [--json]

Target: p95 <= 5 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

from bench_train import SHARED  # noqa: E402


def _mouse(kind, pos, buttons):
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent

    button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    return QMouseEvent(kind, QPointF(*pos), QPointF(*pos), button, buttons, Qt.KeyboardModifier.NoModifier)


def measure(app, window, moves: int) -> list[float]:
    """Milliseconds per move event, from dispatch to the bars repainted."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QMouseEvent

    canvas, bars = window.draw_panel.canvas, window.draw_panel.bars
    side = min(canvas.width(), canvas.height())
    times = []
    for stroke in range(moves // 60):
        canvas.clear()
        cx, cy, r = side / 2, side / 2, side * (0.2 + 0.1 * (stroke % 3))
        path = [(cx + r * math.cos(t), cy + r * math.sin(t)) for t in np.linspace(0, 2 * math.pi, 61)]
        app.sendEvent(canvas, _mouse(QMouseEvent.Type.MouseButtonPress, path[0], Qt.MouseButton.LeftButton))
        for pos in path[1:]:
            ev = _mouse(QMouseEvent.Type.MouseMove, pos, Qt.MouseButton.LeftButton)
            t0 = time.perf_counter()
            app.sendEvent(canvas, ev)
            bars.repaint()
            times.append(1000 * (time.perf_counter() - t0))
            app.processEvents()  # let the frame timer and the worker's snapshots in, as in real use
            window.repaint()  # ...and flush their drawing, so the next timing holds only what a move causes
        app.sendEvent(canvas, _mouse(QMouseEvent.Type.MouseButtonRelease, path[-1], Qt.MouseButton.NoButton))
    return times


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--moves", type=int, default=600)
    p.add_argument("--data", default=str(SHARED))
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    from PySide6.QtCore import QSettings

    from nnviz.gui.app import make_app

    app = make_app()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(data=args.data)
    window.resize(1366, 768)
    window.show()
    deadline = time.perf_counter() + 30
    while not (window.has_data and window.latest is not None) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    if not window.has_data:
        raise SystemExit("MNIST not loaded; pass --data PATH")
    idle = measure(app, window, args.moves)
    window.controls.speed_slider.setValue(window.controls.speed_slider.maximum())  # full speed (not the default pace)
    window.toggle_training()
    t_end = time.perf_counter() + 1.0
    while time.perf_counter() < t_end:
        app.processEvents()
    training = measure(app, window, args.moves)
    steps = window.latest.step
    window.close()

    def stats(v):
        return {"p50": float(np.percentile(v, 50)), "p95": float(np.percentile(v, 95))}

    result = {"idle": stats(idle), "training": stats(training)}
    if args.json:
        print(json.dumps(result))
        return
    for name, s in result.items():
        print(f"{name:>8}: move -> bars repainted  p50 {s['p50']:.2f} ms  p95 {s['p95']:.2f} ms")
    print(f"(training ran {steps:,} mini-batches meanwhile; target p95 <= 5 ms)")


if __name__ == "__main__":
    main()
