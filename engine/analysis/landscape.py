"""The loss landscape: L over a plane θ + a e₁ + b e₂, along a line θ + α v, and a path seen on the plane.

    loss[i, j] = L(θ + a[i] e₁ + b[j] e₂),   a, b evenly spaced from −S to S (R each)

All R² points go through the batched evaluation of `TrainingLoss.values_along`, a chunk of
points per batched forward pass (never R² separate passes, see engine.analysis.batched_loss);
`landscape_steps` yields the fraction done after each chunk so a probe can interleave it with
training (or stop it), and returns a frozen `Landscape`; `landscape` runs it to the end, with a
progress callback and a cancel check.

A projected path is the least-squares coordinates (a, b) of θ_i − θ in the plane; because the
rest of θ_i − θ is dropped, the projected path can seem to cross contours while the real
loss falls: `projected_path` returns the real L(θ_i) beside the loss on the plane at (a_i, b_i).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.analysis.hessian import hessian_vector_product
from engine.analysis.steps import finish
from engine.analysis.training_loss import TrainingLoss
from engine.core.errors import ConfigurationError
from engine.core.network import Network

MAX_RESOLUTION = 1001


@dataclass(frozen=True)
class Landscape:
    """A sampled plane: loss[i, j] = L(θ + a[i] e1 + b[j] e2)."""

    a: np.ndarray
    b: np.ndarray
    loss: np.ndarray
    e1: np.ndarray
    e2: np.ndarray
    centre_loss: float


def offsets(span: float, resolution: int) -> np.ndarray:
    """R offsets evenly from −S to S; refuses impossible values before any work."""
    if int(resolution) != resolution or not 2 <= resolution <= MAX_RESOLUTION:
        points = f" ({resolution}² = {resolution * resolution:,.0f} points)" if resolution > MAX_RESOLUTION else ""
        raise ConfigurationError(f"resolution must be a whole number from 2 to {MAX_RESOLUTION}, got {resolution}{points}")
    if not (np.isfinite(span) and span > 0):
        raise ConfigurationError(f"span must be a number > 0, got {span}")
    return np.linspace(-span, span, int(resolution))


def landscape_steps(loss: TrainingLoss, theta, e1, e2, span: float = 1.0, resolution: int = 51) -> Iterator[float]:
    """Yields the fraction done after each chunk; returns the Landscape. θ is copied first, so a
    probe may pass a live network's parameters and let training continue between chunks."""
    theta = np.array(theta, dtype=np.float64)
    a = offsets(span, resolution)
    b = a.copy()
    E = np.stack([np.asarray(e1, dtype=np.float64), np.asarray(e2, dtype=np.float64)])
    if E.shape[1] != loss.P:
        raise ConfigurationError(f"directions must have {loss.P} entries, got {E.shape[1]}")
    C = np.stack(np.meshgrid(a, b, indexing="ij"), axis=-1).reshape(-1, 2)
    values = yield from loss.values_along(theta, E, C)
    return Landscape(a, b, values.reshape(len(a), len(b)), E[0], E[1], loss.value(theta))


def landscape(loss: TrainingLoss, theta, e1, e2, span: float = 1.0, resolution: int = 51,
              progress=None, cancelled=None) -> Landscape:
    """The whole plane; `progress(fraction)` after each chunk, `cancelled()` True stops it with
    engine.analysis.steps.Cancelled (see `finish`)."""
    return finish(landscape_steps(loss, theta, e1, e2, span, resolution), progress, cancelled)


def pointwise_losses(loss: TrainingLoss, theta, e1, e2, a, b) -> np.ndarray:
    """The simplest correct method, for checks and benchmarks: one network forward pass per grid
    point, in the network's float type; loss[i, j] = L(θ + a[i] e1 + b[j] e2)."""
    net = Network(loss.sizes, loss.activations, dtype=loss.grid_dtype)
    x, d = loss.x.astype(net.dtype), loss.d.astype(net.dtype)
    out = np.empty((len(a), len(b)))
    with np.errstate(all="ignore"):
        for i, ai in enumerate(a):
            for j, bj in enumerate(b):
                point = theta + ai * np.asarray(e1) + bj * np.asarray(e2)
                net.parameters[...] = point
                out[i, j] = loss.divergence.loss(net.forward(x).output, d) + loss.penalty(point)
    return out


@dataclass(frozen=True)
class Slice:
    """L(θ + α v) along a line, with the curvature vᵀHv / ‖v‖² there (H at θ)."""

    alpha: np.ndarray
    loss: np.ndarray
    direction: np.ndarray
    curvature: float
    slope: float  # ∇L·v / ‖v‖


def line_slice(loss: TrainingLoss, theta, v, span: float = 1.0, resolution: int = 101, hvp=None) -> Slice:
    """A 1-D slice; `hvp` (an operator at θ) is built if not given."""
    alpha = offsets(span, resolution)
    v = np.asarray(v, dtype=np.float64)
    values = finish(loss.values_along(theta, v[None], alpha[:, None]))
    hvp = hvp if hvp is not None else hessian_vector_product(loss, theta)
    vv = float(v @ v)
    if vv == 0.0:
        raise ConfigurationError("the slice direction is zero")
    return Slice(alpha, values, v, float(v @ hvp(v)) / vv, float(hvp.gradient @ v) / np.sqrt(vv))


def plane_coordinates(e1, e2, vectors) -> np.ndarray:
    """Least-squares (a, b) with a e1 + b e2 ≈ each row of vectors (n, P)."""
    E = np.stack([e1, e2])
    G = E @ E.T
    return np.linalg.solve(G, E @ np.atleast_2d(vectors).T).T


def projected_gradient(e1, e2, gradient) -> np.ndarray:
    """The gradient's components in the plane (coordinates of its projection)."""
    return plane_coordinates(e1, e2, gradient)[0]


@dataclass(frozen=True)
class ProjectedPath:
    coordinates: np.ndarray  # (n, 2): (a_i, b_i)
    real_loss: np.ndarray  # L(θ_i)
    plane_loss: np.ndarray  # L(θ + a_i e1 + b_i e2)


def projected_path(loss: TrainingLoss, theta, e1, e2, trajectory) -> ProjectedPath:
    """A trajectory θ_0..θ_n on the plane through θ, with its real loss and the loss on the plane."""
    path = np.atleast_2d(np.asarray(trajectory, dtype=np.float64))
    coords = plane_coordinates(e1, e2, path - theta)
    on_plane = finish(loss.values_along(theta, np.stack([e1, e2]), coords))
    return ProjectedPath(coords, loss.values_at(path), on_plane)
