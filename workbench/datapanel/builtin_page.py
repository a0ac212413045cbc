"""The Built-in page: a toy generator (or a bundled set) picked from one combo, and the generator's parameters."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from engine.data.toys import BUILTIN

from . import choice as ch
from .bundled_page import BUNDLED_PREFIX, BundledBox, add_bundled_items, bundled_description, bundled_name
from .drawing import MAX_CLASSES

MAX_UI_SAMPLES = 100_000
PARAM_SPIN = {  # parameter -> (integer?, minimum, maximum, step, decimals, tooltip)
    "samples": (True, 2, MAX_UI_SAMPLES, 50, 0, "Number of examples T"),
    "noise": (False, 0.0, 2.0, 0.01, 3, "Standard deviation of the Gaussian noise"),
    "classes": (True, 2, MAX_CLASSES, 1, 0, "Number of classes K"),
    "turns": (False, 0.1, 10.0, 0.25, 2, "Turns of each spiral arm"),
    "cells": (True, 2, 32, 1, 0, "Squares per side"),
    "factor": (False, 0.05, 0.95, 0.05, 2, "Radius of the inner ring"),
}
GROUPS = (("Classification (2 classes)", "binary"), ("Classification (K classes)", "multiclass"),
          ("Regression", "regression"))


class BuiltinPage(QWidget):
    """Generators grouped by problem, then the bundled sets; `changed()` whenever the user picks or edits one.

    `bundled` is the bundled set chosen (None while a generator is); `param_spins` maps the generator's
    parameters to their spin boxes.
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setMaxVisibleItems(20)
        model = QStandardItemModel(self.combo)
        for title, problem in GROUPS:
            header = QStandardItem(f"— {title} —")
            header.setFlags(Qt.NoItemFlags)
            model.appendRow(header)
            for name, spec in BUILTIN.items():
                if spec.problem == problem:
                    item = QStandardItem(f"{name}  ({spec.input_dim}-D)" if problem == "regression" else name)
                    item.setData(name, Qt.UserRole)
                    item.setToolTip(spec.description.replace("`", ""))
                    model.appendRow(item)
        add_bundled_items(model)
        self.combo.setModel(model)
        self.combo.currentIndexChanged.connect(self._picked)
        self.description_label = QLabel("")
        self.description_label.setWordWrap(True)
        self.description_label.setStyleSheet("color: #555;")
        self.params_form = QFormLayout()
        self.param_spins: dict = {}
        self._params_for: str | None = None
        self.bundled: str | None = None
        self.bundled_box = BundledBox()

        layout = QVBoxLayout(self)
        layout.addWidget(self.combo)
        layout.addWidget(self.description_label)
        layout.addLayout(self.params_form)
        layout.addWidget(self.bundled_box)
        layout.addStretch(1)

    def builtin_name(self) -> str | None:
        """The generator chosen in the combo (None when a bundled set is chosen there)."""
        data = self.combo.currentData(Qt.UserRole)
        return None if data is None or data.startswith(BUNDLED_PREFIX) else data

    def has_builtin(self, name: str) -> bool:
        return self.combo.findData(name) >= 0

    def select_builtin(self, name: str, params=None) -> None:
        """Show generator `name` with the values in `params` of its parameters (other keys are ignored),
        without emitting."""
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(self.combo.findData(name))
        self._rebuild_params(name)
        for key, value in (params or {}).items():
            if key in self.param_spins:
                with QSignalBlocker(self.param_spins[key]):
                    self.param_spins[key].setValue(value)
        self.bundled = None
        self._describe()

    def select_bundled(self, name: str) -> None:
        """Show bundled set `name`, without emitting."""
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(self.combo.findData(BUNDLED_PREFIX + name))
        self._rebuild_params(None)
        self.bundled = name
        self._describe()

    def _describe(self) -> None:
        """The description of what the page shows (a file opened elsewhere selects it too)."""
        name = self.builtin_name()
        if self.bundled is not None:
            self.description_label.setText(bundled_description(self.bundled))
        elif name is not None:
            self.description_label.setText(BUILTIN[name].description.replace("`", ""))

    def section(self, seed: int, test_fraction: float, standardize: bool) -> dict:
        """The experiment "dataset" section of what the page shows (and its description in the label)."""
        self._describe()
        if self.bundled is not None:
            return ch.bundled_section(self.bundled, seed, test_fraction, standardize)
        name = self.builtin_name()
        params = {k: s.value() for k, s in self.param_spins.items()}
        return ch.builtin_section(name, params, seed, test_fraction, standardize)

    def _rebuild_params(self, name: str | None) -> None:
        if self._params_for == name and (name is not None or not self.param_spins):
            return
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self.param_spins = {}
        self._params_for = name
        if name is None:
            return
        for key, default in BUILTIN[name].defaults.items():
            spin = _param_spin(key, default)
            spin.valueChanged.connect(self._param_changed)
            self.param_spins[key] = spin
            self.params_form.addRow(key, spin)

    @Slot(int)
    def _picked(self, _index: int) -> None:
        data = self.combo.currentData(Qt.UserRole)
        if data is None:
            return
        bundled = bundled_name(data)
        if bundled is not None:
            self.select_bundled(bundled)
        else:
            self._rebuild_params(data)
            self.bundled = None
        self.changed.emit()

    @Slot()
    def _param_changed(self, *_args) -> None:
        if self.builtin_name() is not None:
            self.bundled = None
            self.changed.emit()


def _param_spin(key: str, default) -> QSpinBox | QDoubleSpinBox:
    integer, low, high, step, decimals, tip = PARAM_SPIN.get(key, (isinstance(default, int), 0, 1e6, 0.1, 3, key))
    spin = QSpinBox() if integer else QDoubleSpinBox()
    if not integer:
        spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setValue(default)
    spin.setToolTip(tip)
    spin.setKeyboardTracking(False)
    return spin
