"""Which level sets of f(x, y) to draw and where to write their values.

Levels sit at quantiles of f over the view (valleys and steep walls both get lines), rounded
to two significant digits so their labels read "0.55", "12", "130". Each level's label goes
on a point of its level set at least `spacing` (a fraction of the view's width) from every
label placed before it, so the labels of a narrow valley (Rosenbrock) do not pile up; a
level with no such point goes unlabelled.
"""

from __future__ import annotations

import numpy as np

LEVELS = 12
SPACING = 0.12
CANDIDATES = 9  # points tried along each level set


def levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """Level values at quantiles of the finite grid values, two significant digits, ascending."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.empty(0)
    return np.unique([float(f"{v:.2g}") for v in np.quantile(finite, np.linspace(0.03, 0.97, count))])


def label_points(pieces: list[np.ndarray], width: float, spacing: float = SPACING) -> list[np.ndarray | None]:
    """For each level set (its points, (k, 2)) a label position on it, or None; any two at least
    spacing·width apart."""
    placed: list[np.ndarray] = []
    out: list[np.ndarray | None] = []
    for n, points in enumerate(pieces):
        chosen = None
        if len(points):
            offsets = (0.5 + 0.29 * n + np.arange(CANDIDATES) / CANDIDATES) % 1.0  # staggered start per level
            for t in offsets:
                p = points[int(t * (len(points) - 1))]
                if all(np.hypot(*(p - q)) >= spacing * width for q in placed):
                    chosen = p
                    break
        if chosen is not None:
            placed.append(chosen)
        out.append(chosen)
    return out
