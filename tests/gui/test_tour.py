"""The guided tour in the real window, driven by real clicks and keys: its steps, what each notices, and Leave
putting the window back as the learner left it."""

import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication

from nnviz.core import protocol as p
from nnviz.core.model_io import read_model
from nnviz.core.tour_steps import DIGIT, STEPS, neuron_to_inspect
from nnviz.gui import tour as tour_module
from nnviz.gui.tour_card import MARGIN
from nnviz.gui.controls import SPEEDS

IDEAS = ("neuron", "layer", "weight", "weighted sum", "bias", "cost", "gradient descent", "backpropagation",
         "random labels", "noise")


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def visible_text(tour) -> str:
    card = tour.card
    shown = [label.text() for label in (card.title, card.body, card.note, card.task) if label.isVisible()]
    return re.sub(r"<[^>]+>", "", " ".join(shown)).lower()


def draw_stroke(qtbot, canvas, x=60, y0=40, y1=160):
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y0))
    for y in range(y0, y1, 10):
        qtbot.mouseMove(canvas, QPoint(x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(x, y1))


def start_from_help(window, qtbot):
    """Open the tour as a learner does: Help → Guided tour."""
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    entry = next(a for a in help_menu.actions() if "tour" in a.text().lower())
    entry.trigger()
    assert window.tour.active and window.tour.card.isVisible() and window.tour.veil.isVisible()
    return window.tour


def test_walking_the_tour_with_next_names_every_idea_and_finish_ends_it(make_window, qtbot):
    """The issue's check, without MNIST: Help has the tour; its Next button walks ≥ 10 steps, always enabled;
    the texts on screen name every idea; the last Next says Finish and ends the tour."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    tour = start_from_help(w, qtbot)
    seen, texts = [], []
    while tour.active:
        seen.append(tour.step().key)
        texts.append(visible_text(tour))
        assert tour.card.next_button.isEnabled(), "Next is always available"
        click(qtbot, tour.card.next_button)
    assert len(seen) >= 10 and seen == [s.key for s in STEPS]
    everything = " ".join(texts)
    assert [idea for idea in IDEAS if idea not in everything] == []
    assert "squishification" in everything or "sigmoid" in everything
    assert "needs mnist" in everything, "the steps that need the data say so"
    assert not w.tour.card.isVisible() and not w.tour.veil.isVisible()


def test_the_keys_move_through_the_tour_and_escape_leaves_a_field_first(make_window, qtbot):
    """Alt+N and Alt+B move (the window's own keys untouched); Escape in a field only leaves the field, Escape
    again leaves the tour."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    tour = start_from_help(w, qtbot)
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert tour.index == 2
    qtbot.keyClick(w, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    assert tour.index == 1
    spin = w.controls.lr_spin
    spin.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (spin, spin.lineEdit()), timeout=2_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert tour.active and QApplication.focusWidget() is w.cost_view
    qtbot.keyClick(w.cost_view, Qt.Key.Key_Escape)
    assert not tour.active


def test_where_it_stopped_is_remembered_and_a_finished_tour_starts_afresh(make_window, qtbot, settings):
    """Leave at step 4, reopen (even in a new window): step 4; finish it: the next tour starts at step 1."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    tour = start_from_help(w, qtbot)
    for _ in range(3):
        click(qtbot, tour.card.next_button)
    click(qtbot, tour.card.leave_button)
    assert not tour.active
    w.close()
    again = make_window(None)
    qtbot.waitUntil(lambda: again.latest is not None, timeout=5_000)
    tour = start_from_help(again, qtbot)
    assert tour.index == 3 and "step 4 of" in tour.card.counter.text()
    while tour.active:
        click(qtbot, tour.card.next_button)
    assert start_from_help(again, qtbot).index == 0


def test_the_view_is_framed_the_rest_dimmed_and_clicks_go_through(make_window, qtbot):
    """A step frames its views (the weights step: the weight images, brought to the front) and the card hides
    none of them; the veil takes no clicks: the view under it gets them."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    w.weights_dock.hide()
    tour = start_from_help(w, qtbot)
    for _ in range(2):
        click(qtbot, tour.card.next_button)
    assert tour.step().key == "weights" and w.weights_dock.isVisible()
    qtbot.waitUntil(lambda: len(tour.veil.holes) == 1, timeout=2_000)
    hole = tour.veil.holes[0]
    assert hole == w.weights_dock.geometry()
    assert not tour.card.geometry().intersects(hole)
    under = w.childAt(hole.center())
    assert under is not tour.veil and w.weights_dock.isAncestorOf(under)
    image = w.grab().toImage()
    inside = image.pixelColor(hole.center()).lightness()
    w.tour.veil.hide()
    bare = w.grab().toImage()
    w.tour.veil.show()
    outside = QPoint(w.controls_dock.geometry().center())
    assert image.pixelColor(outside).lightness() < bare.pixelColor(outside).lightness() - 40, "dimmed"
    assert inside == bare.pixelColor(hole.center()).lightness(), "the framed view is not dimmed"


def test_without_mnist_a_drawn_two_is_on_the_canvas_and_read_as_two(make_window, qtbot):
    """The first step puts a 2 on the canvas even without the data, and the example network reads it as 2."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    start_from_help(w, qtbot)
    assert not w.draw_panel.canvas.is_blank()
    qtbot.waitUntil(lambda: w.draw_panel.bars.guess == DIGIT, timeout=3_000)


def learner_state(w):
    """What a learner would notice if the tour had changed it."""
    b = w.backprop_panel
    return dict(params=w.latest.params.copy(), step=w.latest.step, title=w.windowTitle(),
                model_path=w.run.model_path, drawing=w.draw_panel.canvas.network_input(),
                strokes=len(w.draw_panel.canvas.strokes), speed=w.controls.speed_slider.value(),
                lr=w.controls.lr_spin.value(), running=w.controls.train_button.isChecked(),
                backprop_open=w.backprop_dock.isVisible(), controls_open=w.controls_dock.isVisible(),
                weights_open=w.weights_dock.isVisible(), earlier=len(w.cost_view.earlier),
                target=b.target.value(), source=b.source.currentIndex(), undo=len(b.undo_stack),
                recording=w.run.recording.steps.tolist() if w.run.recording is not None else None,
                costs=w.latest.costs.copy(), layers=w.controls.layers_edit.text())


def assert_same(before, after):
    for key, value in before.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after[key], value, err_msg=key)
        else:
            assert after[key] == value, key


def test_leave_without_mnist_puts_the_window_back(make_window, qtbot):
    """Without the data: a learner's drawing, speed, open docks and layers text survive a tour that loaded the
    example, put a 2 on the canvas and raised other docks."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    draw_stroke(qtbot, w.draw_panel.canvas)
    w.controls.speed_slider.setValue(SPEEDS.index(2))
    w.weights_dock.hide()
    w.controls.layers_edit.setText("30, 20")
    qtbot.waitUntil(lambda: w.run.checkpoints == 1, timeout=10_000)  # the timeline's store is made meanwhile
    before = learner_state(w)
    tour = start_from_help(w, qtbot)
    while tour.step().key != "backprop-nudges":
        click(qtbot, tour.card.next_button)
    changed = learner_state(w)  # the tour did change what it says Leave puts back
    assert changed["backprop_open"] and changed["weights_open"] and changed["speed"] != before["speed"]
    assert not np.array_equal(changed["drawing"], before["drawing"])
    click(qtbot, tour.card.leave_button)
    assert_same(before, learner_state(w))


def test_leave_puts_back_a_trained_network_that_then_trains_on(window, qtbot):
    """With MNIST: a network stepped by the learner, its costs and timeline, the learning rate and the paused
    state come back after a tour that reset, trained and stepped networks of its own; the next Step continues the
    learner's run."""
    w = window
    for _ in range(5):
        qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 5 and w.run.checkpoints == 6, timeout=10_000)
    w.controls.lr_spin.setValue(1.5)
    qtbot.waitUntil(lambda: w.latest.learning_rate == pytest.approx(1.5), timeout=5_000)
    w.backprop_dock.raise_()
    before = learner_state(w)
    tour = start_from_help(w, qtbot)
    while tour.step().key != "gradient-descent":
        click(qtbot, tour.card.next_button)
    w.controls.speed_slider.setValue(len(SPEEDS) - 1)
    click(qtbot, w.controls.train_button)
    qtbot.waitUntil(lambda: w.latest.step > 200 and w.latest.config.learning_rate == 3.0, timeout=20_000)
    click(qtbot, tour.card.leave_button)
    assert_same(before, learner_state(w))
    qtbot.keyClick(w, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: w.latest.step == 6, timeout=10_000)
    assert w.latest.learning_rate == pytest.approx(1.5) and w.run.recording.steps.tolist() == list(range(7))
    assert not np.array_equal(w.latest.params, before["params"])


def test_closing_mid_tour_saves_the_learner_s_settings_not_the_tour_s(make_window, qtbot, settings):
    """Closing the window during the tour saves the speed and form the learner had, not the tour's slow motion
    and example network's settings."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    w.controls.speed_slider.setValue(SPEEDS.index(30))
    tour = start_from_help(w, qtbot)
    while tour.step().key != "gradient-descent":
        click(qtbot, tour.card.next_button)
    w.controls.lr_spin.setValue(0.25)
    w.close()
    again = make_window(None, autoload=False)
    assert again.controls.speed_slider.value() == SPEEDS.index(30)
    assert again.controls.lr_spin.value() == pytest.approx(3.0) and again.controls.activation_combo.currentText() \
        == "sigmoid"


def test_the_tour_is_offered_once_at_first_launch_and_never_forced(make_window, qtbot):
    """First launch: an offer in a corner, not modal (the window goes on working); Take the tour starts it; the
    next launch offers nothing."""
    w = make_window(None)
    offer = tour_module.offer_at_first_launch(w)
    assert offer is not None and offer.isVisible() and not offer.isModal() and QApplication.activeModalWidget() \
        is None
    for size in ((1280, 760), (1600, 1000)):  # (maximised before an answer, it stayed over the Draw panel)
        w.resize(*size)
        qtbot.waitUntil(lambda: w.size().toTuple() == size, timeout=3_000)
        qtbot.wait(100)
        for view in (w.draw_dock, w.network_panel, w.controls_dock, w.data_panel):  # none of the first things used
            assert not offer.geometry().intersects(QRect(view.mapTo(w, QPoint(0, 0)), view.size())), (size, view)
    click(qtbot, offer.take_button)
    assert w.tour.active and not offer.isVisible()
    click(qtbot, w.tour.card.leave_button)
    assert tour_module.offer_at_first_launch(w) is None


def wait_noticed(qtbot, tour, timeout=20_000):
    qtbot.waitUntil(lambda: tour.step().key in tour.done, timeout=timeout)
    assert tour.card.done and "Done" in tour.card.task.text()


def test_each_step_notices_its_task_done_with_real_events(window, qtbot):
    """The whole tour with MNIST, doing each step's task with real clicks and keys: every step ticks it, and no
    step ticks before its task is done."""
    w = window
    tour = start_from_help(w, qtbot)
    net, canvas, b, c = w.network_view, w.draw_panel.canvas, w.backprop_panel, w.controls

    clicked = []

    def neuron(layer, j):
        qtbot.waitUntil(lambda: net.layout is not None and net.network is not None, timeout=5_000)
        if w.inspector.chosen == (layer, j):
            j += 1  # a click on the neuron shown would clear it
        qtbot.mouseClick(net.viewport(), Qt.MouseButton.LeftButton, pos=net.view_point(layer, j))
        clicked.append((layer, j))

    def focus_and_type(spin, text):
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, text)
        qtbot.keyClick(spin, Qt.Key.Key_Enter)

    def settle():  # the training loop has done what was posted before (the tour's set-up too)
        lr = w.latest.learning_rate * (1 + 1e-6)
        w.training.post(p.SetLearningRate(lr))
        qtbot.waitUntil(lambda: w.latest.learning_rate == pytest.approx(lr, rel=1e-9) and not w.latest.running,
                        timeout=10_000)

    tasks = {
        "neuron": lambda: neuron(1, 3),
        "layers": lambda: draw_stroke(qtbot, canvas),
        "weights": lambda: qtbot.mouseClick(w.weights_panel.view.viewport(), Qt.MouseButton.LeftButton,
                                            pos=w.weights_panel.view.view_point(2)),
        "weighted-sum": lambda: neuron(1, 5),
        "bias": lambda: neuron(3, 7),
        "squishification": lambda: draw_stroke(qtbot, canvas, x=90),
        "cost-one": lambda: (b.target.setFocus(), qtbot.keyClick(b.target, Qt.Key.Key_Up)),
        "cost-all": lambda: (settle(), click(qtbot, c.step_button)),
        "gradient-descent": lambda: click(qtbot, c.train_button),
        "learning-rate": lambda: (w.controls_dock.raise_(), focus_and_type(c.lr_spin, "0.5")),
        "backprop-nudges": lambda: (settle(), click(qtbot, b.apply_button)),
        "backprop-batch": lambda: (b.source.setFocus(), qtbot.keyClick(b.source, Qt.Key.Key_Down),
                                   qtbot.keyClick(b.source, Qt.Key.Key_Down)),
        "random-labels": lambda: next(a for a in w.findChildren(type(w.train_action))
                                      if a.text().startswith("Experiment")).trigger(),
        "noise": lambda: click(qtbot, w.draw_panel.noise_button),
    }
    assert set(tasks) == {s.key for s in STEPS}
    while tour.active:
        key = tour.step().key
        qtbot.wait(300)  # whatever the set-up set off has arrived: it must not count as the task
        assert key not in tour.done, f"{key} ticked before its task"
        before = w.inspector.panel.reading
        tasks[key]()
        wait_noticed(qtbot, tour, timeout=30_000 if key in ("gradient-descent", "random-labels") else 10_000)
        if "inspector" in tour.step().views:  # the real inspector, in front, shows the neuron clicked (the
            qtbot.waitUntil(lambda: w.inspector.panel.reading is not before, timeout=3_000)  # squishification:
            reading = w.inspector.panel.reading  # the same neuron, a new z)
            shown = clicked[-1] if key != "squishification" else (before.layer, before.index)
            assert (reading.layer, reading.index) == shown and w.inspector_dock.geometry() in tour.veil.holes
            assert key != "squishification" or reading.weighted_sum != pytest.approx(before.weighted_sum)
        click(qtbot, tour.card.next_button)


def test_the_inspector_steps_frame_the_neuron_dock_and_notice_what_it_inspects(make_window, qtbot):
    """Without MNIST too: the weighted-sum, bias and squishification steps bring the real Neuron dock to the front
    (over the Training tab the learner had in front), frame it, and the inspector shows the neuron the step set
    up; that set-up is not the task; a real click on the graph is, noticed through what the inspector inspects
    (the bias step: only an output neuron)."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    w.controls_dock.raise_()
    net, inspector = w.network_view, w.inspector
    inspected = []
    inspector.inspected.connect(lambda layer, j: inspected.append((layer, j)))
    tour = start_from_help(w, qtbot)

    def click_neuron(layer, j):
        qtbot.waitUntil(lambda: net.layout is not None and net.network is not None, timeout=5_000)
        qtbot.mouseClick(net.viewport(), Qt.MouseButton.LeftButton, pos=net.view_point(layer, j))

    for key, clicks in (("weighted-sum", [(1, 5)]), ("bias", [(1, 5), (3, 7)]), ("squishification", [(2, 4)])):
        while tour.step().key != key:
            click(qtbot, tour.card.next_button)
        layer = tour.step().setup.inspect[0]
        setup = (layer, neuron_to_inspect(read_model(w.run.example).network, w.draw_panel.canvas.network_input(),
                                          layer))
        qtbot.waitUntil(lambda: inspector.panel.reading is not None and (inspector.panel.reading.layer,
                                                                         inspector.panel.reading.index) == setup,
                        timeout=3_000)
        assert "neuron tab" in visible_text(tour) and key not in tour.done, "its own set-up is not the task"
        assert net.selected == setup
        qtbot.waitUntil(lambda: w.inspector_dock.geometry() in tour.veil.holes, timeout=2_000)
        assert not w.inspector_dock.visibleRegion().isEmpty() and w.controls_dock.visibleRegion().isEmpty()
        clicks = [(layer, j + 1 if (layer, j) == setup else j) for layer, j in clicks]  # not the one shown
        for n, neuron in enumerate(clicks):  # the bias step waits for an output neuron (layer 3)
            inspected.clear()
            click_neuron(*neuron)
            assert inspected == [neuron] and (key in tour.done) == (n == len(clicks) - 1), (key, neuron)
            qtbot.waitUntil(lambda: (inspector.panel.reading.layer, inspector.panel.reading.index) == neuron,
                            timeout=3_000)


def test_the_card_stays_put_when_its_task_is_ticked(make_window, qtbot):
    """The card keeps room for its tick from the start: doing the task neither grows it nor moves it (the layers
    step's card, grown by the tick, no longer fitted beside the canvas and jumped to the other side)."""
    w = make_window(None)
    qtbot.waitUntil(lambda: w.latest is not None, timeout=5_000)
    tour = start_from_help(w, qtbot)
    click(qtbot, tour.card.next_button)
    assert tour.step().key == "layers"
    qtbot.wait(2 * tour_module.TICK_MS)
    before = tour.card.geometry()
    draw_stroke(qtbot, w.draw_panel.canvas)
    qtbot.waitUntil(lambda: "layers" in tour.done, timeout=3_000)
    qtbot.wait(2 * tour_module.TICK_MS)
    assert tour.card.geometry() == before and "Done" in tour.card.task.text()
    assert tour.card.next_button.isVisible() and tour.card.task.geometry().bottom() < \
        tour.card.next_button.geometry().top()


def test_the_card_may_cover_a_large_view_s_edge_but_not_a_small_one_s():
    """16 px of the graph's edge are blank, but the 14 px under the ten bars are their digits: a card that would
    cover them goes elsewhere."""
    area, size = QRect(0, 19, 1280, 720), (420, 248)
    first = (MARGIN, area.bottom() - size[1] - MARGIN)
    graph = QRect(368, 23, 572, first[1] + 12 - 23)  # its bottom 12 px under the card
    assert tour_module.place_card(size, [graph], area) == first, "over the graph's blank edge: the first place"
    bars = QRect(9, first[1] + 14 - 109, 340, 109)  # its bottom 14 px (the digits) under that card
    x, y = tour_module.place_card(size, [bars], area)
    assert not QRect(x, y, *size).intersects(bars)


def test_leave_takes_away_the_weights_the_tour_s_visit_to_gradient_descent_marked(window, qtbot):
    """The learning-rate step opens Gradient descent, which maps (and marks thick on the graph) the two steepest
    weights; after Leave the graph marks none again, as before the tour."""
    w = window
    assert w.network_view.chosen == []
    tour = start_from_help(w, qtbot)
    while tour.step().key != "learning-rate":
        click(qtbot, tour.card.next_button)
    qtbot.waitUntil(lambda: len(w.network_view.chosen) == 2, timeout=10_000)
    click(qtbot, tour.card.leave_button)
    qtbot.wait(300)  # frames after Leave: the closed tab chooses nothing again
    assert w.network_view.chosen == [] and "thick edges" not in w.network_view.legend.text()
