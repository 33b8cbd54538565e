"""The benchmarks' way to open the real main window: private settings, a fixed size, MNIST loaded."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def open_window(data_path: str | None, size=(1366, 768), **options):
    """``(app, window)``: the app's QApplication and a shown MainWindow (``options`` go to it) with MNIST loaded;
    SystemExit if it does not load within 30 s."""
    from PySide6.QtCore import QSettings

    from nnviz.gui.app import make_app

    app = make_app()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from nnviz.gui.main_window import MainWindow

    window = MainWindow(data=data_path, **options)
    window.resize(*size)
    window.show()
    if not wait_for_data(app, window):
        raise SystemExit("the app did not load MNIST; pass --data PATH")
    return app, window


def wait_for_data(app, window, seconds: float = 30.0) -> bool:
    """Turn the event loop until the window has MNIST (True), or ``seconds`` pass (False)."""
    deadline = time.perf_counter() + seconds
    while not window.has_data and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    return window.has_data


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's memory from /proc (Linux; NaN elsewhere): ``VmRSS`` now, ``VmHWM`` its peak."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class LatencyProbe:
    """How late a timer of ``interval_ms`` fires on the event loop, in ms, tick by tick while started
    (``lateness``): the GUI's responsiveness as a user would feel it."""

    def __init__(self, interval_ms: int = 10):
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.interval = interval_ms
        self.lateness: list[float] = []
        self._clock, self._timer, self._last = QElapsedTimer(), QTimer(), 0.0
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed() / 1e6
        if self._last:
            self.lateness.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def start(self) -> None:
        """Start timing (ticks from now on)."""
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        """Stop timing."""
        self._timer.stop()


def measure_live(app, window, seconds: float) -> dict:
    """The window as it is now, for ``seconds``: how late a 10 ms timer fires (``lateness``, ms), each frame's
    redraw (``redraw``, ms) and training's samples a second (``rate``)."""
    probe, redraw = LatencyProbe(10), []
    record = lambda s: redraw.append(1000 * s)  # noqa: E731 - disconnected again below
    window.frames.frame_drawn.connect(record)
    first = window.latest
    probe.start()
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        app.processEvents()
        time.sleep(0.001)
    probe.stop()
    window.frames.frame_drawn.disconnect(record)
    rate = (window.latest.samples_seen - first.samples_seen) / (time.perf_counter() - t0)
    return {"lateness": probe.lateness, "redraw": redraw, "rate": rate}
