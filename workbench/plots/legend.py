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
    """A legend for `plot` in the layout cell `where`, its entries in up to `columns` columns.

    Below the plot the columns follow the plot's width (`fit_columns`): a legend wider than a
    narrow dock would otherwise widen the plot past the dock's edge and be cut off there.
    """
    legend = pg.LegendItem(offset=None, pen=None, brush=None, verSpacing=-6)
    legend.setColumnCount(columns)
    # its own height, not the row's; below the plot it may be narrower than its one-row width
    horizontal = QSizePolicy.Ignored if where == BELOW else QSizePolicy.Preferred
    legend.setSizePolicy(horizontal, QSizePolicy.Fixed)
    if where == BELOW:
        legend.setMinimumWidth(0)  # never widens the plot: its columns follow the width instead
    plot.layout.addItem(legend, *where)
    plot.layout.setAlignment(legend, Qt.AlignTop | Qt.AlignLeft)
    plot.legend = legend
    if where == BELOW:
        legend.fit = lambda: fit_columns(legend, _room(plot), columns)  # also after a new font (presentation)
        plot.geometryChanged.connect(legend.fit)
    return legend


def _room(plot: pg.PlotItem) -> float:
    """The width the legend really has: from the plot's left axis (its cell starts there) to the plot's
    right edge, or less where the plot's view is narrower (a squeezed dock)."""
    views = plot.scene().views() if plot.scene() is not None else []
    axis = plot.getAxis("left")
    return min([plot.geometry().width()] + [v.viewport().width() for v in views]) - \
        (axis.geometry().right() if axis.isVisible() else 0)


def fit_columns(legend: pg.LegendItem, width: float, most: int) -> None:
    """As many columns (at most `most`, at least 1) as the widest entry allows in `width` px."""
    # the text's own width as drawn (a LabelItem's rect stretches with its layout cell; its item's font
    # is not the size its HTML asks for, e.g. presentation mode's)
    entries = [sample.boundingRect().width() + label.item.boundingRect().width() + 16 for sample, label in legend.items]
    if not entries:
        return
    fit = max(1, min(most, int(width // max(entries))))
    if fit != legend.columnCount:
        legend.setColumnCount(fit)
