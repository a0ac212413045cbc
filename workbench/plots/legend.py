"""Legends outside the data: a plot's legend in its own cell of the plot's layout.

A legend floating over the view box covers points (the decision view) or the noisy band
(the loss); in the layout beside (RIGHT) or below the x axis (BELOW) it never does. The
legend is the plot's `legend`, so `plot.plot(..., name=...)` still adds its entries.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSizePolicy

#: layout cells of a PlotItem: (row, column); the view box is (2, 1), the bottom axis (3, 1)
RIGHT = (2, 3)
BELOW = (4, 1)


def legend_outside(plot: pg.PlotItem, where=BELOW, columns: int = 1) -> pg.LegendItem:
    """A legend for `plot` in the layout cell `where`, its entries in `columns` columns."""
    legend = pg.LegendItem(offset=None, pen=None, brush=None, verSpacing=-6)
    legend.setColumnCount(columns)
    legend.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)  # its own height, not the row's
    plot.layout.addItem(legend, *where)
    plot.layout.setAlignment(legend, Qt.AlignTop | Qt.AlignLeft)
    plot.legend = legend
    return legend
