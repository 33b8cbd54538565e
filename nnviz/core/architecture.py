"""The MNIST network's shape in one place: 784 inputs, 10 outputs, the hidden layers between, and their limits.

The command line, the form in the window, the trainer and the model files all check a network's shape here, so
that they accept the same networks and say the same sentence about the ones they refuse.

The limits come from a measurement (``benchmarks/bench_limits.py``): the largest networks whose every live view
(the graph at its default K, the weight images) still repaints within about one 16 ms frame at p95. The graph
is the slowest view; its cost grows with the hidden neurons and with the layers: 784-512-10, 784-256-256-10 and
784-128-128-128-10 sit at the edge of the budget (14-18 ms of CPU per frame, p95), 784-1024-10, 784-512-512-10 and
784-128-128-128-128-10 past it (18-22 ms), 784-2048-10 far past it (29 ms); the explanation's 784-16-16-10 takes
7-9 ms. A model file may hold a network up to :data:`MAX_PARAMETERS` (a margin
above the form's largest, so that models saved with larger layers still open), which bounds what reading one can
allocate.
"""

from __future__ import annotations

from collections.abc import Sequence

INPUTS = 28 * 28  #: one input neuron per pixel
OUTPUTS = 10  #: one output neuron per digit
MAX_HIDDEN_NEURONS = 512  #: hidden neurons in all (and so in any one layer)
MAX_HIDDEN_LAYERS = 3  #: hidden layers
EXAMPLE = "16,16"  #: how the hidden layers are written (the explanation's network)


class ArchitectureError(ValueError):
    """A network shape nnviz does not train or show; the message says what is allowed."""


def parameter_count(sizes: Sequence[int]) -> int:
    """Weights and biases of a fully connected network of ``sizes``: Σ (n_in + 1) · n_out."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


#: the largest network the form and the command line accept has 407,050 parameters (784-512-10); a model file may
#: hold four times that (784-2048-10 still opens), and no more
MAX_PARAMETERS = 4 * parameter_count((INPUTS, MAX_HIDDEN_NEURONS, OUTPUTS))


def describe(sizes: Sequence[int]) -> str:
    """A network's shape as people write it: ``784-16-16-10``."""
    return "-".join(str(int(n)) for n in sizes)


def hidden_text(sizes: Sequence[int]) -> str:
    """The hidden layers of ``sizes`` as the form and ``--layers`` write them: ``16,16``."""
    return ",".join(str(int(n)) for n in sizes[1:-1])


def check_hidden(hidden: Sequence[int]) -> tuple[int, ...]:
    """``hidden`` as a tuple if it is 1…MAX_HIDDEN_LAYERS layers of at least 1 neuron, MAX_HIDDEN_NEURONS in all;
    else ArchitectureError."""
    hidden = tuple(int(n) for n in hidden)
    if not hidden:
        raise ArchitectureError(f"give at least one hidden layer, like {EXAMPLE}")
    if len(hidden) > MAX_HIDDEN_LAYERS:
        raise ArchitectureError(f"{len(hidden)} hidden layers is more than the {MAX_HIDDEN_LAYERS} nnviz can show "
                                "live")
    if any(n < 1 for n in hidden):
        raise ArchitectureError(f"every hidden layer needs at least 1 neuron ({hidden_text((0, *hidden, 0))} has "
                                f"{min(hidden)})")
    if sum(hidden) > MAX_HIDDEN_NEURONS:
        raise ArchitectureError(f"{sum(hidden):,} hidden neurons is more than the {MAX_HIDDEN_NEURONS} nnviz can show "
                                "live (in all hidden layers together)")
    return hidden


def beyond_live_limit(sizes: Sequence[int]) -> str | None:
    """Why a network (say, from a model file) is larger than the views are measured to keep up with, or None."""
    try:
        check_hidden(tuple(sizes)[1:-1])
    except ArchitectureError as e:
        return f"this {describe(sizes)} network is larger than nnviz draws smoothly: {e}"
    return None


def parse_hidden(text: str) -> tuple[int, ...]:
    """The hidden layers written in ``text`` (``"16, 16"`` → ``(16, 16)``), checked by :func:`check_hidden`.

    The same rules for the command line's ``--layers`` and the window's form: whole numbers separated by single
    commas (``16,,16`` and an empty field are refused, not read as something else).
    """
    parts = text.replace(" ", "").split(",")
    if parts == [""]:
        raise ArchitectureError(f"the hidden layers are empty; give their sizes separated by commas, like {EXAMPLE}")
    if "" in parts:
        raise ArchitectureError(f"the hidden layers “{text}” have an empty place between commas; write sizes "
                                f"separated by single commas, like {EXAMPLE}")
    try:
        hidden = tuple(int(p) for p in parts)
    except ValueError:
        raise ArchitectureError(f"the hidden layers must be whole numbers separated by commas, like {EXAMPLE}, "
                                f"not “{text}”") from None
    return check_hidden(hidden)


def mnist_sizes(hidden: Sequence[int]) -> tuple[int, ...]:
    """The whole network for these hidden layers: ``(784, *hidden, 10)``, checked by :func:`check_hidden`."""
    return (INPUTS, *check_hidden(hidden), OUTPUTS)


def check_mnist(sizes: Sequence[int]) -> tuple[int, ...]:
    """``sizes`` as a tuple if it is a network that can read MNIST digits and that nnviz can hold; else an error.

    784 inputs and 10 outputs, positive layers, at most :data:`MAX_PARAMETERS` weights and biases. (Wider than the
    form's rule, :func:`check_hidden`, so that a model saved with larger layers still opens.)
    """
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        raise ArchitectureError(f"layer sizes {list(sizes)} are not a list of positive whole numbers")
    if sizes[0] != INPUTS or sizes[-1] != OUTPUTS:
        raise ArchitectureError(f"a {describe(sizes)} network cannot read MNIST digits: it needs {INPUTS} inputs "
                                f"(one per pixel) and {OUTPUTS} outputs (one per digit)")
    if parameter_count(sizes) > MAX_PARAMETERS:
        raise ArchitectureError(f"a {describe(sizes)} network has {parameter_count(sizes):,} weights and biases, "
                                f"more than nnviz reads ({MAX_PARAMETERS:,})")
    return sizes
