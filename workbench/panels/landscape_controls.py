"""The landscape dock's controls: the plane's axes, its span and resolution, the slice's direction.

Every change is applied at once (a new `LandscapeRequest`) or refused with the reason in red,
the controls going back to what is shown (engine.analysis.plane_request checks it: two different
parameters that exist, a span > 0, a resolution the live view can follow). The two parameters are
chosen by name — w_ij^(k) shown from 1 as in the lecture, with the engine name `W2[0,1]`
(indices from 0) that the `landscape` command takes — or taken from the weight or unit last
selected in the network designer or the inspector.
"""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSpinBox, QWidget

from engine.analysis.directions import parameter_names
from engine.analysis.landscape import MAX_RESOLUTION
from engine.analysis.plane_request import check_parameters, check_plane
from engine.core.errors import ConfigurationError
from engine.core.network import Layout

from .landscape_probe import LandscapeRequest

AXES_LABELS = {
    "random": "random (filter-normalised)",
    "parameters": "two parameters w / b",
    "hessian": "top-2 Hessian eigenvectors",
    "pca": "PCA of the trajectory",
}
AXES_TIPS = {
    "random": "Two random directions, each unit's incoming weights scaled to that unit's norm in θ, biases 0 "
              "(Li et al. 2018): a step of 1 moves every unit by about its own size",
    "parameters": "Two parameters w_ij^(k) or b_j^(k): a and b are their changes Δw, every other parameter stays",
    "hessian": "The eigenvectors of the two largest eigenvalues of ∇²L(θ): the directions of strongest curvature",
    "pca": "The first two principal components of the optimiser's path so far (the explained variance is shown "
           "under the map): the plane the path mostly lies in",
}
SLICE_LABELS = {"e1": "along e₁", "e2": "along e₂", "descent": "along −∇L"}
#: parameters listed in the combos (a bigger network's names are typed, e.g. W2[0,1])
LISTED = 2000
_NAME = re.compile(r"^([Wb])(\d+)\[(\d+)(?:,(\d+))?\]$")
_SUB = str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,")
_SUP = str.maketrans("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾")


def lecture_symbol(name: str) -> str:
    """`W2[0,1]` → w₁,₂⁽²⁾ and `b1[3]` → b₄⁽¹⁾ (units shown from 1); other text as is."""
    m = _NAME.match(name)
    if not m:
        return name
    kind, k, i, j = m.group(1), m.group(2), int(m.group(3)), m.group(4)
    sub = f"{i + 1},{int(j) + 1}" if kind == "W" else f"{i + 1}"
    return ("w" if kind == "W" else "b") + sub.translate(_SUB) + f"({k})".translate(_SUP)


def item_text(name: str) -> str:
    return f"{lecture_symbol(name)}  {name}"


class LandscapeControls(QWidget):
    """Axes, two parameters, span, resolution and slice; `changed` carries an accepted request."""

    changed = Signal(object)

    def __init__(self):
        super().__init__()
        self.request = LandscapeRequest()
        self.sizes, self.samples, self.selected = (2, 1), 1, None
        self.seconds_per_point = None  # what the last plane took per point (the panel tells)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        for key, label in AXES_LABELS.items():
            self.combo.addItem(label, key)
            self.combo.setItemData(self.combo.count() - 1, AXES_TIPS[key], Qt.ToolTipRole)
        self.combo.setToolTip("The plane's directions e₁, e₂ through the current θ (hover an entry for what it is)")
        self.first, self.second = self._name_box("e₁"), self._name_box("e₂")
        self.take_first, self.take_second = self._take_button("e₁"), self._take_button("e₂")
        self.span = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=1e6, value=1.0, singleStep=0.25, prefix="± ")
        self.span.setToolTip("Half-width S of the plane: a and b run from −S to S (in units of e₁, e₂); "
                             "also the slice's α range. Applied at once; 0 is refused")
        self.resolution = QSpinBox(minimum=1, maximum=MAX_RESOLUTION + 1000, value=self.request.resolution)
        self.resolution.setToolTip("R: the plane is sampled at R × R points (one batched pass). Applied at once; "
                                   "a resolution too slow to follow training is refused with the numbers")
        self.slice = QComboBox()
        for key, label in SLICE_LABELS.items():
            self.slice.addItem(label, key)
        self.slice.setToolTip("The 1-D slice L(θ + α v) under the map: v = e₁, e₂ or the descent direction −∇L "
                              "(scaled to ‖e₁‖); its curvature d²L/dα² = vᵀHv at α = 0 is shown")
        for box in (self.span, self.resolution):
            box.setKeyboardTracking(False)  # applied on Enter / leaving the box / the arrows, not per keystroke
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #c0392b")
        self.message.hide()
        self._lay_out(grid)
        self._connect()

    def _name_box(self, axis: str) -> QComboBox:
        box = QComboBox(editable=True)
        box.setInsertPolicy(QComboBox.NoInsert)
        box.setMinimumContentsLength(12)
        box.setToolTip(f"The parameter along {axis} (choosing one plots two parameters): pick it, or type its "
                       "name and Enter: W2[0,1] is w₁,₂⁽²⁾ (indices from 0, as the landscape command takes them), "
                       "b1[3] is b₄⁽¹⁾")
        return box

    def _take_button(self, axis: str) -> QPushButton:
        button = QPushButton(f"{axis} ← selection")
        button.setToolTip(f"Put the weight (or the unit's bias) last selected in the network designer or the "
                          f"inspector along {axis}")
        button.setEnabled(False)
        return button

    def _lay_out(self, grid: QGridLayout) -> None:
        """axes / e₁ / e₂ / span, resolution, slice: four short rows (the dock may be narrow)."""
        grid.addWidget(QLabel("axes"), 0, 0)
        grid.addWidget(self.combo, 0, 1, 1, 2)
        for row, (label, box, button) in enumerate((("e₁", self.first, self.take_first),
                                                   ("e₂", self.second, self.take_second)), start=1):
            grid.addWidget(QLabel(label), row, 0)
            grid.addWidget(box, row, 1)
            grid.addWidget(button, row, 2)
        settings = QHBoxLayout()
        for w in (QLabel("span"), self.span, QLabel("resolution"), self.resolution, QLabel("slice"), self.slice):
            settings.addWidget(w)
        settings.addStretch(1)
        grid.addLayout(settings, 3, 0, 1, 3)
        grid.addWidget(self.message, 4, 0, 1, 3)
        grid.setColumnStretch(1, 1)

    def _connect(self) -> None:
        self.combo.currentIndexChanged.connect(lambda _: self._propose(axes=self.combo.currentData()))
        for box in (self.first, self.second):
            box.activated.connect(lambda _: self._propose_names())
            box.lineEdit().returnPressed.connect(self._propose_names)
        self.take_first.clicked.connect(lambda: self._take(0))
        self.take_second.clicked.connect(lambda: self._take(1))
        self.span.valueChanged.connect(lambda v: self._propose(span=float(v)))
        self.resolution.valueChanged.connect(lambda v: self._propose(resolution=int(v)))
        self.slice.currentIndexChanged.connect(lambda _: self._propose(slice_along=self.slice.currentData()))

    # -- the network -----------------------------------------------------------------------
    def set_network(self, sizes, samples: int) -> None:
        """Another run: list its parameters; keep the chosen two if it still has them."""
        self.sizes, self.samples, self.seconds_per_point = tuple(sizes), int(samples), None
        names = parameter_names(Layout(self.sizes))
        for box in (self.first, self.second):
            box.blockSignals(True)
            box.clear()
            if len(names) <= LISTED:
                for name in names:
                    box.addItem(item_text(name), name)
            box.blockSignals(False)
        try:
            chosen = check_parameters(Layout(self.sizes), self.request.names)
        except ConfigurationError:
            chosen = (names[0], names[min(len(names) - 1, self.sizes[1])])  # w₁,₁⁽¹⁾ and w₂,₁⁽¹⁾
        self.request = replace(self.request, names=chosen)
        self._show()

    def select(self, name: str | None) -> None:
        """The weight or bias selected in the designer or inspector (engine name), or None."""
        self.selected = name
        for button in (self.take_first, self.take_second):
            button.setEnabled(name is not None)
            tip = button.toolTip().split("\n")[0]
            button.setToolTip(tip + (f"\nselected now: {item_text(name)}" if name else ""))

    # -- proposals -------------------------------------------------------------------------
    def _take(self, axis: int) -> None:
        if self.selected is None:
            return
        names = list(self.request.names or ("", ""))
        names[axis] = self.selected
        self._propose(axes="parameters", names=tuple(names))

    def _propose_names(self) -> None:
        self._propose(axes="parameters", names=(self._typed(self.first), self._typed(self.second)))

    @staticmethod
    def _typed(box: QComboBox) -> str:
        """The engine name in a box: its item's, or what was typed (`W2[0, 1]`, or after an item's symbol)."""
        text = box.currentText().strip()
        index = box.findText(text)
        if index >= 0 and box.itemData(index):
            return box.itemData(index)
        return text.rsplit("  ", 1)[-1]

    def _propose(self, **changes) -> None:
        proposal = replace(self.request, **changes)
        if proposal == self.request:
            return
        try:
            if proposal.axes == "parameters":
                proposal = replace(proposal, names=check_parameters(Layout(self.sizes), proposal.names))
            check_plane(self.sizes, self.samples, proposal.span, proposal.resolution, self.seconds_per_point)
        except ConfigurationError as error:
            self.message.setText(f"Not applied: {error}")
            self.message.show()
            self._show()
            return
        self.message.hide()
        self.request = proposal
        self._show()
        self.changed.emit(proposal)

    def _show(self) -> None:
        """The controls show `request` (after a refusal: what is still applied)."""
        r = self.request
        widgets = (self.combo, self.first, self.second, self.span, self.resolution, self.slice)
        for w in widgets:
            w.blockSignals(True)
        self.combo.setCurrentIndex(self.combo.findData(r.axes))
        for box, name in zip((self.first, self.second), r.names or ("", "")):
            index = box.findData(name)
            if index >= 0:
                box.setCurrentIndex(index)
            else:  # a big network's names are typed, not listed
                box.setEditText(item_text(name) if name else "")
        self.span.setValue(r.span)
        self.resolution.setValue(r.resolution)
        self.slice.setCurrentIndex(self.slice.findData(r.slice_along))
        for w in widgets:
            w.blockSignals(False)
        for box in (self.first, self.second):  # read only for the "two parameters" axes (a selection switches)
            box.setEnabled(r.axes == "parameters")
