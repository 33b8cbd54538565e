"""One vocabulary for the MNIST network: the same rules and sentences for the command line, the form, the trainer
and model files."""

import pytest

from nnviz.core import architecture as arch
from nnviz.core.architecture import ArchitectureError


@pytest.mark.parametrize("text,hidden", [("16,16", (16, 16)), (" 30 ", (30,)), ("16, 16, 8", (16, 16, 8)),
                                         (f"{arch.MAX_HIDDEN_NEURONS}", (arch.MAX_HIDDEN_NEURONS,)),
                                         ("256,256", (256, 256)), ("128,128,128", (128, 128, 128))])
def test_hidden_layers_parse(text, hidden):
    """Sizes separated by commas (spaces allowed) read as the hidden layers."""
    assert arch.parse_hidden(text) == hidden
    assert arch.mnist_sizes(hidden) == (784, *hidden, 10)


@pytest.mark.parametrize("text,pattern", [
    ("", "empty"),
    ("   ", "empty"),
    ("16,,16", "empty place between commas"),
    ("16,", "empty place between commas"),
    ("16,x", "whole numbers"),
    ("16.5", "whole numbers"),
    ("16,0", "at least 1 neuron"),
    ("-3", "at least 1 neuron"),
    (f"{arch.MAX_HIDDEN_NEURONS + 1}", f"more than the {arch.MAX_HIDDEN_NEURONS}"),
    ("300,300", "600 hidden neurons"),
    ("4096,4096,4096", "12,288 hidden neurons"),
    (",".join(["8"] * (arch.MAX_HIDDEN_LAYERS + 1)), f"more than the {arch.MAX_HIDDEN_LAYERS}"),
])
def test_bad_hidden_layers_are_refused_with_a_sentence(text, pattern):
    """`16,,16`, an empty field, zeros, words and sizes beyond the measured limit are refused, never reinterpreted
    (the empty field used to build 784-10 silently)."""
    with pytest.raises(ArchitectureError, match=pattern):
        arch.parse_hidden(text)


def test_describe_and_hidden_text_round_trip():
    """`784-16-16-10` and `16,16` are written one way everywhere."""
    assert arch.describe((784, 16, 16, 10)) == "784-16-16-10"
    assert arch.hidden_text((784, 16, 16, 10)) == "16,16"
    assert arch.parse_hidden(arch.hidden_text((784, 30, 10))) == (30,)


def test_mnist_check():
    """A network for MNIST has 784 inputs and 10 outputs and at most MAX_PARAMETERS parameters; a model with a wider
    layer than the form allows (but within that) still passes, so that it can be opened."""
    assert arch.check_mnist([784, 16, 16, 10]) == (784, 16, 16, 10)
    assert arch.check_mnist((784, 1000, 10)) == (784, 1000, 10)
    with pytest.raises(ArchitectureError, match="needs 784 inputs"):
        arch.check_mnist((100, 5, 10))
    with pytest.raises(ArchitectureError, match="10 outputs"):
        arch.check_mnist((784, 5, 3))
    with pytest.raises(ArchitectureError, match="more than nnviz reads"):
        arch.check_mnist((784, 10**6, 10))
    with pytest.raises(ArchitectureError, match="positive"):
        arch.check_mnist((784, 0, 10))


def test_parameter_count_matches_the_network():
    """The count used to check files before building a network is the network's own."""
    from nnviz.core.network import Network

    for sizes in [(784, 16, 16, 10), (784, 30, 10)]:
        assert arch.parameter_count(sizes) == Network(sizes).params.size
    assert arch.MAX_PARAMETERS >= arch.parameter_count((784, arch.MAX_HIDDEN_NEURONS, 10))  # the form's largest opens


def test_beyond_live_limit_says_why():
    """A network from a file larger than the views keep up with gets a sentence (for the window's warning)."""
    assert arch.beyond_live_limit((784, 16, 16, 10)) is None
    assert "784-1024-10 network is larger than nnviz draws smoothly" in arch.beyond_live_limit((784, 1024, 10))
