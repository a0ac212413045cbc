"""A contour plot as an RGB image, in pure NumPy: a colour-mapped heatmap, level lines
(vectorised marching squares from `engine.analysis.contour`), an optional path and a marker
at the centre (`engine.analysis.figure` adds the axes and a colour bar).

`Z[i, j]` is the value at (a[i], b[j]); a runs left to right, b bottom to top.
"""

from __future__ import annotations

import numpy as np

from engine.analysis.contour import contour_segments

# viridis at five stops (dark blue: low loss, yellow: high)
_STOPS = np.array([[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]], dtype=np.float64)
LINE = np.array([255, 255, 255], np.uint8)
PATH = np.array([230, 60, 40], np.uint8)
MARK = np.array([0, 0, 0], np.uint8)


def colour_map(t: np.ndarray) -> np.ndarray:
    """t in [0, 1] → uint8 RGB by linear interpolation between the stops."""
    t = np.clip(np.nan_to_num(t, nan=1.0), 0.0, 1.0) * (len(_STOPS) - 1)
    i = np.minimum(t.astype(int), len(_STOPS) - 2)
    f = (t - i)[..., None]
    return ((1 - f) * _STOPS[i] + f * _STOPS[i + 1]).astype(np.uint8)


def levels(Z: np.ndarray, count: int = 12) -> np.ndarray:
    """`count` levels from the minimum to the 95th percentile (the top 5 % is saturated), spaced
    quadratically so that the floor of a valley, where descent ends, gets lines too."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return np.array([])
    lo, hi = float(finite.min()), float(np.percentile(finite, 95))
    if hi <= lo:
        return np.array([])
    return lo + (hi - lo) * np.linspace(0.0, 1.0, count + 1)[1:] ** 2


def render(a, b, Z, size: int = 480, level_values=None, path=None) -> np.ndarray:
    """The (size, size, 3) image of Z over the (a, b) rectangle with its level lines."""
    a, b, Z = np.asarray(a, float), np.asarray(b, float), np.asarray(Z, float)
    lv = levels(Z) if level_values is None else np.asarray(level_values, float)
    lo = float(np.nanmin(Z[np.isfinite(Z)])) if np.isfinite(Z).any() else 0.0
    hi = float(lv[-1]) if len(lv) else lo + 1.0
    px = np.linspace(a[0], a[-1], size)
    py = np.linspace(b[-1], b[0], size)  # image row 0 is the top: the largest b
    fine = _bilinear(a, b, Z, px, py)  # (rows = b, cols = a)
    img = colour_map((fine - lo) / (hi - lo if hi > lo else 1.0))
    to_px = _pixel_mapper(a, b, size)
    for level in lv:
        seg = contour_segments(Z.T, level, a, b).reshape(-1, 2, 2)  # points (a, b)
        _draw_segments(img, to_px(seg), LINE)
    if path is not None and len(path) > 1:
        p = np.asarray(path, float)
        _draw_segments(img, to_px(np.stack([p[:-1], p[1:]], axis=1)), PATH)
    _draw_cross(img, to_px(np.zeros((1, 1, 2)))[0, 0], MARK)
    return img


def _bilinear(a, b, Z, px, py) -> np.ndarray:
    """Z resampled at the pixel centres (py rows, px columns)."""
    ia = np.interp(px, a, np.arange(len(a)))
    ib = np.interp(py, b, np.arange(len(b)))
    i0 = np.minimum(ia.astype(int), len(a) - 2)
    j0 = np.minimum(ib.astype(int), len(b) - 2)
    fa, fb = (ia - i0)[None, :], (ib - j0)[:, None]
    Zt = Z.T  # rows b, cols a
    z00, z01 = Zt[j0][:, i0], Zt[j0][:, i0 + 1]
    z10, z11 = Zt[j0 + 1][:, i0], Zt[j0 + 1][:, i0 + 1]
    return (1 - fb) * ((1 - fa) * z00 + fa * z01) + fb * ((1 - fa) * z10 + fa * z11)


def _pixel_mapper(a, b, size):
    def to_px(points: np.ndarray) -> np.ndarray:
        col = (points[..., 0] - a[0]) / (a[-1] - a[0]) * (size - 1)
        row = (b[-1] - points[..., 1]) / (b[-1] - b[0]) * (size - 1)
        return np.stack([row, col], axis=-1)
    return to_px


def _draw_segments(img: np.ndarray, seg: np.ndarray, colour: np.ndarray) -> None:
    """Segments (S, 2, 2) of (row, col) pixel coordinates, sampled at sub-pixel steps."""
    if not len(seg):
        return
    length = np.abs(seg[:, 1] - seg[:, 0]).max()
    n = int(np.ceil(min(length, 4 * img.shape[0]))) + 2
    t = np.linspace(0.0, 1.0, n)[None, :, None]
    points = seg[:, :1] + t * (seg[:, 1:] - seg[:, :1])
    r = np.rint(points[..., 0]).astype(int).ravel()
    c = np.rint(points[..., 1]).astype(int).ravel()
    ok = (r >= 0) & (r < img.shape[0]) & (c >= 0) & (c < img.shape[1])
    img[r[ok], c[ok]] = colour


def _draw_cross(img: np.ndarray, at: np.ndarray, colour: np.ndarray, arm: int = 6) -> None:
    r, c = int(round(at[0])), int(round(at[1]))
    h, w = img.shape[:2]
    img[max(0, r - 1) : r + 2, max(0, c - arm) : c + arm + 1] = colour
    img[max(0, r - arm) : r + arm + 1, max(0, c - 1) : c + 2] = colour
