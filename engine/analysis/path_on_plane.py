"""The optimiser's path seen on a landscape plane, and a 1-D slice, as time-sliced generators.

Projected path: each θ_i of the trajectory has plane coordinates (a_i, b_i), the least-squares
fit a_i e₁ + b_i e₂ ≈ θ_i − θ. Beside it two losses: the real L(θ_i) and the loss on the plane
under the projected point, L(θ + a_i e₁ + b_i e₂). The map shows the second; where the path
seems to cross contours uphill, the real loss still falls: θ_i lies off the plane. Real
losses of points already seen come from `known` (a dict iteration → L) and are only computed
for new points, one forward pass each.

Slice: L(θ + α v) for α evenly from −S to S, with the slope ∇L·v and the curvature along v,
d²L/dα² at α = 0 = vᵀ∇²L(θ)v (one exact R-operator product), returned as
`engine.analysis.landscape.Slice` (curvature per unit length, vᵀHv / ‖v‖²).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.analysis.hessian import hessian_vector_product
from engine.analysis.landscape import Slice, offsets, plane_coordinates
from engine.analysis.training_loss import TrainingLoss
from engine.core.errors import ConfigurationError


@dataclass(frozen=True)
class PathOnPlane:
    """A trajectory on the plane through θ: coordinates and both losses per point."""

    iterations: np.ndarray  # (n,)
    coordinates: np.ndarray  # (n, 2): (a_i, b_i)
    real_loss: np.ndarray  # L(θ_i)
    plane_loss: np.ndarray  # L(θ + a_i e₁ + b_i e₂)


def path_on_plane_steps(loss: TrainingLoss, theta, e1, e2, iterations, thetas, known: dict | None = None
                        ) -> Iterator[float]:
    """Yields progress; returns PathOnPlane. `known` (iteration → real loss) is read, extended and
    pruned to these iterations (so it stays as bounded as the path); the point equal to θ takes
    L(θ) whatever its iteration."""
    theta = np.asarray(theta, dtype=np.float64)
    iterations = np.asarray(iterations, dtype=np.int64)
    thetas = np.atleast_2d(np.asarray(thetas, dtype=np.float64))
    n = len(iterations)
    if n == 0:
        empty = np.empty(0)
        return PathOnPlane(iterations, np.empty((0, 2)), empty, empty)
    known = {} if known is None else known
    coordinates = plane_coordinates(e1, e2, thetas - theta)
    plane = yield from loss.values_along(theta, np.stack([e1, e2]), coordinates)
    real = np.empty(n)
    for i, (it, point) in enumerate(zip(iterations.tolist(), thetas)):
        if np.array_equal(point, theta):
            real[i] = loss.value(theta)
        elif it in known:
            real[i] = known[it]
        else:
            real[i] = known[it] = loss.value(point)
            yield (i + 1) / n
    for it in set(known) - set(iterations.tolist()):
        del known[it]
    return PathOnPlane(iterations, coordinates, real, plane)


def slice_steps(loss: TrainingLoss, theta, v, span: float = 1.0, resolution: int = 101) -> Iterator[float]:
    """Yields progress; returns the Slice L(θ + α v) with its slope and curvature at α = 0."""
    alpha = offsets(span, resolution)
    v = np.asarray(v, dtype=np.float64)
    vv = float(v @ v)
    if vv == 0.0:
        raise ConfigurationError("the slice direction is zero")
    values = yield from loss.values_along(theta, v[None], alpha[:, None])
    hvp = hessian_vector_product(loss, theta)
    return Slice(alpha, values, v, float(v @ hvp(v)) / vv, float(hvp.gradient @ v) / np.sqrt(vv))
