"""Activations and costs: each derivative agrees with a finite difference of its own forward function."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnviz.core.functions import ACTIVATIONS, COSTS, OUTPUTS, Sigmoid, Softmax

ALL = {**ACTIVATIONS, **OUTPUTS}
finite_z = arrays(np.float64, (3, 4), elements=st.floats(-6, 6))


@pytest.mark.parametrize("name", sorted(ALL))
@settings(max_examples=40, deadline=None)
@given(z=finite_z, g=arrays(np.float64, (3, 4), elements=st.floats(-2, 2)))
def test_backward_matches_finite_difference(name, z, g):
    """backward(z, a, g) is the vector-Jacobian product of forward, for every activation."""
    f = ALL[name]
    if name == "relu":
        z = np.where(np.abs(z) < 1e-3, 0.5, z)  # ReLU has no derivative at 0
    a = f.forward(z.copy())
    eps = 1e-6
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += eps
        zm[idx] -= eps
        numeric[idx] = ((f.forward(zp) - f.forward(zm)) * g).sum() / (2 * eps)
    np.testing.assert_allclose(f.backward(z, a, g), numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_slope_from_output_equals_derivative(name):
    """The hot path's f'(z) computed from a = f(z) equals backward with a unit gradient."""
    f = ACTIVATIONS[name]
    z = np.linspace(-5, 5, 41).reshape(1, -1) + 0.01
    a = f.forward(z.copy())
    np.testing.assert_allclose(f.slope_from_output(a, np.empty_like(a)), f.backward(z, a, np.ones_like(z)), atol=1e-12)


def test_sigmoid_and_softmax_survive_huge_inputs():
    """Huge weighted sums saturate instead of overflowing to NaN (a diverging run must stay readable)."""
    z = np.array([[1e30, -1e30, 0.0]], np.float32)
    with np.errstate(over="raise", invalid="raise"):
        np.testing.assert_allclose(Sigmoid().forward(z), [[1.0, 0.0, 0.5]])
        s = Softmax().forward(z)
    np.testing.assert_allclose(s, [[1.0, 0.0, 0.0]])


@pytest.mark.parametrize("cost_name", sorted(COSTS))
@pytest.mark.parametrize("output_name", sorted(OUTPUTS))
def test_cost_gradient_and_fused_forms(cost_name, output_name, rng):
    """grad_a, output_delta and mean_and_delta agree with finite differences of the cost itself."""
    cost, out = COSTS[cost_name], OUTPUTS[output_name]
    z = rng.normal(size=(5, 10))
    y = np.eye(10)[rng.integers(0, 10, 5)]
    a = out.forward(z.copy())
    eps = 1e-6
    num_dz = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += eps
        zm[idx] -= eps
        num_dz[idx] = (cost.per_example(out.forward(zp), y, out) - cost.per_example(out.forward(zm), y, out)).sum() / (2 * eps)
    np.testing.assert_allclose(cost.output_delta(out, z, a, y), num_dz, rtol=1e-5, atol=1e-7)
    mean, delta = cost.mean_and_delta(out, z, a.copy(), y)
    assert mean == pytest.approx(cost.per_example(a, y, out).mean(), rel=1e-9)
    np.testing.assert_allclose(delta, num_dz, rtol=1e-5, atol=1e-7)


def test_quadratic_cost_uses_one_half():
    """The documented constant: C_x = ½ Σ (a − y)²."""
    a = np.array([[0.5, 0.0]])
    y = np.array([[1.0, 0.0]])
    assert COSTS["quadratic"].per_example(a, y, Sigmoid())[0] == pytest.approx(0.125)


def test_cross_entropy_after_softmax_is_log_likelihood():
    """After softmax the cost is −ln(probability of the true digit)."""
    a = np.array([[0.25, 0.75]])
    y = np.array([[0.0, 1.0]])
    assert COSTS["cross-entropy"].per_example(a, y, Softmax())[0] == pytest.approx(-np.log(0.75))
