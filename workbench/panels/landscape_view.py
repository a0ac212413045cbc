"""The landscape dock's plots: the plane, the strip of the path's real loss, the 1-D slice.

- Map: L(θ + a e₁ + b e₂) as a heatmap (colour: log₁₀ L) with labelled level lines, θ at
  (0, 0) in red with the direction of −∇L projected on the plane, and the optimiser's path
  projected on the plane (orange, from its start ○ to θ).
- Strip, under the map: the real loss L(θ_i) at each path point (orange) beside the loss on the
  plane under the projected point (grey, dashed). Where they part, θ_i lies off the plane, which
  is why a projected path can seem to climb across contours while the real loss falls.
- Slice: L(θ + α v) against α, with the parabola L + α ∇L·v + ½ α² vᵀHv whose second
  derivative at α = 0 is the curvature along v.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine.analysis.contour import contour_segments
from engine.analysis.landscape import Landscape, Slice
from engine.analysis.path_on_plane import PathOnPlane

from ..plots.curves import SparseLogAxis

LEVELS = 8
PATH_COLOUR = "#E69F00"
PATH_PEN = pg.mkPen(PATH_COLOUR, width=2)
PLANE_PEN = pg.mkPen((110, 110, 110), width=1.5, style=Qt.DashLine)
ARROW_COLOUR = "#E00000"  # θ and −∇L: red, apart from the orange path


def level_values(loss: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """`count` levels evenly between the surface's extremes (quantiles: the low valley gets lines too)."""
    finite = loss[np.isfinite(loss)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0.05, 0.95, count)))


def small_plot(height: int, bottom: str, left: str, log_y: bool = False) -> pg.PlotWidget:
    """A short plot under the map: no SI-prefix rescaling of its axes (L stays L), a sparse log axis if asked."""
    widget = pg.PlotWidget(axisItems={"left": SparseLogAxis("left")} if log_y else None)
    widget.setMinimumHeight(height)
    widget.setMaximumHeight(int(height * 1.6))
    plot = widget.getPlotItem()
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    for side in ("left", "bottom"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    return widget


class PlaneMap:
    """The heatmap, level lines with their values, the path, θ and the −∇L arrow, on one PlotItem."""

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        plot.setLabel("bottom", "a (along e₁)")
        plot.setLabel("left", "b (along e₂)")
        plot.setMenuEnabled(False)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        plot.addItem(self.image)
        self.lines = pg.PlotDataItem(pen=pg.mkPen("w", width=1), connect="pairs")
        plot.addItem(self.lines)
        self.labels: list[pg.TextItem] = []  # the level values now on the map (the first of _label_pool)
        self._label_pool: list[pg.TextItem] = []  # kept and reused: creating and removing items costs ~5 ms a plane
        self.path = pg.PlotDataItem(pen=PATH_PEN, symbol="o", symbolSize=4, symbolBrush=PATH_COLOUR, symbolPen=None)
        self.start = pg.ScatterPlotItem(size=11, brush=None, pen=pg.mkPen(PATH_COLOUR, width=2))
        self.arrow = pg.PlotDataItem(pen=pg.mkPen(ARROW_COLOUR, width=2.5))
        self.head = pg.ArrowItem(brush=ARROW_COLOUR, pen=pg.mkPen("w", width=1), headLen=20, tipAngle=40)
        self.point = pg.ScatterPlotItem(size=11, brush=ARROW_COLOUR, pen="w")
        for item in (self.path, self.start, self.arrow, self.head, self.point):
            plot.addItem(item)
        self.head.hide()  # until the first plane
        for side in ("left", "bottom"):
            plot.getAxis(side).enableAutoSIPrefix(False)

    def draw(self, s: Landscape, gradient: np.ndarray, path: PathOnPlane | None) -> float:
        """Draw the plane; returns ‖−∇L on the plane‖."""
        with np.errstate(all="ignore"):
            shown = np.log10(np.maximum(s.loss, 1e-12))
        self.image.setImage(shown, autoLevels=True)
        step = s.a[1] - s.a[0]
        self.image.setRect(s.a[0] - step / 2, s.b[0] - step / 2, s.a[-1] - s.a[0] + step, s.b[-1] - s.b[0] + step)
        self._levels(s)
        g = -np.asarray(gradient, dtype=float)
        norm = float(np.hypot(*g))
        tip = g / norm * 0.4 * s.a[-1] if norm > 0 else np.zeros(2)
        self.arrow.setData([0.0, tip[0]], [0.0, tip[1]])
        self.head.setPos(*tip)
        self.head.setVisible(norm > 0)
        self.head.setStyle(angle=180 - np.degrees(np.arctan2(tip[1], tip[0])))
        self.point.setData([0.0], [0.0])
        self._path(s, path)
        self.plot.setRange(xRange=(s.a[0], s.a[-1]), yRange=(s.b[0], s.b[-1]), padding=0)
        return norm

    def _path(self, s: Landscape, path: PathOnPlane | None) -> None:
        if path is None or len(path.iterations) == 0:
            self.path.setData([], [])
            self.start.setData([], [])
            return
        # points past the plane's edge are drawn on it (the line leaves the map, the order stays)
        xy = np.clip(path.coordinates, [s.a[0], s.b[0]], [s.a[-1], s.b[-1]])
        self.path.setData(xy[:, 0], xy[:, 1])
        self.start.setData([xy[0, 0]], [xy[0, 1]])

    def _levels(self, s: Landscape) -> None:
        pieces, used = [], 0
        Z = s.loss.T  # Z[r, c] at (a[c], b[r])
        for n, level in enumerate(level_values(s.loss)):
            seg = contour_segments(Z, level, s.a, s.b)
            if len(seg):
                pieces.append(seg)
                label = self._label(used)
                label.setText(f"{level:.3g}")
                label.setPos(*seg[int(len(seg) * ((0.5 + 0.29 * n) % 1.0))])  # staggered: labels do not pile up
                label.show()
                used += 1
        for label in self._label_pool[used:]:
            label.hide()
        self.labels = self._label_pool[:used]
        points = np.concatenate(pieces) if pieces else np.empty((0, 2))
        self.lines.setData(points[:, 0], points[:, 1])

    def _label(self, i: int) -> pg.TextItem:
        """The i-th level label (made on first use)."""
        while len(self._label_pool) <= i:
            label = pg.TextItem("", color="w", anchor=(0.5, 0.5))
            self.plot.addItem(label)
            self._label_pool.append(label)
        return self._label_pool[i]


class PathStrip:
    """The path's real loss L(θ_i) and the plane's loss under its projection, against the iteration."""

    def __init__(self, widget: pg.PlotWidget):
        self.widget = widget
        plot = widget.getPlotItem()
        self.real = plot.plot([], [], pen=PATH_PEN, name="real L(θᵢ)")
        self.plane = plot.plot([], [], pen=PLANE_PEN, name="on the plane")
        plot.setLogMode(y=True)

    def draw(self, path: PathOnPlane | None) -> None:
        if path is None or len(path.iterations) == 0:
            self.real.setData([], [])
            self.plane.setData([], [])
            return
        x = path.iterations.astype(float)
        with np.errstate(all="ignore"):
            self.real.setData(x, np.maximum(path.real_loss, 1e-12))
            self.plane.setData(x, np.maximum(path.plane_loss, 1e-12))


class SliceCurve:
    """L(θ + α v) against α and the parabola of its slope and curvature at α = 0."""

    def __init__(self, widget: pg.PlotWidget):
        self.widget = widget
        plot = widget.getPlotItem()
        self.curve = plot.plot([], [], pen=pg.mkPen("#0072B2", width=2))
        self.parabola = plot.plot([], [], pen=pg.mkPen("#CC79A7", width=1.5, style=Qt.DashLine))
        self.here = pg.ScatterPlotItem(size=9, brush=ARROW_COLOUR, pen="w")
        plot.addItem(self.here)

    def draw(self, cut: Slice | None, centre_loss: float) -> None:
        if cut is None:
            for item in (self.curve, self.parabola):
                item.setData([], [])
            return
        a = cut.alpha
        norm = float(np.linalg.norm(cut.direction))
        slope, second = cut.slope * norm, second_derivative(cut)
        quadratic = centre_loss + slope * a + 0.5 * second * a * a
        self.curve.setData(a, cut.loss)
        finite = cut.loss[np.isfinite(cut.loss)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        pad = 0.1 * (high - low or 1.0)
        keep = (quadratic >= low - pad) & (quadratic <= high + pad)  # the parabola inside the curve's range
        self.parabola.setData(a[keep], quadratic[keep])
        self.here.setData([0.0], [centre_loss])
        self.widget.getPlotItem().setRange(xRange=(a[0], a[-1]), yRange=(low - pad, high + pad), padding=0)


def second_derivative(cut: Slice) -> float:
    """d²L/dα² at α = 0 of L(θ + α v): vᵀHv (the engine keeps vᵀHv / ‖v‖²)."""
    return float(cut.curvature * (cut.direction @ cut.direction))
