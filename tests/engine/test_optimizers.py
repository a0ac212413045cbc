"""Optimisers against hand-computed updates (torch.optim definitions), and mid-run changes."""

import math

import numpy as np
import pytest

from engine.core import optimizers
from engine.core.errors import ConfigurationError

GRADIENTS = [1.0, 2.0, -3.0]


def updates(opt, gradients=GRADIENTS):
    """Δ of each step for a one-parameter problem (θ ← θ − Δ)."""
    out = np.zeros(1)
    return [float(opt.step(np.array([g]), out, opt.learning_rate)[0]) for g in gradients]


def test_plain_sgd_is_learning_rate_times_gradient():
    assert updates(optimizers.SGD(learning_rate=0.1)) == pytest.approx([0.1, 0.2, -0.3])


def test_sgd_momentum_starts_its_buffer_at_the_first_gradient():
    # b1 = 1; b2 = 0.9·1 + 2 = 2.9; b3 = 0.9·2.9 − 3 = −0.39
    assert updates(optimizers.SGD(learning_rate=0.1, momentum=0.9)) == pytest.approx([0.1, 0.29, -0.039])


def test_sgd_nesterov_looks_ahead():
    # Δ = lr·(g + μ b): 0.1·(1 + 0.9) ; 0.1·(2 + 0.9·2.9) ; 0.1·(−3 + 0.9·(−0.39))
    expected = [0.19, 0.1 * (2 + 2.61), 0.1 * (-3 - 0.351)]
    assert updates(optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)) == pytest.approx(expected)


def test_adagrad_divides_by_root_of_summed_squares():
    # s = 1, 5, 14 ;  Δ = 0.5·g/√s
    expected = [0.5, 0.5 * 2 / math.sqrt(5), 0.5 * -3 / math.sqrt(14)]
    assert updates(optimizers.Adagrad(learning_rate=0.5)) == pytest.approx(expected, rel=1e-9)


def test_rmsprop_uses_a_leaky_average_of_squares():
    # v = 0.01·1 = 0.01 ; v = 0.99·0.01 + 0.01·4 = 0.0499 ; v = 0.99·0.0499 + 0.01·9 = 0.139401
    v = [0.01, 0.0499, 0.139401]
    expected = [0.01 * g / (math.sqrt(vi) + 1e-8) for g, vi in zip(GRADIENTS, v)]
    assert updates(optimizers.RMSprop(learning_rate=0.01)) == pytest.approx(expected, rel=1e-9)


def test_adam_bias_corrects_both_moments():
    m, v, expected = 0.0, 0.0, []
    for t, g in enumerate(GRADIENTS, start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        expected.append(0.01 / (1 - 0.9**t) * m / (math.sqrt(v) / math.sqrt(1 - 0.999**t) + 1e-8))
    assert expected[0] == pytest.approx(0.01, rel=1e-6)  # first step of Adam is ±lr
    assert updates(optimizers.Adam(learning_rate=0.01)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("name", list(optimizers.OPTIMIZERS))
def test_a_learning_rate_change_is_used_at_the_next_update(name):
    """scikit-learn's Adam recomputes its rate and undoes such a change; ours must not."""
    a, b = optimizers.create(name, learning_rate=0.1), optimizers.create(name, learning_rate=0.1)
    out = np.zeros(1)
    a.step(np.array([1.0]), out, a.learning_rate)
    b.step(np.array([1.0]), out, b.learning_rate)
    b.set(learning_rate=0.05)
    da = float(a.step(np.array([2.0]), out, a.learning_rate)[0])
    db = float(b.step(np.array([2.0]), out, b.learning_rate)[0])
    assert db == pytest.approx(da / 2, rel=1e-12)


def test_pytorch_defaults():
    assert optimizers.Adam().hyperparameters() == {
        "name": "adam", "learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert optimizers.RMSprop().alpha == 0.99 and optimizers.RMSprop().learning_rate == 1e-2
    assert optimizers.Adagrad().eps == 1e-10


@pytest.mark.parametrize("bad", [
    dict(name="sgd", momentum=1.5), dict(name="sgd", nesterov=True), dict(name="adam", beta1=1.0),
    dict(name="adam", learning_rate=-1.0), dict(name="adam", learning_rate=float("nan")),
    dict(name="lbfgs"), dict(name="sgd", betas=0.9),
])
def test_impossible_settings_are_refused(bad):
    with pytest.raises(ConfigurationError):
        optimizers.create(**bad)


def test_a_refused_change_leaves_the_optimizer_as_it_was():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.5)
    with pytest.raises(ConfigurationError):
        opt.set(momentum=2.0)
    assert opt.momentum == 0.5
