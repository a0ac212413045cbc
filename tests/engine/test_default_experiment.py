"""The default experiment looks like spirals and, in its first seconds, learns without overfitting (issue 14)."""

from __future__ import annotations

import numpy as np

from engine.io.experiment import default_experiment
from engine.run import build


def test_default_spirals_are_arms_not_a_cloud():
    """Nearly every point's nearest neighbour is of its own class: the arms are visible, not noise."""
    run = build(default_experiment())
    x, y = run.dataset.X, run.dataset.labels
    dist = np.linalg.norm(x[:, None, :] - x[None, :, :], axis=2)
    np.fill_diagonal(dist, np.inf)
    assert np.mean(y[dist.argmin(axis=1)] == y) > 0.95
    assert run.dataset.name == "spirals" and len(x) >= 500


def test_default_experiment_learns_and_the_test_loss_does_not_rise():
    trainer = build(default_experiment()).trainer
    test = []
    for _ in range(16):
        trainer.run(steps=1000)
        test.append(trainer.metrics(trainer.x_test, trainer.d_test, trainer.targets_test)[0])
    test = np.array(test)
    assert test[-1] < 0.25 * test[0]  # it learns
    assert test[-4:].mean() <= 1.15 * test[:-4].min()  # and does not overfit: no rise in the last quarter
    train = trainer.metrics(trainer.x, trainer.d, trainer.targets)[0]
    assert test[-1] > 1.2 * train  # the test curve is visible above the training one, not on top of it
