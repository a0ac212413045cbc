"""One unit's map large: y_j^(k) over the input plane, in a window the size of the decision view, over it.

Clicking a unit in the designer (maps on) opens it — an input unit too (x1, x2 or a derived feature
such as x1·x2, y_j^(0) as the network sees it); it follows the training live, drawn on the
GUI thread from the latest snapshot's θ on a finer grid (RESOLUTION², one forward pass), on the
same colour scale as the thumbnails, with the axes in the data's units as the decision view and
the training examples on top.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from engine.analysis.decision_grid import fill_extent
from engine.analysis.unit_maps import map_range, unit_maps
from engine.core.network import Network

from ..designer.items import NEGATIVE, POSITIVE
from ..designer.maps import LUT, scale_text
from ..palette import class_colour
from ..plots.decision import aspect_ratio
from ..view_box import ViewBox
from .unit_maps import grid_for

RESOLUTION = 120


class UnitMapWindow(QWidget):
    """A tool window showing unit j of layer k's map; `draw(network_spec, parameters)` each frame while open."""

    def __init__(self, parent=None):
        super().__init__(parent, Qt.Tool)
        self.setWindowTitle("Unit map")
        self.unit: tuple[int, int] | None = None
        self.grid = None
        self.rect = None
        self._drawn = None
        self.input_names: list[str] = []  # y^(0) by name: x1, x2 (or the data's), then derived features
        self.data = None
        self._last = None  # (network, θ) last drawn: drawn again on a refitted grid
        self._fitted_shape: tuple[int, int] | None = None
        layout = QVBoxLayout(self)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.RichText)
        layout.addWidget(self.caption)
        self.plot = pg.PlotWidget(viewBox=ViewBox())
        self.plot.setAspectLocked(True)
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(LUT)
        self.plot.addItem(self.image)
        # the training examples over the map (class colours, dark outline: readable on either end of the scale)
        self.points = pg.ScatterPlotItem(size=5, pen=pg.mkPen("#222222", width=0.8))
        self.points.setZValue(1)
        self.plot.addItem(self.points)
        layout.addWidget(self.plot, 1)
        self.plot.getViewBox().sigResized.connect(lambda *_: self._fit())

    def set_data(self, data) -> None:
        """A new run's prepared data: the plane (None: no maps for it, the window closes)."""
        self.data = data
        self.grid = grid_for(data, RESOLUTION)
        self._drawn = self._last = None
        if self.grid is None:
            self.hide()
            return
        lo = data.inverse_transform(np.array([[self.grid.x_range[0], self.grid.y_range[0]]]))[0]
        hi = data.inverse_transform(np.array([[self.grid.x_range[1], self.grid.y_range[1]]]))[0]
        self._extent, self._ratio = (lo, hi), aspect_ratio(hi - lo)  # the data's, as the decision view's
        self.plot.setAspectLocked(True, ratio=self._ratio)
        self.rect = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        self._fitted_shape = None
        self._fit()
        raw = data.inverse_transform(data.X_train)[:, :2]
        labels = data.labels_train
        brushes = ([pg.mkBrush(class_colour(int(c))) for c in labels] if labels is not None
                   else pg.mkBrush("#bbbbbb"))
        self.points.setData(raw[:, 0], raw[:, 1], brush=brushes)
        names = list(data.feature_names) or ["x1", "x2"]  # with the derived features' labels (x₁·x₂)
        self.input_names = names
        self.plot.setLabel("bottom", names[0])
        self.plot.setLabel("left", names[1] if len(names) > 1 else "x2")

    def _fit(self) -> None:
        """The grid widened to the plot's shape (the data's aspect ratio kept): the map covers the whole
        plot, no white bands; again after each resize, the shown map redrawn."""
        vb = self.plot.getViewBox()
        shape = (round(vb.width()), round(vb.height()))
        if self.data is None or self.grid is None or min(shape) < 50 or shape == self._fitted_shape:
            return
        self._fitted_shape = shape
        lo, hi = fill_extent(*self._extent, vb.width(), vb.height(), self._ratio)
        mean, std = np.asarray(self.data.mean)[:2], np.asarray(self.data.std)[:2]
        self.grid = grid_for(self.data, RESOLUTION, ((lo - mean) / std, (hi - mean) / std))
        self.rect = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        self.plot.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self._drawn = None
        if self._last is not None:
            self.draw(*self._last)

    def show_unit(self, k: int, j: int, over: QWidget | None = None) -> None:
        """Show unit j of layer k (engine indices), sized and placed as `over` (the decision view)."""
        self.unit = (int(k), int(j))
        self._drawn = None
        if over is not None and over.isVisible():
            top_left = over.mapToGlobal(over.rect().topLeft())
            self.setGeometry(top_left.x(), top_left.y(), over.width(), over.height())
        self.show()
        self.raise_()

    def draw(self, network: Network, parameters) -> bool:
        """Recompute the shown map from `parameters` (a flat θ of `network`'s layout); False if nothing to do.
        An input's map (k = 0) needs no θ: it is drawn once."""
        if not self.isVisible() or self.unit is None or self.grid is None:
            return False
        k, j = self.unit
        if k > network.N or j >= network.sizes[k]:  # an edit took the unit away
            self.hide()
            return False
        if self.grid.points.shape[1] != network.sizes[0]:
            return False
        self._last = (network, parameters)
        if k == 0:
            return self._draw_input(j)
        if parameters is None or parameters.shape != (network.layout.size,):
            return False
        if self._drawn is parameters:
            return False
        self._drawn = parameters
        net = Network(network.sizes, network.activation_names, parameters, network.dtype)
        with np.errstate(all="ignore"):
            layer = unit_maps(net, self.grid)[k - 1]
        act = network.activation_names[k - 1]
        lo, hi = map_range(act, layer)
        self._show(layer[:, :, j], lo, hi)
        where = "output" if k == network.N else "hidden"
        self.caption.setText(f"<b>y<sub>{j + 1}</sub><sup>({k})</sup></b> — unit {j + 1} of {where} layer {k} "
                             f"({act}) over the input plane<br>{scale_text(act, lo, hi)}")
        self.setWindowTitle(f"Unit map: unit {j + 1} of layer {k}")
        return True

    def _draw_input(self, j: int) -> bool:
        """Input j over the plane: x1, x2 as the network sees them (standardised), or a derived feature of
        them (x1·x2's saddle), on its own symmetric scale as its thumbnail."""
        if isinstance(self._drawn, tuple) and self._drawn == ("input", j):  # (else: θ, an array)
            return False
        self._drawn = ("input", j)
        G = self.grid.resolution
        values = self.grid.points[:, j].reshape(G, G)
        lo, hi = map_range("identity", values)
        self._show(values, lo, hi)
        name = self.input_names[j] if j < len(self.input_names) else f"x{j + 1}"
        self.caption.setText(
            f"<b>{name}</b> = y<sub>{j + 1}</sub><sup>(0)</sup> — input {j + 1} over the input plane (the value "
            f"the network sees)<br>colour: <span style='color:{NEGATIVE.name()}'>■</span> {lo:.3g} · white 0 · "
            f"<span style='color:{POSITIVE.name()}'>■</span> {hi:+.3g} (± its largest |value| on the plane)")
        self.setWindowTitle(f"Unit map: input {name}")
        return True

    def _show(self, values, lo: float, hi: float) -> None:
        self.image.setImage(values, autoLevels=False, levels=(lo, hi))
        self.image.setRect(self.rect)
