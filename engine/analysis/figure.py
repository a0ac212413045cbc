"""The landscape figure for the command line: the contour plot with tick labels on both axes
(a across, b up), a colour bar with its loss range, and the level values — drawn with a
3 × 5 pixel font at twice its size, so the PNG needs no plotting library."""

from __future__ import annotations

import numpy as np

from engine.analysis.contour_plot import colour_map, levels, render

_GLYPHS = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", ".": "000000000000010", "-": "000000111000000",
    "+": "000010111010000", "e": "000011111100011", "a": "000011101101011", "b": "100100111101111",
    "L": "100100100100111", "=": "000111000111000", " ": "000000000000000",
}
SCALE = 2
INK = np.array([20, 20, 20], np.uint8)
PAPER = np.array([255, 255, 255], np.uint8)
PLOT, LEFT, TOP, BOTTOM, BAR, RIGHT = 480, 64, 14, 40, 16, 84


def text_width(text: str) -> int:
    return len(text) * 4 * SCALE


def draw_text(img: np.ndarray, text: str, row: int, col: int, colour=INK) -> None:
    """Text with its top-left corner at (row, col); unknown characters are left out."""
    for n, ch in enumerate(text):
        bits = _GLYPHS.get(ch)
        if bits is None:
            continue
        glyph = np.array([int(b) for b in bits], bool).reshape(5, 3).repeat(SCALE, 0).repeat(SCALE, 1)
        r0, c0 = row, col + n * 4 * SCALE
        region = img[r0 : r0 + glyph.shape[0], c0 : c0 + glyph.shape[1]]
        region[glyph[: region.shape[0], : region.shape[1]]] = colour


def _label(value: float) -> str:
    return f"{value:.3g}".replace("e+0", "e").replace("e-0", "e-")


def figure(a, b, Z, path=None) -> np.ndarray:
    """The whole figure as an (H, W, 3) uint8 image."""
    a, b, Z = np.asarray(a, float), np.asarray(b, float), np.asarray(Z, float)
    lv = levels(Z)
    h, w = TOP + PLOT + BOTTOM, LEFT + PLOT + 12 + BAR + RIGHT
    img = np.empty((h, w, 3), np.uint8)
    img[...] = PAPER
    img[TOP : TOP + PLOT, LEFT : LEFT + PLOT] = render(a, b, Z, PLOT, lv, path)
    glyph_h = 5 * SCALE
    for value, frac in ((a[0], 0.0), (0.5 * (a[0] + a[-1]), 0.5), (a[-1], 1.0)):
        text = _label(value)
        col = int(LEFT + frac * (PLOT - 1) - text_width(text) / 2)
        draw_text(img, text, TOP + PLOT + 6, max(0, min(col, w - text_width(text))))
    draw_text(img, "a", TOP + PLOT + 8 + glyph_h, LEFT + PLOT // 2 - SCALE * 2)
    for value, frac in ((b[-1], 0.0), (0.5 * (b[0] + b[-1]), 0.5), (b[0], 1.0)):
        text = _label(value)
        draw_text(img, text, int(TOP + frac * (PLOT - glyph_h)), max(0, LEFT - 6 - text_width(text)))
    draw_text(img, "b", TOP + PLOT // 2 - glyph_h // 2, 4)
    _colour_bar(img, Z, lv)
    return img


def _colour_bar(img: np.ndarray, Z: np.ndarray, lv: np.ndarray) -> None:
    """The bar from the lowest loss (bottom) to the highest level (top), level ticks and values."""
    finite = Z[np.isfinite(Z)]
    if not finite.size:
        return
    lo = float(finite.min())
    hi = float(lv[-1]) if len(lv) else lo + 1.0
    c0 = LEFT + PLOT + 12
    t = np.linspace(1.0, 0.0, PLOT)[:, None]
    img[TOP : TOP + PLOT, c0 : c0 + BAR] = colour_map(np.broadcast_to(t, (PLOT, BAR)))
    for value in lv:
        r = int(TOP + (1.0 - (value - lo) / (hi - lo)) * (PLOT - 1))
        img[r, c0 : c0 + BAR] = PAPER
    for value, r in ((hi, TOP), (lo, TOP + PLOT - 5 * SCALE)):
        draw_text(img, _label(value), r, c0 + BAR + 4)
    draw_text(img, "L", TOP + PLOT // 2 - 5, c0 + BAR + 4)
