"""What the network learned: the confusion matrix, per-digit accuracy, every example's cost and the cells' images,
checked against plain independent computations."""

import json
from pathlib import Path

import numpy as np
import pytest

from nnviz.core.functions import ACTIVATIONS, COSTS, OUTPUTS
from nnviz.core.insight import LabelledImages, compute_insight, confusion_csv, confusion_report
from nnviz.core.model_io import load_model
from nnviz.core.network import Network

ROOT_MODEL = Path(__file__).resolve().parents[2] / "resources" / "example-model.npz"


def plain_outputs(model_path, images_uint8):
    """Output activations computed from the model file's raw arrays in float64, one example at a time.

    Independent of ``Network``: reads the npz members itself and squishes with textbook formulas.
    """
    with np.load(model_path, allow_pickle=False) as f:
        config = json.loads(str(f["config"]))
        sizes, params = f["sizes"].tolist(), f["params"].astype(np.float64)
    squish = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
              "softmax": lambda z: np.exp(z - z.max()) / np.exp(z - z.max()).sum()}
    layers, offset = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        block = params[offset : offset + n_out * (n_in + 1)].reshape(n_out, n_in + 1)
        layers.append((block[:, :-1], block[:, -1]))
        offset += block.size
    out = []
    for image in images_uint8:
        a = image.reshape(-1) / 255.0
        for l, (w, b) in enumerate(layers):
            a = squish[config["output"] if l == len(layers) - 1 else config["activation"]](w @ a + b)
        out.append(a)
    return np.array(out)


def plain_confusion(outputs, labels):
    """Counts of (true digit, answer) with np.add.at."""
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (np.asarray(labels, np.intp), outputs.argmax(axis=1)), 1)
    return confusion


def random_case(rng, n=500, **kw):
    net = Network((784, 12, 10), seed=3, **kw)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    return net, images, labels


def test_confusion_equals_an_independent_count_on_real_mnist(mnist):
    """The example model's confusion matrix on the 10,000 test digits equals a plain float64 loop + np.add.at,
    cell for cell; accuracy is the trace / 10,000 and agrees with Network.accuracy."""
    net = load_model(ROOT_MODEL)
    data = LabelledImages.of(mnist.x_test, mnist.y_test)
    ins = compute_insight(net, data)
    expected = plain_confusion(plain_outputs(ROOT_MODEL, mnist.x_test), mnist.y_test)
    np.testing.assert_array_equal(ins.confusion, expected)
    assert ins.confusion.sum() == 10_000
    assert ins.accuracy == np.trace(expected) / 10_000 == net.accuracy(data.inputs, mnist.y_test)
    assert ins.accuracy > 0.9


def test_recall_precision_and_confused_pairs(rng):
    """Recall = diagonal / row total, precision = diagonal / column total; the confused pairs are the largest
    off-diagonal cells, largest first, each with its share of the true digit."""
    net, images, labels = random_case(rng)
    ins = compute_insight(net, LabelledImages.of(images, labels))
    c = ins.confusion
    for d in range(10):
        assert ins.recall[d] == pytest.approx(c[d, d] / c[d].sum())
        if c[:, d].sum():
            assert ins.precision[d] == pytest.approx(c[d, d] / c[:, d].sum())
    np.testing.assert_allclose(ins.row_normalised().sum(axis=1)[c.sum(axis=1) > 0], 1.0)
    pairs = ins.confused_pairs(5)
    off = c.copy()
    np.fill_diagonal(off, 0)
    assert [p.count for p in pairs] == sorted(off.ravel())[::-1][: len(pairs)]
    assert all(p.true != p.answer and c[p.true, p.answer] == p.count for p in pairs)
    assert pairs[0].share == pytest.approx(pairs[0].count / c[pairs[0].true].sum())
    assert pairs[0].sentence() == f"{pairs[0].true} read as {pairs[0].answer}: {pairs[0].count} times"


@pytest.mark.parametrize("activation,output,cost", [("sigmoid", "sigmoid", "quadratic"),
                                                    ("relu", "softmax", "cross-entropy"),
                                                    ("tanh", "sigmoid", "cross-entropy")])
def test_mean_of_the_examples_costs_is_the_networks_cost(activation, output, cost, rng):
    """Every example's cost uses the network's own cost function: their mean equals backprop's cost on the same
    images (the number the cost plot shows for a mini-batch), and each equals the cost of that image alone."""
    assert activation in ACTIVATIONS and output in OUTPUTS and cost in COSTS
    net, images, labels = random_case(rng, activation=activation, output=output, cost=cost, init="scaled")
    data = LabelledImages.of(images, labels)
    ins = compute_insight(net, data)
    assert ins.cost == pytest.approx(net.backprop(data.inputs, data.targets).cost, rel=1e-5)
    assert ins.costs[7] == pytest.approx(net.backprop(data.inputs[7:8], data.targets[7:8]).cost, rel=1e-5)


def test_cells_hold_their_images_most_confident_first(rng):
    """cell(t, a) lists exactly the images of t answered a, sorted by the answer's activation, highest first;
    together the cells hold every image once."""
    net, images, labels = random_case(rng, n=800)
    ins = compute_insight(net, LabelledImages.of(images, labels))
    outputs = net.predict(images.reshape(len(images), -1) / 255.0)
    seen = []
    for t in range(10):
        for a in range(10):
            idx = ins.cell(t, a)
            assert len(idx) == ins.confusion[t, a]
            assert np.all(labels[idx] == t) and np.all(outputs[idx].argmax(axis=1) == a)
            conf = outputs[idx, a]
            assert np.all(np.diff(conf) <= 1e-7)
            seen.extend(idx.tolist())
    assert sorted(seen) == list(range(800))


def test_hardest_examples_are_the_highest_costs(rng):
    """hardest(k) returns the k largest per-example costs, in decreasing order."""
    net, images, labels = random_case(rng)
    ins = compute_insight(net, LabelledImages.of(images, labels))
    top = ins.hardest(20)
    np.testing.assert_array_equal(ins.costs[top], np.sort(ins.costs)[::-1][:20])
    assert len(ins.hardest(10_000)) == len(labels) and len(ins.hardest(0)) == 0


def test_float_inputs_and_bad_labels(rng):
    """Float (n, 784) inputs give the same insight as the uint8 images; impossible labels are refused."""
    net, images, labels = random_case(rng, n=100)
    a = compute_insight(net, LabelledImages.of(images, labels))
    b = compute_insight(net, LabelledImages.of(images.reshape(100, -1) / 255.0, labels))
    np.testing.assert_array_equal(a.confusion, b.confusion)
    np.testing.assert_allclose(a.costs, b.costs, rtol=1e-5)
    with pytest.raises(ValueError, match="digits 0"):
        LabelledImages.of(images, np.full(100, 12))
    with pytest.raises(ValueError, match="labels"):
        LabelledImages.of(images, labels[:50])


def test_csv_and_report():
    """The CSV has a header of answers and one row per true digit; the report names the confused pairs."""
    c = np.arange(100).reshape(10, 10)
    lines = confusion_csv(c).splitlines()
    assert lines[0] == "true \\ answer,0,1,2,3,4,5,6,7,8,9"
    assert lines[5] == "4," + ",".join(str(v) for v in range(40, 50))
    assert confusion_csv(np.eye(10) * 0.5).splitlines()[1].startswith("0,0.5,0,")
    labels = np.repeat(np.arange(10), 10)
    outputs = np.eye(10, dtype=np.float32)[labels]
    outputs[:3] = np.eye(10, dtype=np.float32)[9]  # three 0s read as 9
    net = Network((10, 10), seed=0)
    net.weights[0][...] = np.eye(10) * 20
    net.biases[0][...] = -10
    ins = compute_insight(net, LabelledImages.of(outputs, labels))
    text = confusion_report(ins)
    assert "0 read as 9: 3 times (30.0 % of the 0s)" in text and "70.00 %" in text
