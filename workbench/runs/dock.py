"""The Runs dock: the kept runs in a table, Compare…, Fork, the timeline, their curves overlaid.

    table     one row per run: shown?, colour, name (editable), what differs, iterations t,
              status (ok / diverged / plateau), final training loss and accuracy, test accuracy,
              iterations to 95 % training accuracy
    Compare…  a preset (L2 vs cross-entropy by default) or a dotted key and values: sibling
              runs from the same start (engine.runs.comparison), kept and trained in lockstep by
              the worker (workbench.runs.probe); the runs kept so far stay
    Fork      the current run's exact state (θ, optimiser, batch position) as a new kept run
    Delete    the selected kept runs (Delete key); Remove all: every kept run
    timeline  checkpoints every N iterations, a scrubber back to any of them (timeline_bar)
    plot      the shown runs' loss — as is, normalised by its initial value (L2 and cross-entropy
              have different units) or as error rate (1 − training accuracy) — or ‖∂Div/∂θ‖;
              below it the shown runs' decision boundaries side by side (multiples)
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.training.outcome import first_reaching
from workbench.view_box import ViewBox

from ..plots import CLASS_COLOURS
from .multiples import Multiples
from .probe import CURRENT
from .timeline_bar import TimelineBar

COLUMNS = ("run", "differs from this run", "t", "status", "train loss", "train acc", "test acc", "t to 95 %")
MODES = ("loss", "loss ÷ initial loss", "error rate", "gradient norm ‖∂Div/∂θ‖")


def _cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.4g}"
    return str(value)


class RunsWidget(QWidget):
    """The buttons, table, timeline, overlay plot and small multiples; `show_views(views)` fills them.

    actions: compare(), fork(), delete(uids), remove_all(), seek(iteration | None), spacing(N), and
    changed() after a run was renamed, shown or hidden."""

    def __init__(self, actions: dict, parent=None):
        super().__init__(parent)
        self.names: dict[int, str] = {}  # uid → the user's name for it
        self.hidden: set[int] = set()
        self.views: tuple = ()
        self.paused = True  # the boundaries redraw at once only while paused
        self.datas: dict = {}  # uid → prepared data the multiples draw over (the current run's: set_run)
        self.actions = actions
        v = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.compare_button = self._button("Compare…", "Sibling runs from the same start that differ in one "
                                           "setting, kept and trained in lockstep with this run", actions["compare"])
        self.fork_button = self._button("Fork", "Pause and keep this run's exact state (weights, optimiser state, "
                                        "batch position) as a new run, trained on beside it", actions["fork"])
        self.delete_button = self._button("Delete", "Forget the selected kept runs (Del)", self._delete)
        self.remove_button = self._button("Remove all", "Forget every kept run", actions["remove_all"])
        self.mode = QComboBox()
        self.mode.addItems(MODES)
        self.mode.setToolTip("Loss as is, normalised by its initial value (L2 and cross-entropy have different "
                             "units: both start at 1), as error rate (1 − training accuracy); or the gradient norm")
        self.mode.currentIndexChanged.connect(lambda _: self._plot())
        self.target = QDoubleSpinBox()
        self.target.setRange(1.0, 100.0)
        self.target.setDecimals(1)
        self.target.setValue(95.0)
        self.target.setPrefix("target ")
        self.target.setSuffix(" %")
        self.target.setToolTip("Iterations to target: the first evaluated iteration whose training accuracy "
                               "reaches this (the table's last column)")
        self.target.valueChanged.connect(lambda _: self.show_views(self.views))
        for w in (self.compare_button, self.fork_button, self.delete_button, self.remove_button, self.mode,
                  self.target):
            buttons.addWidget(w)
        buttons.addStretch(1)
        v.addLayout(buttons)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.itemChanged.connect(self._item_changed)
        QShortcut(QKeySequence.Delete, self.table, self._delete, context=Qt.WidgetShortcut)
        self.timeline = TimelineBar(actions["seek"], actions["spacing"])
        v.addWidget(self.timeline)
        split = QSplitter(Qt.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        self.plot_widget = pg.PlotWidget(background="w", viewBox=ViewBox())
        self.plot = self.plot_widget.getPlotItem()
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setLabel("bottom", "iteration t")
        for side in ("left", "bottom"):  # "loss ÷ initial loss (x0.001)" misreads, and the label is cut
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.legend = self.plot.addLegend(offset=(-10, 10))
        split.addWidget(self.plot_widget)
        self.multiples = Multiples()
        self.multiples.hide()
        split.addWidget(self.multiples)
        for i, (stretch, least) in enumerate(((2, 96), (2, 110), (2, 80))):
            split.setStretchFactor(i, stretch)
            split.widget(i).setMinimumHeight(least)
        v.addWidget(split, 1)

    def _button(self, text, tip, slot) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def colour(self, i: int) -> str:
        return CLASS_COLOURS[i % len(CLASS_COLOURS)]

    def name(self, view) -> str:
        return self.names.get(view.uid, "this run" if view.uid == CURRENT else view.label)

    def shown(self) -> list[tuple[int, object]]:
        """(row, view) of every shown run."""
        return [(i, view) for i, view in enumerate(self.views) if view.uid not in self.hidden]

    def show_views(self, views: tuple) -> None:
        self.views = views
        if not self.isVisible():  # off screen: drawn when shown (showEvent)
            return
        self.table.blockSignals(True)
        self.table.setRowCount(len(views))
        self.table.horizontalHeaderItem(len(COLUMNS) - 1).setText(f"t to {self.target.value():g} %")
        for i, view in enumerate(views):
            f = view.final
            reached = first_reaching(view.evaluation_steps, 1.0 - view.error_rate, self.target.value() / 100)
            differs = view.label if view.uid == CURRENT else view.differs
            cells = (self.name(view), differs, view.iteration, view.status, f["train_loss"], f["train_accuracy"],
                     f["test_accuracy"], reached)
            for j, value in enumerate(cells):
                item = self.table.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    self.table.setItem(i, j, item)
                    if j == 0:
                        item.setFlags(item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsEditable)
                    else:
                        item.setFlags(item.flags() & ~Qt.ItemIsEditable)
                item.setText(_cell(value))
            first = self.table.item(i, 0)
            first.setCheckState(Qt.Unchecked if view.uid in self.hidden else Qt.Checked)
            first.setForeground(QColor(self.colour(i)))
            first.setToolTip("Tick: shown in the plots; double click: rename")
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)
        self._plot()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.show_views(self.views)

    def _item_changed(self, item) -> None:
        if item.column() != 0 or item.row() >= len(self.views):
            return
        uid = self.views[item.row()].uid
        self.names[uid] = item.text()
        (self.hidden.discard if item.checkState() == Qt.Checked else self.hidden.add)(uid)
        self._plot()
        self.actions["changed"]()

    def selected_uids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.views[r].uid for r in rows if r < len(self.views)]

    def _delete(self) -> None:
        self.actions["delete"](self.selected_uids())

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
        self.plot.setTitle(None if self.views else "Compare… trains runs that differ in one setting from the same "
                           "start; Fork keeps this run's state as a new run")
        for i, view in self.shown():
            x, y = self.curve(view)
            self.plot.plot(x, y, pen=pg.mkPen(self.colour(i), width=2), name=self.name(view))
        self.multiples.show_runs([(view.uid, self.name(view), self.colour(i), view.data or self.datas.get(view.uid),
                                   view.shape, view.parameters) for i, view in self.shown()], now=self.paused)

    def clear(self) -> None:
        self.names.clear()
        self.hidden.clear()
        self.show_views(())
