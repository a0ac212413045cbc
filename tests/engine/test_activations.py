"""Activations: forward values, derivatives against finite differences, softmax Jacobian."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from engine.core import activations
from engine.core.errors import ConfigurationError

SCALAR = [n for n, a in activations.ACTIVATIONS.items() if not a.is_vector]
REFERENCE = {
    "identity": lambda z: z,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "silu": lambda z: z / (1 + np.exp(-z)),
}
finite_z = arrays(np.float64, (4, 3), elements=st.floats(-8, 8))


def test_every_required_activation_is_registered():
    assert set(REFERENCE) | {"softmax"} == set(activations.ACTIVATIONS)


@pytest.mark.parametrize("name", SCALAR)
@given(z=finite_z)
def test_forward_matches_the_textbook_formula(name, z):
    np.testing.assert_allclose(activations.get(name)(z), REFERENCE[name](z), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", SCALAR)
@given(z=finite_z)
def test_derivative_matches_central_differences(name, z):
    z = np.where(np.abs(z) < 1e-3, 0.5, z)  # away from the kinks of relu / leaky_relu
    act = activations.get(name)
    h = 1e-6
    numeric = (REFERENCE[name](z + h) - REFERENCE[name](z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z, act(z)), numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", SCALAR)
def test_backward_is_derivative_times_upstream_gradient(name):
    rng = np.random.default_rng(0)
    z, dy = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))
    act = activations.get(name)
    y = act(z)
    out = np.empty_like(z)
    np.testing.assert_allclose(act.backward(z, y, dy, out), act.derivative(z, y) * dy, rtol=1e-12)


def test_relu_derivative_at_zero_is_zero_and_leaky_is_slope():
    z = np.zeros((1, 1))
    assert activations.get("relu").derivative(z, z)[0, 0] == 0.0
    assert activations.get("leaky_relu").derivative(z, z)[0, 0] == activations.LEAKY_SLOPE


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturating_activations_stay_finite_and_silent(dtype):
    z = np.array([[-1e4, -800.0, 0.0, 800.0, 1e4]], dtype=dtype)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        for name in ("sigmoid", "softplus", "silu", "elu", "tanh", "softmax"):
            y = activations.get(name)(z)
            assert np.all(np.isfinite(y)), name
    np.testing.assert_allclose(activations.get("sigmoid")(z)[0, [0, 2, 4]], [0, 0.5, 1], atol=1e-30)


@given(z=arrays(np.float64, (3, 5), elements=st.floats(-50, 50)))
def test_softmax_rows_are_probabilities_and_shift_invariant(z):
    sm = activations.get("softmax")
    y = sm(z)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(sm(z + 123.0), y, rtol=1e-9, atol=1e-15)


def test_softmax_jacobian_matches_finite_differences_and_backward():
    sm = activations.get("softmax")
    rng = np.random.default_rng(3)
    z, dy = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    y = sm(z)
    J = sm.jacobian(y)  # J[t, i, j] = ∂y_j/∂z_i
    h = 1e-6
    for i in range(5):
        e = np.zeros(5)
        e[i] = h
        np.testing.assert_allclose(J[:, i, :], (sm(z + e) - sm(z - e)) / (2 * h), atol=1e-9)
    explicit = np.einsum("tij,tj->ti", J, dy)  # ∂Div/∂z_i = Σ_j J_ij ∂Div/∂y_j
    np.testing.assert_allclose(sm.backward(z, y, dy, np.empty_like(z)), explicit, rtol=1e-12, atol=1e-15)


def test_unknown_activation_names_the_choices():
    with pytest.raises(ConfigurationError, match="unknown activation 'swish'.*relu"):
        activations.get("swish")
