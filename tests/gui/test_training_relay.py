"""The relay to the training loop: a training process that dies is noticed and replaced; the thread mode trains
with the same loop."""

import os
import signal

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.gui import main_window as mw


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killed_training_process_is_noticed_and_training_resumes(window, qtbot):
    """kill -9 of the training process: the window says so in one sentence naming the mini-batch it kept, opening
    a model does not freeze it, and the next Train starts a new process that goes on from the kept network."""
    for _ in range(3):
        qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: window.latest.step == 3, timeout=5_000)
    kept = window.latest.params.copy()
    old = window.worker.process
    os.kill(old.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: window.banner.isVisible() and "stopped unexpectedly" in window.banner.text(),
                    timeout=5_000)
    assert "mini-batch 3 " in window.banner.text()
    np.testing.assert_array_equal(window.latest.params, kept)  # the last snapshot stays on screen
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.latest.step > 50, timeout=15_000)
    assert window.worker.process.pid != old.pid and window.worker.process.is_alive()
    assert len(window.latest.costs) == window.latest.step  # the history carried on from mini-batch 3
    assert not window.banner.isVisible()


def test_opening_a_model_after_the_process_died_does_not_block(window, qtbot):
    """The GUI thread never waits on the pipe: with the process gone, opening the example returns at once and the
    model arrives in a new process."""
    os.kill(window.worker.process.pid, signal.SIGKILL)
    qtbot.waitUntil(lambda: "stopped unexpectedly" in window.banner.text(), timeout=5_000)
    assert window.files.open_path(mw.EXAMPLE_MODEL)
    from nnviz.core.model_io import load_model

    example = load_model(mw.EXAMPLE_MODEL).params
    qtbot.waitUntil(lambda: np.array_equal(window.latest.params, example), timeout=15_000)


def test_thread_mode_trains_with_the_same_loop(make_window, mnist_path, qtbot):
    """--training thread: the loop runs in the relay's thread (no process); Step and Train work the same, and
    closing ends the thread."""
    w = make_window(mnist_path, training="thread")
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None, timeout=20_000)
    assert w.worker.process is None and w.worker.mode == "thread"
    qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 1, timeout=5_000)
    qtbot.keyClick(w, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: w.latest.step > 200, timeout=10_000)
    thread, failures = w.worker.thread, []
    w.worker.failed.connect(failures.append)
    w.close()
    assert thread.wait(2000) and thread.isFinished()
    qtbot.wait(50)
    assert not failures, "the loop's end was reported as a failure"


def test_a_process_that_cannot_start_falls_back_to_a_thread(make_window, mnist_path, qtbot, monkeypatch):
    """Where no child process can be started, training runs in the relay's thread and the status bar says why,
    once."""
    from nnviz.gui import worker

    def refuse(self):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(worker.TrainingRelay, "_start_process", refuse)
    w = make_window(mnist_path)
    assert w.worker.mode == "thread" and "Too many open files" in w.worker.fallback_reason
    qtbot.waitUntil(lambda: w.has_data and w.latest is not None, timeout=20_000)
    qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 1, timeout=5_000)
