"""MNIST-style normalisation of drawings: 20×20 box, aspect ratio kept, centre of mass centred."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.core.drawing import center_of_mass, downsample, ink_bounds, normalize, resample


def blob(shape=(280, 280), top=30, left=200, h=60, w=30):
    img = np.zeros(shape)
    img[top : top + h, left : left + w] = 1.0
    return img


def test_resample_is_an_exact_area_average(rng):
    """Integer factors give block means; fractional ones match a brute-force 100× supersampled area average."""
    img = np.arange(36, dtype=float).reshape(6, 6)
    np.testing.assert_allclose(resample(img, 3, 3), img.reshape(3, 2, 3, 2).mean(axis=(1, 3)))
    img = rng.random((7, 5))
    fine = np.repeat(np.repeat(img, 60, axis=0), 60, axis=1)  # 420 × 300: divisible by 3 and 4 below
    np.testing.assert_allclose(resample(img, 3, 4), fine.reshape(3, 140, 4, 75).mean(axis=(1, 3)), atol=1e-12)
    assert resample(img, 3, 4).sum() * (7 * 5) / 12 == pytest.approx(img.sum())  # mass is kept


def test_small_off_centre_drawing_becomes_a_centred_20_pixel_digit():
    """A small stroke in a corner ends up 20 pixels tall, aspect kept, centre of mass at the field's centre."""
    out = normalize(blob())
    top, bottom, left, right = ink_bounds(out, 0.01)
    assert bottom - top == 20 and right - left == 10
    r, c = center_of_mass(out)
    assert abs(r - 14) <= 0.5 and abs(c - 14) <= 0.5
    assert out.dtype == np.float32 and out.max() <= 1.0


def test_wide_drawing_fits_the_box_by_its_width():
    """The longer side decides the scale: a wide shape becomes 20 wide."""
    out = normalize(blob(top=100, left=20, h=40, w=200))
    top, bottom, left, right = ink_bounds(out, 0.01)
    assert right - left == 20 and bottom - top == 4


def test_blank_stays_blank():
    """No ink, no digit: a blank drawing gives zeros, not a crash."""
    assert not normalize(np.zeros((280, 280))).any()


def test_mnist_digits_are_nearly_fixed_points(mnist):
    """MNIST digits were made this way, so normalising one gives it back (checks the box and the centring rule)."""
    x = mnist.x_test[:500].astype(float) / 255
    diffs = np.array([np.abs(normalize(img) - img).sum() / img.sum() for img in x])
    assert np.mean(diffs < 0.01) >= 0.95


@settings(max_examples=30, deadline=None)
@given(top=st.integers(0, 200), left=st.integers(0, 200), h=st.integers(3, 80), w=st.integers(3, 80))
def test_normalize_is_shift_and_scale_invariant(top, left, h, w):
    """Where and how big a shape is drawn does not change what the network sees (up to resampling, and up to
    one pixel where the centre of mass sits on a half pixel and rounding may go either way)."""
    ref = normalize(blob(top=50, left=50, h=h * 2, w=w * 2, shape=(400, 400)))
    out = normalize(blob(top=top, left=left, h=h, w=w))
    best = min(np.abs(np.roll(out, (dr, dc), axis=(0, 1)) - ref).sum() for dr in (-1, 0, 1) for dc in (-1, 0, 1))
    assert best <= 0.15 * ref.sum() + 4


def test_downsample_keeps_position():
    """The raw mode only averages: a blob in the corner stays in the corner."""
    out = downsample(blob())
    assert out[3:9, 20:23].min() == pytest.approx(1.0) and out[14:, :].max() == 0
