"""Start the desktop app: QApplication set-up and the main window."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from .. import __version__

SWITCH_INTERVAL = 0.001  # seconds


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created once, with nnviz's names (QSettings uses them) and high-DPI rounding."""
    # The GUI thread shares Python's GIL with the relay thread and, in the thread training mode, with training
    # itself. A GUI thread that gives the GIL up inside a Qt call waits up to one switch interval to get it back
    # from a busy thread: the default 5 ms would be felt between a stroke and its answer. A shorter interval keeps
    # the window responsive at little cost to training.
    sys.setswitchinterval(SWITCH_INTERVAL)
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
    QCoreApplication.setOrganizationName("nnviz")
    QCoreApplication.setApplicationName("nnviz")
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("nnviz")
    import pyqtgraph as pg

    # No antialiasing: antialiased long curves paint 5-30x slower in Qt's raster engine.
    pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
    return app


def main(data: str | None = None, training: str = "process") -> int:
    """Open the window and run until it closes; ``training`` is "process" (default) or "thread"."""
    app = make_app()
    from .main_window import MainWindow
    from .tour import offer_at_first_launch

    window = MainWindow(data=data, training=training)
    if os.environ.get("NNVIZ_REPORT_SHOWN"):  # benchmarks/bench_startup.py: when was the window first painted?
        window.installEventFilter(_ShownReporter(window))
    window.show()
    offer_at_first_launch(window)  # the guided tour, once, without standing in the way
    quit_after = os.environ.get("NNVIZ_QUIT_AFTER_MS")  # for smoke tests and screenshots: close by itself
    if quit_after:
        QTimer.singleShot(int(quit_after), window.close)
    return app.exec()


class _ShownReporter(QObject):
    """Prints ``nnviz-shown <time.time()>`` once the window's first paint is done, then closes the window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self.report)  # after this paint has been delivered
        return False

    def report(self):
        import time

        print(f"nnviz-shown {time.time():.6f}", flush=True)
        self.window.close()
