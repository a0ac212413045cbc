"""Analysis of a network: the central-difference gradient check and decision-boundary grids.

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

from .divergences import Divergence
from .network import Network

RELATIVE_FLOOR = 1e-6


@dataclass(frozen=True)
class GradientCheck:
    """Analytic and numeric gradients (flat, in the parameter layout) and their errors."""

    analytic: np.ndarray
    numeric: np.ndarray
    relative_error: np.ndarray
    network: Network

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
    analytic = network.backward(network.forward(x), d, divergence, fused=fused).vector.astype(np.float64)
    numeric = numeric_gradient(network, x, d, divergence, h)
    return GradientCheck(analytic, numeric, relative_error(analytic, numeric), network)


class DecisionGrid:
    """The network evaluated on a G×G grid over two input features, for heatmaps.

    Inputs other than the two on the axes are held at `fixed` (e.g. their training means).
    Evaluation runs in float32 into reused buffers: the picture needs no more precision,
    and it keeps 30 redraws a second cheap.
    """

    def __init__(self, n_inputs: int, x_range, y_range, resolution: int = 200,
                 axes: tuple[int, int] = (0, 1), fixed: np.ndarray | None = None):
        self.resolution = int(resolution)
        self.x_range, self.y_range = tuple(map(float, x_range)), tuple(map(float, y_range))
        self.axes = axes
        gx = np.linspace(*self.x_range, self.resolution, dtype=np.float32)
        gy = np.linspace(*self.y_range, self.resolution, dtype=np.float32)
        points = np.empty((self.resolution * self.resolution, n_inputs), np.float32)
        points[:] = 0.0 if fixed is None else np.asarray(fixed, np.float32)
        xx, yy = np.meshgrid(gx, gy)  # row r is y = gy[r]
        points[:, axes[0]] = xx.ravel()
        if n_inputs > 1:
            points[:, axes[1]] = yy.ravel()
        self.points = points
        self._network: Network | None = None
        self._trace = None

    def evaluate(self, network: Network) -> np.ndarray:
        """Outputs y^(N) on the grid, shape (G, G, n_N); [r, c] is at (x_c, y_r)."""
        net = self._network
        if net is None or net.sizes != network.sizes or net.activation_names != network.activation_names:
            net = self._network = Network(network.sizes, network.activations, dtype="float32")
            self._trace = net.new_trace(len(self.points))
        np.copyto(net.parameters, network.parameters, casting="same_kind")
        out = net.forward(self.points, self._trace).output
        return out.reshape(self.resolution, self.resolution, -1)


def decision_grid(network: Network, x_range, y_range, resolution: int = 200, **kwargs) -> DecisionGrid:
    """A DecisionGrid sized for `network`'s inputs."""
    return DecisionGrid(network.sizes[0], x_range, y_range, resolution, **kwargs)
