"""The frame scheduler: one task per turn of the event loop, only what changed, and a failing view stops nothing."""

import logging

from nnviz.gui.frames import INPUT, SNAPSHOT, FrameScheduler


def test_a_view_that_fails_is_logged_once_and_the_others_go_on(qtbot, caplog):
    """A task that raises every frame (a view that cannot draw NaN shades, say) is logged once; the tasks after it
    still run in every frame, and frames keep coming."""
    frames = FrameScheduler()
    drawn = []

    def broken():
        raise ValueError("cannot draw this")

    frames.add("before", lambda: drawn.append("before"))
    frames.add("broken", broken)
    frames.add("after", lambda: drawn.append("after"))
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            frames.mark_snapshot()
            frames.tick()
            qtbot.waitUntil(lambda: not frames.busy, timeout=2_000)
    assert drawn == ["before", "after"] * 3
    assert len([r for r in caplog.records if "broken" in r.getMessage()]) == 1


def test_only_the_views_that_draw_what_changed_run(qtbot):
    """A stroke (input) redraws the views that draw the input, not the cost plot; a new snapshot redraws all; with
    nothing changed no frame is drawn."""
    frames = FrameScheduler()
    ran = []
    frames.add("cost", lambda: ran.append("cost"), on=[SNAPSHOT])
    frames.add("graph", lambda: ran.append("graph"), on=[SNAPSHOT, INPUT])
    done = []
    frames.frame_drawn.connect(done.append)
    frames.tick()
    assert ran == [] and done == []
    frames.mark_input()
    frames.tick()
    qtbot.waitUntil(lambda: len(done) == 1, timeout=2_000)
    assert ran == ["graph"]
    frames.mark_snapshot()
    frames.mark_input()
    frames.tick()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=2_000)
    assert ran == ["graph", "cost", "graph"] and all(t >= 0 for t in done)
