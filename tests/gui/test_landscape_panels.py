"""The panels: fed a network every frame, they ask the background for what their visible views need, and show it."""

import numpy as np
import pytest

from nnviz.core.background import LatestJobs, Recompute
from nnviz.core.landscape import Sample, network_cost, parameter_index
from nnviz.core.model_io import load_model
from nnviz.gui.dreams_panel import DreamsPanel
from nnviz.gui.landscape_panel import LandscapePanel


@pytest.fixture
def jobs():
    """Background jobs in threads (a spawned process per test would only add start-up time)."""
    j = LatestJobs(processes=False)
    yield j
    j.close()


@pytest.fixture
def sample():
    rng = np.random.default_rng(2)
    return Sample.from_images(rng.integers(0, 256, (200, 28, 28)).astype(np.uint8), rng.integers(0, 10, 200))


@pytest.fixture
def example():
    return load_model("resources/example-model.npz")


def test_landscape_panel_fills_its_views(qtbot, shown, jobs, sample, example):
    """With a network and a sample, the step plot, the two-weight map (the steepest pair) and, on its tab, the whole
    surface arrive from the background; their numbers are the network's cost."""
    panel = shown(LandscapePanel(jobs), 700, 800)
    panel.show_network(example, 3.0, sample)
    qtbot.waitUntil(lambda: panel.step_view.cut is not None and panel.two_view.surface is not None, timeout=20_000)
    assert panel.step_view.cut.cost_now == pytest.approx(network_cost(example, sample), rel=1e-5)
    two = panel.two_view.surface
    assert two.costs[20, 20] == pytest.approx(network_cost(example, sample), rel=1e-5)
    assert panel.surface_view.surface is None  # its tab is hidden: nothing computed for it
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.surface_view.surface is not None, timeout=20_000)
    assert panel.surface_view.surface.kind == "random"  # nothing recorded yet: no path to follow
    assert "No path" in panel.plane_note.text()
    panel.shutdown()


def test_path_plane_with_a_given_trajectory(qtbot, shown, jobs, sample, example):
    """Given a trajectory, the whole-network surface is drawn on the path's plane, with the path on it, ending at the
    network shown (the current point, after the last checkpoint)."""
    panel = shown(LandscapePanel(jobs), 700, 800)
    panel.tabs.setCurrentIndex(1)
    rng = np.random.default_rng(0)
    trajectory = example.params + np.outer(np.linspace(1, 0, 5), rng.standard_normal(example.params.size) * 0.1)
    trajectory = trajectory + rng.standard_normal(trajectory.shape) * 0.01
    panel.show_network(example, 3.0, sample, trajectory, np.arange(5) * 100)
    qtbot.waitUntil(lambda: panel.surface_view.surface is not None, timeout=20_000)
    surface = panel.surface_view.surface
    assert surface.kind == "path" and len(surface.path) == 6 and list(surface.steps) == [0, 100, 200, 300, 400, 401]
    np.testing.assert_allclose(surface.path[-1], (0.0, 0.0), atol=1e-6)
    panel.shutdown()


def test_the_path_source_is_asked_when_the_surface_is_computed(qtbot, shown, jobs, sample, example):
    """Shown a network once (a paused window sends no more frames), the whole-network tab opened later still lies on
    the run's path: the panel asks its path source then, and a longer path brings a new surface."""
    panel = shown(LandscapePanel(jobs), 700, 800)
    rng = np.random.default_rng(0)
    direction = rng.standard_normal(example.params.size).astype(np.float32) * 0.1
    path = [example.params + np.outer(np.linspace(1, 0.2, 4), direction), np.arange(4) * 10]
    panel.path_source = lambda: tuple(path)
    panel.schedule["surface"] = Recompute("surface", 0.0, duty=1.0)  # no pause between two surfaces
    panel.show_network(example, 3.0, sample, step=50)
    panel.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: panel.surface_view.surface is not None, timeout=20_000)
    surface = panel.surface_view.surface
    assert surface.kind == "path" and list(surface.steps) == [0, 10, 20, 30, 50]
    path[0] = np.vstack([path[0], example.params + 0.1 * direction])
    path[1] = np.arange(5) * 10  # the same weights: only the path is new
    qtbot.waitUntil(lambda: len(panel.surface_view.surface.steps) == 6, timeout=20_000)
    panel.shutdown()


def test_unchanged_weights_ask_for_nothing_new(qtbot, shown, jobs, sample, example):
    """Shown the same network again and again, the panel computes each picture once; new weights bring a new one."""
    panel = shown(LandscapePanel(jobs), 700, 800)
    panel.show_network(example, 3.0, sample)
    qtbot.waitUntil(lambda: panel.step_view.cut is not None, timeout=20_000)
    first = panel.step_view.cut
    for _ in range(5):
        panel.show_network(example, 3.0)
        qtbot.wait(150)
    assert panel.step_view.cut is first and not jobs.busy("slice")
    moved = example.copy()
    moved.params[:] += 0.01
    panel.schedule["slice"].now()  # skip the pause between two computations
    panel.show_network(moved, 3.0)
    qtbot.waitUntil(lambda: panel.step_view.cut is not first, timeout=20_000)
    assert panel.step_view.cut.cost_now == pytest.approx(network_cost(moved, sample), rel=1e-5)
    panel.shutdown()


def test_two_picked_weights_are_mapped(qtbot, shown, jobs, sample, example):
    """Picking two weights (as clicks on edges would) maps exactly those two; a third pick replaces the older one;
    a weight that does not exist is refused in words."""
    panel = shown(LandscapePanel(jobs), 700, 800)
    panel.show_network(example, 3.0, sample)
    panel.choose_weight(1, 3, 400)
    panel.choose_weight(2, 5, 16)
    assert panel.pair == ((1, 3, 400), (2, 5, 16))
    panel.choose_weight(3, 0, 2)
    assert panel.pair == ((2, 5, 16), (3, 0, 2))
    qtbot.waitUntil(lambda: panel.two_view.surface is not None and panel.two_view.weights is not None
                    and panel.two_view.weights.indices == (parameter_index(example, 2, 5, 16),
                                                           parameter_index(example, 3, 0, 2)), timeout=20_000)
    assert "bias of neuron 5 in layer 2" in panel.two_view.plot.getAxis("bottom").labelText
    panel.choose_weights((1, 16, 0), (1, 0, 0))
    assert "layer 1" in panel.two_view.message.toPlainText() and panel.pair == ((2, 5, 16), (3, 0, 2))
    panel.shutdown()


def test_mapped_weights_are_put_back_as_they_were(qtbot, shown, jobs, sample, example):
    """What was mapped comes back with map_again: two weights picked by hand, or none (then nothing is marked);
    each time the marks and the sentence say so."""
    panel = shown(LandscapePanel(jobs), 700, 800)
    marks = []
    panel.marked.connect(marks.append)
    before = panel.mapped_weights()  # nothing shown yet: nothing mapped
    panel.show_network(example, 3.0, sample)  # maps the steepest two
    assert panel.pair is not None
    panel.map_again(before)
    assert panel.pair is None and marks[-1] == []
    panel.choose_weight(1, 3, 400)
    panel.choose_weight(2, 5, 16)
    panel.choose_weight(3, 0, 2)
    chosen = panel.mapped_weights()
    panel.choose_steepest()
    panel.map_again(chosen)
    assert panel.pair == ((2, 5, 16), (3, 0, 2)) and marks[-1] == list(panel.pair)
    assert "(chosen)" in panel.choice.text()
    panel.shutdown()


def test_dreams_panel_dreams_and_follows_a_chosen_neuron(qtbot, shown, jobs, example):
    """The ten dreams arrive and are read as their digits; choosing a hidden neuron shows that neuron's dream."""
    panel = shown(DreamsPanel(jobs), 700, 600)
    panel.show_network(example)
    qtbot.waitUntil(lambda: len(panel.digits_view.dreams) == 10, timeout=20_000)
    assert [int(np.argmax(d.outputs)) for d in panel.digits_view.dreams] == list(range(10))
    panel.choose_neuron(2, 7)
    assert (panel.layer.value(), panel.unit.value()) == (2, 7)
    qtbot.waitUntil(lambda: panel.neuron_view.dream is not None and panel.neuron_view.dream.unit == 7
                    and panel.neuron_view.dream.layer == 2, timeout=20_000)
    panel.choose_neuron(3, 0)  # an output neuron is not a hidden one: ignored
    assert panel.layer.value() == 2
    panel.shutdown()
