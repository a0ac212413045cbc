"""Weight penalties, learning-rate schedules and the decision-boundary grid."""

import numpy as np
import pytest

from engine import ConfigurationError, Network, Schedule, Trainer
from engine.analysis.decision_grid import decision_grid
from engine.core import optimizers


def tiny_trainer(**kwargs):
    rng = np.random.default_rng(0)
    x, labels = rng.normal(size=(8, 2)), rng.integers(0, 2, 8)
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    net.b[1][:] = 0.3
    options = dict(divergence="bce", optimizer=optimizers.SGD(learning_rate=0.1), batch_size=8)
    options.update(kwargs)
    return Trainer(net, x, labels, **options)


@pytest.mark.parametrize("l1,l2", [(0.0, 0.5), (0.2, 0.0), (0.2, 0.5)])
def test_penalties_act_on_weights_only(l1, l2):
    """Update = lr·(∂Div/∂θ + λ₂ w + λ₁ sign w) for weights; lr·∂Div/∂b for biases."""
    trainer = tiny_trainer(l1=l1, l2=l2)
    net = trainer.network
    before = net.parameters.copy()
    W_before, b_before = [w.copy() for w in net.W[1:]], [b.copy() for b in net.b[1:]]
    trainer.step()
    grads = trainer.current[1]
    for k in (1, 2):
        expected_W = W_before[k - 1] - 0.1 * (grads.dW[k] + l2 * W_before[k - 1] + l1 * np.sign(W_before[k - 1]))
        np.testing.assert_allclose(net.W[k], expected_W, rtol=0, atol=1e-15)
        np.testing.assert_allclose(net.b[k], b_before[k - 1] - 0.1 * grads.db[k], rtol=0, atol=1e-15)
    assert not np.array_equal(net.parameters, before)


def test_negative_penalty_is_refused():
    with pytest.raises(ConfigurationError, match="l2"):
        tiny_trainer(l2=-1.0)


@pytest.mark.parametrize("schedule,factors", [
    (Schedule("constant"), [1, 1, 1, 1, 1]),
    (Schedule("step", gamma=0.5, step_size=2), [1, 1, 0.5, 0.5, 0.25]),
    (Schedule("exponential", gamma=0.9), [1, 0.9, 0.81, 0.729, 0.6561]),
    (Schedule("inverse_time", decay=0.5), [1, 1 / 1.5, 1 / 2, 1 / 2.5, 1 / 3]),
])
def test_schedules_scale_the_rate_of_each_update(schedule, factors):
    trainer = tiny_trainer(schedule=schedule)
    trainer.run(steps=5)
    np.testing.assert_allclose(trainer.history.learning_rate, 0.1 * np.array(factors), rtol=1e-12)


def test_changing_the_base_rate_rescales_the_schedule_from_the_next_update():
    trainer = tiny_trainer(schedule=Schedule("exponential", gamma=0.5))
    trainer.run(steps=2)
    trainer.configure(learning_rate=1.0)
    trainer.run(steps=1)
    np.testing.assert_allclose(trainer.history.learning_rate, [0.1, 0.05, 0.25])


def test_bad_schedules_are_refused():
    for bad in (dict(name="cosine"), dict(name="step", gamma=1.5), dict(name="step", step_size=0)):
        with pytest.raises(ConfigurationError):
            Schedule(**bad)


def test_grid_evaluates_the_network_at_each_grid_point():
    net = Network.create([2, 5, 1], ["tanh", "sigmoid"], seed=3)
    grid = decision_grid(net, (-1.0, 1.0), (-2.0, 2.0), 21)
    image = grid.evaluate(net)
    assert image.shape == (21, 21, 1) and image.dtype == np.float32
    # [r, c] is at (x_c, y_r)
    for r, c in [(0, 0), (20, 3), (7, 14)]:
        x = np.array([[-1.0 + 2.0 * c / 20, -2.0 + 4.0 * r / 20]])
        assert image[r, c, 0] == pytest.approx(net.predict(x)[0, 0], abs=1e-6)


def test_grid_holds_other_features_fixed_and_follows_weight_changes():
    net = Network.create([3, 4, 2], ["relu", "softmax"], seed=4)
    fixed = np.array([0.0, 0.7, 0.0])
    grid = decision_grid(net, (-1, 1), (-1, 1), 5, axes=(0, 2), fixed=fixed)
    assert np.all(grid.points[:, 1] == np.float32(0.7))
    first = grid.evaluate(net).copy()
    net.W[1] *= 2.0
    assert not np.allclose(grid.evaluate(net), first)
    np.testing.assert_allclose(grid.evaluate(net).sum(axis=2), 1.0, rtol=1e-5)
