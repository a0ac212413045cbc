"""The per-weight inspector: w_ij^(k), its gradient, the chain rule with numbers, the numeric check.

Everything shown is read from an `InspectorState` (copies); the only computation done here is
`engine.analysis.inspection.explain_weight` (cheap); `readouts` gives a unit's numbers and, while paused,
the numeric gradient of one weight by central differences on a private float64 copy of the network.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.analysis.inspection import explain_weight
from workbench.view_box import ViewBox

from .history import ParameterHistory
from .labels import rich_label, value_label
from .notation import d, dy_formula, factor, grey, mean_formula, num, plural, signed_sum, source, sum_text, sym, w
from .readouts import numeric_check, unit_values
from .spinbox import OneBasedSpinBox
from .state import InspectorState


class WeightInspector(QWidget):
    """Inspector of one weight w_ij^(k) and one unit j of layer k, for sample t of the batch.

    Signals: weightEdited(k, i, j, value) when the user edits the value (only while paused);
    selectionChanged(k, i, j); sampleChanged(t).
    """

    weightEdited = Signal(int, int, int, float)
    selectionChanged = Signal(int, int, int)
    sampleChanged = Signal(int)
    input_names: tuple = ()  # the names of y^(0) (x1, x2, derived features such as x₁²): InspectorPanel sets them

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state: InspectorState | None = None
        self.k, self.i, self.j, self.t = 1, 0, 0, 0
        self.unit_selected = False
        self.history = ParameterHistory()
        #: the numbers shown, as floats (keys as in the labels' object names)
        self.factors: dict[str, float] = {}
        self.numeric: dict[str, float] | None = None
        self._numeric_key = None
        self._serial = 0
        self.numeric_timer = QTimer(self, singleShot=True, interval=0)
        self.numeric_timer.timeout.connect(self._auto_numeric)
        self._build()
        self._refresh()

    # -- construction --------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)

        picker = QHBoxLayout()
        self.layer_spin, self.i_spin, self.j_spin = (QSpinBox() for _ in range(3))
        self.sample_spin = OneBasedSpinBox()
        for label, spin, tip in (("layer k", self.layer_spin, "layer k = 1..N of w_ij^(k)"),
                                 ("from i", self.i_spin, "unit i of layer k−1 (1 = first, as in the designer)"),
                                 ("to j", self.j_spin, "unit j of layer k (1 = first, as in the designer)"),
                                 ("sample t", self.sample_spin, "sample t = 1..B of the mini-batch")):
            spin.setToolTip(tip)
            spin.setKeyboardTracking(False)
            picker.addWidget(QLabel(label))
            picker.addWidget(spin)
        picker.addStretch(1)
        self.layer_spin.setRange(1, 1)
        for spin in (self.layer_spin, self.i_spin, self.j_spin):
            spin.valueChanged.connect(self._picker_changed)
        self.sample_spin.valueChanged.connect(self.select_sample)
        outer.addLayout(picker)

        self.sample_label = rich_label(name="sample")
        self.sample_label.setWordWrap(True)
        outer.addWidget(self.sample_label)
        self.loss_label = rich_label(name="current_loss")
        self.loss_label.setToolTip("Loss of this mini-batch with the weights as they are now "
                                   "(after updates and edits); computed while paused")
        outer.addWidget(self.loss_label)

        # value, gradient and their history
        self.weight_box = QGroupBox()
        form = QGridLayout(self.weight_box)
        self.title_label = rich_label(name="title")
        self.title_label.setWordWrap(True)
        form.addWidget(self.title_label, 0, 0, 1, 3)
        form.addWidget(rich_label("value"), 1, 0)
        self.value_spin = QDoubleSpinBox()
        self.value_spin.setObjectName("value")
        self.value_spin.setDecimals(8)
        self.value_spin.setRange(-1e9, 1e9)
        self.value_spin.setSingleStep(0.01)
        self.value_spin.setKeyboardTracking(False)
        self.value_spin.setToolTip("Edit the weight while training is paused (undo with Ctrl+Z)")
        self.value_spin.valueChanged.connect(self._value_edited)
        self.value_spin.installEventFilter(self)
        self.value_spin.lineEdit().installEventFilter(self)
        form.addWidget(self.value_spin, 1, 1)
        self.value_note = rich_label(name="value_note")
        self.value_note.setWordWrap(True)
        form.addWidget(self.value_note, 1, 2)
        self.gradient_symbol = rich_label()
        form.addWidget(self.gradient_symbol, 2, 0)
        self.gradient_label = value_label("gradient")
        form.addWidget(self.gradient_label, 2, 1)
        self.gradient_note = rich_label(name="gradient_note")
        self.gradient_note.setWordWrap(True)
        form.addWidget(self.gradient_note, 2, 2)
        form.setColumnStretch(2, 1)

        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground("w")
        # fixed height: re-wrapped texts above move the plot, never resize it (~100 ms of repaint while training)
        self.plot.setFixedHeight(230)
        self.value_plot = self.plot.addPlot(row=0, col=0, viewBox=ViewBox())
        self.grad_plot = self.plot.addPlot(row=1, col=0, viewBox=ViewBox())
        for p in (self.value_plot, self.grad_plot):
            p.showGrid(x=True, y=True, alpha=0.25)
            p.setClipToView(True)
            p.setDownsampling(auto=True, mode="peak")
            for side in ("left", "bottom"):
                p.getAxis(side).setPen("#444444")
                p.getAxis(side).setTextPen("#222222")
            p.getAxis("left").setWidth(52)
        self.grad_plot.setXLink(self.value_plot)
        self.grad_plot.setLabel("bottom", "iteration")
        self.value_plot.getAxis("bottom").setStyle(showValues=False)
        self.value_curve = self.value_plot.plot(pen=pg.mkPen("#0072B2", width=2), symbolBrush="#0072B2",
                                                symbolPen=None, symbolSize=4)
        self.grad_curve = self.grad_plot.plot(pen=pg.mkPen("#D55E00", width=2), symbolBrush="#D55E00",
                                              symbolPen=None, symbolSize=4)
        self.grad_plot.addLine(y=0, pen=pg.mkPen((128, 128, 128), style=Qt.DashLine))
        form.addWidget(self.plot, 3, 0, 1, 3)
        outer.addWidget(self.weight_box)

        # the chain rule with numbers
        self.chain_box = QGroupBox("Chain rule for the selected sample")
        grid = self.chain_grid = QGridLayout(self.chain_box)
        grid.setHorizontalSpacing(10)
        self.chain_rows: dict[str, tuple[QLabel, QLabel, QLabel, QLabel]] = {}
        for row, key in enumerate(("sample_gradient", "dz", "dy", "batch_mean")):
            labels = (rich_label(name=f"{key}_symbol"), rich_label(name=f"{key}_formula"),
                      rich_label(name=f"{key}_numbers"), value_label(key))
            labels[2].setWordWrap(True)
            labels[2].setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
            for col, label in enumerate(labels):
                grid.addWidget(label, row, col)
            self.chain_rows[key] = labels
        grid.setColumnStretch(2, 1)
        self.chain_note = rich_label(name="chain_note")
        self.chain_note.setWordWrap(True)
        grid.addWidget(self.chain_note, 4, 0, 1, 4)
        outer.addWidget(self.chain_box)

        # numeric gradient
        self.numeric_box = QGroupBox("Gradient check (central differences on this mini-batch)")
        nform = QHBoxLayout(self.numeric_box)
        results = QVBoxLayout()
        self.numeric_button = QPushButton("Compute")
        self.numeric_button.setToolTip("Numeric ∂Div/∂w by sixth-order central differences (float64)")
        self.numeric_button.clicked.connect(self.compute_numeric)
        self.analytic_label = rich_label(name="analytic")
        self.numeric_label = rich_label(name="numeric")
        self.relative_label = rich_label(name="relative")
        nform.addWidget(self.numeric_button, 0, Qt.AlignTop)
        for widget in (self.analytic_label, self.numeric_label, self.relative_label):
            results.addWidget(widget)
        nform.addLayout(results, 1)
        outer.addWidget(self.numeric_box)

        # the unit
        self.unit_box = QGroupBox()
        uform = QFormLayout(self.unit_box)
        self.unit_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for key in ("bias", "z", "y", "dDiv_dz", "dDiv_dy", "bias_gradient"):
            self.unit_labels[key] = (rich_label(), value_label(f"unit_{key}"))
            uform.addRow(*self.unit_labels[key])
        outer.addWidget(self.unit_box)
        outer.addStretch(1)

    # -- public API ----------------------------------------------------------------------
    @Slot(object)
    def show_state(self, state: InspectorState) -> None:
        """Show a new snapshot (never mutated). Records the weight history when an iteration finished."""
        self.state = state
        self.history.record(state)
        self._serial += 1
        self._sync_ranges()
        self._refresh()

    @Slot(int, int, int)
    def select_weight(self, k: int, i: int, j: int) -> None:
        """Select w_ij^(k) (i: unit of layer k−1, j: unit of layer k; from 0)."""
        self.unit_selected = False
        self._set_selection(k, i, j)

    @Slot(int, int)
    def select_unit(self, k: int, j: int) -> None:
        """Select unit j of layer k (the weight shown becomes w_ij^(k) with the current i)."""
        self.unit_selected = True
        self._set_selection(k, self.i, j)

    @Slot(int)
    def select_sample(self, t: int) -> None:
        """Select sample t of the mini-batch for the per-sample quantities."""
        t = int(t)
        if t == self.t:
            return
        self.t = t
        with QSignalBlocker(self.sample_spin):
            self.sample_spin.setValue(t)
        self._refresh()
        self.sampleChanged.emit(self.t)

    def weight_value(self, k: int, i: int, j: int) -> float | None:
        """w_ij^(k) in the last state (the `old` of a WeightEditCommand); None if its network has no such weight."""
        return None if self.state is None else self.state.weight(k, i, j)

    def selection(self) -> tuple[int, int, int]:
        return self.k, self.i, self.j

    # -- selection -----------------------------------------------------------------------
    def _set_selection(self, k, i, j) -> None:
        if self.state is not None:
            sizes = self.state.network.sizes
            k = min(max(int(k), 1), len(sizes) - 1)
            i = min(max(int(i), 0), sizes[k - 1] - 1)
            j = min(max(int(j), 0), sizes[k] - 1)
        changed = (k, i, j) != (self.k, self.i, self.j)
        self.k, self.i, self.j = int(k), int(i), int(j)
        self._sync_ranges()
        self._refresh()
        if changed:
            self.selectionChanged.emit(self.k, self.i, self.j)

    def _picker_changed(self) -> None:
        self.unit_selected = False
        # the unit spin boxes count from 1 (the lecture's numbering); the selection from 0
        self._set_selection(self.layer_spin.value(), self.i_spin.value() - 1, self.j_spin.value() - 1)

    def _sync_ranges(self) -> None:
        if self.state is None:
            return
        sizes = self.state.network.sizes
        self.k = min(max(self.k, 1), len(sizes) - 1)
        self.i = min(self.i, sizes[self.k - 1] - 1)
        self.j = min(self.j, sizes[self.k] - 1)
        B = self.state.batch_size
        self.t = min(self.t, max(B - 1, 0))
        with (QSignalBlocker(self.layer_spin), QSignalBlocker(self.i_spin), QSignalBlocker(self.j_spin),
              QSignalBlocker(self.sample_spin)):
            self.layer_spin.setRange(1, len(sizes) - 1)
            self.i_spin.setRange(1, sizes[self.k - 1])
            self.j_spin.setRange(1, sizes[self.k])
            self.sample_spin.setRange(0, max(B - 1, 0))
            self.layer_spin.setValue(self.k)
            self.i_spin.setValue(self.i + 1)
            self.j_spin.setValue(self.j + 1)
            self.sample_spin.setValue(self.t)

    def _selection_key(self):
        s = self.state
        return None if s is None else (self._serial, self.k, self.i, self.j)

    # -- editing -------------------------------------------------------------------------
    def eventFilter(self, obj, event) -> bool:
        """Leave Ctrl+Z / Ctrl+Shift+Z to the window's undo stack even while the value box has focus
        (a line edit would otherwise claim them for its own text undo)."""
        if event.type() == QEvent.ShortcutOverride and (
                event.matches(QKeySequence.Undo) or event.matches(QKeySequence.Redo)):
            event.ignore()
            return True
        return super().eventFilter(obj, event)

    def _value_edited(self, value: float) -> None:
        if self.state is None or not self.state.paused:
            return
        if value != self.weight_value(self.k, self.i, self.j):
            self.weightEdited.emit(self.k, self.i, self.j, float(value))

    # -- drawing -------------------------------------------------------------------------
    def _refresh(self) -> None:
        s = self.state
        k, i, j = self.k, self.i, self.j
        self.factors = {}
        self.weight_box.setTitle("")
        self.title_label.setText(
            f"<b>Weight {w(i, j, k)}</b> — from {source(self.input_names, i, k)} to unit {j + 1} of layer {k}")
        self.gradient_symbol.setText(f"{d(w(i, j, k))}")
        if s is None:
            self.value_spin.setEnabled(False)
            self.sample_label.setText(grey("No training run yet."))
            for labels in self.chain_rows.values():
                for label in labels:
                    label.setText("")
            return
        net = s.network
        value = float(net.W[k][i, j])
        self.factors["weight"] = value
        with QSignalBlocker(self.value_spin):
            self.value_spin.setValue(value)
        self.value_spin.setEnabled(s.paused)
        self.value_note.setText(f"current value, after {plural(s.iteration, 'update')}" +
                                ("" if s.paused else grey(" (pause training to edit)")))
        self._refresh_sample()
        self._refresh_gradient()
        self._refresh_chain()
        self._refresh_numeric()
        self._refresh_unit()
        self._refresh_plot()

    def _refresh_sample(self) -> None:
        s, t = self.state, self.t
        if s.trace is None:
            self.sample_label.setText(grey("No mini-batch yet: step forward to start an iteration."))
            return
        x = s.trace.y[0][t]
        parts = [f"Sample <b>t = {t + 1}</b> of the mini-batch (B = {s.batch_size}): "
                 f"{sym('x')} = ({', '.join(num(v, 4) for v in x)})"]
        if s.d is not None:
            parts.append(f"{sym('d')} = ({', '.join(num(v, 4) for v in s.d[t])})")
        if s.divergence_done() and s.grads.divergence_values is not None:
            parts.append(f"Div({sym('y')}, {sym('d')}) = {num(s.grads.divergence_values[t])}")
            parts.append(f"batch loss = {num(s.grads.loss)}")
        # the count is the status bar's (updates applied); an unfinished one is named as the next
        phase = "its update has been applied" if s.iteration_complete else \
            f"update {s.iteration + 1} in progress, next phase: {s.next_phase}"
        parts.append(grey(f"iteration {s.iteration}; {phase}"))
        self.sample_label.setText(", ".join(parts[:-1]) + "<br>" + parts[-1])
        self._refresh_current_loss()

    def _refresh_current_loss(self) -> None:
        """(1/B) Σ_t Div(y_t, d_t) of this mini-batch with the current weights (paused only)."""
        s = self.state
        if not s.paused or s.d is None:
            self.loss_label.setText("")
            return
        net = s.network  # forward() allocates its own trace; the network is only read
        loss = float(s.divergence.loss(net.forward(s.trace.y[0]).output, s.d))
        self.factors["current_loss"] = loss
        self.loss_label.setText(f"Loss of this mini-batch with the current weights: <b>{num(loss)}</b>")

    def _refresh_gradient(self) -> None:
        s, k, i, j = self.state, self.k, self.i, self.j
        if s.backward_done(k):
            g = float(s.grads.dW[k][i, j])
            self.factors["gradient"] = g
            self.gradient_label.setText(num(g))
            self.gradient_label.setStyleSheet("")
            lr = "" if math.isnan(s.learning_rate) else f", learning rate η = {num(s.learning_rate, 4)}"
            self.gradient_note.setText(f"mean over the B = {s.batch_size} samples of the mini-batch{lr}")
        else:
            self.gradient_label.setText("—")
            self.gradient_note.setText(grey(f"not yet computed: backward layer {k} has not run in this iteration"))

    def _set_row(self, key, symbol, formula, numbers, value, computed=True):
        labels = self.chain_rows[key]
        texts = (symbol, formula, numbers, num(value) if value is not None and computed else "—")
        for label, text in zip(labels, texts):
            label.setText(text if computed else grey(text))
        if value is not None and computed:
            self.factors[key] = float(value)

    def _refresh_chain(self) -> None:
        s, k, i, j, t = self.state, self.k, self.i, self.j, self.t
        N = s.N
        act = s.network.activations[k - 1]
        w_sym, dz_sym, dy_sym = d(w(i, j, k)), d(sym("z", j, k)), d(sym("y", j, k))
        y_in = sym("y", i, k - 1)
        f_name = f"<i>f</i><sub>{k}</sub>′"
        self.chain_box.setTitle(f"Chain rule for sample t = {t + 1}" +
                                (" (weights of this pass, before its update)" if s.pass_parameters is not None else ""))
        if s.trace is None or not s.backward_done(k):
            missing = (f"step backward until layer {k} has run" if s.trace is not None
                       else "no iteration under way")
            self._set_row("sample_gradient", f"{w_sym} [t]", f"= {y_in} · {dz_sym}", "", None, False)
            self._set_row("dz", dz_sym, f"= {f_name}({sym('z', j, k)}) · {dy_sym}", "", None, False)
            self._set_row("dy", dy_sym, dy_formula(k, j, N), "", None, False)
            self._set_row("batch_mean", w_sym, mean_formula(i, j, k), "", None, False)
            self.chain_note.setText(grey(f"Not yet computed in this iteration: {missing}."))
            return
        e = explain_weight(s.pass_network, s.trace, s.grads, k, i, j, t)
        self.explanation = e
        self.factors.update(y_in=e.y_in, dz_value=e.dDiv_dz, dy_value=e.dDiv_dy)
        self._set_row("sample_gradient", f"{w_sym} [t]", f"= {y_in} · {dz_sym}",
                      f"= {factor(e.y_in)} · {factor(e.dDiv_dz)}", e.sample_gradient)
        note = []
        if e.jacobian_row is not None:
            terms = [(f"J<sub>{j + 1},{m + 1}</sub>", jm, dym) for m, (jm, dym) in enumerate(zip(e.jacobian_row, e.dDiv_dy_layer))]
            numbers = sum_text(terms)
            self.factors["jacobian_row"] = [float(v) for v in e.jacobian_row]
            self.factors["dy_layer"] = [float(v) for v in e.dDiv_dy_layer]
            self._set_row("dz", dz_sym, f"= Σ<sub>m</sub> J<sub>{j + 1},m</sub> · {d(sym('y', 'm', k))}, "
                          f"J<sub>{j + 1},m</sub> = ∂{sym('y', 'm', k)}/∂{sym('z', j, k)}", numbers, e.chain_dz)
            note.append(f"{act.name} is a vector activation: ∂Div/∂z uses a row of its Jacobian.")
        else:
            self.factors["fprime"] = e.activation_derivative
            self._set_row("dz", dz_sym, f"= {f_name}({sym('z', j, k)}) · {dy_sym}",
                          f"= {act.name}′({num(e.z, 4)}) · {factor(e.dDiv_dy)} = {factor(e.activation_derivative)} · "
                          f"{factor(e.dDiv_dy)}", e.chain_dz)
        if k == N and s.fused and s.divergence.fused_dz(act):
            y_t, d_t = float(s.trace.y[N][t, j]), float(s.d[t, j])
            note.append(f"The engine computes this with the fused shortcut {sym('y', j, N)} − {sym('d', j)} = "
                        f"{num(y_t)} − {num(d_t)} = {num(e.dDiv_dz)} ({act.name} + {s.divergence.name}).")
        if e.downstream:
            terms = [(w(j, l, k + 1), wl, dzl) for l, wl, dzl in e.downstream]
            self.factors["downstream"] = [(wl, dzl) for _, wl, dzl in e.downstream]
            self._set_row("dy", dy_sym, dy_formula(k, j, N), sum_text(terms), e.chain_dy)
        else:
            self._set_row("dy", dy_sym, dy_formula(k, j, N),
                          f"{s.divergence.name} at {sym('y', j)} = {num(float(s.trace.y[N][t, j]))}, "
                          f"{sym('d', j)} = {num(float(s.d[t, j]))}", e.chain_dy)
        self.factors["per_sample"] = [float(v) for v in e.per_sample_gradient]
        B = len(e.per_sample_gradient)
        shown = signed_sum(e.per_sample_gradient[:3], 3)
        numbers = f"= (1/{B}) ({shown}{' + …' if B > 3 else ''})"
        self._set_row("batch_mean", f"<b>{w_sym}</b>", mean_formula(i, j, k), numbers, e.batch_mean_gradient)
        note.append("The update uses the batch mean (last row).")
        self.chain_note.setText(" ".join(note))

    def _refresh_numeric(self) -> None:
        s, k = self.state, self.k
        ready = s.trace is not None and s.backward_done(k) and s.d is not None
        self.numeric_button.setEnabled(ready)
        if not ready:
            self.analytic_label.setText(grey("analytic: —"))
            self.numeric_label.setText(grey("numeric: —"))
            self.relative_label.setText("")
            return
        analytic = float(s.grads.dW[k][self.i, self.j])
        self.analytic_label.setText(f"analytic {d(w(self.i, self.j, k))} = {num(analytic, 10)}")
        if self.numeric is not None and self._numeric_key == self._selection_key():
            self.numeric_label.setText(f"numeric = {num(self.numeric['numeric'], 10)}")
            self.relative_label.setText(f"relative difference = {num(self.numeric['relative'], 3)}")
        else:
            self.numeric_label.setText(grey("numeric: —" + ("" if s.paused else " (computed while paused)")))
            self.relative_label.setText("")
            if s.paused:
                self.numeric_timer.start()

    def _auto_numeric(self) -> None:
        if self.state is not None and self.state.paused and self._numeric_key != self._selection_key():
            self.compute_numeric()

    @Slot()
    def compute_numeric(self) -> dict | None:
        """Central-difference ∂Div/∂w_ij^(k) on this mini-batch, in float64 on a private copy."""
        s, k, i, j = self.state, self.k, self.i, self.j
        if s is None or s.trace is None or s.d is None or not s.backward_done(k):
            return None
        self.numeric = numeric_check(s, k, i, j)
        self._numeric_key = self._selection_key()
        self._refresh_numeric()
        return self.numeric

    def _refresh_unit(self) -> None:
        s, k, j, t = self.state, self.k, self.j, self.t
        self.unit_box.setTitle(f"Unit j = {j + 1} of layer k = {k}, sample t = {t + 1}")
        rows = {"bias": sym("b", j, k), "z": sym("z", j, k), "y": sym("y", j, k),
                "dDiv_dz": d(sym("z", j, k)), "dDiv_dy": d(sym("y", j, k)),
                "bias_gradient": d(sym("b", j, k)) + " (batch mean)"}
        values = unit_values(s, k, j, t)
        for key, (sym_label, number_label) in self.unit_labels.items():
            ok = key in values
            sym_label.setText(rows[key] if ok else grey(rows[key]))
            number_label.setText(num(values[key]) if ok else grey("—"))
            if ok:
                self.factors[f"unit_{key}"] = values[key]
        self.unit_box.setStyleSheet("QGroupBox { font-weight: bold; }" if self.unit_selected else "")

    def _refresh_plot(self) -> None:
        s, k, i, j = self.state, self.k, self.i, self.j
        index = s.network.layout.weight_index(k, i, j)
        it, values, grads = self.history.series(index)
        symbol = "o" if len(it) <= 60 else None  # a few points: dots, so one point is visible
        self.value_curve.setData(it, values, symbol=symbol)
        self.grad_curve.setData(it, grads, symbol=symbol)
        titles = (f"{w(i, j, k)} after each update", f"{d(w(i, j, k))} (batch mean) of each iteration")
        for plot, title in zip((self.value_plot, self.grad_plot), titles):
            if plot.titleLabel.text != title:  # a new title re-lays out the plots: only for a new selection
                plot.setTitle(title, size="9pt", color="#222222")

