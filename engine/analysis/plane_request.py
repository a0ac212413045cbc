"""Which plane θ + a e₁ + b e₂ a live landscape view samples, and whether it can be afforded.

The axes, by `kind`:
- "parameters": two parameters by name (`W2[0,1]` = w_01^(2), `b1[3]` = b_3^(1), engine indices
  from 0): e₁, e₂ are their unit vectors, so a and b are the changes Δw of those two alone;
- "random": two random filter-normalised directions (seeds 0 and 1, engine.analysis.directions);
- "hessian": the eigenvectors of the two largest eigenvalues of ∇²L(θ), scaled to ‖θ‖;
- "pca": the first two principal components of the trajectory so far (centred on the current
  θ), scaled together so that the path fills about 80 % of the span, with their explained variance.
A choice that cannot be had now (too short a trajectory, a parameter the network no longer
has) falls back to random directions and says why in `note`.

`check_plane` refuses, with the numbers, a resolution a live view could not follow: by the time the
last plane took per point, or before one was timed by `plane_work`, the multiply-adds of an R × R
plane; the offline `landscape` command has no such limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from engine.analysis.curvature import curvature_steps, eigen_directions
from engine.analysis.directions import filter_normalized, named_direction, parameter_index, trajectory_pca
from engine.analysis.landscape import offsets, plane_coordinates
from engine.analysis.training_loss import TrainingLoss
from engine.core.errors import ConfigurationError
from engine.core.network import Layout

AXES = ("parameters", "random", "hessian", "pca")
#: worker seconds one plane of a live view may take (time-sliced: a new plane every ~LIVE_SECONDS / 15 %)
LIVE_SECONDS = 3.0
#: multiply-adds of one plane a live view may spend, before a plane has been timed
LIVE_WORK = 2.0e10
#: share of the span the PCA path's farthest point reaches
PCA_FILL = 0.8


@dataclass(frozen=True)
class PlaneAxes:
    """The plane's directions; `kind` is what was used (random after a fallback, with `note`)."""

    e1: np.ndarray
    e2: np.ndarray
    kind: str
    names: tuple[str, ...] = ()  # the two parameters' names (kind "parameters")
    explained: tuple[float, ...] = ()  # PCA: the fraction of the trajectory's variance along e₁, e₂
    note: str = ""


def canonical_name(layout: Layout, name: str) -> str:
    """`name` written as the engine writes it (`W2[0,1]`, `b1[3]`); ConfigurationError lists the valid ones."""
    index = parameter_index(layout, name)
    offsets_ = layout.offsets()
    for k in range(1, layout.N + 1):
        w0, b0, end = offsets_[2 * k - 2], offsets_[2 * k - 1], offsets_[2 * k]
        if w0 <= index < b0:
            i, j = divmod(index - w0, layout.sizes[k])
            return f"W{k}[{i},{j}]"
        if b0 <= index < end:
            return f"b{k}[{index - b0}]"
    raise ConfigurationError(f"unknown parameter {name!r}")  # pragma: no cover - parameter_index checked it


def check_parameters(layout: Layout, names) -> tuple[str, str]:
    """Two different parameters' canonical names, or ConfigurationError saying why not."""
    if len(names) != 2:
        raise ConfigurationError(f"choose two parameters, got {len(names)}")
    first, second = (canonical_name(layout, n) for n in names)
    if first == second:
        raise ConfigurationError(f"e₁ and e₂ are both {first}: choose two different parameters")
    return first, second


def plane_work(sizes, samples: int, resolution: int) -> float:
    """Multiply-adds of an R × R plane: per point, layer 1 costs 2·T·n₁ (it is affine in a, b),
    every later layer T·n_(k−1)·n_k, and each activation T·n_k."""
    layers = 2 * sizes[1] + sum(sizes[k - 1] * sizes[k] for k in range(2, len(sizes))) + sum(sizes[1:])
    return float(resolution) ** 2 * samples * layers


def largest_live_resolution(sizes, samples: int, seconds_per_point: float | None = None) -> int:
    """The largest R whose plane stays within LIVE_SECONDS (measured) or LIVE_WORK (estimated); at least 2."""
    if seconds_per_point:
        return max(2, int(np.sqrt(LIVE_SECONDS / seconds_per_point)))
    per_point = plane_work(sizes, samples, 1)
    return max(2, int(np.sqrt(LIVE_WORK / per_point)))


def check_plane(sizes, samples: int, span: float, resolution: int, seconds_per_point: float | None = None) -> None:
    """Refuse (ConfigurationError, with the numbers) a span or resolution a live view cannot sample.

    `seconds_per_point`: what the last plane took per point (small networks cost more per point than
    their multiply-adds say); without it the multiply-adds are estimated."""
    offsets(span, resolution)  # a whole number from 2 to the engine's maximum, a span > 0
    top = largest_live_resolution(sizes, samples, seconds_per_point)
    if resolution <= top:
        return
    points = (f"{resolution}×{resolution} plane is {resolution * resolution:,} evaluations of L over the "
              f"{samples:,} training samples")
    if seconds_per_point:
        cost = f"about {resolution * resolution * seconds_per_point:.2g} s of the worker, as the last plane went"
    else:
        cost = f"about {plane_work(sizes, samples, resolution):.2g} multiply-adds"
    raise ConfigurationError(f"a {points} ({cost}): too slow to follow training; at most {top}×{top} for this "
                             f"network here (the landscape command has no such limit)")


def axes_steps(loss: TrainingLoss, theta, kind: str, names=(), path=None, span: float = 1.0) -> Iterator[float]:
    """Yields progress (the Hessian's directions take a while); returns PlaneAxes. `path`: the
    trajectory (n, P) ending at θ, for PCA."""
    theta = np.asarray(theta, dtype=np.float64)
    if kind not in AXES:
        raise ConfigurationError(f"axes must be one of {', '.join(AXES)}, got {kind!r}")
    scale = float(np.linalg.norm(theta)) or 1.0
    note = ""
    try:
        if kind == "parameters":
            first, second = check_parameters(loss.layout, names)
            return PlaneAxes(named_direction(loss.layout, first), named_direction(loss.layout, second), kind,
                             (first, second))
        if kind == "hessian":
            report = yield from curvature_steps(loss, theta, top=2)
            e1, e2 = eigen_directions(report, "largest")
            return PlaneAxes(e1 * scale, e2 * scale, kind)
        if kind == "pca":
            return _pca_axes(theta, path, span)
    except ConfigurationError as error:
        note = f"{kind}: {error}; showing random directions"
    return PlaneAxes(filter_normalized(loss.layout, theta, seed=0), filter_normalized(loss.layout, theta, seed=1),
                     "random", note=note)


def _pca_axes(theta, path, span: float) -> PlaneAxes:
    if path is None:
        raise ConfigurationError("no trajectory yet")
    pcs = trajectory_pca(np.asarray(path, dtype=np.float64), 2)
    e1, e2 = pcs.directions
    reach = float(np.abs(plane_coordinates(e1, e2, path - theta)).max())
    scale = reach / (PCA_FILL * span) if reach > 0 else 1.0
    return PlaneAxes(e1 * scale, e2 * scale, "pca", explained=tuple(float(v) for v in pcs.explained_variance))
