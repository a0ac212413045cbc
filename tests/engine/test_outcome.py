"""A run's outcome in one word: ok, diverged, plateau."""

import numpy as np

from engine import Network, Trainer, optimizers
from engine.training.outcome import chance_accuracy, outcome

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10, dtype=float)
LABELS = np.array([0, 1, 1, 0] * 10)


def _trained(rate: float, steps: int = 600) -> Trainer:
    net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    trainer = Trainer(net, X, LABELS, divergence="bce", batch_size=40, evaluate_every=20,
                      optimizer=optimizers.SGD(learning_rate=rate))
    trainer.run(steps=steps)
    return trainer


def test_chance_accuracy_is_the_largest_class_share():
    assert chance_accuracy(np.array([0, 0, 0, 1])) == 0.75


def test_outcome_ok_plateau_and_diverged():
    learning = _trained(rate=2.0, steps=2000)
    assert learning.history.evaluation("train_accuracy")[-1] == 1.0 and outcome(learning) == "ok"
    stuck = _trained(rate=1e-9)  # the loss cannot move: accuracy stays at chance
    assert outcome(stuck) == "plateau"
    net = Network.create([2, 4, 1], ["tanh", "identity"], seed=0)
    diverging = Trainer(net, X, LABELS[:, None].astype(float), divergence="l2", batch_size=40,
                        optimizer=optimizers.SGD(learning_rate=50.0))
    diverging.run(steps=500)
    assert diverging.stopped is not None and outcome(diverging) == "diverged"
