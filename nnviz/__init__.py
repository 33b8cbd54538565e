"""nnviz: watch a neural network learn to read handwritten digits."""

__version__ = "0.1.0"
