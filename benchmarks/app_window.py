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
