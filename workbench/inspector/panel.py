"""InspectorPanel: the step-through bar above two tabs, "Weight and unit" and "Layer"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from .layer_view import LayerView
from .state import InspectorState
from .step_bar import StepThroughBar
from .weight_inspector import WeightInspector


class InspectorPanel(QWidget):
    """Step-through bar + weight/unit inspector + layer view, kept on one selection and sample.

    Signals (to the main window): weightEdited(k, i, j, value), phaseRequested(),
    selectionChanged(k, i, j) (e.g. to highlight the weight in the designer).
    """

    weightEdited = Signal(int, int, int, float)
    phaseRequested = Signal()
    selectionChanged = Signal(int, int, int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state: InspectorState | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.step_bar = StepThroughBar()
        layout.addWidget(self.step_bar)
        self.tabs = QTabWidget()
        self.weight = WeightInspector()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # labels wrap instead
        scroll.setWidget(self.weight)
        self.layer = LayerView()
        self.tabs.addTab(scroll, "Weight and unit")
        self.tabs.addTab(self.layer, "Layer")
        layout.addWidget(self.tabs, 1)
        self.tabs.currentChanged.connect(self._tab_changed)

        self.step_bar.phaseRequested.connect(self.phaseRequested)
        self.weight.weightEdited.connect(self.weightEdited)
        self.weight.selectionChanged.connect(self._weight_selected)
        self.weight.sampleChanged.connect(self.layer.select_sample)
        self.layer.sampleChanged.connect(self.weight.select_sample)
        self.layer.weightClicked.connect(self._layer_clicked)

    # -- the API the main window uses ----------------------------------------------------
    @Slot(object)
    def show_state(self, state: InspectorState) -> None:
        """Show a new snapshot. Cheap enough for every GUI frame; nothing in `state` is mutated.

        Showing the same state object again does nothing (a timer may re-deliver the latest)."""
        if state is self.state:
            return
        self.state = state
        self.step_bar.show_state(state)
        self.weight.show_state(state)
        if self.tabs.currentWidget() is self.layer or state.paused:
            self.layer.show_state(state)  # while training, a hidden layer tab catches up when shown

    @Slot(int, int, int)
    def select_weight(self, k: int, i: int, j: int) -> None:
        self.weight.select_weight(k, i, j)
        self.layer.select_weight(*self.weight.selection())

    @Slot(int, int)
    def select_unit(self, k: int, j: int) -> None:
        self.weight.select_unit(k, j)
        self.layer.select_weight(*self.weight.selection())
        self.tabs.setCurrentIndex(0)

    @Slot(int)
    def select_sample(self, t: int) -> None:
        self.weight.select_sample(t)
        self.layer.select_sample(t)

    def set_input_names(self, names) -> None:
        """The inputs' names (x1, x2, derived features such as x₁²): weights from an input name it."""
        weight = self.weight
        weight.input_names = tuple(str(n) for n in names)
        # the same selection again: its title now names the input
        (weight.select_unit(weight.k, weight.j) if weight.unit_selected else weight.select_weight(*weight.selection()))

    def weight_value(self, k: int, i: int, j: int) -> float | None:
        """w_ij^(k) in the last state shown: the `old` value for a WeightEditCommand (None: no such weight)."""
        return self.weight.weight_value(k, i, j)

    def selection(self) -> tuple[int, int, int]:
        return self.weight.selection()

    # -- internal ------------------------------------------------------------------------
    def _tab_changed(self, _index: int) -> None:
        if self.state is not None and self.tabs.currentWidget() is self.layer and self.layer.state is not self.state:
            self.layer.show_state(self.state)

    def _weight_selected(self, k, i, j) -> None:
        self.layer.select_weight(k, i, j)
        self.selectionChanged.emit(k, i, j)

    def _layer_clicked(self, k, i, j) -> None:
        self.select_weight(k, i, j)
        self.tabs.setCurrentIndex(0)
