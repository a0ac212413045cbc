"""Divergences: values, gradients ∂Div/∂y, label smoothing, safety at log(0)."""

import numpy as np
import pytest

from engine.core import divergences
from engine.core.errors import ConfigurationError


def numeric_dy(div, y, d, h=1e-6):
    out = np.zeros_like(y)
    for idx in np.ndindex(*y.shape):
        up, down = y.copy(), y.copy()
        up[idx] += h
        down[idx] -= h
        out[idx] = (div.value(up, d)[idx[0]] - div.value(down, d)[idx[0]]) / (2 * h)
    return out


def test_values_follow_the_lecture_formulas():
    y = np.array([[0.2, 0.7, 0.1]])
    d = np.array([[0.0, 1.0, 0.0]])
    assert divergences.get("l2").value(y, d)[0] == pytest.approx(0.5 * (0.04 + 0.09 + 0.01))
    assert divergences.get("cross_entropy").value(y, d)[0] == pytest.approx(-np.log(0.7))
    assert divergences.get("kl").value(y, d)[0] == pytest.approx(-np.log(0.7))  # 0 log 0 = 0
    bce = -(np.log(0.8) + np.log(0.7) + np.log(0.9))
    assert divergences.get("bce").value(y, d)[0] == pytest.approx(bce)


@pytest.mark.parametrize("name", list(divergences.DIVERGENCES))
def test_gradient_matches_central_differences(name):
    rng = np.random.default_rng(1)
    y = rng.uniform(0.1, 0.9, size=(4, 3))
    d = rng.dirichlet(np.ones(3), size=4)
    div = divergences.get(name)
    np.testing.assert_allclose(div.gradient(y, d), numeric_dy(div, y, d), rtol=1e-6, atol=1e-9)


def test_cross_entropy_accepts_class_indices_like_one_hot():
    ce = divergences.get("cross_entropy")
    y = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    np.testing.assert_allclose(ce.value(y, np.array([1, 0])), ce.value(y, np.eye(3)[[1, 0]]))


def test_label_smoothing_gives_true_class_one_minus_k_minus_one_eps():
    ce = divergences.get("cross_entropy", label_smoothing=0.05)
    d = ce.targets(np.array([2, 0]), 4)
    np.testing.assert_allclose(d[0], [0.05, 0.05, 1 - 3 * 0.05, 0.05])
    np.testing.assert_allclose(d.sum(axis=1), 1.0)


@pytest.mark.parametrize("name", list(divergences.DIVERGENCES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_zero_and_one_probabilities_give_finite_values_without_warnings(name, dtype):
    y = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    d = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=dtype)
    div = divergences.get(name)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert np.all(np.isfinite(div.value(y, d)))
        assert np.all(np.isfinite(div.gradient(y, d)))
    assert div.value(y, d)[0] > div.value(y, d)[1]


def test_bad_names_and_smoothing_are_refused():
    with pytest.raises(ConfigurationError, match="unknown divergence"):
        divergences.get("hinge")
    with pytest.raises(ConfigurationError, match="label_smoothing"):
        divergences.get("cross_entropy", label_smoothing=0.7)
