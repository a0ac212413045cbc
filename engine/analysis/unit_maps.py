"""Unit maps: what every unit computes, y_j^(k) over the input plane, from one batched forward pass.

The network is evaluated once on a coarse G×G grid of the plane (a `DecisionGrid`'s points,
so derived input features and held-fixed inputs are handled the same way); the trace keeps
every layer's y^(k), so all the maps of all units come from that single pass.
"""

from __future__ import annotations

import numpy as np

from engine.analysis.decision_grid import DecisionGrid
from engine.core.network import Network

DEFAULT_RESOLUTION = 24
#: of the data's extent, on every side (as the decision view)
MARGIN = 0.15


def plane_grid(points: np.ndarray, resolution: int = DEFAULT_RESOLUTION, expand=None,
               margin: float = MARGIN) -> DecisionGrid:
    """A G×G grid over the extent of `points` (T, 2) — the network's inputs x1, x2 — padded by `margin`.

    `expand` maps the grid's points to y^(0) when the network has derived input features."""
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
        raise ValueError(f"unit maps need 2-D inputs, got points of shape {points.shape}")
    lo, hi = points.min(axis=0), points.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    lo, hi = lo - pad, hi + pad
    return DecisionGrid(2, (lo[0], hi[0]), (lo[1], hi[1]), resolution, expand=expand)


def unit_maps(network: Network, grid: DecisionGrid) -> list[np.ndarray]:
    """maps[k − 1] has shape (G, G, n_k): y^(k) of layer k over the grid ([r, c] at (x_c, y_r))."""
    net = Network(network.sizes, network.activations, dtype="float32")
    np.copyto(net.parameters, network.parameters, casting="same_kind")
    trace = net.forward(grid.points)
    G = grid.resolution
    return [np.ascontiguousarray(trace.y[k].reshape(G, G, -1)) for k in range(1, network.N + 1)]


def map_range(activation_name: str, values: np.ndarray) -> tuple[float, float]:
    """The colour scale of a unit map: the activation's own range where it has one
    (sigmoid/softmax [0, 1], tanh [−1, 1]), else symmetric about 0 over the values shown."""
    if activation_name in ("sigmoid", "softmax"):
        return 0.0, 1.0
    if activation_name == "tanh":
        return -1.0, 1.0
    m = float(np.max(np.abs(values))) if values.size else 1.0
    return -max(m, 1e-12), max(m, 1e-12)
