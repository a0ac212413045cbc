"""The Runs dock: the kept runs in a table, Compare…, and their curves overlaid.

    table    one row per run: shown?, colour, name (editable), what differs, iterations t,
             status (ok / diverged / plateau), final training loss and accuracy, test accuracy,
             iterations to 95 % training accuracy
    Compare… a preset (L2 vs cross-entropy by default) or a dotted key and values: sibling
             runs from the same start (engine.runs.comparison), trained in lockstep by the
             worker (workbench.runs.probe)
    plot     the shown runs' loss — as is, normalised by its initial value (L2 and cross-entropy
             have different units) or as error rate (1 − training accuracy) — or ‖∂Div/∂θ‖
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..plots import CLASS_COLOURS

COLUMNS = ("run", "differs", "t", "status", "train loss", "train acc", "test acc", "t to 95 %")
MODES = ("loss", "loss ÷ initial loss", "error rate", "gradient norm ‖∂Div/∂θ‖")


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.4g}"
    return str(value)


class RunsWidget(QWidget):
    """The table, the buttons and the overlay plot; `show_views(views)` fills them."""

    def __init__(self, on_compare, on_remove, parent=None):
        super().__init__(parent)
        self.names: dict[int, str] = {}  # row → the user's name for it
        self.hidden: set[str] = set()
        self.views: tuple = ()
        v = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.compare_button = QPushButton("Compare…")
        self.compare_button.setToolTip("Sibling runs from the same start that differ in one setting, trained in lockstep")
        self.compare_button.clicked.connect(on_compare)
        self.remove_button = QPushButton("Remove all")
        self.remove_button.setToolTip("Forget the sibling runs")
        self.remove_button.clicked.connect(on_remove)
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.mode.setToolTip("Loss as is, normalised by its initial value, as error rate; or the gradient norm")
        self.mode.currentIndexChanged.connect(lambda _: self._plot())
        for w in (self.compare_button, self.remove_button, self.mode):
            buttons.addWidget(w)
        buttons.addStretch(1)
        v.addLayout(buttons)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.itemChanged.connect(self._item_changed)
        v.addWidget(self.table, 1)
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "iteration t")
        self.legend = self.plot.addLegend(offset=(-10, 10))
        v.addWidget(self.plot_widget, 2)

    def colour(self, i: int) -> str:
        return CLASS_COLOURS[i % len(CLASS_COLOURS)]

    def name(self, i: int, view) -> str:
        return self.names.get(i, view.label)

    def show_views(self, views: tuple) -> None:
        self.views = views
        self.table.blockSignals(True)
        self.table.setRowCount(len(views))
        for i, view in enumerate(views):
            f = view.final
            cells = (self.name(i, view), view.label, view.iteration, view.status, f["train_loss"], f["train_accuracy"],
                     f["test_accuracy"], f["iterations_to_target"])
            for j, value in enumerate(cells):
                item = self.table.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(i, j, item)
                    if j == 0:
                        item.setFlags(item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsEditable)
                        item.setCheckState(Qt.Checked)
                    else:
                        item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                item.setText(_cell(value))
            self.table.item(i, 0).setForeground(QColor(self.colour(i)))
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        self._plot()

    def _item_changed(self, item) -> None:
        if item.column() != 0 or item.row() >= len(self.views):
            return
        self.names[item.row()] = item.text()
        (self.hidden.discard if item.checkState() == Qt.Checked else self.hidden.add)(self.views[item.row()].label)
        self._plot()

    def curve(self, view) -> tuple[np.ndarray, np.ndarray]:
        mode = self.mode.currentIndex()
        if mode == 2:
            return view.evaluation_steps, view.error_rate
        y = (view.loss, view.normalised_loss, None, view.gradient_norm)[mode]
        return view.steps, y

    def _plot(self) -> None:
        self.plot.clear()
        self.legend.clear()
        self.plot.setLabel("left", MODES[self.mode.currentIndex()])
        self.plot.setTitle(None if self.views else "Compare… trains runs that differ in one setting from the same start")
        for i, view in enumerate(self.views):
            if view.label in self.hidden:
                continue
            x, y = self.curve(view)
            self.plot.plot(x, y, pen=pg.mkPen(self.colour(i), width=2), name=self.name(i, view))

    def clear(self) -> None:
        self.names.clear()
        self.hidden.clear()
        self.show_views(())
