"""The per-layer view: z^(k), y^(k), ∂Div/∂y^(k), ∂Div/∂z^(k) of one sample; W^(k) and ∂Div/∂W^(k).

Per-unit quantities are a table (one row per unit j) for layers up to WIDE units, and two
heatmap strips for wider layers. W^(k) and ∂Div/∂W^(k) are heatmaps with a diverging,
colour-blind-safe map symmetric about 0; each has its own scale by default, because ∂Div/∂W is usually
orders of magnitude smaller than W and would be a blank sheet on the weights' scale; tick
"same colour scale" to compare them on one scale. What this
iteration has not computed yet is greyed out.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .heatmap import Heatmap
from .notation import GREY, d, grey, num, sym, w
from .spinbox import OneBasedSpinBox
from .state import InspectorState

#: layers with more units than this show heatmap strips instead of a table
WIDE = 32

_SUPERSCRIPT = str.maketrans("0123456789()−-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻⁻")


def sup(k) -> str:
    """(k) as unicode superscript, for plain-text table headers: z⁽²⁾."""
    return f"({k})".translate(_SUPERSCRIPT)


#: (key, header maker, what computes it)
COLUMNS = ("b", "z", "y", "dy", "dz", "db")


class LayerView(QWidget):
    """Layer k for sample t. Signals: weightClicked(k, i, j), layerChanged(k), sampleChanged(t)."""

    weightClicked = Signal(int, int, int)
    layerChanged = Signal(int)
    sampleChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state: InspectorState | None = None
        self.k, self.t = 1, 0
        self.selected: tuple[int, int, int] | None = None
        #: the numbers shown in the table: key → array over units j (NaN where not computed)
        self.values: dict[str, np.ndarray] = {}
        self._build()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.layer_spin, self.sample_spin = QSpinBox(), OneBasedSpinBox()
        self.layer_spin.setRange(1, 1)
        for text, spin in (("layer k", self.layer_spin), ("sample t", self.sample_spin)):
            spin.setKeyboardTracking(False)
            top.addWidget(QLabel(text))
            top.addWidget(spin)
        self.layer_spin.valueChanged.connect(self.select_layer)
        self.sample_spin.valueChanged.connect(self.select_sample)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.RichText)
        top.addWidget(self.caption, 1)
        outer.addLayout(top)

        self.units = QStackedWidget()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        # every column at least as wide as its header (stretched ones cut "∂Div/∂b⁽²⁾ (mean)")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setMinimumHeight(90)
        self.units.addWidget(self.table)
        strips = QWidget()
        strip_layout = QHBoxLayout(strips)
        strip_layout.setContentsMargins(0, 0, 0, 0)
        self.forward_strip = Heatmap(lambda r, c: (sym("z", c, self.k), sym("y", c, self.k))[r])
        self.backward_strip = Heatmap(lambda r, c: (d(sym("y", c, self.k)), d(sym("z", c, self.k)))[r])
        strip_layout.addWidget(self.forward_strip)
        strip_layout.addWidget(self.backward_strip)
        self.units.addWidget(strips)
        outer.addWidget(self.units)

        maps = QWidget()
        maps_layout = QVBoxLayout(maps)
        maps_layout.setContentsMargins(0, 0, 0, 0)
        self.same_scale = QCheckBox("same colour scale for W and ∂Div/∂W")
        self.same_scale.setToolTip("Off: each map is symmetric about 0 on its own largest |value| "
                                   "(gradients are usually far smaller than weights)")
        self.same_scale.toggled.connect(lambda _: self._refresh())
        maps_layout.addWidget(self.same_scale)
        row = QHBoxLayout()
        self.weight_map = Heatmap(lambda r, c: w(r, c, self.k))
        self.gradient_map = Heatmap(lambda r, c: d(w(r, c, self.k)))
        for m in (self.weight_map, self.gradient_map):
            m.set_axis_labels("i (layer k−1)", "j (layer k)")
            m.cellClicked.connect(lambda r, c: self.weightClicked.emit(self.k, r, c))
            row.addWidget(m)
        maps_layout.addLayout(row, 1)
        outer.addWidget(maps, 1)

    # -- public API ----------------------------------------------------------------------
    @Slot(object)
    def show_state(self, state: InspectorState) -> None:
        self.state = state
        self._refresh()

    @Slot(int)
    def select_layer(self, k: int) -> None:
        if int(k) == self.k:
            return
        self.k = int(k)
        self._refresh()
        self.layerChanged.emit(self.k)

    @Slot(int)
    def select_sample(self, t: int) -> None:
        if int(t) == self.t:
            return
        self.t = int(t)
        self._refresh()
        self.sampleChanged.emit(self.t)

    @Slot(int, int, int)
    def select_weight(self, k: int, i: int, j: int) -> None:
        """Outline w_ij^(k) in the heatmaps (and show layer k)."""
        self.selected = (int(k), int(i), int(j))
        if int(k) != self.k:
            self.select_layer(k)
        else:
            self._mark()

    # -- drawing -------------------------------------------------------------------------
    def _clamp(self) -> None:
        s = self.state
        self.k = min(max(self.k, 1), s.N)
        self.t = min(max(self.t, 0), max(s.batch_size - 1, 0))
        for spin, lo, hi, v in ((self.layer_spin, 1, s.N, self.k),
                                (self.sample_spin, 0, max(s.batch_size - 1, 0), self.t)):
            with QSignalBlocker(spin):
                spin.setRange(lo, hi)
                spin.setValue(v)

    def _refresh(self) -> None:
        s = self.state
        if s is None:
            return
        self._clamp()
        k, t, net = self.k, self.t, s.network
        n = net.sizes[k]
        act = net.activations[k - 1].name
        self.caption.setText(f"layer {k}: {net.sizes[k - 1]} → {n} units, <i>f</i><sub>{k}</sub> = {act}"
                             + ("" if s.trace is None else f"; sample t = {t + 1} of B = {s.batch_size}"))
        nan = np.full(n, np.nan)
        fwd, dy_ok, bwd = s.forward_done(k), s.dy_done(k), s.backward_done(k)
        self.values = {
            "b": net.b[k].astype(np.float64),
            "z": s.trace.z[k][t].astype(np.float64) if fwd else nan,
            "y": s.trace.y[k][t].astype(np.float64) if fwd else nan,
            "dy": s.grads.dy[k][t].astype(np.float64) if dy_ok else nan,
            "dz": s.grads.dz[k][t].astype(np.float64) if bwd else nan,
            "db": s.grads.db[k].astype(np.float64) if bwd else nan,
        }
        done = {"b": True, "z": fwd, "y": fwd, "dy": dy_ok, "dz": bwd, "db": bwd}
        why = {"z": f"forward layer {k}", "y": f"forward layer {k}",
               "dy": "the divergence phase" if k == s.N else f"backward layer {k}",
               "dz": f"backward layer {k}", "db": f"backward layer {k}"}
        if n <= WIDE:
            self.units.setCurrentIndex(0)
            self.units.setMaximumHeight(self.table.maximumHeight())
            self._fill_table(n, done, why)
        else:
            self.units.setCurrentIndex(1)
            self.units.setMaximumHeight(190)
            self.forward_strip.row_labels = [f"z{sup(k)}", f"y{sup(k)}"]
            self.backward_strip.row_labels = [f"∂Div/∂y{sup(k)}", f"∂Div/∂z{sup(k)}"]
            self.forward_strip.set_title(f"{sym('z', '', k)} and {sym('y', '', k)} over units j (sample t = {t + 1})")
            self.forward_strip.set_data(np.vstack([self.values["z"], self.values["y"]]), computed=fwd)
            self.backward_strip.set_title(f"{d(sym('y', '', k))} and {d(sym('z', '', k))} over units j" +
                                          ("" if bwd else grey(f" — not yet computed (backward layer {k})")))
            self.backward_strip.set_data(np.vstack([np.nan_to_num(self.values["dy"]),
                                                    np.nan_to_num(self.values["dz"])]), computed=dy_ok)
        W = net.W[k]
        dW = s.grads.dW[k] if bwd else np.zeros_like(W)
        shared = None if not self.same_scale.isChecked() else max(float(np.max(np.abs(W), initial=0)),
                                                             float(np.max(np.abs(dW), initial=0)))
        self.weight_map.set_title(f"{sym('W', '', k)}: row i = unit of layer {k - 1}, column j = unit of layer {k}")
        self.weight_map.set_data(W, level=shared)
        self.gradient_map.set_title(f"{d(sym('W', '', k))} (batch mean)" +
                                    ("" if bwd else grey(f" — not yet computed (backward layer {k})")))
        self.gradient_map.set_data(dW, level=shared, computed=bwd)
        self._mark()

    def _fill_table(self, n, done, why) -> None:
        k = self.k
        headers = {"b": f"b{sup(k)}", "z": f"z{sup(k)}", "y": f"y{sup(k)}", "dy": f"∂Div/∂y{sup(k)}",
                   "dz": f"∂Div/∂z{sup(k)}", "db": f"∂Div/∂b{sup(k)}\n(batch mean)"}
        self.table.setRowCount(n)
        self.table.setMaximumHeight(self.table.horizontalHeader().height() + 20 * n + 6)
        self.table.setHorizontalHeaderLabels([headers[c] for c in COLUMNS])
        self.table.setVerticalHeaderLabels([f"j = {j + 1}" for j in range(n)])
        grey_brush = QBrush(QColor(GREY))
        for col, key in enumerate(COLUMNS):
            header = self.table.horizontalHeaderItem(col)
            header.setForeground(QBrush() if done[key] else grey_brush)
            header.setToolTip("" if done[key] else f"not yet computed: {why[key]} has not run in this iteration")
            for j in range(n):
                value = self.values[key][j]
                item = self.table.item(j, col)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                    self.table.setItem(j, col, item)
                item.setText(num(value) if done[key] else "—")
                item.setData(Qt.UserRole, float(value))
                item.setForeground(QBrush() if done[key] else grey_brush)
                item.setToolTip("" if done[key] else f"not yet computed: {why[key]}")

    def _mark(self) -> None:
        sel = self.selected
        on = sel is not None and sel[0] == self.k
        for m in (self.weight_map, self.gradient_map):
            m.mark(sel[1] if on else None, sel[2] if on else None)
