"""Unit maps in the designer: each drawn unit of layers 1..N shows y_j^(k) over the input plane.

The maps come from a probe (a payload with `maps[k − 1]` of shape (G, G, n_k), `sizes`,
`activations`); they are painted into each unit's circle (x1 to the right, x2 up, the extent
of the data as in the decision view). Colour: the designer's diverging pair — orange
(NEGATIVE) at the low end, white in the middle, blue (POSITIVE) at the high end — over the
activation's own range where it has one (sigmoid / softmax [0, 1], tanh [−1, 1]), else
symmetric about 0 over the largest |y| of the layer on the plane (shared by the layer's
units, so they compare). The unit's bias fill is hidden under its map.

Maps are drawn only when every layer has at most MAX_MAP_UNITS units (wider layers are
sampled and their units too small to read): above that width they are off automatically.
"""

from __future__ import annotations

import functools

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QImage, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem

from engine.analysis.unit_maps import map_range
from engine.data.features import FEATURES

from .items import NEGATIVE, POSITIVE

#: maps are off automatically when a layer is wider than this (see the module docstring)
MAX_MAP_UNITS = 16


def _lut() -> np.ndarray:
    """257 RGBA colours: NEGATIVE → white (entry 128, exactly the middle) → POSITIVE."""
    t = np.linspace(-1.0, 1.0, 257)[:, None]
    neg = np.array([NEGATIVE.red(), NEGATIVE.green(), NEGATIVE.blue()], float)
    pos = np.array([POSITIVE.red(), POSITIVE.green(), POSITIVE.blue()], float)
    white = np.full(3, 255.0)
    rgb = np.where(t < 0, white + (neg - white) * -t, white + (pos - white) * t)
    return np.concatenate([np.rint(rgb), np.full((257, 1), 255.0)], axis=1).astype(np.uint8)


LUT = _lut()


def map_pixels(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """(n, G, G, 4) RGBA images of the (G, G, n) maps on the scale lo..hi; image row 0 is the top (largest x2)."""
    with np.errstate(all="ignore"):  # NaN / inf maps of a diverged network: white
        t = (np.asarray(values, np.float64) - lo) / max(hi - lo, 1e-300)
    index = np.clip(np.nan_to_num(t * 256.0 + 0.5, nan=128.0), 0, 256).astype(np.intp)
    return np.ascontiguousarray(LUT[np.moveaxis(index, -1, 0)[:, ::-1]])


@functools.lru_cache(maxsize=8)
def outside_circle(G: int) -> np.ndarray:
    """(G, G) True for the pixels of a G×G image outside its inscribed circle (made transparent)."""
    c = (np.arange(G) + 0.5 - G / 2) / (G / 2)
    return c[:, None] ** 2 + c[None, :] ** 2 > 1.0


def scale_text(activation: str, lo: float, hi: float) -> str:
    """The colour scale in words, for the unit's tooltip."""
    where = ("its range" if activation in ("sigmoid", "softmax", "tanh")
             else "± the largest |y| of this layer on the plane now")
    return (f"colour: <span style='color:{NEGATIVE.name()}'>■</span> {lo:.3g} · white {(lo + hi) / 2:.3g} · "
            f"<span style='color:{POSITIVE.name()}'>■</span> {hi:+.3g} ({activation}: {where})")


def layer_ranges(payload) -> list[tuple[float, float]]:
    """(lo, hi) of each layer's colour scale."""
    return [map_range(name, m) for name, m in zip(payload.activations, payload.maps)]


class UnitMapItems:
    """The map pixmaps inside the drawn units (children of their circles, clipped to them); column 0: the
    inputs themselves over the plane (x1, x2 and any derived feature, e.g. x1·x2's saddle)."""

    def __init__(self, circles: dict, radius: float, unused: dict | None = None):
        """circles: (k, j) → the unit's QGraphicsEllipseItem; unused: feature name → the empty circle of a
        derived feature not in use (it previews the feature, faded)."""
        self.radius = radius
        self.ranges: list[tuple[float, float]] = []
        self._previewed = None
        self.items = {key: self._pixmap_in(circle) for key, circle in circles.items()}
        self.previews = {name: self._pixmap_in(circle, 0.45) for name, circle in (unused or {}).items()}

    @staticmethod
    def _pixmap_in(circle, opacity: float = 1.0) -> QGraphicsPixmapItem:
        # round by the pixels' alpha (outside_circle), not by clipping to the circle: a clip path per
        # unit doubles the cost of painting the designer
        circle.setBrush(QBrush(Qt.NoBrush))  # the map instead of the bias fill; the outline on top
        item = QGraphicsPixmapItem(circle)
        item.setFlag(QGraphicsItem.ItemStacksBehindParent, True)
        item.setPos(circle.rect().topLeft())
        item.setOpacity(opacity)
        item.setVisible(False)
        return item

    def _paint(self, item, pixels: np.ndarray) -> None:
        """Scaled once here to the unit's size (an unscaled pixmap paints as a plain blit), rounded by alpha."""
        G, size = pixels.shape[0], max(1, round(2 * self.radius))
        pixels[outside_circle(G), 3] = 0
        image = QImage(pixels.data, G, G, 4 * G, QImage.Format_RGBA8888)
        item.setPixmap(QPixmap.fromImage(image.scaled(size, size, Qt.IgnoreAspectRatio, Qt.SmoothTransformation)))
        item.setScale(2 * self.radius / size)
        item.setVisible(True)

    def show(self, payload, sizes) -> bool:
        """Paint `payload`'s maps; False (nothing changed) if they belong to a network of other sizes."""
        if payload is None or tuple(payload.sizes) != tuple(sizes):
            return False
        self.ranges = layer_ranges(payload)
        by_layer: dict[int, list[int]] = {}
        for k, j in self.items:
            by_layer.setdefault(k, []).append(j)
        inputs = getattr(payload, "inputs", None)
        for k, units in by_layer.items():
            if k == 0 and inputs is None:
                continue
            maps = inputs if k == 0 else payload.maps[k - 1]
            if k == 0:  # each input on its own symmetric scale (x1 and x1² differ in range)
                pixels = np.concatenate([map_pixels(maps[:, :, [j]], *map_range("identity", maps[:, :, j]))
                                         for j in units])
            else:
                pixels = map_pixels(maps[:, :, units], *self.ranges[k - 1])
            for n, j in enumerate(units):
                self._paint(self.items[(k, j)], pixels[n])
        if inputs is not None and self.previews and self._previewed is not payload.grid:
            self._previewed = payload.grid  # the previews depend on the plane only
            G = inputs.shape[0]
            raw = inputs[:, :, :2].reshape(G * G, -1)
            for name, item in self.previews.items():
                feature = FEATURES[name]
                if raw.shape[1] >= feature.inputs:
                    values = feature.compute(raw[:, :feature.inputs]).reshape(G, G, 1)
                    self._paint(item, map_pixels(values, *map_range("identity", values))[0])
        return True


class UnitMapsMixin:
    """The network view's unit-map state: the user's toggle, whether the data allows maps, the latest payload."""

    @property
    def maps_active(self) -> bool:
        """Maps are drawn: wanted, the data is 2-D, and no layer is wider than MAX_MAP_UNITS."""
        return self.maps_wanted and self.maps_available and max(self.network.sizes[1:]) <= MAX_MAP_UNITS

    def set_maps(self, wanted: bool | None = None, available: bool | None = None) -> None:
        """Turn the unit maps on / off (wanted: the user's toggle; available: the data has 2 inputs)."""
        before = self.maps_active
        if wanted is not None:
            self.maps_wanted = bool(wanted)
        if available is not None:
            self.maps_available = bool(available)
        if not self.maps_available:
            self.unit_maps = None
        if self.maps_active != before:
            self.rebuild()
        self.mapsChanged.emit()

    def show_unit_maps(self, payload) -> bool:
        """A probe payload (maps[k − 1]: (G, G, n_k), sizes, activations); False if it is not drawn."""
        if payload is self.unit_maps:
            return False
        self.unit_maps = payload
        return self.map_items is not None and self.map_items.show(payload, self.network.sizes)

