"""The central picture: what the network computes over its input space.

- Binary classification (2-D inputs): the output probability y = P(class 1 | x) as a heatmap
  (colour-blind-safe diverging map CET-CBD1, levels fixed to [0, 1]) with the y = 0.5 contour.
- Multi-class: each class's colour (Okabe–Ito), blended with white by the confidence
  (max_i y_i − 1/K) / (1 − 1/K).
- Regression with one input: f(x; w) and the noise-free g(x), the area between them shaded.
- Regression with two inputs: f(x; w) as a heatmap (cividis).
Training points are filled circles, test points hollow triangles (toggle). Coordinates are the
dataset's own (raw) units; the network sees the standardised inputs.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Slot
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine import Network
from engine.analysis.contour import contour_segments
from engine.analysis.decision_grid import DecisionGrid, fill_extent
from engine.core.errors import WorkbenchError
from engine.data import features
from workbench.palette import CLASS_COLOURS
from workbench.view_box import ViewBox

from .legend import RIGHT, legend_outside

RESOLUTION = 120
MARGIN = 0.15  # of the data extent, on every side
MAX_SPAN = 1e101  # the widest data extent drawn (inputs up to ±1e100: datapanel.choice.MAX_DRAWN)
#: extents within this factor of each other are drawn at equal scales
MAX_STRETCH = 3.0
#: the data points: not laid out again at every change of the view's range (pyqtgraph's
#: dynamicRangeLimit, on by default, clips only what lies 10^6 view heights away: off screen anyway;
#: it re-sent every point to its ScatterPlotItem at each range change, ~1 ms a set)
POINTS = {"pen": None, "dynamicRangeLimit": None}


def _rgb(colour: str) -> np.ndarray:
    c = pg.mkColor(colour)
    return np.array([c.red(), c.green(), c.blue()], np.float32)


def aspect_ratio(extent) -> float:
    """Pixels per unit of x over pixels per unit of y, kept whatever the window's shape.

    Comparable extents (within MAX_STRETCH: the same kind of unit, e.g. the toy sets) get equal
    scales (ratio 1: a spiral stays round); very different ones (mm against g) a square picture.
    """
    wx, wy = float(extent[0]), float(extent[1])
    if wx <= 0 or wy <= 0:
        return 1.0
    return 1.0 if 1 / MAX_STRETCH <= wx / wy <= MAX_STRETCH else wy / wx


def same_data(a, b) -> bool:
    """Whether two prepared datasets draw the same picture: same points, classes, names and scaling."""
    if a is b:
        return True
    if b is None or (a.problem, a.n_raw_inputs, a.n_test) != (b.problem, b.n_raw_inputs, b.n_test):
        return False
    if (tuple(a.class_names or ()), tuple(a.feature_names or ()), tuple(a.input_features or ())) != \
            (tuple(b.class_names or ()), tuple(b.feature_names or ()), tuple(b.input_features or ())):
        return False
    arrays = ("X_train", "X_test", "labels_train", "labels_test", "targets_train", "targets_test", "mean", "std")
    return all(np.array_equal(getattr(a, n), getattr(b, n)) for n in arrays)


class DecisionView(QWidget):
    """Decision boundary or fitted function of the current weights, with the data on top."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget(viewBox=ViewBox())  # its menu made at the first right-click
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setAspectLocked(False)
        self.legend = legend_outside(self.plot, RIGHT)  # never over the points
        for side in ("left", "bottom"):  # the ticks carry the exponent ("8e+126"), not a "(x1e+27)" label
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.show_test = QCheckBox("test points")
        self.show_test.setChecked(True)
        self.show_test.setToolTip("Show the held-out test examples (hollow triangles)")
        self.show_test.toggled.connect(self._toggle_test)
        self.caption = QLabel("")
        options = QHBoxLayout()
        options.setContentsMargins(4, 0, 4, 0)
        options.setSpacing(12)  # the caption never runs into the check box
        options.addWidget(self.caption, 1)
        options.addWidget(self.show_test)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(options)
        layout.addWidget(self.plot_widget, 1)
        self.kind = None
        self._network: Network | None = None
        self._picture_key = None  # (axes, fixed inputs, caption) of the picture laid out
        self._grid: DecisionGrid | None = None
        self._test_items: list = []
        self._drawn_params: np.ndarray | None = None
        #: the two features on the axes and the values (standardised units) of the others
        self.axes: tuple[int, int] = (0, 1)
        self.fixed: np.ndarray | None = None
        self.slice_caption = ""
        self._fitted_shape: tuple[int, int] | None = None  # the view box's size the grid was fitted to
        self.zoomed = False  # the user zoomed or panned (mouse): a resize keeps that view
        self.plot.getViewBox().sigResized.connect(self._view_resized)
        self.plot.getViewBox().sigRangeChangedManually.connect(lambda *_: setattr(self, "zoomed", True))

    def set_slice(self, axes=(0, 1), fixed=None, caption: str = "") -> None:
        """For more than two features: the pair on the axes, the others held at `fixed`
        (network units, e.g. training means); takes effect at the next `set_run`."""
        self.axes = (int(axes[0]), int(axes[1]))
        self.fixed = None if fixed is None else np.asarray(fixed, np.float64)
        self.slice_caption = caption

    # -- set-up per run ------------------------------------------------------------------
    def set_run(self, run) -> None:
        """Lay out the picture for `run`'s data and network (called when a run is loaded). The same data
        and slice as the picture shown (Reset, an undo, a network edit) keep its items: only the network
        to evaluate is new — a rebuild of the points is most of a Reset's time."""
        data, net = run.data, run.network
        key = (self.axes, None if self.fixed is None else self.fixed.tobytes(), self.slice_caption)
        if self._grid is not None and self.kind != "regression_1d" and key == self._picture_key \
                and same_data(data, self._data):
            self._network = Network(net.sizes, net.activations, dtype="float64")
            self._data, self._drawn_params = data, None
            return
        self._picture_key = key
        self.plot.clear()
        self.legend.clear()
        self._test_items = []
        self._drawn_params = None
        self._grid = None
        self._network = Network(net.sizes, net.activations, dtype="float64")
        self._data = data
        X_train = data.inverse_transform(data.X_train)
        X_test = data.inverse_transform(data.X_test) if data.n_test else np.empty((0, data.n_raw_inputs))
        if data.problem == "regression" and data.n_raw_inputs == 1:
            self._setup_regression_1d(run, X_train, X_test)
        else:
            self._setup_grid(run, X_train, X_test)
        self._toggle_test(self.show_test.isChecked())

    def _extent(self, X):
        lo, hi = X.min(axis=0), X.max(axis=0)
        with np.errstate(over="ignore", invalid="ignore"):
            span = hi - lo
        if not np.all(np.abs(span) <= MAX_SPAN):  # inf or NaN included: refused in words (RunController.commit)
            widest = float(np.max(np.abs(span)))
            raise WorkbenchError(f"the inputs span {f'{widest:.3g}' if np.isfinite(widest) else 'more than 1.8e308'} "
                                 f"along an axis: more than the decision view can draw ({MAX_SPAN:g}); rescale the data")
        pad = MARGIN * np.maximum(span, 1e-9)
        return lo - pad, hi + pad

    def _fill_view(self, lo, hi, ratio: float):
        """The extent widened along one axis to the view's shape, so that with the aspect ratio
        locked the map fills the view instead of leaving blank bands beside it."""
        vb = self.plot.getViewBox()
        if vb.width() < 50 or vb.height() < 50:
            return lo, hi
        return fill_extent(lo, hi, vb.width(), vb.height(), ratio)

    def _setup_grid(self, run, X_train, X_test) -> None:
        data = self._data
        self.kind = "binary" if data.problem == "binary" else data.problem
        ax = list(self.axes) if data.n_raw_inputs > 2 and max(self.axes) < data.n_raw_inputs else [0, 1]
        if data.n_raw_inputs == 1:
            ax = [0, 0]
        self._shown_axes = tuple(ax)
        X_train, X_test = X_train[:, ax], X_test[:, ax]
        self._data_extent = self._extent(np.vstack([X_train, X_test]))
        self._ratio = aspect_ratio(self._data_extent[1] - self._data_extent[0])  # of the data (not the widened one)
        self._add_image()
        self._fit_grid()
        names = list(data.feature_names or ()) + [f"x{m + 1}" for m in range(len(data.feature_names or ()),
                                                                             data.n_raw_inputs)]
        self.plot.setLabel("bottom", names[ax[0]])
        self.plot.setLabel("left", names[ax[1]] if data.n_raw_inputs > 1 else "")
        self.plot.setTitle(self.slice_caption if data.n_raw_inputs > 2 else None)
        if data.n_raw_inputs == 1:  # one feature: the points on the line y = 0
            X_train, X_test = X_train * [1, 0], X_test * [1, 0]
        self._add_points(X_train, X_test)
        self.plot.setAspectLocked(data.n_raw_inputs > 1, ratio=self._ratio)
        self._show_fitted()

    def _fit_grid(self) -> None:
        """The grid and its image over the data's extent widened to the view's shape (at the data's aspect
        ratio), so the map covers the whole visible view box; again after every resize."""
        data = self._data
        lo, hi = self._data_extent
        if data.n_raw_inputs > 1:
            lo, hi = self._fill_view(lo, hi, self._ratio)
            vb = self.plot.getViewBox()
            self._fitted_shape = (round(vb.width()), round(vb.height()))
        self._fitted = (lo, hi)
        ax = self._shown_axes
        # the grid lives in standardised coordinates; the rect maps it back to raw units
        mean, std = np.asarray(data.mean)[list(ax)], np.asarray(data.std)[list(ax)]
        s_lo, s_hi = (lo - mean) / std, (hi - mean) / std
        fixed = self.fixed if data.n_raw_inputs > 2 and self.fixed is not None and len(self.fixed) == data.n_raw_inputs \
            else None
        expand = (lambda P: features.expand(P, data.input_features)) if data.input_features else None
        self._grid = DecisionGrid(data.n_raw_inputs, (s_lo[0], s_hi[0]), (s_lo[1], s_hi[1]), RESOLUTION,
                                  axes=(ax[0], ax[1]), fixed=fixed, expand=expand)
        self.image.setRect(QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1]))
        self._grid_x = np.linspace(lo[0], hi[0], RESOLUTION)
        self._grid_y = np.linspace(lo[1], hi[1], RESOLUTION)

    def _show_fitted(self) -> None:
        lo, hi = self._fitted
        self.plot.setRange(xRange=(lo[0], hi[0]), yRange=(lo[1], hi[1]), padding=0)
        self.zoomed = False

    def _view_resized(self, *_) -> None:
        """A new shape of the view box: the grid refitted to it and drawn again with the same θ; the
        view fitted to the data again unless the user zoomed or panned."""
        if self._grid is None or self.kind == "regression_1d" or self._data.n_raw_inputs < 2:
            return
        vb = self.plot.getViewBox()
        if (round(vb.width()), round(vb.height())) == self._fitted_shape:
            return
        self._fit_grid()
        if not self.zoomed:  # a view the user zoomed into stays where it is (its centre and scale)
            self._show_fitted()
        drawn, self._drawn_params = self._drawn_params, None
        if drawn is not None:
            self.update_parameters(drawn)

    def _add_image(self) -> None:
        """The image of y^(N) (placed by `_fit_grid`), coloured by the problem (and its caption)."""
        data = self._data
        self.image = pg.ImageItem(axisOrder="row-major")
        # an image of the final size first: setRect maps the image's pixels onto the rect
        # (multi-class: RGB; painting a float image before it has levels crashes pyqtgraph)
        if self.kind == "multiclass":
            self.image.setImage(np.full((RESOLUTION, RESOLUTION, 3), 255, np.uint8), autoLevels=False,
                                levels=(0, 255))
        else:
            self.image.setImage(np.full((RESOLUTION, RESOLUTION), 0.5, np.float32), autoLevels=False,
                                levels=(0.0, 1.0))
        self.plot.addItem(self.image)
        self.iso = None
        if self.kind == "binary":
            cmap = pg.colormap.get("CET-CBD1")
            self.image.setLookupTable(cmap.getLookupTable(0.0, 1.0, 256))
            self.image.setLevels((0.0, 1.0))
            # the y = 0.5 level line (vectorised marching squares; see plots/contour.py)
            self.iso = pg.PlotCurveItem(pen=pg.mkPen("k", width=2), connect="pairs", antialias=False)
            self.plot.addItem(self.iso)
            self.caption.setText("colour: network output y = P(class 1 | x); black line: y = 0.5")
        elif self.kind == "multiclass":
            K = data.n_classes
            self._class_rgb = np.stack([_rgb(CLASS_COLOURS[k % len(CLASS_COLOURS)]) for k in range(K)])
            self._rgb_image = np.empty((RESOLUTION, RESOLUTION, 3), np.float32)
            self.caption.setText("colour: most probable class; paler = less confident")
        else:
            self.image.setLookupTable(pg.colormap.get("cividis").getLookupTable(0.0, 1.0, 256))
            t = data.targets_train[:, 0]
            self.image.setLevels((float(t.min()), float(t.max())))
            self.caption.setText("colour: network output f(x; w)")

    def _add_points(self, X_train, X_test) -> None:
        data = self._data
        if data.problem == "regression":
            groups = [(None, slice(None))]
            labels_tr = labels_te = None
        else:
            labels_tr, labels_te = data.labels_train, data.labels_test
            groups = list(enumerate(data.class_names))
        for k, name in groups:
            colour = CLASS_COLOURS[k % len(CLASS_COLOURS)] if k is not None else "#444444"
            tr = X_train if labels_tr is None else X_train[labels_tr == k]
            te = X_test if labels_te is None else X_test[labels_te == k]
            label = f"class {name}" if k is not None else "data"
            self.plot.plot(tr[:, 0], tr[:, 1] if tr.shape[1] > 1 else tr[:, 0] * 0, **POINTS, symbol="o",
                           symbolSize=6, symbolBrush=colour, symbolPen=pg.mkPen("k", width=0.8), name=label)
            if len(te):  # one legend entry per class; the test marker is explained once below
                item = self.plot.plot(te[:, 0], te[:, 1] if te.shape[1] > 1 else te[:, 0] * 0, **POINTS,
                                      symbol="t", symbolSize=8, symbolBrush=None,
                                      symbolPen=pg.mkPen(colour, width=2))
                self._test_items.append(item)
        if self._test_items:
            marker = pg.ScatterPlotItem(symbol="t", size=8, brush=None, pen=pg.mkPen("#444444", width=2))
            self.legend.addItem(marker, "test examples (hollow)")
        self.legend.setColumnCount(2 if len(groups) > 8 else 1)

    def _setup_regression_1d(self, run, X_train, X_test) -> None:
        from engine.data.toys import regression_function

        self.kind = "regression_1d"
        self.plot.setAspectLocked(False)
        data = self._data
        X_all = np.vstack([X_train, X_test])
        lo, hi = self._extent(X_all)
        self._xs = np.linspace(lo[0], hi[0], 400)
        self._xs_std = data.transform(self._xs[:, None])
        self._fx = np.zeros_like(self._xs)
        try:
            g = regression_function(run.dataset.name)(self._xs[:, None])[:, 0]
        except Exception:  # noqa: BLE001 - own data has no known g
            g = None
        self.f_curve = self.plot.plot(self._xs, self._fx, pen=pg.mkPen(CLASS_COLOURS[0], width=2.5), name="f(x; w)")
        if g is not None:
            self.g_curve = self.plot.plot(self._xs, g, pen=pg.mkPen(CLASS_COLOURS[1], width=2.5), name="g(x)")
            self.fill = pg.FillBetweenItem(self.f_curve, self.g_curve, brush=pg.mkBrush(230, 159, 0, 70))
            self.plot.addItem(self.fill)
        self.plot.plot(X_train[:, 0], data.targets_train[:, 0], **POINTS, symbol="o", symbolSize=5,
                       symbolBrush="#444444", symbolPen=None, name="train")
        if data.n_test:
            item = self.plot.plot(X_test[:, 0], data.targets_test[:, 0], **POINTS, symbol="t", symbolSize=7,
                                  symbolBrush=None, symbolPen=pg.mkPen("#444444", width=1.5), name="test")
            self._test_items.append(item)
        self.plot.setLabel("bottom", (data.feature_names or ("x",))[0])
        self.plot.setLabel("left", "y")
        self.caption.setText("f(x; w): the network;  g(x): the function the data came from;  shaded: f − g")

    @Slot(bool)
    def _toggle_test(self, on: bool) -> None:
        for item in self._test_items:
            item.setVisible(on)

    # -- per frame -----------------------------------------------------------------------
    def update_parameters(self, parameters: np.ndarray) -> None:
        """Redraw for the weights θ of a snapshot (skipped when θ did not change)."""
        if self._network is None or parameters.shape != self._network.parameters.shape:
            return  # a frame from another network (before a rebuild reached the worker)
        if self._drawn_params is not None and np.array_equal(self._drawn_params, parameters):
            return
        self._drawn_params = parameters
        net = self._network
        np.copyto(net.parameters, parameters)
        with np.errstate(all="ignore"):  # huge (still finite) weights: show what comes out
            self._draw(net)

    def _draw(self, net) -> None:
        if self.kind == "regression_1d":
            self.f_curve.setData(self._xs, net.predict(self._xs_std)[:, 0])
            return
        out = self._grid.evaluate(net)
        if self.kind == "binary" or self.kind == "regression":
            img = out[:, :, 0].copy()  # the grid's output buffer is reused
            self.image.setImage(img, autoLevels=False)
            if self.iso is not None:
                seg = contour_segments(img, 0.5, self._grid_x, self._grid_y)
                self.iso.setData(seg[:, 0], seg[:, 1], connect="pairs")
        else:
            K = out.shape[2]
            best = out.argmax(axis=2)
            conf = (out.max(axis=2) - 1.0 / K) / (1.0 - 1.0 / K)
            conf = np.clip(conf, 0.0, 1.0)[:, :, None] * 0.85
            rgb = self._rgb_image
            np.multiply(self._class_rgb[best], conf, out=rgb)
            rgb += 255.0 * (1.0 - conf)
            self.image.setImage(rgb.astype(np.uint8), autoLevels=False, levels=(0, 255))
