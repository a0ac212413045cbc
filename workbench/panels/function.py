"""Function mode: a 2-D objective f(x, y) (engine.objectives) with its level sets, the descent path
of a network optimiser, −∇f and the Hessian's eigen-axes at the path's current (last) point, and
the second-derivative test's verdict there. Click the plot to start the descent from that point.

Everything is the engine's (objective, descend, classify, curvature_axes) on a small grid; it
needs no trainer, so the panel has no probe and computes on a change.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from engine.analysis.contour import contour_segments
from engine.core.errors import ConfigurationError
from engine.core.optimizers import OPTIMIZERS, create
from engine.objectives.descent import descend
from engine.objectives.library import SPECS, builtin
from engine.objectives.objective import objective

from ..view_box import ViewBox
from .base import LazyPanel, part

GRID = 101
LEVELS = 12
TYPED = "typed f(x, y)"
CHOICES = ["bowl", *(name for name, (text, _, _) in SPECS.items() if "y" in text), TYPED]


def levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """Level values at quantiles of the grid (valleys and steep walls both get lines)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0 or finite.min() == finite.max():
        return np.empty(0)
    return np.unique(np.quantile(finite, np.linspace(0.03, 0.97, count)))


class FunctionView(QWidget):
    """Objective choice, optimiser and steps; the plot; the verdict at the current point."""

    def __init__(self):
        super().__init__()
        form = QFormLayout()
        self.choice = QComboBox()
        self.choice.addItems(CHOICES)
        self.formula = QLineEdit("x^2 - y^2")
        self.formula.setToolTip("f(x, y): + − * / ^, sin cos exp log tanh sqrt abs, pi, e")
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.rate = QDoubleSpinBox(decimals=4, minimum=0.0, maximum=10.0, singleStep=0.01, value=0.05)
        self.steps = QSpinBox(minimum=0, maximum=10_000, value=50)
        for label, widget in (("Objective", self.choice), ("f(x, y)", self.formula), ("Optimiser", self.optimizer),
                              ("η", self.rate), ("Steps", self.steps)):
            form.addRow(label, widget)
        self.plot_widget = pg.PlotWidget(viewBox=ViewBox())
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabel("bottom", "x")
        self.plot.setLabel("left", "y")
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.lines = pg.PlotDataItem(pen=pg.mkPen("w", width=1), connect="pairs")
        self.path = pg.PlotDataItem(pen=pg.mkPen("#ff8c00", width=2), symbol="o", symbolSize=4, symbolBrush="#ff8c00")
        self.gradient = pg.PlotDataItem(pen=pg.mkPen("r", width=2))
        self.axes = pg.PlotDataItem(pen=pg.mkPen("c", width=2), connect="pairs")
        self.point = pg.ScatterPlotItem(size=10, brush="r", pen="w")
        for item in (self.image, self.lines, self.path, self.gradient, self.axes, self.point):
            self.plot.addItem(item)
        self.labels: list[pg.TextItem] = []
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.plot_widget, 1)
        layout.addWidget(self.verdict)


class FunctionPanel(LazyPanel):
    """Hidden until View ▸ Function mode: built (and the first descent computed) when first shown."""

    name, title, visible, frame_share = "FunctionDock", "Function mode", False, 0
    view = part("view")

    def __init__(self, host):
        super().__init__(host)
        self.f = None
        self.start = None
        self.result = None  # (Path, Classification) of the last descent

    def build(self) -> QWidget:
        self._view = v = FunctionView()
        v.choice.currentIndexChanged.connect(self._objective_changed)
        v.formula.editingFinished.connect(self._objective_changed)
        for signal in (v.optimizer.currentIndexChanged, v.rate.valueChanged, v.steps.valueChanged):
            signal.connect(self.redescend)
        v.plot.scene().sigMouseClicked.connect(self._clicked)
        self._objective_changed()
        return v

    def _objective_changed(self) -> None:
        v = self.view
        typed = v.choice.currentText() == TYPED
        v.formula.setEnabled(typed)
        try:
            f = objective(v.formula.text(), dimension=2) if typed else builtin(v.choice.currentText())
        except ConfigurationError as error:  # ExpressionError names the position of the fault
            v.verdict.setText(f"<span style='color:#c0392b'>{error}</span>")
            return
        self.f, self.start = f, np.array(f.start if len(f.start) == 2 else (1.5, 1.0), dtype=np.float64)
        self._draw_surface()
        self.redescend()

    def _draw_surface(self) -> None:
        f, v = self.f, self.view
        x0, x1, y0, y1 = f.view
        xs, ys = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
        with np.errstate(all="ignore"):
            Z = f.value(np.stack(np.meshgrid(xs, ys), axis=-1))  # Z[r, c] at (xs[c], ys[r])
            shown = np.sign(Z) * np.log1p(np.abs(Z))
        v.image.setImage(shown.T, autoLevels=True)
        v.image.setRect(x0, y0, x1 - x0, y1 - y0)
        for label in v.labels:
            v.plot.removeItem(label)
        v.labels, pieces = [], []
        for n, level in enumerate(levels(Z)):
            seg = contour_segments(Z, level, xs, ys)
            if len(seg):
                pieces.append(seg)
                label = pg.TextItem(f"{level:.3g}", color="w", anchor=(0.5, 0.5))
                label.setPos(*seg[int(len(seg) * ((0.5 + 0.29 * n) % 1.0))])  # staggered: labels do not pile up
                v.plot.addItem(label)
                v.labels.append(label)
        points = np.concatenate(pieces) if pieces else np.empty((0, 2))
        v.lines.setData(points[:, 0], points[:, 1])
        v.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def redescend(self) -> None:
        """Descend from the start with the chosen optimiser; draw the path and the point's geometry."""
        if self.f is None:
            return
        v = self.view
        path = descend(self.f, self.start, create(v.optimizer.currentText(), learning_rate=v.rate.value()), v.steps.value())
        here = path.points[-1]
        verdict = self.f.classify(here)
        self.result = (path, verdict)
        v.path.setData(path.points[:, 0], path.points[:, 1])
        v.point.setData([here[0]], [here[1]])
        scale = 0.08 * (self.f.view[1] - self.f.view[0])
        g = self.f.gradient(here)
        norm = float(np.linalg.norm(g))
        tip = here - g / norm * scale if norm > 0 else here
        v.gradient.setData([here[0], tip[0]], [here[1], tip[1]])
        _, vectors = self.f.curvature_axes(here)
        ends = np.concatenate([[here - scale * u, here + scale * u] for u in vectors.T])
        v.axes.setData(ends[:, 0], ends[:, 1])
        end = "diverged" if path.diverged else f"after {len(path.points) - 1} steps"
        v.verdict.setText(f"{self.f.name}: ({here[0]:.4g}, {here[1]:.4g}) {end}, f = {path.values[-1]:.4g}, "
                          f"‖∇f‖ = {norm:.3g}<br><b>{verdict.description}</b> (λ = {verdict.smallest:.3g}, "
                          f"{verdict.largest:.3g}); red: −∇f, cyan: Hessian eigen-axes. Click to start there.")

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self.f is None:
            return
        point = self.view.plot.vb.mapSceneToView(event.scenePos())
        self.start = np.array([point.x(), point.y()])
        self.redescend()
