"""The inspector's per-iteration history of θ and ∂Div/∂θ: rows, start-over, bounded memory."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from engine import Network
from workbench.inspector.history import ParameterHistory


def _state(net, iteration, complete=True):
    grads = SimpleNamespace(vector=np.full(net.layout.size, float(iteration)))
    return SimpleNamespace(network=net, iteration=iteration, iteration_complete=complete, grads=grads)


def test_rows_then_a_reset_starts_over_in_the_same_buffers_and_another_network_in_new_ones():
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    h = ParameterHistory(budget_bytes=64 * 1024)
    for t in range(1, 6):
        h.record(_state(net, t))
    h.record(_state(net, 5, complete=False))  # mid-iteration: no row
    assert h.n == 5 and h.last_iteration == 5
    values, gradients = h.values, h.gradients
    h.record(_state(net, 2))  # an earlier iteration (Reset): start over, keeping the buffers
    assert h.n == 1 and h.last_iteration == 2 and h.values is values and h.gradients is gradients
    assert np.array_equal(h.gradients[0], np.full(net.layout.size, 2.0, np.float32))
    wider = Network.create([2, 5, 1], ["tanh", "sigmoid"], seed=0)
    h.record(_state(wider, 1))
    assert h.values is not values and h.values.shape[1] == wider.layout.size and h.n == 1


def test_the_history_stays_within_its_budget_thinning_evenly():
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    h = ParameterHistory(budget_bytes=16 * 8 * net.layout.size)  # room for 16 rows
    for t in range(1, 200):
        h.record(_state(net, t))
    assert h.n <= h.capacity == 16 and h.stride > 1
    kept = h.iterations[:h.n]
    assert np.all(np.diff(kept) > 0) and kept[-1] >= 199 - h.stride
