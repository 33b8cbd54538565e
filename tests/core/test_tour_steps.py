"""The guided tour's content: every idea of the explanation, in its order, each step complete (no Qt)."""

import re

import numpy as np
import pytest

from nnviz.core import tour_steps as ts
from nnviz.core.model_io import read_model
from nnviz.core.network import Network
from nnviz.core.run import EXAMPLE_MODEL

IDEAS = ("neuron", "layer", "weight", "weighted sum", "bias", "squishification", "sigmoid", "cost",
         "gradient descent", "backpropagation", "random labels", "noise")
VIEWS = {"graph", "draw", "bars", "weights", "cost", "training", "backprop", "landscape", "insight", "inspector"}


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).lower()


def test_at_least_ten_steps_and_their_texts_name_every_idea():
    """The issue's check: ≥ 10 steps, and the steps' texts name every idea of the explanation."""
    assert len(ts.STEPS) >= 10
    text = " ".join(plain(f"{s.title} {s.body()} {s.task}") for s in ts.STEPS)
    missing = [idea for idea in IDEAS if idea not in text]
    assert not missing, f"no step names {missing}"


def test_the_ideas_come_in_the_explanation_s_order():
    """The step that first names each idea in bold (where it is explained) comes after the one of the idea before
    it in the explanation."""
    order = ("neuron", "layers", "weight", "weighted sum", "bias", "squishification function", "cost",
             "gradient descent", "learning rate", "backpropagation", "random labels", "noise")
    first = {}
    for i, s in enumerate(ts.STEPS):
        for idea in re.findall(r"<b>([^<]+)</b>", s.body()):
            first.setdefault(idea.lower(), i)
    at = [first[idea] for idea in order]
    assert at == sorted(at), dict(zip(order, at))


@pytest.mark.parametrize("step", ts.STEPS, ids=lambda s: s.key)
def test_every_step_is_complete(step):
    """A title, a few sentences, one thing to try and what is said once it is done; a known notice and views."""
    assert step.title and step.task and step.done and "{where}" not in step.body()
    assert 2 <= step.body().count(". ") + 1 <= 8, "a few sentences"
    assert step.notice in ts.NOTICES and step.views and set(step.views) <= VIEWS
    assert step.setup.speed in (None, 1, 2, 5, 10, 30, 100)


def test_the_keys_are_unique_and_index_of_falls_back_to_the_start():
    """Where the tour stopped is remembered by key; an unknown key (an older build's) starts at the beginning."""
    keys = [s.key for s in ts.STEPS]
    assert len(set(keys)) == len(keys)
    assert ts.index_of(keys[3]) == 3 and ts.index_of("gone") == 0 and ts.index_of(None) == 0


def test_the_inspector_steps_frame_it_set_it_up_and_listen_to_it():
    """The weighted sum, the bias and the squishification function are the Neuron inspector's: each frames it,
    brings it to the front showing a hidden neuron, says where in it to look, and notices what it inspects."""
    keys = [s.key for s in ts.STEPS if "inspector" in s.views]
    assert keys == ["weighted-sum", "bias", "squishification"]
    for s in (ts.STEPS[ts.index_of(key)] for key in keys):
        assert s.setup.dock == "inspector" and s.setup.inspect == (1, None)  # neuron_to_inspect's choice
        assert "neuron tab" in plain(s.body()) and s.where in s.body()  # as the tab is called
        assert s.notice in ("neuron inspected", "output neuron", "z moved")


def test_cost_fell_needs_a_real_fall_not_one_lucky_mini_batch():
    """Noise around a flat cost is not a fall; a falling cost is, once there are enough mini-batches."""
    rng = np.random.default_rng(0)
    flat = 0.5 + 0.05 * rng.standard_normal(200)
    assert not ts.cost_fell(flat)
    falling = np.linspace(1.2, 0.4, 40) + 0.02 * rng.standard_normal(40)
    assert ts.cost_fell(falling) and not ts.cost_fell(falling[:15])
    lucky = np.full(30, 0.5)
    lucky[-1] = 0.01
    assert not ts.cost_fell(lucky)
    assert not ts.cost_fell(np.full(30, np.nan))


def test_the_drawn_two_is_read_as_a_two_by_the_example_network():
    """Without MNIST the tour draws its own 2: MNIST-shaped, and the shipped example network reads it as 2."""
    two = ts.drawn_two()
    assert two.shape == (28, 28) and two.dtype == np.float32 and 0 <= two.min() and two.max() <= 1
    net = read_model(EXAMPLE_MODEL).network
    assert int(np.argmax(net.predict(two.reshape(1, -1))[0])) == ts.DIGIT


def test_the_neuron_shown_first_is_lit_and_free_to_move():
    """The Neuron tab opens on a neuron the 2 lights up and whose activation still follows z: on the example
    network (ReLU) the most active of its first layer; on a sigmoid network one neither near 0 nor near 1."""
    example = read_model(EXAMPLE_MODEL).network
    x = ts.drawn_two().reshape(-1)
    j = ts.neuron_to_inspect(example, x, 1)
    a = example.forward(x[None]).activations[1][0]
    assert a[j] == a.max() > 0
    sigmoid = Network((784, 16, 10), seed=3)
    a = sigmoid.forward(x[None]).activations[1][0]
    j = ts.neuron_to_inspect(sigmoid, x, 1)
    assert 0.2 < a[j] < 0.9 and a[j] == a[np.abs(a - 2 / 3).argmin()]  # σ²(1 − σ) is largest at σ = 2/3
