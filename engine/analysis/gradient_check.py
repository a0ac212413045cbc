"""The gradient check: backprop's ∂loss/∂θ against a central difference of the loss.

Gradient check: for every parameter θ_i, the sixth-order central difference
    numeric_i = Σ_m c_m L(θ + m h e_i) / 60h,  m = ±1, ±2, ±3,  c = ±45, ∓9, ±1
(truncation error O(h⁶), so h can stay large enough that rounding does not dominate)
is compared with backprop's ∂loss/∂θ_i by the relative error
    |analytic − numeric| / max(|analytic|, |numeric|, floor)
(the floor keeps gradients that are zero up to rounding from reading as 100 % errors).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.core.divergences import Divergence
from engine.core.network import Network

RELATIVE_FLOOR = 1e-6


@dataclass(frozen=True)
class GradientCheck:
    """Analytic and numeric gradients (flat, in the parameter layout) and their errors."""

    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: np.ndarray
    network: Network

    @property
    def finite(self) -> bool:
        """False when the loss or a gradient overflowed (inf or NaN): then the errors mean nothing."""
        return bool(np.isfinite(self.analytic).all() and np.isfinite(self.numeric).all())

    @property
    def max_relative_error(self) -> float:
        return float(self.relative_error.max(initial=0.0))

    def per_layer(self) -> list[tuple[int, float, float]]:
        """(k, max error over W^(k), max error over b^(k)) for k = 1..N."""
        W, b = self.network.layout.views(self.relative_error)
        return [(k, float(W[k].max()), float(b[k].max())) for k in range(1, self.network.N + 1)]


def loss(network: Network, x: np.ndarray, d: np.ndarray, divergence: Divergence) -> float:
    """(1/T) Σ_t Div(y_t, d_t) of the network on a batch."""
    return divergence.loss(network.forward(x).output, d)


DEFAULT_STEP = 1e-3
_STENCIL = ((3.0, 1.0), (2.0, -9.0), (1.0, 45.0), (-1.0, -45.0), (-2.0, 9.0), (-3.0, -1.0))
_DENOMINATOR = 60.0


def numeric_gradient(network: Network, x, d, divergence, h: float = DEFAULT_STEP, indices=None) -> np.ndarray:
    """Central differences of the loss w.r.t. the flat parameters (all, or `indices`)."""
    theta = network.parameters
    indices = range(theta.size) if indices is None else indices
    out = np.zeros(theta.size)
    for i in indices:
        original = theta[i]
        total = 0.0
        for offset, weight in _STENCIL:
            theta[i] = original + offset * h
            total += weight * loss(network, x, d, divergence)
        theta[i] = original
        out[i] = total / (_DENOMINATOR * h)
    return out


def relative_error(a: np.ndarray, b: np.ndarray, floor: float = RELATIVE_FLOOR) -> np.ndarray:
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


def gradient_check(network: Network, x, d, divergence: Divergence, h: float = DEFAULT_STEP,
                   fused: bool = True) -> GradientCheck:
    """Backprop's gradient against central differences for every parameter (float64 advised)."""
    d = np.ascontiguousarray(d, dtype=network.dtype)
    with np.errstate(all="ignore"):  # overflow shows as inf/NaN in the result (see `finite`), not as warnings
        analytic = network.backward(network.forward(x), d, divergence, fused=fused).vector.astype(np.float64)
        numeric = numeric_gradient(network, x, d, divergence, h)
        error = relative_error(analytic, numeric)
    return GradientCheck(analytic, numeric, error, network)
