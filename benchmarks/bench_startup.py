"""Start-up: MNIST loaded from the cache, and the window on screen after launch, each beside a reference.

- MNIST from the cache as ``nnviz data import`` / ``download`` write it (uncompressed), median of 7 loads, beside
  loading the compressed Keras ``mnist.npz`` it came from (budget: ≤ 0.3 s).
- ``python -m nnviz`` launched as a new process with the data already cached, until its window's first paint is done
  (``NNVIZ_REPORT_SHOWN``), median of 5 launches, in turns with a bare Qt window launched and timed the same way
  (budget: ≤ 1.5 s). Qt runs offscreen unless ``--platform`` says otherwise (e.g. ``xcb`` under xvfb-run).

    python benchmarks/bench_startup.py [--json] [--launches 5] [--platform offscreen]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nnviz.core import data as mnist_data  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "mnist.npz"

BARE_QT = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
w = QLabel("a bare Qt window")
w.resize(1400, 900)
class F(QObject):
    def eventFilter(self, o, e):
        if e.type() == QEvent.Type.Paint:
            w.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print(f"nnviz-shown {time.time():.6f}", flush=True), w.close()))
        return False
f = F(); w.installEventFilter(f); w.show(); app.exec()
"""


def find_source(path: str | None) -> Path:
    for candidate in (path, os.environ.get("NNVIZ_DATA"), SHARED):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    sys.exit("bench_startup needs a Keras-layout mnist.npz: pass --data PATH (or set NNVIZ_DATA)")


def load_seconds(path: Path, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        mnist_data.load_npz(path)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def launch_seconds(argv: list[str], env: dict) -> float:
    """Seconds from starting the process to its report of the first paint done."""
    t0 = time.time()
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120).stdout
    shown = [line for line in out.splitlines() if line.startswith("nnviz-shown ")]
    if not shown:
        sys.exit(f"{' '.join(argv)} did not report its window; its output:\n{out}")
    return float(shown[0].split()[1]) - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--json", action="store_true", help="print one JSON line")
    p.add_argument("--launches", type=int, default=5)
    p.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    p.add_argument("--data", help="a Keras-layout mnist.npz to cache (default: $NNVIZ_DATA or ../shared/data)")
    args = p.parse_args()
    source = find_source(args.data)
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NNVIZ_CACHE_DIR": tmp, "QT_QPA_PLATFORM": args.platform, "NNVIZ_REPORT_SHOWN": "1",
               "XDG_CONFIG_HOME": tmp}  # fresh settings: a first launch
        env.pop("NNVIZ_DATA", None)
        os.environ["NNVIZ_CACHE_DIR"] = tmp
        cache = mnist_data.import_mnist(source)
        cached, compressed = load_seconds(cache), load_seconds(source)
        app, bare = [], []
        for _ in range(args.launches):
            app.append(launch_seconds([sys.executable, "-m", "nnviz"], env))
            bare.append(launch_seconds([sys.executable, "-c", BARE_QT], env))
    result = {"mnist_from_cache_seconds": cached, "mnist_compressed_seconds": compressed,
              "window_shown_seconds": statistics.median(app), "bare_qt_window_seconds": statistics.median(bare),
              "launches": args.launches, "platform": args.platform}
    if args.json:
        print(json.dumps(result))
        return
    print(f"MNIST from the cache: {cached * 1e3:.0f} ms (the compressed download it came from: {compressed * 1e3:.0f} "
          "ms); budget <= 300 ms")
    print(f"window on screen after launch ({args.platform}): median {result['window_shown_seconds']:.2f} s "
          f"(a bare Qt window launched the same way: {result['bare_qt_window_seconds']:.2f} s; runs "
          f"{', '.join(f'{s:.2f}' for s in app)}); budget <= 1.5 s")


if __name__ == "__main__":
    main()
