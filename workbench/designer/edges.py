"""Every drawn edge of the network view as arrays, and the per-frame sort of the edges into (sign, |w|) bins.

Edge n runs from unit ei[n] of column ek[n] − 1 to unit ej[n] of column ek[n]; `edge_idx[n]` is the
position of w_ij^(k) in the flat parameter vector (engine.core.network.Layout). Bins: code =
|w| bin (|w| / max|w| of its layer, LEVELS bins) + LEVELS if w < 0 + 2·LEVELS if its layer is bundled
(too many units to draw them all).
"""

from __future__ import annotations

import numpy as np

from engine.core.network import Network

from .items import LEVELS, MAX_SHOWN


class EdgeGeometry:
    """Endpoints (ex0, ey0) → (ex1, ey1), indices ek, ei, ej, edge_idx, and reused per-frame buffers."""

    def __init__(self, net: Network, cols, xs, radius: float):
        x0, y0, x1, y1, ks, iis, jjs, idx, starts = [], [], [], [], [], [], [], [], []
        offsets = net.layout.offsets()
        for k in range(1, net.N + 1):
            (ui, yi), (uj, yj) = cols[k - 1], cols[k]
            I, J = np.meshgrid(np.arange(len(ui)), np.arange(len(uj)), indexing="ij")
            I, J = I.ravel(), J.ravel()
            starts.append(sum(map(len, ks)))
            x0.append(np.full(I.size, xs[k - 1] + radius))
            x1.append(np.full(I.size, xs[k] - radius))
            y0.append(yi[I])
            y1.append(yj[J])
            ks.append(np.full(I.size, k))
            iis.append(ui[I])
            jjs.append(uj[J])
            idx.append(offsets[2 * k - 2] + ui[I] * net.sizes[k] + uj[J])
        cat = np.concatenate
        self.ex0, self.ey0, self.ex1, self.ey1 = cat(x0), cat(y0), cat(x1), cat(y1)
        self.ek, self.ei, self.ej, self.edge_idx = cat(ks), cat(iis), cat(jjs), cat(idx)
        self.layer_starts = np.array(starts)
        bundled = [max(net.sizes[k - 1], net.sizes[k]) > MAX_SHOWN for k in range(1, net.N + 1)]
        self.bundled_code = (2 * LEVELS * np.array(bundled, np.intp))[self.ek - 1]
        self.size = E = self.edge_idx.size
        self._buffers(net.dtype)
        self.code = np.empty(E, dtype=np.intp)
        self.px = np.empty(2 * E)
        self.py = np.empty(2 * E)

    def _buffers(self, dtype) -> None:
        self.w, self.absw, self.scale = (np.empty(self.size, dtype) for _ in range(3))

    def sorted_segments(self, parameters: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(px, py, bins): segment ends sorted by bin code (2 entries per edge) and the edges per code."""
        if self.w.dtype != parameters.dtype:  # float32 runs: buffers follow the vector's dtype
            self._buffers(parameters.dtype)
        w, absw, scale, code = self.w, self.absw, self.scale, self.code
        np.take(parameters, self.edge_idx, out=w)
        np.abs(w, out=absw)
        # |w| relative to the largest drawn |w| of its layer
        layer_max = np.maximum.reduceat(absw, self.layer_starts)
        np.maximum(layer_max, 1e-300, out=layer_max)
        counts = np.diff(np.r_[self.layer_starts, self.size])
        scale[:] = np.repeat(layer_max, counts)
        np.divide(absw, scale, out=scale)
        np.multiply(scale, LEVELS, out=scale)
        np.minimum(scale, LEVELS - 1, out=scale)
        code[:] = scale  # truncates to the bin 0..LEVELS-1
        code[w < 0] += LEVELS
        code += self.bundled_code
        order = np.argsort(code, kind="stable")
        bins = np.bincount(code, minlength=4 * LEVELS)
        px, py = self.px, self.py
        px[0::2] = self.ex0[order]
        px[1::2] = self.ex1[order]
        py[0::2] = self.ey0[order]
        py[1::2] = self.ey1[order]
        return px, py, bins

    def nearest(self, px: float, py: float, tolerance: float) -> tuple[int, int, int] | None:
        """(k, i, j) of the drawn edge nearest the scene point (px, py), if within `tolerance`."""
        if self.size == 0:
            return None
        dx, dy = self.ex1 - self.ex0, self.ey1 - self.ey0
        t = np.clip(((px - self.ex0) * dx + (py - self.ey0) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        d = np.hypot(self.ex0 + t * dx - px, self.ey0 + t * dy - py)
        n = int(np.argmin(d))
        if d[n] > tolerance:
            return None
        return int(self.ek[n]), int(self.ei[n]), int(self.ej[n])
