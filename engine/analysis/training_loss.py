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

from engine.analysis.batched_loss import BatchedLoss, bytes_per_point
from engine.core import activations as activations_module
from engine.core.activations import Activation
from engine.core.divergences import Divergence
from engine.core.network import Layout, Network

#: elements of work memory per chunk of a batched evaluation, all its arrays together (float64:
#: 2 MB): the arrays are allocated once per evaluation and stay in cache
CHUNK_ELEMENTS = 1 << 18


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
        """Points per chunk of a batched evaluation: their work arrays together ≤ CHUNK_ELEMENTS."""
        per_point = bytes_per_point(self.sizes, self.T, self.sizes[-1], itemsize=1)
        return max(1, CHUNK_ELEMENTS // per_point)

    def values_along(self, theta: np.ndarray, E: np.ndarray, C: np.ndarray) -> Iterator[float]:
        """L(θ + C[g] E) for every row g of C (G, m), E (m, P): a generator yielding the fraction
        done after each chunk and returning the (G,) losses (computed in `grid_dtype`, see
        engine.analysis.batched_loss). θ, E and C are copied at the first step."""
        theta64 = np.array(theta, dtype=np.float64)  # a copy: a live network may move on meanwhile
        E64 = np.atleast_2d(np.array(E, dtype=np.float64))
        C64 = np.atleast_2d(np.array(C, dtype=np.float64))
        out = np.empty(len(C64))
        step = max(1, min(self.chunk_size(), len(C64)))
        with np.errstate(all="ignore"):
            batch = BatchedLoss(self, theta64, E64, self.grid_dtype, step)
        for start in range(0, len(C64), step):
            c = C64[start : start + step]
            with np.errstate(all="ignore"):  # not across the yield: the caller's state is its own
                out[start : start + len(c)] = batch.values(c)
            yield min(1.0, (start + len(c)) / len(C64))
        return out + self._penalties(theta64, E64, C64)

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

