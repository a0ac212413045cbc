"""Directions in parameter space for the landscape views: e₁, e₂ of the plane θ + a e₁ + b e₂.

- a named parameter, `W2[0,1]` (w_01^(2)) or `b1[3]` (b_3^(1)), 0-based indices into the
  weights.npz arrays: the unit vector of that parameter;
- random, filter-normalised (Li et al. 2018): a Gaussian direction whose block for each unit
  j of layer k — its incoming weights W^(k)[:, j] — is rescaled to the norm of that unit's
  weights in θ; biases 0. Then a step of 1 moves every unit by about its own size;
- the Hessian's eigenvectors (Lanczos or dense, see `engine.analysis.hessian`);
- the principal components of a trajectory θ_0..θ_n: the right singular vectors of the
  differences θ_i − θ_n, with the explained variance σ_i² / Σσ².
Every function is pure and seeded by its own generator (never a trainer's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from engine.core.errors import ConfigurationError
from engine.core.network import Layout

_NAME = re.compile(r"^\s*([Wb])(\d+)\s*\[\s*(\d+)\s*(?:,\s*(\d+)\s*)?\]\s*$")


def parameter_names(layout: Layout) -> list[str]:
    """Every parameter's name in flat order: W1[0,0], W1[0,1], …, b1[0], …"""
    names = []
    for k in range(1, layout.N + 1):
        n_in, n_out = layout.sizes[k - 1], layout.sizes[k]
        names += [f"W{k}[{i},{j}]" for i in range(n_in) for j in range(n_out)]
        names += [f"b{k}[{j}]" for j in range(n_out)]
    return names


def valid_names(layout: Layout) -> str:
    """The ranges of valid names, e.g. "W1[0..1,0..7], b1[0..7], W2[0..7,0..0], b2[0..0]"."""
    parts = []
    for k in range(1, layout.N + 1):
        n_in, n_out = layout.sizes[k - 1], layout.sizes[k]
        parts += [f"W{k}[0..{n_in - 1},0..{n_out - 1}]", f"b{k}[0..{n_out - 1}]"]
    return ", ".join(parts)


def parameter_index(layout: Layout, name: str) -> int:
    """Flat index of a parameter named like `W2[0,1]` or `b1[3]`; ConfigurationError lists the valid ones."""
    m = _NAME.match(name)
    bad = f"unknown parameter {name!r}; valid names: {valid_names(layout)}"
    if not m:
        raise ConfigurationError(bad)
    kind, k, i, j = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
    if not 1 <= k <= layout.N:
        raise ConfigurationError(bad)
    n_in, n_out = layout.sizes[k - 1], layout.sizes[k]
    if kind == "W" and j is not None and i < n_in and int(j) < n_out:
        return layout.weight_index(k, i, int(j))
    if kind == "b" and j is None and i < n_out:
        return layout.bias_index(k, i)
    raise ConfigurationError(bad)


def named_direction(layout: Layout, name: str) -> np.ndarray:
    """The unit vector of one parameter."""
    e = np.zeros(layout.size)
    e[parameter_index(layout, name)] = 1.0
    return e


def filter_normalized(layout: Layout, theta: np.ndarray, seed: int = 0) -> np.ndarray:
    """A random direction with each unit's incoming-weight block scaled to that unit's norm in θ; biases 0."""
    rng = np.random.default_rng(seed)
    e = rng.standard_normal(layout.size)
    EW, Eb = layout.views(e)
    TW, _ = layout.views(np.asarray(theta, dtype=np.float64))
    for k in range(1, layout.N + 1):
        norms = np.linalg.norm(EW[k], axis=0)
        target = np.linalg.norm(TW[k], axis=0)
        EW[k] *= target / np.where(norms > 0, norms, 1.0)
        Eb[k][...] = 0.0
    return e


@dataclass(frozen=True)
class PrincipalDirections:
    """The first principal components of a trajectory, unit vectors, with their explained variance."""

    directions: np.ndarray  # (m, P)
    explained_variance: np.ndarray  # (m,) fractions of the total variance


def trajectory_pca(trajectory: np.ndarray, count: int = 2) -> PrincipalDirections:
    """PCA of θ_i − θ_last over a trajectory (n, P); the last point is the plane's centre."""
    path = np.asarray(trajectory, dtype=np.float64)
    if path.ndim != 2 or len(path) < count + 1:
        raise ConfigurationError(f"PCA of {count} directions needs at least {count + 1} trajectory points, "
                                 f"got {len(path) if path.ndim == 2 else 0}")
    diffs = path - path[-1]
    _, s, Vt = np.linalg.svd(diffs, full_matrices=False)
    total = float((s * s).sum())
    if total == 0.0:
        raise ConfigurationError("the trajectory never moved: no principal directions")
    return PrincipalDirections(Vt[:count].copy(), (s[:count] ** 2) / total)
