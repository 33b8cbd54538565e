"""The frame scheduler: what a task changes while it draws is drawn by that frame (no frame after frame for ever),
a move of the timeline's cursor is drawn at once, and a live-only change redraws only the live run's views."""

from nnviz.gui.frames import INPUT, LIVE, SNAPSHOT, FrameScheduler


def test_a_change_made_while_a_task_draws_does_not_schedule_another_frame(qtbot):
    """A task that marks the input while it runs (the backprop panel recomputing for the graph task) gets one
    frame, not a frame after every frame; a mark from outside a task still gets the next frame."""
    frames = FrameScheduler()
    runs = []
    frames.add("marks while drawing", lambda: (runs.append(1), frames.mark_input()))
    frames.mark_input()
    frames.tick()
    qtbot.waitUntil(lambda: not frames.busy, timeout=2_000)
    frames.tick()
    qtbot.wait(50)
    assert runs == [1] and not frames._pending
    frames.mark_input()
    frames.tick()
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=2_000)


def test_draw_now_draws_the_frame_at_once_unless_one_is_being_drawn(qtbot):
    """draw_now runs the frame's first task before it returns (no wait for the timer); during a frame it only
    marks the next one."""
    frames = FrameScheduler()
    order = []
    frames.add("first", lambda: order.append("first"))
    frames.add("second", lambda: order.append("second"))
    frames.draw_now()
    assert order == ["first"] and frames.busy
    frames.draw_now()  # a frame is being drawn: the next frame will draw this
    assert order == ["first"] and SNAPSHOT in frames._pending
    qtbot.waitUntil(lambda: not frames.busy, timeout=2_000)
    assert order == ["first", "second"]


def test_a_live_change_redraws_only_the_views_of_the_live_run(qtbot):
    """mark_live (training goes on while the views show a recorded moment) runs the tasks that asked for LIVE."""
    frames = FrameScheduler()
    ran = []
    frames.add("cost", lambda: ran.append("cost"), on=[SNAPSHOT, LIVE])
    frames.add("graph", lambda: ran.append("graph"), on=[SNAPSHOT, INPUT])
    frames.mark_live()
    frames.tick()
    qtbot.waitUntil(lambda: not frames.busy, timeout=2_000)
    assert ran == ["cost"]
