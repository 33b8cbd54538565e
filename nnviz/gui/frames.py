"""The frame scheduler: hands the shown snapshot to the views, one view per turn of the event loop.

A timer ticks ~30 times a second. When the shown snapshot changed (or the input did, for the views that draw it),
the next frame's tasks are queued and run one per turn of the event loop, so input and timers get a turn between
them; snapshots that arrived meanwhile are simply skipped (only the newest is drawn). A task only updates its
view's items; Qt paints what changed in the turn after it, once (a task that also repainted its view had it
painted twice: once by the task, once by Qt for the items it had changed). The frame ends one turn after its last
task, when Qt has painted that one too: ``frame_drawn`` says the whole frame is on screen. The frame rate adapts
to what drawing costs: the next frame waits at least about three times as long as the last one took, so drawing
takes at most a third of the GUI thread. A task that fails is logged once and skipped; the other views go on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

FRAME_MS = 33  # ~30 frames a second at most
MAX_FRAME_MS = 250  # ...and never fewer than 4
SNAPSHOT, INPUT = "snapshot", "input"  # what changed: the shown moment, or only the drawing / a view's options
LIVE = "live"  # the live run moved on while the views show a recorded moment (the cost plot, the timeline follow)
log = logging.getLogger(__name__)


def keep(buffer: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    """``values`` copied into ``buffer`` (a new array only when the shape differs): what a view last drew, to
    compare the next frame's with (a frame that changes nothing a view shows then leaves the view alone)."""
    if buffer is None or buffer.shape != values.shape or buffer.dtype != values.dtype:
        return values.copy()
    np.copyto(buffer, values)
    return buffer


@dataclass(frozen=True)
class Task:
    """One view's share of a frame: ``run()`` when one of ``on`` changed."""

    name: str
    run: Callable[[], None]
    on: frozenset


class FrameScheduler(QObject):
    """Runs the views' tasks for each frame in which something changed."""

    frame_drawn = Signal(float)  #: seconds the whole frame took, from its first task to Qt having painted its last

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tasks: list[Task] = []
        self._queue: list[Task] = []
        self._pending: set[str] = set()
        self._spent = 0.0  # the frame's tasks so far
        self._started = 0.0  # when the frame's first task started
        self._painting = False  # the last task has run: this turn Qt paints what it changed
        self.last_work = 0.0  #: seconds the last frame's tasks took (without Qt's painting)
        self._last_spent = self._last_end = 0.0  # the last whole frame: what it took, when it ended
        self._drawing = False  # a task is running
        self._failed: set[str] = set()
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.tick)
        self._turn = QTimer(self)  # owned here: dies with the window, never fires on a closed one
        self._turn.setSingleShot(True)
        self._turn.setInterval(0)
        self._turn.timeout.connect(self._next_task)

    def add(self, name: str, run: Callable[[], None], on=(SNAPSHOT, INPUT)) -> None:
        """Add a task, in drawing order; it runs in frames where one of ``on`` changed."""
        self.tasks.append(Task(name, run, frozenset(on)))

    def start(self) -> None:
        """Start ticking."""
        self.timer.start()

    def stop(self) -> None:
        """Stop ticking and drop the frame being drawn."""
        self.timer.stop()
        self._turn.stop()
        self._queue.clear()
        self._painting = False

    @Slot()
    def mark_snapshot(self) -> None:
        """The shown snapshot changed: every view draws it at the next frame."""
        self._mark(SNAPSHOT)

    def _mark(self, what: str) -> None:
        # A change that a task makes while it draws (the backprop panel recomputing for the graph task, which then
        # draws its overlay) is drawn by this very frame: marking it would draw every frame again, for ever.
        if not self._drawing:
            self._pending.add(what)

    @Slot()
    def mark_live(self) -> None:
        """The live run moved on but the shown moment did not: the views of the whole run redraw."""
        self._mark(LIVE)

    def draw_now(self) -> None:
        """The shown moment changed by the user's hand (the timeline's cursor): draw it now rather than at the next
        tick, unless a frame is being drawn or drawing would take more than a third of the time (then the timer
        draws it, as any other frame)."""
        self.mark_snapshot()
        if not self.busy and time.perf_counter() - self._last_end >= 2 * self._last_spent:
            self.tick()

    @Slot()
    def mark_input(self) -> None:
        """The input (or a view's option) changed: the views that draw it redraw at the next frame, not on every
        stroke segment."""
        self._mark(INPUT)

    @property
    def busy(self) -> bool:
        """A frame is being drawn (or painted)."""
        return bool(self._queue) or self._painting

    @Slot()
    def tick(self) -> None:
        """Queue the next frame's tasks if something changed and the previous frame is done."""
        if self.busy or not self._pending:
            return
        changed, self._pending = self._pending, set()  # cleared now: a change during the frame marks the next one
        self._queue = [t for t in self.tasks if t.on & changed]
        self._spent, self._started = 0.0, time.perf_counter()
        self._next_task()

    @Slot()
    def _next_task(self) -> None:
        if self._painting:  # the turn after the last task: Qt has painted it, the frame is on screen
            self._painting = False
            self._end_frame()
            return
        if not self._queue:
            return
        task = self._queue.pop(0)
        t0 = time.perf_counter()
        self._drawing = True
        try:
            task.run()
        except Exception:  # noqa: BLE001 - one view failing one frame must not freeze the others
            if task.name not in self._failed:
                self._failed.add(task.name)
                log.exception("the %s view failed to draw a frame; the other views go on", task.name)
        finally:
            self._drawing = False
        self._spent += time.perf_counter() - t0
        self._painting = not self._queue
        self._turn.start()

    def _end_frame(self) -> None:
        now = time.perf_counter()
        spent = now - self._started  # the tasks, and Qt painting what they changed between them
        self.timer.setInterval(int(min(max(FRAME_MS, 3000 * spent), MAX_FRAME_MS)))
        self.last_work, self._last_spent, self._last_end = self._spent, spent, now
        self.frame_drawn.emit(spent)
