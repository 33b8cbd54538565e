"""GUI fixtures: a real MainWindow with its own settings file, driven by pytest-qt."""

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture
def settings(tmp_path):
    """A private settings file, so tests never read or write the user's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, settings):
    """Build MainWindows (closed cleanly at the end); ask() answers yes."""
    from nnviz.gui.app import make_app

    make_app()
    windows = []

    def make(data=None, **kw):
        from nnviz.gui.main_window import MainWindow

        w = MainWindow(data=str(data) if data else None, settings=settings, **kw)
        w.ask = lambda title, question: True
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        w.activateWindow()
        qtbot.waitUntil(w.isActiveWindow, timeout=5_000)  # window shortcuts act only in the active window
        windows.append(w)
        return w

    yield make
    for w in windows:
        w.close()


@pytest.fixture
def window(make_window, mnist_path, qtbot):
    """The main window with real MNIST loaded, paused, at full speed (a new window starts at a watchable pace)."""
    w = make_window(mnist_path)
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None, timeout=20_000)
    w.controls.speed_slider.setValue(w.controls.speed_slider.maximum())
    return w


@pytest.fixture
def shown(qtbot):
    """Show a widget at a given size and wait until it is on screen: ``shown(widget, width, height)``."""

    def show(widget, width, height):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return show
