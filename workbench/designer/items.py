"""The designer's drawing vocabulary: colours, |w| bins, and the few graphics items the network view is made of.

Edge colour is the sign of w (blue #2166ac > 0, orange #b35806 < 0: a colour-blind-safe diverging pair);
width and opacity grow with the |w| bin (LEVELS bins per sign, |w| relative to the largest |w| of its layer).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPolygonItem, QGraphicsRectItem, QGraphicsSimpleTextItem

POSITIVE = QColor("#2166ac")
NEGATIVE = QColor("#b35806")
SELECTION = QColor("#111111")
MAX_SHOWN, HEAD, TAIL = 16, 12, 3
LEVELS = 5                      # magnitude bins per sign
# Thickness comes from parallel 1-px strands: Qt's raster engine strokes 1-px antialiased lines
# on a fast path, while a wider (or round-capped) pen costs 10-100× more per edge.
STRANDS = ((0.0,), (0.0,), (0.0,), (-0.55, 0.55), (-1.0, 0.0, 1.0))
ALPHAS = (60, 105, 160, 190, 225)
BIAS_LEVELS = 8                 # fill colours per sign
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM = 96, 96, 26  # the side margins: at most (names shorter: less)
MAX_RADIUS = 13.0               # a unit's radius in px at most
MAX_MAP_RADIUS = 20.0           # … when it shows its unit map


def shown_units(n: int) -> np.ndarray:
    """The units of an n-unit layer that are drawn: all of them, or the first HEAD and last TAIL."""
    return np.arange(n) if n <= MAX_SHOWN else np.r_[0:HEAD, n - TAIL:n]


def mix(c: QColor, t: float) -> QColor:
    """`c` blended with white: t = 0 white, t = 1 the full colour."""
    return QColor(round(255 + (c.red() - 255) * t), round(255 + (c.green() - 255) * t),
                  round(255 + (c.blue() - 255) * t))


def sub(n: int) -> str:
    return f"<sub>{n}</sub>"




#: how much larger the designer's text is than normal (presentation mode sets it; see set_font_scale)
_FONT_SCALE = {"scale": 1.0}


def set_font_scale(scale: float) -> None:
    """Every designer label at `scale` × its normal size (rebuild the view to apply)."""
    _FONT_SCALE["scale"] = float(scale)


def font_scale() -> float:
    return _FONT_SCALE["scale"]


def scaled_font(points: float, bold: bool = False) -> QFont:
    """A font of `points` pt times the designer's font scale (enlarged, nothing under the 7.5 pt labels)."""
    scale = _FONT_SCALE["scale"]
    font = QFont()
    font.setPointSizeF((points if scale == 1.0 else max(points, 7.5)) * scale)
    font.setBold(bold)
    return font

class Button(QGraphicsRectItem):
    """A small clickable label in the scene (layer header controls)."""

    def __init__(self, text: str, tip: str, callback, bold=False, parent=None):
        super().__init__(parent)
        self.label = QGraphicsSimpleTextItem(text, self)
        self.label.setFont(scaled_font(8.5, bold))
        r = self.label.boundingRect()
        self.setRect(QRectF(0, 0, r.width() + 8, r.height() + 2))
        self.label.setPos(4, 1)
        self.setToolTip(tip)
        self.callback = callback
        self.enabled = True
        self.setAcceptHoverEvents(True)
        self.setPen(QPen(QColor("#9a9a9a"), 0.8))
        self.setBrush(QBrush(QColor("#f4f4f4")))
        self.setCursor(Qt.PointingHandCursor)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on
        self.label.setBrush(QColor("#222222" if on else "#b0b0b0"))

    def hoverEnterEvent(self, event):
        if self.enabled:
            self.setBrush(QBrush(QColor("#dde8f3")))

    def hoverLeaveEvent(self, event):
        self.setBrush(QBrush(QColor("#f4f4f4")))

    def mousePressEvent(self, event):
        event.accept()
        if self.enabled and event.button() == Qt.LeftButton:
            self.callback()


class EdgeLayer(QGraphicsItem):
    """Every drawn edge: one path per (sign, |w| bin), painted with that bin's pen.

    A QGraphicsPathItem with a wide pen derives its bounding rect from the stroked outline of
    its path, which costs more than painting it; this item's bounds are simply the scene's.
    """

    def __init__(self, pens, rect: QRectF):
        super().__init__()
        self.pens = pens
        self.paths = [QPainterPath() for _ in pens]
        self.rect = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self.rect

    def set_paths(self, paths) -> None:
        self.paths = paths
        self.update()

    def paint(self, painter, option, widget=None):
        for pen, path in zip(self.pens, self.paths):
            if not path.isEmpty():
                painter.setPen(pen)
                painter.drawPath(path)



def edge_paths(px: np.ndarray, py: np.ndarray, bins: np.ndarray) -> list[QPainterPath]:
    """One path per (bundled?, sign, |w| bin) from the sorted segment ends px, py (2 entries per edge);
    strong bins are drawn as parallel 1-px strands (see STRANDS)."""
    paths, start = [], 0
    for level, count in enumerate(bins):
        end = start + 2 * count
        if not count:
            paths.append(QPainterPath())
        elif level >= 2 * LEVELS or len(STRANDS[level % LEVELS]) == 1:
            paths.append(pg.arrayToQPath(px[start:end], py[start:end], connect="pairs"))
        else:
            offsets = STRANDS[level % LEVELS]
            xs = np.tile(px[start:end], len(offsets))
            ys = np.concatenate([py[start:end] + o for o in offsets])
            paths.append(pg.arrayToQPath(xs, ys, connect="pairs"))
        start = end
    return paths


def add_bands(scene, net, cols, xs, radius: float, margin_bottom: float) -> None:
    """One grey band per layer k whose edges are only partly drawn (a compact column on either
    side), labelled with W^(k)'s size and how many of its weights are drawn."""
    for k in range(1, net.N + 1):
        if net.sizes[k - 1] <= MAX_SHOWN and net.sizes[k] <= MAX_SHOWN:
            continue
        (_, ya), (_, yb) = cols[k - 1], cols[k]
        xa, xb = xs[k - 1] + radius, xs[k] - radius
        band = QGraphicsPolygonItem(QPolygonF([QPointF(xa, ya[0]), QPointF(xb, yb[0]), QPointF(xb, yb[-1]),
                                               QPointF(xa, ya[-1])]))
        band.setPen(QPen(Qt.NoPen))
        band.setBrush(QBrush(QColor(120, 120, 120, 28)))
        band.setZValue(0)
        scene.addItem(band)
        shown = len(cols[k - 1][0]) * len(cols[k][0])
        t = QGraphicsSimpleTextItem(f"W({k}): {net.sizes[k - 1]}×{net.sizes[k]} = "
                                    f"{net.sizes[k - 1] * net.sizes[k]:,} weights, {shown} drawn")
        t.setFont(scaled_font(7.5))
        t.setBrush(QColor("#666666"))
        br = t.boundingRect()
        t.setPos((xa + xb) / 2 - br.width() / 2, scene.sceneRect().height() - margin_bottom + 6)
        scene.addItem(t)
