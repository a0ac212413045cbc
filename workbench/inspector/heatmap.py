"""A small matrix heatmap: pg.ImageItem (float32, row-major), symmetric levels, hover values.

Row r, column c of the matrix is drawn at x ∈ [c, c+1), y ∈ [r, r+1) with row 0 at the top,
so W^(k)[i, j] = w_ij^(k) appears at row i, column j.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem, QLabel, QVBoxLayout, QWidget

from workbench.view_box import ViewBox

from .notation import num

#: ColorBrewer PuOr (colour-blind safe, diverging): orange < 0, white = 0, purple > 0
PUOR = ["#7f3b08", "#b35806", "#e08214", "#fdb863", "#fee0b6", "#f7f7f7",
        "#d8daeb", "#b2abd2", "#8073ac", "#542788", "#2d004b"]


def diverging_colormap() -> pg.ColorMap:
    return pg.ColorMap(np.linspace(0.0, 1.0, len(PUOR)), [QColor(c) for c in PUOR], name="PuOr")


class Heatmap(QWidget):
    """A titled heatmap of a 2-D array with a colour bar and a hover read-out.

    `cell_name(r, c)` gives the rich-text name shown on hover (e.g. w_ij^(k)).
    Signals: cellClicked(row, col).
    """

    cellClicked = Signal(int, int)

    def __init__(self, cell_name=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.cell_name = cell_name or (lambda r, c: f"[{r}, {c}]")
        self.row_labels: list[str] | None = None  # names for the rows instead of 0, 1, …
        self.data = np.zeros((1, 1), np.float32)
        self.level = 1.0
        self.computed = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        self.title = QLabel()
        self.title.setTextFormat(Qt.RichText)
        layout.addWidget(self.title)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.view.setMinimumHeight(120)
        layout.addWidget(self.view, 1)
        self.hover = QLabel(" ")
        self.hover.setTextFormat(Qt.RichText)
        self.hover.setObjectName("hover")
        layout.addWidget(self.hover)
        self.plot = self.view.addPlot(row=0, col=0, viewBox=ViewBox())
        self.plot.invertY(True)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setAspectLocked(False)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setPen("#444444")
            self.plot.getAxis(side).setTextPen("#222222")
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(diverging_colormap().getLookupTable(nPts=256))
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=diverging_colormap(), interactive=False,
                                        width=12, colorMapMenu=False, pen="#444444")
        self.colorbar.axis.setPen("#444444")
        self.colorbar.axis.setTextPen("#222222")
        self.view.addItem(self.colorbar, row=0, col=1)
        self.marker = QGraphicsRectItem()
        pen = QPen(QColor("#009E73"))
        pen.setWidthF(3)
        pen.setCosmetic(True)
        self.marker.setPen(pen)
        self.marker.setVisible(False)
        self.plot.addItem(self.marker)
        self.view.scene().sigMouseMoved.connect(self._moved)
        self.view.scene().sigMouseClicked.connect(self._clicked)

    def set_title(self, html: str) -> None:
        self.title.setText(html)

    def set_axis_labels(self, rows: str, cols: str) -> None:
        self.plot.setLabel("left", rows, color="#222222")
        self.plot.setLabel("bottom", cols, color="#222222")

    def set_data(self, data: np.ndarray, level: float | None = None, computed: bool = True) -> None:
        """Show `data` (2-D) with levels ±level (default ±max|data|); greyed when not computed."""
        with np.errstate(over="ignore"):  # beyond float32 (a diverging run) is shown as ±inf
            data = np.ascontiguousarray(data, dtype=np.float32)
        self.data, self.computed = data, computed
        finite = np.abs(data[np.isfinite(data)]) if data.size and level is None else None
        m = float(finite.max()) if finite is not None and finite.size else (level or 0.0)
        self.level = m if m > 0 and np.isfinite(m) else 1.0
        rows, cols = data.shape
        self.image.setImage(data, autoLevels=False, levels=(-self.level, self.level))
        self.image.setRect(QRectF(0, 0, cols, rows))
        self.image.setOpacity(1.0 if computed else 0.25)
        self.colorbar.setLevels((-self.level, self.level))
        self.plot.setXRange(0, cols, padding=0)
        self.plot.setYRange(0, rows, padding=0)
        self._ticks(rows, cols)

    def _ticks(self, rows, cols) -> None:
        def ticks(n):
            step = max(1, int(np.ceil(n / 10)))
            return [[(v + 0.5, str(v + 1)) for v in range(0, n, step)]]  # units count from 1
        self.plot.getAxis("bottom").setTicks(ticks(cols))
        if self.row_labels is not None and len(self.row_labels) == rows:
            self.plot.getAxis("left").setTicks([[(r + 0.5, name) for r, name in enumerate(self.row_labels)]])
        else:
            self.plot.getAxis("left").setTicks(ticks(rows))

    def mark(self, row: int | None, col: int | None) -> None:
        """Outline cell (row, col), or hide the outline."""
        if row is None:
            self.marker.setVisible(False)
            return
        self.marker.setRect(QRectF(col, row, 1, 1))
        self.marker.setVisible(True)

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        p = self.plot.vb.mapSceneToView(scene_pos)
        r, c = int(np.floor(p.y())), int(np.floor(p.x()))
        rows, cols = self.data.shape
        return (r, c) if 0 <= r < rows and 0 <= c < cols else None

    def hover_text(self, r: int, c: int) -> str:
        if not self.computed:
            return f"{self.cell_name(r, c)}: not yet computed"
        return f"{self.cell_name(r, c)} = {num(float(self.data[r, c]))}"

    def _moved(self, pos) -> None:
        cell = self.cell_at(pos) if self.plot.sceneBoundingRect().contains(pos) else None
        self.hover.setText(" " if cell is None else self.hover_text(*cell))

    def _clicked(self, event) -> None:
        cell = self.cell_at(event.scenePos())
        if cell is not None and event.button() == Qt.LeftButton:
            self.cellClicked.emit(*cell)
