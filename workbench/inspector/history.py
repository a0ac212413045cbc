"""Per-iteration history of every weight and its gradient, kept by the inspector itself.

Rows are appended when a state shows a finished iteration newer than the last row (the
worker's snapshots may skip iterations while running; the plot then shows the samples it
got). Memory is bounded: when the buffer is full every other row is dropped, so a long run
keeps an evenly thinned history instead of growing without limit.
"""

from __future__ import annotations

import numpy as np

DEFAULT_BUDGET_BYTES = 32 * 1024 * 1024


class ParameterHistory:
    """Iterations, flat parameters θ (after each update) and gradients ∂Div/∂θ (float32)."""

    def __init__(self, size: int = 0, budget_bytes: int = DEFAULT_BUDGET_BYTES):
        self.budget = budget_bytes
        self.sizes: tuple[int, ...] | None = None  # the network the rows belong to
        self.size: int | None = None  # parameters per row of the buffers allocated (none yet)
        self.reset(size)

    def record(self, state) -> None:
        """Take in an InspectorState: start over for another network (or an earlier iteration, after a
        reset), append a row when it shows a finished iteration newer than the last row."""
        net = state.network
        if net.sizes != self.sizes or state.iteration < self.last_iteration:
            self.reset(net.layout.size)
            self.sizes = net.sizes
        if state.iteration_complete and state.iteration > self.last_iteration:
            self.append(state.iteration, net.parameters, state.grads.vector)

    def reset(self, size: int) -> None:
        """Empty, for `size` parameters. The buffers of the same size are kept (a Reset or a new seed
        empties the history at the GUI's frame rate: allocating and freeing 2 × 16 MB each time
        cost ~10–20 ms of the GUI thread); rows past n are never read."""
        self.n = 0
        self.stride = 1  # keep every stride-th iteration once thinned
        if self.size == size:
            return
        self.size = size
        self.capacity = max(16, self.budget // max(1, 8 * size))
        self.iterations = np.zeros(self.capacity, np.int64)
        self.values = np.zeros((self.capacity, size), np.float32)
        self.gradients = np.zeros((self.capacity, size), np.float32)

    @property
    def last_iteration(self) -> int:
        return int(self.iterations[self.n - 1]) if self.n else -1

    def append(self, iteration: int, parameters: np.ndarray, gradient: np.ndarray) -> None:
        if self.n and iteration - self.last_iteration < self.stride:
            return
        if self.n == self.capacity:
            keep = slice(0, self.n, 2)
            m = len(range(0, self.n, 2))
            self.iterations[:m] = self.iterations[keep]
            self.values[:m] = self.values[keep]
            self.gradients[:m] = self.gradients[keep]
            self.n, self.stride = m, self.stride * 2
        self.iterations[self.n] = iteration
        self.values[self.n] = parameters
        self.gradients[self.n] = gradient
        self.n += 1

    def series(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(iterations, values, gradients) of the parameter at flat `index`."""
        n = self.n
        return (self.iterations[:n].astype(np.float64), self.values[:n, index].astype(np.float64),
                self.gradients[:n, index].astype(np.float64))
