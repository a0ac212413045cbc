"""Small multiples: the decision boundary of every shown run side by side (same data, same axes)."""

from __future__ import annotations

import time
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.core.network import Network

from ..plots.decision import DecisionView


class Multiple(QWidget):
    """One run's boundary under its name (in the run's colour)."""

    def __init__(self, data, shape, parent=None):
        super().__init__(parent)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(0)
        self.title = QLabel()
        v.addWidget(self.title)
        self.view = DecisionView()
        self.view.caption.hide()
        self.view.show_test.hide()
        self.view.set_run(SimpleNamespace(data=data, network=Network(list(shape[0]), list(shape[1]))))
        self.view.legend.hide()
        for item in self.view.plot.listDataItems():  # small points: the boundary is the point here
            if hasattr(item, "setSymbolSize"):
                item.setSymbolSize(3)
        self.view.plot.hideAxis("left")
        self.view.plot.hideAxis("bottom")
        self.view.plot.setMenuEnabled(False)
        self.view.plot.setAspectLocked(True)
        v.addWidget(self.view, 1)
        self.key = (id(data), shape)
        self.name = ""

    def show_run(self, name: str, colour: str, parameters) -> None:
        self.name = name
        self.title.setToolTip(name)
        self.title.setText(self.title.fontMetrics().elidedText(name, Qt.ElideRight, max(40, self.width() - 4)))
        palette = self.title.palette()
        palette.setColor(self.title.foregroundRole(), QColor(colour))
        self.title.setPalette(palette)
        self.view.update_parameters(parameters)


#: seconds between two redraws of the boundaries while training (paused: at once)
REDRAW_SECONDS = 0.5


class Multiples(QWidget):
    """uid → Multiple, rebuilt only when a run's data or network shape changes."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addStretch(1)
        self.cells: dict[int, Multiple] = {}
        self._drawn = -float("inf")
        self.setToolTip("The decision boundary of every shown run, side by side")

    def show_runs(self, runs, now: bool = True) -> None:
        """runs: (uid, name, colour, data, shape, θ) of every shown run (data None: not drawable);
        now: redraw at once (paused), else at most every REDRAW_SECONDS."""
        runs = [r for r in runs if r[3] is not None and r[3].n_raw_inputs <= 2]
        wanted = {r[0] for r in runs}
        if not now and wanted == set(self.cells) and time.monotonic() - self._drawn < REDRAW_SECONDS:
            return
        self._drawn = time.monotonic()
        for uid in [u for u in self.cells if u not in wanted]:
            self.cells.pop(uid).deleteLater()
        for i, (uid, name, colour, data, shape, theta) in enumerate(runs):
            cell = self.cells.get(uid)
            if cell is None or cell.key != (id(data), shape):
                if cell is not None:
                    cell.deleteLater()
                cell = self.cells[uid] = Multiple(data, shape)
            self.row.insertWidget(i, cell)
            cell.show_run(name, colour, theta)
        self.setVisible(len(runs) > 1)
        self._fit()

    def _fit(self) -> None:
        """Square cells as large as the height allows, all of them in the width."""
        n = max(1, len(self.cells))
        title = 18
        side = max(60, min(self.height() - title, (self.width() - 6 * n) // n))
        for cell in self.cells.values():
            cell.setFixedSize(side, side + title)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()
