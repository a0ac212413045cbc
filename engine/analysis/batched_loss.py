"""The training loss at many points θ + Σ_m C[g, m] E_m at once: one batched forward pass per chunk.

Layer 1 is affine in the parameters, so for every point g
    z^(1)(g) = x W^(1)(g) + b^(1)(g) = A_0 + Σ_m C[g, m] A_m,
    A_0 = x W^(1) + b^(1),   A_m = x E_m^(W1) + E_m^(b1)          (1 + m products, once)
and a chunk of G points costs one product [1 C] A, whatever n_0 is. Every later layer has its
own weights per point, W^(k)(g) = W^(k) + Σ_m C[g, m] E_m^(k) (one product [1 C] B^(k) builds
them for the whole chunk), and
    z^(k)(g) = y^(k−1)(g) W^(k)(g) + b^(k)(g),   y^(k)(g) = f_k(z^(k)(g))
is one batched product (G matrices) per layer and chunk, computed transposed (see BatchedLoss).
The chunk's work arrays are allocated once and reused: a freed large temporary is a fresh
mapping, faulted in page by page on every chunk. BLAS threads follow each product's size and
the cores other processes leave free (engine.core.threads.use_free_threads_for): a threaded
product costs several times the CPU of a single-threaded one beside a busy process.
Everything runs in `dtype` (the network's float type); the values equal pointwise forward
passes to rounding.
"""

from __future__ import annotations

import numpy as np

from engine.core.threads import use_free_threads_for


def bytes_per_point(sizes, T: int, targets: int, itemsize: int = 8) -> int:
    """Work memory of one point: z^(k), y^(k) (T × n_k each), W^(k)(g), b^(k)(g) and its targets."""
    per_layer = sum(2 * T * n + n for n in sizes[1:]) + sum(a * b for a, b in zip(sizes[1:-1], sizes[2:]))
    return itemsize * (per_layer + T * targets)


class BatchedLoss:
    """Divergence means (1/T) Σ_t Div(y_t(g), d_t) of chunks of up to `points` points θ + C[g] E.

    Hidden layers are held unit-major, z^(k)ᵀ (G, n_k, T), so that adding b^(k)(g) and every
    elementwise pass run along the T samples (long inner loops, not n_k at a time):
    z^(k)ᵀ = W^(k)(g)ᵀ y^(k−1)ᵀ + b^(k)(g). The output layer returns to (G, T, n_N) rows for the
    activation (softmax normalises each sample) and the divergence."""

    def __init__(self, loss, theta: np.ndarray, E: np.ndarray, dtype, points: int):
        dt = np.dtype(dtype)
        self.sizes, self.T, self.points = loss.sizes, loss.T, max(1, int(points))
        self.activations, self.divergence = loss.activations, loss.divergence
        rows = np.vstack([np.asarray(theta, np.float64)[None], np.atleast_2d(E)]).astype(dt)  # θ, E_1..E_m
        views = [loss.layout.views(r) for r in rows]
        x = loss.x.astype(dt, copy=False)
        use_free_threads_for(self.T * self.sizes[0] * self.sizes[1])  # x W^(1): the largest products, once
        self.first = np.stack([(x @ W[1] + b[1]).T for W, b in views]).reshape(len(rows), -1)  # Aᵀ: (1 + m, n_1·T)
        N, G, T = len(self.sizes) - 1, self.points, self.T
        self.weights = [None, None] + [np.stack([W[k].T.ravel() for W, _ in views]) for k in range(2, N + 1)]
        self.biases = [None, None] + [np.stack([b[k] for _, b in views]) for k in range(2, N + 1)]
        self.K = np.ones((G, len(rows)), dt)  # [1 C] of a chunk
        self.z = [None] + [np.empty((G, n, T), dt) for n in self.sizes[1:]]
        self.y = [None] + [np.empty((G, n, T), dt) for n in self.sizes[1:-1]] + [np.empty((G, T, self.sizes[-1]), dt)]
        self.W = [None, None] + [np.empty((G, b, a), dt) for a, b in zip(self.sizes[1:-1], self.sizes[2:])]
        self.b = [None, None] + [np.empty((G, n), dt) for n in self.sizes[2:]]
        self.out = np.empty((G, T, self.sizes[-1]), dt) if self.sizes[-1] > 1 else None  # z^(N) as rows
        self.targets = np.tile(loss.d.astype(dt), (G, 1))  # d for every point, rows g·T + t

    def values(self, C: np.ndarray) -> np.ndarray:
        """(G,) means for a chunk C (G, m), G ≤ points."""
        G, T, N = len(C), self.T, len(self.sizes) - 1
        K = self.K[:G]
        K[:, 1:] = C
        use_free_threads_for(K.size * self.first.shape[1])  # [1 C] A: short inner products, memory-bound
        z = np.matmul(K, self.first, out=self.z[1][:G].reshape(G, -1)).reshape(G, self.sizes[1], T)
        for k in range(2, N + 1):
            y = self._hidden(k - 1, z)
            Wt = np.matmul(K, self.weights[k], out=self.W[k][:G].reshape(G, -1)).reshape(self.W[k][:G].shape)
            use_free_threads_for(T * self.sizes[k - 1] * self.sizes[k])  # one point's product; threads by its size
            z = np.matmul(Wt, y, out=self.z[k][:G])
            z += np.matmul(K, self.biases[k], out=self.b[k][:G])[:, :, None]
        n = self.sizes[-1]
        if n > 1:  # back to one row per sample
            np.copyto(self.out[:G], z.transpose(0, 2, 1))
            z = self.out[:G]
        y = self.activations[-1].forward(z.reshape(G * T, n), self.y[N][:G].reshape(G * T, n))
        per_sample = self.divergence.value(y, self.targets[: G * T])
        return np.add.reduce(per_sample.reshape(G, T), axis=1, dtype=np.float64) / T

    def _hidden(self, k: int, z: np.ndarray) -> np.ndarray:
        """y^(k)ᵀ = f_k(z^(k)ᵀ) of a hidden layer (a scalar activation: any layout will do)."""
        G = len(z)
        y = self.y[k][:G]
        self.activations[k - 1].forward(z.reshape(-1, self.T), y.reshape(-1, self.T))
        return y
