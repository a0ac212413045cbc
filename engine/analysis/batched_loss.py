"""The training loss at many points θ + Σ_m C[g, m] E_m at once: one batched forward pass per chunk.

Layer 1 is affine in the parameters, so for every point g
    z^(1)(g) = x W^(1)(g) + b^(1)(g) = A_0 + Σ_m C[g, m] A_m,
    A_0 = x W^(1) + b^(1),   A_m = x E_m^(W1) + E_m^(b1)          (1 + m products, once)
and a chunk of G points costs one product [1 C] A, whatever n_0 is. Every later layer has its
own weights per point, W^(k)(g) = W^(k) + Σ_m C[g, m] E_m^(k) (one product [1 C] B^(k) builds
them for the whole chunk), and
    z^(k)(g) = y^(k−1)(g) W^(k)(g) + b^(k)(g),   y^(k)(g) = f_k(z^(k)(g))
is one batched product (G matrices) per layer and chunk. The chunk's work arrays are allocated
once and reused: a freed large temporary is a fresh mapping, faulted in page by page on every
chunk. BLAS threads follow each product's size (engine.core.threads): a threaded small
product costs several times the CPU of a single-threaded one on a busy machine. Everything runs in
`dtype` (the network's float type); the values equal pointwise forward passes to rounding.
"""

from __future__ import annotations

import numpy as np

from engine.core.threads import use_threads_for


def bytes_per_point(sizes, T: int, targets: int, itemsize: int = 8) -> int:
    """Work memory of one point: z^(k), y^(k) (T × n_k each), W^(k)(g), b^(k)(g) and its targets."""
    per_layer = sum(2 * T * n + n for n in sizes[1:]) + sum(a * b for a, b in zip(sizes[1:-1], sizes[2:]))
    return itemsize * (per_layer + T * targets)


class BatchedLoss:
    """Divergence means (1/T) Σ_t Div(y_t(g), d_t) of chunks of up to `points` points θ + C[g] E."""

    def __init__(self, loss, theta: np.ndarray, E: np.ndarray, dtype, points: int):
        dt = np.dtype(dtype)
        self.sizes, self.T, self.points = loss.sizes, loss.T, max(1, int(points))
        self.activations, self.divergence = loss.activations, loss.divergence
        rows = np.vstack([np.asarray(theta, np.float64)[None], np.atleast_2d(E)]).astype(dt)  # θ, E_1..E_m
        views = [loss.layout.views(r) for r in rows]
        x = loss.x.astype(dt, copy=False)
        use_threads_for(self.T * self.sizes[0] * self.sizes[1])  # x W^(1): the largest products, once
        self.first = np.stack([x @ W[1] + b[1] for W, b in views]).reshape(len(rows), -1)  # A: (1 + m, T·n_1)
        N, G, T = len(self.sizes) - 1, self.points, self.T
        self.weights = [None, None] + [np.stack([W[k].ravel() for W, _ in views]) for k in range(2, N + 1)]
        self.biases = [None, None] + [np.stack([b[k] for _, b in views]) for k in range(2, N + 1)]
        self.K = np.ones((G, len(rows)), dt)  # [1 C] of a chunk
        self.z = [None] + [np.empty((G, T, n), dt) for n in self.sizes[1:]]
        self.y = [None] + [np.empty((G, T, n), dt) for n in self.sizes[1:]]
        self.W = [None, None] + [np.empty((G, a, b), dt) for a, b in zip(self.sizes[1:-1], self.sizes[2:])]
        self.b = [None, None] + [np.empty((G, n), dt) for n in self.sizes[2:]]
        self.targets = np.tile(loss.d.astype(dt), (G, 1))  # d for every point, rows g·T + t

    def values(self, C: np.ndarray) -> np.ndarray:
        """(G,) means for a chunk C (G, m), G ≤ points."""
        G, T, N = len(C), self.T, len(self.sizes) - 1
        K = self.K[:G]
        K[:, 1:] = C
        use_threads_for(K.size * self.first.shape[1])  # [1 C] A: short inner products, memory-bound
        np.matmul(K, self.first, out=self.z[1][:G].reshape(G, -1))
        y = self._activate(1, G)
        for k in range(2, N + 1):
            W = np.matmul(K, self.weights[k], out=self.W[k][:G].reshape(G, -1)).reshape(self.W[k][:G].shape)
            use_threads_for(T * self.sizes[k - 1] * self.sizes[k])  # one point's product; threads by its size
            z = np.matmul(y, W, out=self.z[k][:G])
            z += np.matmul(K, self.biases[k], out=self.b[k][:G])[:, None, :]
            y = self._activate(k, G)
        n = self.sizes[-1]
        per_sample = self.divergence.value(y.reshape(G * T, n), self.targets[: G * T])
        return np.add.reduce(per_sample.reshape(G, T), axis=1, dtype=np.float64) / T

    def _activate(self, k: int, G: int) -> np.ndarray:
        """y^(k) = f_k(z^(k)) for the chunk's G points (rows: softmax normalises each sample)."""
        z, y = self.z[k][:G], self.y[k][:G]
        n = z.shape[-1]
        self.activations[k - 1].forward(z.reshape(-1, n), y.reshape(-1, n))
        return y
