"""The vocabulary of an MNIST network: its shape's description and the 784-in, 10-out rule (no Qt)."""

from __future__ import annotations

INPUTS, OUTPUTS = 784, 10  # 28×28 pixels in, one neuron per digit out


def describe(sizes) -> str:
    """``(784, 16, 16, 10)`` → ``"784-16-16-10"``."""
    return "-".join(str(int(n)) for n in sizes)


def mnist_problem(sizes) -> str | None:
    """None if a network of these layer sizes can read MNIST, else the sentence that says why not."""
    sizes = tuple(int(n) for n in sizes)
    if len(sizes) < 2 or sizes[0] != INPUTS or sizes[-1] != OUTPUTS:
        return f"nnviz needs {INPUTS} inputs (28×28 pixels) and {OUTPUTS} outputs (one per digit)."
    return None


def is_mnist_shaped(sizes) -> bool:
    """True if the network takes 784 pixels and answers with 10 digits."""
    return mnist_problem(sizes) is None
