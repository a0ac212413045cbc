"""The sweep's result: the final metric against the varied key, one point per run.

One key: a dot per run (the seeds' spread is the vertical scatter), the mean over seeds joined
by a line, a red × at the top for a run that diverged; log axes for rates and losses. Two keys:
a heatmap of the seeds' mean, one cell per pair. Clicking a dot or a cell emits `run_clicked`
with that run's name (the first seed's, for a cell).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from engine.sweep.grid import Axis, GridPoint
from workbench.plots import CLASS_COLOURS
from workbench.plots.curves import SparseLogAxis

DIVERGED = "#D55E00"


def _value_of(point: GridPoint, key: str):
    return point.seed if key == "seed" else point.values[key]


def _finite(row: dict, metric: str) -> bool:
    return row["status"] != "diverged" and math.isfinite(row[metric])


def running_mean(steps: np.ndarray, values: np.ndarray, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The mean over windows of len/points iterations: the trend of a noisy mini-batch loss."""
    window = max(1, len(values) // points)
    usable = len(values) // window * window
    if usable == 0:
        return steps, values
    return steps[:usable].reshape(-1, window)[:, -1], values[:usable].reshape(-1, window).mean(axis=1)


def _decades(lo: float, hi: float) -> list:
    """Ticks for log₁₀ coordinates labelled with the values: 10⁻⁴ reads 0.0001; 2 and 5 between decades."""
    steps = (1,) if hi - lo > 3 else (1, 2, 5)
    major = [(math.log10(m * 10.0 ** e), f"{m * 10.0 ** e:g}") for e in range(math.floor(lo), math.ceil(hi) + 1)
             for m in steps]
    return [[t for t in major if lo - 0.3 <= t[0] <= hi + 0.3], []]


class SweepPlot(QWidget):
    run_clicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot_widget = pg.PlotWidget()
        self.plot_widget.setMinimumSize(420, 260)
        self.curves_widget = pg.PlotWidget(axisItems={"left": SparseLogAxis("left")})
        self.curves_widget.setMinimumSize(420, 200)
        curves = self.curves_widget.getPlotItem()
        curves.setLogMode(y=True)
        curves.setLabel("bottom", "iteration")
        curves.setLabel("left", "training loss, running mean")
        curves.addLegend(offset=(-10, 10))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget, 3)
        layout.addWidget(self.curves_widget, 2)
        self.metric = "train_loss"
        self.points_shown = 0

    def show_results(self, points: list[GridPoint], rows: dict, axes: list[Axis], metric: str = "train_loss") -> None:
        self.metric = metric
        plot = self.plot_widget.getPlotItem()
        plot.clear()
        varied = [a for a in axes if a.key != "seed"] or [Axis("seed", tuple(sorted({p.seed for p in points})))]
        done = [(p, rows[p.name]) for p in points if p.name in rows]
        self.points_shown = len(done)
        if len(varied) == 1:
            self._curve(plot, done, varied[0], metric)
        else:
            self._heatmap(plot, done, varied[:2], metric)

    def show_curves(self, points: list[GridPoint], curves: dict, axis: Axis) -> None:
        """The loss curve of every finished run, coloured by its value of `axis` (seeds share a colour)."""
        plot = self.curves_widget.getPlotItem()
        plot.clear()
        plot.legend.clear()
        colours = pg.colormap.get("viridis").getLookupTable(nPts=max(2, len(axis.values)), alpha=False)
        shown = set(axis.values[i] for i in np.unique(np.linspace(0, len(axis.values) - 1, 5).round().astype(int)))
        named = set()
        for point in points:
            if point.name not in curves:
                continue
            value = _value_of(point, axis.key)
            k = axis.values.index(value)
            steps, loss = running_mean(*curves[point.name])
            keep = loss > 0
            legend = value in shown and value not in named
            name = (f"{axis.key.rsplit('.', 1)[-1]} {value:.3g}" if isinstance(value, float) else str(value)) if legend else None
            named.add(value)
            plot.plot(steps[keep], loss[keep], pen=pg.mkPen(tuple(int(c) for c in colours[k][:3]), width=1.5), name=name)
        self.curves_shown = sum(p.name in curves for p in points)

    def _x(self, axis: Axis, value) -> float:
        if axis.numeric:
            return math.log10(value) if axis.logarithmic else float(value)
        return float(axis.values.index(value))

    def _curve(self, plot, done, axis: Axis, metric: str) -> None:
        finite = [r[metric] for _, r in done if _finite(r, metric)]
        log_y = metric.endswith("loss") and bool(finite) and min(finite) > 0
        plot.setLogMode(x=False, y=False)
        plot.setLabel("bottom", axis.key + (" (log scale)" if axis.logarithmic else ""))
        plot.setLabel("left", metric.replace("_", " ") + (" (log scale)" if log_y else ""))
        y_of = (lambda v: math.log10(v)) if log_y else float
        top = max((y_of(v) for v in finite), default=1.0)
        spots, means = [], []
        for value in axis.values:
            x = self._x(axis, value)
            group = [(p, r) for p, r in done if _value_of(p, axis.key) == value]
            ys = [y_of(r[metric]) for _, r in group if _finite(r, metric)]
            for p, r in group:
                ok = _finite(r, metric)
                spots.append({"pos": (x, y_of(r[metric]) if ok else top), "data": p.name, "symbol": "o" if ok else "x",
                              "brush": pg.mkBrush(CLASS_COLOURS[0] if ok else DIVERGED), "size": 10 if ok else 14})
            if ys:
                means.append((x, float(np.mean(ys))))
        scatter = pg.ScatterPlotItem(spots=spots, pen=None, hoverable=True)
        scatter.sigClicked.connect(lambda _item, clicked, _ev: self.run_clicked.emit(clicked[0].data()))
        if len(means) > 1:
            plot.plot(*zip(*means), pen=pg.mkPen(CLASS_COLOURS[0], width=2))
        plot.addItem(scatter)
        if not axis.numeric:
            plot.getAxis("bottom").setTicks([[(i, str(v)) for i, v in enumerate(axis.values)]])
        elif axis.logarithmic:
            xs = [self._x(axis, v) for v in axis.values]
            plot.getAxis("bottom").setTicks(_decades(min(xs), max(xs)))
        else:
            plot.getAxis("bottom").setTicks(None)
        if log_y and finite:
            ys = [y_of(v) for v in finite]
            plot.getAxis("left").setTicks(_decades(min(ys), max(ys)))
        else:
            plot.getAxis("left").setTicks(None)
        self.scatter = scatter

    def _heatmap(self, plot, done, axes: list[Axis], metric: str) -> None:
        a, b = axes
        grid = np.full((len(a.values), len(b.values)), np.nan, dtype=np.float32)
        self._cells: dict[tuple[int, int], str] = {}
        for i, va in enumerate(a.values):
            for j, vb in enumerate(b.values):
                cell = [(p, r) for p, r in done if _value_of(p, a.key) == va and _value_of(p, b.key) == vb]
                ys = [r[metric] for _, r in cell if _finite(r, metric)]
                if ys:
                    grid[i, j] = np.mean(ys)
                if cell:
                    self._cells[(i, j)] = cell[0][0].name
        image = pg.ImageItem(np.nan_to_num(grid, nan=np.nanmax(grid) if np.isfinite(grid).any() else 0.0))
        image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        plot.setLogMode(x=False, y=False)
        plot.addItem(image)
        plot.getAxis("bottom").setTicks([[(i + 0.5, f"{v:.3g}" if isinstance(v, float) else str(v))
                                          for i, v in enumerate(a.values)]])
        plot.getAxis("left").setTicks([[(j + 0.5, f"{v:.3g}" if isinstance(v, float) else str(v))
                                        for j, v in enumerate(b.values)]])
        plot.setLabel("bottom", a.key)
        plot.setLabel("left", b.key)
        for (i, j), _name in self._cells.items():
            text = "diverged" if not np.isfinite(grid[i, j]) else f"{grid[i, j]:.3g}"
            label = pg.TextItem(text, color="w", anchor=(0.5, 0.5))
            label.setPos(i + 0.5, j + 0.5)
            plot.addItem(label)
        image.mouseClickEvent = self._cell_clicked

    def _cell_clicked(self, event) -> None:
        pos = event.pos()
        name = self._cells.get((int(pos.x()), int(pos.y())))
        if name is not None:
            self.run_clicked.emit(name)
