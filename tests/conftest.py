"""Shared test set-up: Qt without a screen, and the real data in ../shared/data (skipped, with a reason, if absent)."""

import os
from pathlib import Path

# Before anything imports Qt: no display on CI machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = Path(os.environ.get("NNVIZ_TEST_DATA", ROOT.parent / "shared" / "data"))
MNIST_NPZ = DATA_DIR / "mnist.npz"
PENDIGITS = DATA_DIR / "pendigits" / "pendigits-orig.tra"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own empty nnviz cache and data folder (my digits) and no NNVIZ_DATA, so the user's
    files are never touched."""
    monkeypatch.setenv("NNVIZ_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path_factory.mktemp("user-data")))
    monkeypatch.delenv("NNVIZ_DATA", raising=False)


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    """Path of the real MNIST (Keras npz); skips when the shared data folder is absent (a fresh clone)."""
    if not MNIST_NPZ.is_file():
        reason = f"real MNIST not found at {MNIST_NPZ} (set NNVIZ_TEST_DATA to the shared data folder)"
        if os.environ.get("NNVIZ_REQUIRE_DATA"):
            pytest.fail(reason)  # CI must run these tests, never skip them
        pytest.skip(reason)
    return MNIST_NPZ


@pytest.fixture(scope="session")
def mnist(mnist_path):
    """The real MNIST, loaded once per session."""
    from nnviz.core.data import load_npz

    return load_npz(mnist_path)


@pytest.fixture
def rng():
    """A seeded generator: tests are reproducible."""
    return np.random.default_rng(1234)


@pytest.fixture(scope="session")
def pen_digits_path() -> Path:
    """Path of the UCI pen digits (pendigits-orig.tra); skips when the shared data folder is absent."""
    if not PENDIGITS.is_file():
        reason = f"pen digits not found at {PENDIGITS} (set NNVIZ_TEST_DATA to the shared data folder)"
        if os.environ.get("NNVIZ_REQUIRE_DATA"):
            pytest.fail(reason)
        pytest.skip(reason)
    return PENDIGITS
