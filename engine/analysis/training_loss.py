"""The training loss as a function of the flat parameter vector θ, for the geometry views.

    L(θ) = (1/T) Σ_t Div(y_t, d_t) + λ₂·½ Σ w² + λ₁ Σ |w|

over the whole training split; the penalties act on the weights w_ij^(k) only, never on
the biases, exactly as the trainer adds λ₂·w + λ₁·sign(w) to the gradient. (The loss the
history records is the first term alone.) θ has the layout of `Network.parameters`:
W^(1) row-major, b^(1), W^(2), b^(2), …  The gradient is backprop's, with the same fused
y − d shortcut as the trainer, so it is the gradient training follows.

`values_along(θ, E, C)` evaluates L at many points θ + C[g] E at once: layer 1 is affine
in θ, so z^(1) = x W^(1) + b^(1) + Σ_m C[g, m] (x E_m^(1) + e_m^(1)) costs three products
whatever the number of points; later layers run as one batched product per chunk.
Values, gradients and curvature are float64; batched landscapes use `grid_dtype` (the network's
float type: a float32 network's plane costs half). Nothing here touches a trainer: a probe may
call it at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.core import activations as activations_module
from engine.core.activations import Activation
from engine.core.divergences import Divergence
from engine.core.network import Layout, Network

#: elements per work array of a batched evaluation (float64: 256 kB): arrays this small stay in
#: cache and are not fresh pages; 32 MB arrays made the same work 5–10× slower
CHUNK_ELEMENTS = 1 << 15


@dataclass(frozen=True, eq=False)
class TrainingLoss:
    """L(θ) of a network architecture on fixed data (x, d) with divergence and penalties."""

    sizes: tuple[int, ...]
    activations: tuple[Activation, ...]
    x: np.ndarray
    d: np.ndarray
    divergence: Divergence
    l2: float = 0.0
    l1: float = 0.0
    fused: bool = True
    grid_dtype: str = "float64"  # float type of the batched evaluations (landscapes)

    @classmethod
    def of(cls, network: Network, x, d, divergence: Divergence, l2: float = 0.0, l1: float = 0.0,
           fused: bool = True, grid_dtype: str | None = None) -> "TrainingLoss":
        """The loss of `network`'s architecture on (x, d); d is the target matrix (T, n_N)."""
        x = np.ascontiguousarray(x, dtype=np.float64).view()  # read-only views: the caller's arrays keep their flags
        d = np.ascontiguousarray(d, dtype=np.float64).view()
        x.flags.writeable = False
        d.flags.writeable = False
        acts = tuple(activations_module.get(a) for a in network.activations)
        return cls(tuple(network.sizes), acts, x, d, divergence, float(l2), float(l1), fused,
                   grid_dtype or network.dtype.name)

    @classmethod
    def of_trainer(cls, trainer) -> "TrainingLoss":
        """The loss a trainer minimises, over its whole training split (reads, never changes it);
        landscapes of a float32 network are evaluated in float32, as it trains."""
        return cls.of(trainer.network, trainer.x, trainer.d, trainer.divergence, trainer.l2, trainer.l1, trainer.fused)

    @property
    def layout(self) -> Layout:
        return Layout(self.sizes)

    @property
    def P(self) -> int:
        """Number of parameters."""
        return self.layout.size

    @property
    def T(self) -> int:
        """Number of training samples."""
        return self.x.shape[0]

    def network(self, theta: np.ndarray) -> Network:
        """A float64 network whose parameters are a copy of θ."""
        return Network(self.sizes, self.activations, np.array(theta, dtype=np.float64))

    def weight_mask(self) -> np.ndarray:
        return self.layout.weight_mask()

    def penalty(self, theta: np.ndarray) -> float:
        w = theta * self.weight_mask()
        return 0.5 * self.l2 * float(w @ w) + self.l1 * float(np.abs(w).sum())

    def value(self, theta: np.ndarray) -> float:
        """L(θ)."""
        net = self.network(theta)
        with np.errstate(all="ignore"):
            return self.divergence.loss(net.forward(self.x).output, self.d) + self.penalty(theta)

    def gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(L(θ), ∇L(θ)) by backprop, penalties included."""
        net = self.network(theta)
        with np.errstate(all="ignore"):
            grads = net.backward(net.forward(self.x), self.d, self.divergence, fused=self.fused)
        mask = self.weight_mask()
        g = grads.vector + self.l2 * theta * mask + self.l1 * np.sign(theta) * mask
        return grads.loss + self.penalty(theta), g

    # -- many points at once ---------------------------------------------------------------
    def chunk_size(self) -> int:
        """Points (or directions) per chunk of a batched evaluation: each work array ≤ CHUNK_ELEMENTS."""
        return max(1, CHUNK_ELEMENTS // max(self.T * max(self.sizes), self.P))

    def values_along(self, theta: np.ndarray, E: np.ndarray, C: np.ndarray) -> Iterator[float]:
        """L(θ + C[g] E) for every row g of C (G, m), E (m, P): a generator yielding the fraction
        done after each chunk and returning the (G,) losses (computed in `grid_dtype`)."""
        dt = np.dtype(self.grid_dtype)
        theta64 = np.array(theta, dtype=np.float64)  # a copy: a live network may move on meanwhile
        E64 = np.atleast_2d(np.asarray(E, dtype=np.float64))
        C64 = np.atleast_2d(np.asarray(C, dtype=np.float64))
        layout = self.layout
        W0, b0 = layout.views(theta64.astype(dt))
        EW = [layout.views(e) for e in E64.astype(dt)]
        x, d = self.x.astype(dt, copy=False), self.d.astype(dt, copy=False)
        base = x @ W0[1] + b0[1]  # (T, n_1)
        slopes = np.stack([x @ w[1] + b[1] for w, b in EW])  # (m, T, n_1)
        blocks = [(W0[k], b0[k], np.stack([w[k] for w, _ in EW]), np.stack([b[k] for _, b in EW]))
                  for k in range(2, len(self.sizes))]
        out = np.empty(len(C64))
        step = self.chunk_size()
        for start in range(0, len(C64), step):
            c = C64[start : start + step].astype(dt)
            out[start : start + len(c)] = self._chunk(c, base, slopes, blocks, d)
            yield min(1.0, (start + len(c)) / len(C64))
        return out + self._penalties(theta64, E64, C64)

    def _chunk(self, c, base, slopes, blocks, d) -> np.ndarray:
        """Divergence means of a chunk of points (G, m) of coefficients."""
        G, T = len(c), self.T
        z = np.multiply(c[:, :1], slopes[0].reshape(1, -1))  # (G, T·n_1): long inner loops, no tiny GEMM
        z += base.reshape(1, -1)
        for m in range(1, len(slopes)):
            z += c[:, m : m + 1] * slopes[m].reshape(1, -1)
        z = z.reshape(G, T, -1)
        with np.errstate(all="ignore"):
            y = self._activate(0, z)
            for k, (W, b, EWk, Ebk) in enumerate(blocks, start=2):
                z = np.matmul(y, W[None] + np.tensordot(c, EWk, axes=(1, 0)))  # a batch of products, one per point
                z += (b[None] + c @ Ebk)[:, None, :]
                y = self._activate(k - 1, z)
            n = self.sizes[-1]
            targets = np.broadcast_to(d[None], (G, T, n)).reshape(-1, n)
            values = self.divergence.value(y.reshape(-1, n), targets).reshape(G, T)
        return values.mean(axis=1, dtype=np.float64)

    def _activate(self, index: int, z: np.ndarray) -> np.ndarray:
        flat = z.reshape(-1, z.shape[-1])  # softmax works on rows
        return self.activations[index].forward(flat, np.empty_like(flat)).reshape(z.shape)

    def _penalties(self, theta, E, C) -> np.ndarray:
        if not (self.l2 or self.l1):
            return np.zeros(len(C))
        mask = self.weight_mask()
        w, Ew = theta * mask, E * mask
        # ½λ₂‖w + CE_w‖² = ½λ₂ (w·w + 2 C (E_w w) + C (E_w E_wᵀ) Cᵀ), per row of C
        out = 0.5 * self.l2 * (w @ w + 2 * C @ (Ew @ w) + np.einsum("gi,ij,gj->g", C, Ew @ Ew.T, C))
        if self.l1:
            for g in range(len(C)):
                out[g] += self.l1 * np.abs(w + C[g] @ Ew).sum()
        return out

    def values_at(self, thetas: np.ndarray) -> np.ndarray:
        """L at each row of thetas (n, P), e.g. the points of a trajectory."""
        return np.array([self.value(t) for t in np.atleast_2d(thetas)])

