"""The panel's preview scatter: classes by colour (Okabe–Ito), training points filled circles, test points
hollow triangles; regression as (x, y) points with g(x) when the generator is known, or coloured by y
for two inputs. More than two features: the two features chosen in the AxisPicker, in raw units.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from engine.data.toys import BUILTIN
from workbench.palette import class_colour
from workbench.view_box import ViewBox

from .choice import MAX_DRAWN, DatasetChoice

MAX_PREVIEW_POINTS = 3000
MAX_CLASS_ITEMS = 20
"""Classes with a scatter item and a legend entry of their own; the others share one (a 1000-class file
would otherwise build 2000 items and a legend of 1000 rows)."""
TRAIN_SIZE = 7
TEST_SIZE = 9


def _subsample(n: int, limit: int = MAX_PREVIEW_POINTS) -> np.ndarray:
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size=limit, replace=False))


def _jitter_discrete(X: np.ndarray, axes) -> np.ndarray:
    """Spread points of features with few distinct values (e.g. pixel counts) a little, so they do not hide
    each other; the preview only (the data is untouched)."""
    if len(X) == 0:
        return X
    X = X.copy()
    rng = np.random.default_rng(1)
    for j in set(a for a in axes if 0 <= a < X.shape[1]):
        values = np.unique(X[:, j])
        if 1 < len(values) <= 20 and len(X) > 3 * len(values):
            X[:, j] += rng.uniform(-0.3, 0.3, len(X)) * np.diff(values).min()
    return X


class PreviewPlot(pg.PlotWidget):
    """A small scatter of a DatasetChoice (raw units)."""

    def __init__(self, parent=None):
        super().__init__(parent, background="w", viewBox=ViewBox())
        self.plot_item = self.getPlotItem()
        self.plot_item.showGrid(x=True, y=True, alpha=0.15)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        for axis in ("left", "bottom"):
            self.plot_item.getAxis(axis).setPen(pg.mkPen("#444"))
            self.plot_item.getAxis(axis).setTextPen(pg.mkPen("#222"))
        self.legend = self.plot_item.addLegend(offset=(4, 4), labelTextColor="#222", labelTextSize="8pt",
                                               brush=pg.mkBrush(255, 255, 255, 200), pen=pg.mkPen("#bbb"))
        self._items: list = []
        self._wanted = None  # (choice, axes) to draw once the plot is shown
        #: shown but not on screen (its dock behind another's tab, see `hold`): the drawing waits
        self.held = False
        self.setMinimumSize(220, 200)

    # -- helpers ---------------------------------------------------------------------------
    def clear_data(self) -> None:
        self._wanted = None
        for item in self._items:
            self.plot_item.removeItem(item)
        self._items = []
        self.legend.clear()
        self.legend.setVisible(False)
        self.plot_item.setAspectLocked(False)

    def legend_labels(self) -> list[str]:
        self._draw_wanted()
        return [label.text for _, label in self.legend.items]

    def _scatter(self, x, y, colour, test: bool, name: str | None = None, brushes=None):
        if test:
            item = pg.ScatterPlotItem(x, y, symbol="t", size=TEST_SIZE, pen=pg.mkPen(colour, width=1.5),
                                      brush=pg.mkBrush(255, 255, 255, 0), name=name)
        else:
            item = pg.ScatterPlotItem(x, y, symbol="o", size=TRAIN_SIZE, pen=pg.mkPen("#ffffff", width=0.6),
                                      brush=brushes if brushes is not None else pg.mkBrush(colour), name=name)
        self.plot_item.addItem(item)
        self._items.append(item)
        return item

    # -- drawing ---------------------------------------------------------------------------
    def show_choice(self, choice: DatasetChoice | None, axes: tuple[int, int] = (0, 1)) -> None:
        """Draw `choice` over `axes`: now if the plot is shown, else as it is shown (the panel
        previews several choices while the window is built: only the last one is drawn)."""
        self._wanted = (choice, axes)
        if self.isVisible() and not self.held:
            self._draw_wanted()

    def hold(self, held: bool) -> None:
        """Hold the drawing while the plot is off screen though shown (a dock behind another's tab
        is; the window's Dataset dock is at start): the last choice is drawn when it comes on screen."""
        self.held = held
        if not held and self.isVisible():
            self._draw_wanted()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.held:
            self._draw_wanted()
        super().showEvent(event)

    def _draw_wanted(self) -> None:
        if self._wanted is not None:
            (choice, axes), self._wanted = self._wanted, None
            self._draw(choice, axes)

    def _draw(self, choice: DatasetChoice | None, axes: tuple[int, int]) -> None:
        self.clear_data()
        if choice is None:
            return
        data = choice.data
        names = data.feature_names
        # subsample first: only the shown rows are copied back to raw units (MNIST: 48,000 × 784 stays put)
        train_rows, test_rows = _subsample(data.n_train), _subsample(data.n_test, MAX_PREVIEW_POINTS // 3)
        X_train = _jitter_discrete(data.inverse_transform(data.X_train[train_rows]), axes)
        X_test = (_jitter_discrete(data.inverse_transform(data.X_test[test_rows]), axes) if data.n_test
                  else np.empty((0, data.n_inputs)))
        if not (np.all(np.abs(X_train) <= MAX_DRAWN) and np.all(np.abs(X_test) <= MAX_DRAWN)):
            self.plot_item.setTitle(f"values beyond ±{MAX_DRAWN:g}: too large to draw", color="#B00020", size="9pt")
            return
        self.plot_item.setTitle(None)
        if data.problem == "regression":
            self._show_regression(choice, X_train, X_test, data.targets_train[train_rows],
                                  data.targets_test[test_rows] if data.n_test else np.empty((0, 1)), axes)
        else:
            i, j = self._axes(data.n_inputs, axes)
            lt, ls = data.labels_train[train_rows], (data.labels_test[test_rows] if data.n_test else np.empty(0, int))

            def coords(X, rows, k):
                if j is None:  # one feature: one row per class
                    return X[rows, i], np.zeros(len(rows)) + k  # k: the class, or each row's class
                return X[rows, i], X[rows, j]

            shown = min(len(data.class_names), MAX_CLASS_ITEMS)
            for k, cname in enumerate(data.class_names[:shown]):
                colour = class_colour(k)
                tr = np.flatnonzero(lt == k)
                self._scatter(*coords(X_train, tr, k), colour, test=False, name=str(cname))
                te = np.flatnonzero(ls == k)
                if te.size:
                    self._scatter(*coords(X_test, te, k), colour, test=True)
            if shown < len(data.class_names):  # the other classes: one item, each point in its class's colour
                tr = np.flatnonzero(lt >= shown)
                brushes = [pg.mkBrush(class_colour(int(k))) for k in lt[tr]]
                self._scatter(*coords(X_train, tr, lt[tr]), "#777", test=False, brushes=brushes,
                              name=f"{len(data.class_names) - shown:_} more classes")
            self.plot_item.setLabel("bottom", names[i])
            self.plot_item.setLabel("left", names[j] if j is not None else "class")
        if data.n_test and self.legend.items:
            marker = pg.ScatterPlotItem([], [], symbol="t", size=TEST_SIZE, pen=pg.mkPen("#555", width=1.5),
                                        brush=pg.mkBrush(255, 255, 255, 0))
            self.legend.addItem(marker, "test")
        self.legend.setColumnCount(2 if len(self.legend.items) > 6 else 1)
        self.legend.setVisible(bool(self.legend.items))
        # generated and drawn 2-D sets share units on both axes: keep circles round
        if data.n_inputs == 2 and choice.source in ("builtin", "points"):
            self.plot_item.setAspectLocked(True)
        self.plot_item.enableAutoRange()

    @staticmethod
    def _axes(n_inputs: int, axes) -> tuple[int, int | None]:
        if n_inputs == 1:
            return 0, None
        i, j = axes
        if not (0 <= i < n_inputs and 0 <= j < n_inputs) or i == j:
            return 0, 1
        return i, j

    def _show_regression(self, choice, X_train, X_test, y_train, y_test, axes) -> None:
        data = choice.data
        names = data.feature_names
        colour = class_colour(0)
        if data.n_inputs == 1:
            self._scatter(X_train[:, 0], y_train[:, 0], colour, test=False, name="train")
            if len(X_test):
                self._scatter(X_test[:, 0], y_test[:, 0], colour, test=True)
            name = choice.section.get("builtin")
            spec = BUILTIN.get(name) if name else None
            if spec is not None and spec.target_function is not None:
                lo, hi = float(min(X_train.min(), -1.0)), float(max(X_train.max(), 1.0))
                xs = np.linspace(lo, hi, 300)
                curve = pg.PlotDataItem(xs, spec.target_function(xs[:, None])[:, 0],
                                        pen=pg.mkPen(class_colour(5), width=2, style=Qt.DashLine), name="g(x)")
                self.plot_item.addItem(curve)
                self._items.append(curve)
            self.plot_item.setLabel("bottom", names[0])
            self.plot_item.setLabel("left", data.target_names[0] if data.target_names else "y")
            return
        i, j = self._axes(data.n_inputs, axes)
        values = np.concatenate([y_train[:, 0], y_test[:, 0]]) if len(y_test) else y_train[:, 0]
        lo, hi = float(values.min()), float(values.max())
        cmap = pg.colormap.get("cividis")

        def brushes(y):
            t = (y - lo) / (hi - lo) if hi > lo else np.full_like(y, 0.5)
            return [pg.mkBrush(c) for c in cmap.map(t, mode="qcolor")]

        self._scatter(X_train[:, i], X_train[:, j], colour, test=False, name=f"train (colour = {data.target_names[0]})",
                      brushes=brushes(y_train[:, 0]))
        if len(X_test):
            self._scatter(X_test[:, i], X_test[:, j], "#333", test=True)
        self.plot_item.setLabel("bottom", names[i])
        self.plot_item.setLabel("left", names[j])
