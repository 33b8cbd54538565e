"""Issue 12's check on the real window, driven by real key events: a learner's first minutes.

- The pace: 10 s after Space at the default speed, the epoch counter of the status bar (the issue: between 0.03
  and 0.6; 60,000 images at 1,000 a second would read 0.17), beside the speed the slider promises.
- Pause means paused: after Pause, a learning-rate change (↑ in its box) does not move the mini-batch counter.
- The layout: shrunk to its minimum and grown back to 1600×1000, the canvas's shorter side (≥ 280 px) and the
  weight images' height (≥ 150 px), beside the same figures before the shrink; and at 2400×1400 ("maximised").

Qt runs offscreen unless ``QT_QPA_PLATFORM`` says otherwise (e.g. ``xcb`` under Xvfb).

    NNVIZ_TEST_DATA=/work/shared/data python benchmarks/check_first_minutes.py [--data mnist.npz] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def wait(app, seconds: float) -> None:
    """Run the event loop for ``seconds`` (a script has no qtbot)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def sizes(w) -> dict:
    canvas = w.draw_panel.canvas
    return {"canvas_side": min(canvas.width(), canvas.height()), "weights_height": w.weights_panel.view.height()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = Path(os.environ.get("NNVIZ_TEST_DATA", ROOT.parent / "shared" / "data"))
    parser.add_argument("--data", default=str(shared / "mnist.npz"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("NNVIZ_CACHE_DIR", tempfile.mkdtemp())
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from nnviz.gui.app import make_app
    from nnviz.gui.controls import speed_label
    from nnviz.gui.main_window import MainWindow

    app = make_app()
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(data=args.data, settings=settings)
    w.show()
    for _ in range(300):
        if w.has_data and w.latest is not None:
            break
        wait(app, 0.1)
    else:
        sys.exit(f"MNIST did not load from {args.data}: {w.data_message.text()}")
    promised = speed_label(w.controls.speed(), w.controls.batch_spin.value())
    QTest.keyClick(w.cost_view, Qt.Key.Key_Space)
    t0 = time.perf_counter()
    wait(app, 10.0)
    epoch = float(w.status_labels["epoch"].text().split()[1])
    elapsed = time.perf_counter() - t0
    QTest.keyClick(w.cost_view, Qt.Key.Key_Space)  # pause, then a learning-rate change must not move the counter
    wait(app, 0.5)
    paused_at = w.status_labels["batches"].text()
    w.controls.lr_spin.setFocus()
    QTest.keyClick(w.controls.lr_spin, Qt.Key.Key_Up)
    wait(app, 0.5)
    still = w.status_labels["batches"].text() == paused_at
    w.resize(1600, 1000)
    wait(app, 0.5)
    before = sizes(w)
    w.resize(1, 1)
    wait(app, 0.5)
    at_minimum = {**sizes(w), "window": list(w.size().toTuple())}
    w.resize(1600, 1000)
    wait(app, 0.5)
    after = sizes(w)
    w.resize(2400, 1400)
    wait(app, 0.5)
    large = sizes(w)
    w.close()
    result = {"epoch_after_10s": epoch, "seconds": round(elapsed, 2), "default_speed": promised,
              "paused_counter_still_after_lr_change": still,
              "at_1600x1000_before": before, "at_minimum": at_minimum, "at_1600x1000_after": after,
              "at_2400x1400": large,
              "holds": 0.03 <= epoch <= 0.6 and after["canvas_side"] >= 280 and after["weights_height"] >= 150
              and still and any(a.text() == "Reset &layout" for a in w.menuBar().actions()[2].menu().actions())}
    print(f"default speed: {promised}")
    print(f"epoch {epoch:.2f} after {elapsed:.1f} s of training (the issue: 0.03-0.6; 1,000 images/s: 0.17)")
    print(f"paused at {paused_at}; after η's ↑ arrow: {'the same' if still else 'MOVED'}")
    for name in ("at_1600x1000_before", "at_minimum", "at_1600x1000_after", "at_2400x1400"):
        print(f"{name}: canvas's shorter side {result[name]['canvas_side']} px, weight images "
              f"{result[name]['weights_height']} px tall")
    print("the check holds" if result["holds"] else "the check FAILS")
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
