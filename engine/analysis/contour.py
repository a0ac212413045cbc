"""A level line of a gridded function by vectorised marching squares (line segments, no joining).

pyqtgraph's IsocurveItem walks the grid in Python (~20 ms for a 120×120 grid); this is a
handful of whole-array NumPy operations (< 1 ms), so the y = 0.5 decision boundary can be
redrawn with every frame.
"""

from __future__ import annotations

import numpy as np


def contour_segments(Z: np.ndarray, level: float, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Segments of {Z = level} as (2S, 2) points (pairs), Z[r, c] at (xs[c], ys[r])."""
    Z = np.asarray(Z, dtype=np.float64)
    above = Z > level
    # the four corners of every cell and its four edges: bottom a→b, right b→c, top d→c, left a→d
    a, b, c, d = Z[:-1, :-1], Z[:-1, 1:], Z[1:, 1:], Z[1:, :-1]
    A, B, C, D = above[:-1, :-1], above[:-1, 1:], above[1:, 1:], above[1:, :-1]
    x0, x1 = xs[:-1][None, :], xs[1:][None, :]
    y0, y1 = ys[:-1][:, None], ys[1:][:, None]
    shape = a.shape

    def cut(p, q):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip((level - p) / (q - p), 0.0, 1.0)

    t = [cut(a, b), cut(b, c), cut(d, c), cut(a, d)]
    px = np.stack([np.broadcast_to(x0 + t[0] * (x1 - x0), shape), np.broadcast_to(x1, shape),
                   np.broadcast_to(x0 + t[2] * (x1 - x0), shape), np.broadcast_to(x0, shape)])
    py = np.stack([np.broadcast_to(y0, shape), np.broadcast_to(y0 + t[1] * (y1 - y0), shape),
                   np.broadcast_to(y1, shape), np.broadcast_to(y0 + t[3] * (y1 - y0), shape)])
    crosses = np.stack([A != B, B != C, D != C, A != D])  # (4, R-1, C-1)
    count = crosses.sum(axis=0)
    out = []
    two = count == 2
    if two.any():
        order = np.argsort(~crosses[:, two], axis=0, kind="stable")[:2]  # the two crossed edges
        cols = np.arange(order.shape[1])
        ex, ey = px[:, two], py[:, two]
        p = np.stack([ex[order[0], cols], ey[order[0], cols]], axis=1)
        q = np.stack([ex[order[1], cols], ey[order[1], cols]], axis=1)
        out.append(np.stack([p, q], axis=1).reshape(-1, 2))
    four = count == 4  # saddle: pair bottom–left and right–top
    if four.any():
        ex, ey = px[:, four], py[:, four]
        for i, j in ((0, 3), (1, 2)):
            p = np.stack([ex[i], ey[i]], axis=1)
            q = np.stack([ex[j], ey[j]], axis=1)
            out.append(np.stack([p, q], axis=1).reshape(-1, 2))
    return np.concatenate(out) if out else np.empty((0, 2))
