"""λ_min and λ_max of ∇²L(θ) over training, for the curvature dock: a small plot over bounded memory.

Each curvature report adds (iteration, λ_min, λ_max). When `capacity` points are kept, every
other one is dropped (the first and the newest stay), so a run of any length keeps the whole
story in at most `capacity` points. A report of an earlier iteration (a reset, an undone edit)
starts afresh; a report of the same iteration replaces the last point.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ..plots.legend import BELOW, legend_outside

CAPACITY = 512


class ExtremesHistory:
    """(iteration, λ_min, λ_max) rows, at most `capacity` of them."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = int(capacity)
        self.rows = np.empty((0, 3))

    def __len__(self) -> int:
        return len(self.rows)

    def clear(self) -> None:
        self.rows = np.empty((0, 3))

    def add(self, iteration: int, smallest: float, largest: float) -> None:
        row = np.array([[float(iteration), float(smallest), float(largest)]])
        if len(self.rows) and iteration < self.rows[-1, 0]:
            self.clear()
        if len(self.rows) and iteration == self.rows[-1, 0]:
            self.rows = self.rows[:-1]
        self.rows = np.concatenate([self.rows, row])
        if len(self.rows) > self.capacity:
            keep = np.zeros(len(self.rows), dtype=bool)
            keep[::2] = True
            keep[-1] = True
            self.rows = self.rows[keep]


class ExtremesPlot:
    """λ_max (blue) and λ_min (vermilion) against the iteration, with λ = 0 marked."""

    def __init__(self):
        self.widget = pg.PlotWidget()
        self.widget.setMinimumHeight(160)
        self.widget.setMaximumHeight(260)
        plot = self.widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.setLabel("bottom", "iteration")
        plot.setLabel("left", "λ")
        plot.showGrid(x=True, y=True, alpha=0.2)
        plot.addLine(y=0.0, pen=pg.mkPen((140, 140, 140), width=1, style=Qt.DashLine))
        legend_outside(plot, BELOW, 2)  # under the axis: never over the curves
        self.largest = plot.plot([], [], pen=pg.mkPen("#0072B2", width=2), symbol="o", symbolSize=4,
                                 symbolBrush="#0072B2", symbolPen=None, name="λ_max (largest eigenvalue)")
        self.smallest = plot.plot([], [], pen=pg.mkPen("#D55E00", width=2), symbol="o", symbolSize=4,
                                  symbolBrush="#D55E00", symbolPen=None, name="λ_min (smallest eigenvalue)")
        self.widget.setToolTip("The Hessian's largest (blue) and smallest (vermilion) eigenvalue at each report: "
                               "λ_min < 0 means some direction still curves downward (a saddle, not a minimum)")

    def draw(self, history: ExtremesHistory) -> None:
        rows = history.rows
        self.largest.setData(rows[:, 0], rows[:, 2])
        self.smallest.setData(rows[:, 0], rows[:, 1])
