"""Backprop Workbench engine: a pure-NumPy multilayer perceptron with explicit backpropagation.

Notation follows the lecture: layers k = 1..N, z^(k) = y^(k−1) W^(k) + b^(k),
y^(k) = f_k(z^(k)), y^(0) = x, W[i, j] = w_ij^(k), divergence Div(y, d).

    >>> from engine import Network, Trainer, optimizers
    >>> net = Network.create([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    >>> trainer = Trainer(net, x, labels, divergence="bce", optimizer=optimizers.SGD(learning_rate=0.5))
    >>> trainer.run(steps=1000)

This package imports NumPy and the standard library only (never Qt).
"""

from engine.core import activations, divergences, initializers, optimizers
from engine.core.errors import ConfigurationError, WorkbenchError
from engine.core.network import Gradients, Network, Trace
from engine.core.schedules import Schedule
from engine.training.history import History
from engine.training.trainer import Phase, StopReason, Trainer, spawn_seeds

__all__ = [
    "activations", "divergences", "initializers", "optimizers",
    "ConfigurationError", "WorkbenchError", "History", "Gradients", "Network", "Trace",
    "Schedule", "Phase", "StopReason", "Trainer", "spawn_seeds",
]
