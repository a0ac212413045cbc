"""DatasetPanel: choose a built-in or bundled dataset, import a file, or draw points; preview; apply."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.core.errors import WorkbenchError
from engine.core.network import MAX_SEED
from engine.data.bundled import BUNDLED
from engine.data.preparation import prepare
from engine.data.toys import BUILTIN
from workbench.palette import class_colour

from . import choice as ch
from .axes import AxisPicker
from .background import Job, peek_table
from .choice import DatasetChoice
from .drawing import MAX_CLASSES, PointDrawingTool, PointSet
from .preview import PreviewPlot

TAB_BUILTIN, TAB_IMPORT, TAB_DRAW = range(3)
BUNDLED_PREFIX = "bundled:"
PROBLEM_ITEMS = (("inferred", None), ("binary", "binary"), ("multiclass", "multiclass"),
                 ("regression", "regression"))
MAX_UI_SAMPLES = 100_000
SEED_SPIN_MAX = min(MAX_SEED, 2**31 - 1)  # a QSpinBox holds a 32-bit int
ERROR_STYLE = "color: #B00020; font-weight: bold;"

_PARAM_SPIN = {  # parameter -> (integer?, minimum, maximum, step, decimals, tooltip)
    "samples": (True, 2, MAX_UI_SAMPLES, 50, 0, "Number of examples T"),
    "noise": (False, 0.0, 2.0, 0.01, 3, "Standard deviation of the Gaussian noise"),
    "classes": (True, 2, MAX_CLASSES, 1, 0, "Number of classes K"),
    "turns": (False, 0.1, 10.0, 0.25, 2, "Turns of each spiral arm"),
    "cells": (True, 2, 32, 1, 0, "Squares per side"),
    "factor": (False, 0.05, 0.95, 0.05, 2, "Radius of the inner ring"),
}


class RowsModel(QAbstractTableModel):
    """A read-only table of the first rows of a file (strings) or of a dataset (numbers)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names: list[str] = []
        self._rows: list = []
        self._target: int | None = None

    def set_rows(self, names, rows, target: int | None = None) -> None:
        self.beginResetModel()
        self._names, self._rows, self._target = list(names), list(rows), target
        self.endResetModel()

    def set_target(self, target: int | None) -> None:
        self._target = target
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._names) - 1))
            self.headerDataChanged.emit(Qt.Horizontal, 0, len(self._names) - 1)

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self._names)

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.DisplayRole:
            row = self._rows[index.row()]
            if index.column() >= len(row):
                return ""
            value = row[index.column()]
            return f"{value:.4g}" if isinstance(value, (float, np.floating)) else str(value)
        if role == Qt.BackgroundRole and index.column() == self._target:
            return QColor("#FFF1D6")
        return None

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            if 0 <= section < len(self._names):
                return self._names[section] + (" (target)" if section == self._target else "")
            return None
        return str(section + 1)


class DatasetPanel(QWidget):
    """The data dock: built-in, bundled, imported and drawn datasets with a live preview.

    Signals
        datasetChosen(object)   a DatasetChoice the user applied (Apply, a bundled-set button, or any
                                edit while "apply immediately" is on)
        sliceChanged(int, int)  the two features on the axes of the 2-D views changed
        loadFinished(bool)      a file import (background) finished: True = ready to apply
        pendingChanged(object)  the previewed, not yet applied choice (or None) changed
    """

    datasetChosen = Signal(object)
    sliceChanged = Signal(int, int)
    loadFinished = Signal(bool)
    pendingChanged = Signal(object)

    def __init__(self, parent=None, default: str = "spirals"):
        super().__init__(parent)
        self.setAcceptDrops(True)
        self._current: DatasetChoice | None = None
        self._pending: dict[int, DatasetChoice | None] = {TAB_BUILTIN: None, TAB_IMPORT: None, TAB_DRAW: None}
        self._bundled: str | None = None  # the bundled set shown on the Built-in page, if any
        self._tools: list[PointDrawingTool] = []
        self._file_path: Path | None = None
        self._file_dataset = None  # (options, Dataset) of the last successful load
        self._file_header = False
        self._job_options: dict = {}
        self._job = Job(self)
        self._job.finished.connect(self._file_loaded)
        self._job.failed.connect(self._file_failed)
        self._loading = False
        self._suspend = False
        self.points = PointSet(self)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_builtin_page(), "Built-in")
        self.tabs.addTab(self._build_import_page(), "Import")
        self.tabs.addTab(self._build_draw_page(), "Draw")
        self.tabs.currentChanged.connect(self._tab_changed)

        # shared split settings
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, SEED_SPIN_MAX)
        self.seed_spin.setToolTip("Seed of the generator and of the train/test split")
        self.new_seed_button = QPushButton("Regenerate with new seed")
        self.new_seed_button.setToolTip("Pick a fresh random seed: new points, new split")
        self.test_spin = QDoubleSpinBox()
        self.test_spin.setRange(0.0, 0.9)
        self.test_spin.setSingleStep(0.05)
        self.test_spin.setDecimals(2)
        self.test_spin.setValue(0.2)
        self.test_spin.setToolTip("Share of the examples held out as the test set (hollow triangles)")
        self.standardize_check = QCheckBox("standardise inputs")
        self.standardize_check.setChecked(True)
        self.standardize_check.setToolTip("x' = (x − mean) / std, fitted on the training split only")
        split = QFormLayout()
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.new_seed_button)
        split.addRow("seed", seed_row)
        split.addRow("test fraction", self.test_spin)
        split.addRow("", self.standardize_check)

        self.preview = PreviewPlot()
        self.axis_picker = AxisPicker()
        self.info_label = QLabel("")
        self.info_label.setWordWrap(True)
        self.info_label.setStyleSheet("color: #333;")
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.error_label.setVisible(False)
        self.apply_button = QPushButton("Use this dataset")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("Train on the previewed data (the network's input and output layers follow)")
        self.auto_apply_check = QCheckBox("apply immediately")
        self.auto_apply_check.setToolTip("Use every change at once (e.g. each drawn point) without pressing the button")
        self.current_label = QLabel("Active: none")
        self.current_label.setWordWrap(True)
        self.current_label.setStyleSheet("color: #555;")
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.auto_apply_check)
        apply_row.addStretch(1)
        apply_row.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        layout.addLayout(split)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.axis_picker)
        layout.addWidget(self.info_label)
        layout.addWidget(self.error_label)
        layout.addLayout(apply_row)
        layout.addWidget(self.current_label)

        self.preview_tool = PointDrawingTool(self.preview.plot_item, self)
        self.seed_spin.valueChanged.connect(self._split_changed)
        self.test_spin.valueChanged.connect(self._split_changed)
        self.standardize_check.toggled.connect(self._split_changed)
        self.new_seed_button.clicked.connect(self.regenerate)
        self.apply_button.clicked.connect(self.apply)
        self.axis_picker.sliceChanged.connect(self._slice_changed)
        self.points.changed.connect(self._points_changed)

        index = self.builtin_combo.findData(default)
        self.builtin_combo.setCurrentIndex(max(index, 0))
        self._builtin_changed()

    # ================================================================ public API
    @property
    def current_choice(self) -> DatasetChoice | None:
        """The dataset in use (the last one applied), or None before the first Apply."""
        return self._current

    def pending_choice(self) -> DatasetChoice | None:
        """What the open page previews (not yet applied)."""
        return self._pending.get(self.tabs.currentIndex())

    def error_text(self) -> str:
        return self.error_label.text() if self.error_label.isVisible() or self.error_label.text() else ""

    @Slot()
    def apply(self) -> DatasetChoice | None:
        """Make the previewed choice the active one and emit datasetChosen; returns it (None if nothing to apply)."""
        pending = self.pending_choice()
        if pending is None:
            return None
        self._current = pending
        self.current_label.setText(f"Active: {pending.summary()}")
        self.datasetChosen.emit(pending)
        return pending

    def accept_drop(self, path) -> bool:
        """Import a file dropped on the main window (or given any other way). False if it is not a file.

        Loading happens in the background; loadFinished(ok) follows. Errors are shown inline.
        """
        try:
            path = Path(path)
        except TypeError:
            return False
        self.tabs.setCurrentIndex(TAB_IMPORT)
        if not path.is_file():
            self._show_error(f"{path.name or path}: file not found")
            self._set_pending(TAB_IMPORT, None)
            return False
        self.open_file(path)
        return True

    def open_file(self, path) -> None:
        """Start importing `path` (CSV/TSV/NPZ/NPY/IDX, optionally .gz) in the background."""
        path = Path(path)
        if "labels-idx1" in path.name or "labels.idx1" in path.name:  # the labels half of an MNIST pair
            images = path.with_name(path.name.replace("labels-idx1", "images-idx3").replace("labels.idx1", "images.idx3"))
            if images.is_file():
                path = images
        self.tabs.setCurrentIndex(TAB_IMPORT)
        self._file_path = path
        self._file_dataset = None
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self._set_pending(TAB_IMPORT, None)
        self._show_error("")
        self._populate_columns(path)
        self._start_file_job()

    @Slot()
    def browse(self) -> None:
        """Open the file dialog and import the chosen file."""
        start = str(self._file_path.parent) if self._file_path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Import a data file", start, ch.FILE_FILTER)
        if path:
            self.open_file(path)

    def choose_builtin(self, name: str, **params) -> DatasetChoice | None:
        """Select a built-in generator (and parameters) on the Built-in page; returns the previewed choice."""
        index = self.builtin_combo.findData(name)
        if index < 0:
            self._show_error(f"unknown built-in dataset {name!r}")
            return None
        self.tabs.setCurrentIndex(TAB_BUILTIN)
        self._suspend = True
        try:
            self.builtin_combo.setCurrentIndex(index)
            self._rebuild_params(name)
            for key, value in params.items():
                if key in self._param_spins:
                    self._param_spins[key].setValue(value)
        finally:
            self._suspend = False
        self._bundled = None
        self._builtin_changed()
        return self._pending[TAB_BUILTIN]

    def choose_bundled(self, name: str, apply: bool = True) -> DatasetChoice | None:
        """Show a bundled real dataset ("iris", "digits") and, by default, apply it at once."""
        if name not in BUNDLED:
            self._show_error(f"unknown bundled dataset {name!r}")
            return None
        self.tabs.setCurrentIndex(TAB_BUILTIN)
        self._select_bundled(name)
        self._regenerate_builtin()
        if apply and self._pending[TAB_BUILTIN] is not None:
            return self.apply()
        return self._pending[TAB_BUILTIN]

    @Slot()
    def regenerate(self) -> None:
        """A fresh random seed: new generated points and a new train/test split."""
        self.seed_spin.setValue(random.randrange(0, SEED_SPIN_MAX))

    def set_section(self, section, base_dir=None, seed: int = 0, emit: bool = False) -> DatasetChoice | None:
        """Show an experiment's "dataset" section (e.g. after opening an experiment) and make it active.

        Emits datasetChosen only when `emit`. Returns the choice, or None (error shown inline).
        """
        try:
            result = ch.realize(section, base_dir, seed)
        except WorkbenchError as exc:
            self._show_error(ch.error_text(exc))
            return None
        except (OSError, MemoryError, ValueError) as exc:
            self._show_error(ch.error_text(exc))
            return None
        s = result.section
        self._suspend = True
        try:
            self.seed_spin.setValue(int(s.get("seed", seed)) % (SEED_SPIN_MAX + 1))
            self.test_spin.setValue(float(s.get("test_fraction", 0.0)))
            self.standardize_check.setChecked(bool(s.get("standardize", True)))
        finally:
            self._suspend = False
        if "builtin" in s:
            self.tabs.setCurrentIndex(TAB_BUILTIN)
            self._suspend = True
            try:
                self.builtin_combo.setCurrentIndex(self.builtin_combo.findData(s["builtin"]))
                self._rebuild_params(s["builtin"])
                for key, spin in self._param_spins.items():
                    if key in s:
                        spin.setValue(s[key])
            finally:
                self._suspend = False
            self._bundled = None
            tab = TAB_BUILTIN
        elif "bundled" in s:
            self.tabs.setCurrentIndex(TAB_BUILTIN)
            self._select_bundled(s["bundled"])
            tab = TAB_BUILTIN
        elif "points" in s:
            self._suspend = True
            try:
                self.tabs.setCurrentIndex(TAB_DRAW)
                p = s["points"]
                self.points.load(p["X"], p.get("labels"), p.get("targets"))
                (self.classes_radio if "labels" in p else self.regression_radio).setChecked(True)
                self.class_count_spin.setValue(self.points.n_classes)
            finally:
                self._suspend = False
            tab = TAB_DRAW
        else:
            self.tabs.setCurrentIndex(TAB_IMPORT)
            path = Path(s["file"]) if Path(s["file"]).is_absolute() or base_dir is None else Path(base_dir) / s["file"]
            self._file_path = path
            self.file_label.setText(path.name)
            self._populate_columns(path, s.get("features"), s.get("target"), s.get("problem"))
            self._file_dataset = (self._file_options(), result.dataset)
            tab = TAB_IMPORT
        self._show_error("")
        self._set_pending(tab, result)
        self._current = result
        self.current_label.setText(f"Active: {result.summary()}")
        if emit:
            self.datasetChosen.emit(result)
        return result

    def attach_drawing(self, plot_item) -> PointDrawingTool:
        """Let the user draw points on another PlotItem (e.g. the central decision view)."""
        return PointDrawingTool(plot_item, self)

    def drawing_active(self) -> bool:
        return self.tabs.currentIndex() == TAB_DRAW

    def is_loading(self) -> bool:
        return self._loading

    def shutdown(self) -> None:
        """Stop the background loader (call from the main window's closeEvent)."""
        self._job.shutdown()

    # ================================================================ pages
    def _build_builtin_page(self) -> QWidget:
        page = QWidget()
        self.builtin_combo = QComboBox()
        self.builtin_combo.setMaxVisibleItems(20)
        model = QStandardItemModel(self.builtin_combo)
        groups = (("Classification (2 classes)", "binary"), ("Classification (K classes)", "multiclass"),
                  ("Regression", "regression"))
        for title, problem in groups:
            header = QStandardItem(f"— {title} —")
            header.setFlags(Qt.NoItemFlags)
            model.appendRow(header)
            for name, spec in BUILTIN.items():
                if spec.problem == problem:
                    item = QStandardItem(f"{name}  ({spec.input_dim}-D)" if problem == "regression" else name)
                    item.setData(name, Qt.UserRole)
                    item.setToolTip(spec.description.replace("`", ""))
                    model.appendRow(item)
        header = QStandardItem("— Real data (bundled) —")
        header.setFlags(Qt.NoItemFlags)
        model.appendRow(header)
        for name, spec in BUNDLED.items():
            item = QStandardItem(f"{name}  ({spec.n_features} features)")
            item.setData(BUNDLED_PREFIX + name, Qt.UserRole)
            item.setToolTip(spec.description)
            model.appendRow(item)
        self.builtin_combo.setModel(model)
        self.builtin_combo.currentIndexChanged.connect(self._builtin_picked)
        self.description_label = QLabel("")
        self.description_label.setWordWrap(True)
        self.description_label.setStyleSheet("color: #555;")
        self.params_form = QFormLayout()
        self._param_spins: dict = {}
        self._params_for: str | None = None

        bundled = QGroupBox("Real data")
        row = QHBoxLayout(bundled)
        self.bundled_buttons = {}
        for name, spec in BUNDLED.items():
            button = QPushButton(name.capitalize())
            button.setToolTip(f"{spec.description} — {spec.n_samples} examples, {spec.n_features} features, "
                              f"{spec.n_classes} classes. One click uses it.")
            button.clicked.connect(lambda _=False, n=name: self.choose_bundled(n))
            row.addWidget(button)
            self.bundled_buttons[name] = button

        layout = QVBoxLayout(page)
        layout.addWidget(self.builtin_combo)
        layout.addWidget(self.description_label)
        layout.addLayout(self.params_form)
        layout.addWidget(bundled)
        layout.addStretch(1)
        return page

    def _build_import_page(self) -> QWidget:
        page = QWidget()
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip("CSV/TSV/NPZ/NPY or MNIST-style IDX (optionally .gz)")
        self.open_button.clicked.connect(self.browse)
        self.file_label = QLabel("or drop a file on the window")
        self.file_label.setStyleSheet("color: #555;")
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(10)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setVisible(False)
        self.table_model = RowsModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setMinimumHeight(90)
        self.table.verticalHeader().setDefaultSectionSize(18)
        self.table.setToolTip("The first rows of the file")
        self.feature_model = QStandardItemModel(self)
        self.feature_list = QListView()
        self.feature_list.setModel(self.feature_model)
        self.feature_list.setMaximumHeight(90)
        self.feature_list.setToolTip("Tick the columns the network gets as inputs")
        self.feature_model.itemChanged.connect(self._columns_changed)
        self.target_combo = QComboBox()
        self.target_combo.setToolTip("The column the network must predict")
        self.target_combo.currentIndexChanged.connect(self._target_changed)
        self.problem_combo = QComboBox()
        for text, value in PROBLEM_ITEMS:
            self.problem_combo.addItem(text, value)
        self.problem_combo.setToolTip("Inferred from the target column; override it here")
        self.problem_combo.currentIndexChanged.connect(self._columns_changed)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        form = QFormLayout()
        form.addRow("features", self.feature_list)
        form.addRow("target", self.target_combo)
        form.addRow("problem", self.problem_combo)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        return page

    def _build_draw_page(self) -> QWidget:
        page = QWidget()
        self.classes_radio = QRadioButton("classes")
        self.regression_radio = QRadioButton("regression (x, g(x))")
        self.classes_radio.setChecked(True)
        mode_group = QButtonGroup(page)
        mode_group.addButton(self.classes_radio)
        mode_group.addButton(self.regression_radio)
        self.classes_radio.toggled.connect(self._draw_mode_changed)
        self.class_count_spin = QSpinBox()
        self.class_count_spin.setRange(2, MAX_CLASSES)
        self.class_count_spin.setValue(2)
        self.class_count_spin.setToolTip("How many classes the picker offers")
        self.class_count_spin.valueChanged.connect(self._class_count_changed)
        self.class_buttons = QButtonGroup(page)
        self.class_buttons.setExclusive(True)
        self.class_row = QHBoxLayout()
        self.class_row.setSpacing(2)
        for k in range(MAX_CLASSES):
            button = QToolButton()
            button.setCheckable(True)
            button.setText(str(k))
            colour = class_colour(k)
            text = "#000" if k in (1, 4, 6) else "#fff"
            button.setStyleSheet(f"QToolButton {{ background: {colour}; color: {text}; border: 2px solid {colour};"
                                 f" min-width: 22px; min-height: 20px; border-radius: 3px; }}"
                                 f"QToolButton:checked {{ border: 2px solid #000; font-weight: bold; }}")
            button.setToolTip(f"Draw points of class {k}")
            self.class_buttons.addButton(button, k)
            self.class_row.addWidget(button)
        self.class_row.addStretch(1)
        self.class_buttons.idClicked.connect(self.points.set_current_class)
        self.points.currentClassChanged.connect(self._current_class_changed)
        self.eraser_check = QCheckBox("eraser")
        self.eraser_check.setToolTip("Drag to erase points (Alt+drag erases without this)")
        self.eraser_check.toggled.connect(self._eraser_toggled)
        self.clear_button = QPushButton("Clear all")
        self.clear_button.clicked.connect(self.points.clear)
        hint = QLabel("click: add a point · right-click or Shift+click: next class · Alt+drag: erase · "
                      "drag: pan. Draws on this preview and on the central view.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        modes = QHBoxLayout()
        modes.addWidget(self.classes_radio)
        modes.addWidget(self.regression_radio)
        modes.addStretch(1)
        classes = QHBoxLayout()
        self.class_count_label = QLabel("classes")
        classes.addWidget(self.class_count_label)
        classes.addWidget(self.class_count_spin)
        classes.addLayout(self.class_row, 1)
        tools = QHBoxLayout()
        tools.addWidget(self.eraser_check)
        tools.addStretch(1)
        tools.addWidget(self.clear_button)
        layout = QVBoxLayout(page)
        layout.addLayout(modes)
        layout.addLayout(classes)
        layout.addLayout(tools)
        layout.addWidget(hint)
        layout.addStretch(1)
        self._class_count_changed(2)
        self.class_buttons.button(0).setChecked(True)
        return page

    # ================================================================ built-in
    def _builtin_name(self) -> str | None:
        """The generator chosen in the combo (None when a bundled set is chosen there)."""
        data = self.builtin_combo.currentData(Qt.UserRole)
        return None if data is None or data.startswith(BUNDLED_PREFIX) else data

    def _select_bundled(self, name: str) -> None:
        self._suspend = True
        try:
            self.builtin_combo.setCurrentIndex(self.builtin_combo.findData(BUNDLED_PREFIX + name))
            self._rebuild_params(None)
        finally:
            self._suspend = False
        self._bundled = name

    def _rebuild_params(self, name: str | None) -> None:
        if self._params_for == name and (name is not None or not self._param_spins):
            return
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self._param_spins = {}
        self._params_for = name
        if name is None:
            return
        spec = BUILTIN[name]
        for key, default in spec.defaults.items():
            integer, low, high, step, decimals, tip = _PARAM_SPIN.get(key, (isinstance(default, int), 0, 1e6, 0.1, 3, key))
            spin = QSpinBox() if integer else QDoubleSpinBox()
            if not integer:
                spin.setDecimals(decimals)
            spin.setRange(low, high)
            spin.setSingleStep(step)
            spin.setValue(default)
            spin.setToolTip(tip)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(self._builtin_changed)
            self._param_spins[key] = spin
            self.params_form.addRow(key, spin)
        self._params_for = name

    @Slot(int)
    def _builtin_picked(self, _index: int) -> None:
        if self._suspend:
            return
        data = self.builtin_combo.currentData(Qt.UserRole)
        if data is None:
            return
        if data.startswith(BUNDLED_PREFIX):
            self._select_bundled(data[len(BUNDLED_PREFIX):])
            self._regenerate_builtin()
            return
        self._bundled = None
        self._builtin_changed()

    @Slot()
    def _builtin_changed(self, *_args) -> None:
        if self._suspend:
            return
        name = self._builtin_name()
        if name is None:
            return
        self._rebuild_params(name)
        self._bundled = None
        self._regenerate_builtin()

    def _regenerate_builtin(self) -> None:
        seed, tf, std = self.seed_spin.value(), self.test_spin.value(), self.standardize_check.isChecked()
        if self._bundled is not None:
            spec = BUNDLED[self._bundled]
            self.description_label.setText(f"{spec.description} ({spec.n_samples} × {spec.n_features})")
            section = ch.bundled_section(self._bundled, seed, tf, std)
        else:
            name = self._builtin_name()
            self.description_label.setText(BUILTIN[name].description.replace("`", ""))
            params = {k: s.value() for k, s in self._param_spins.items()}
            section = ch.builtin_section(name, params, seed, tf, std)
        try:
            result = ch.realize(section, seed=seed)
        except (WorkbenchError, ValueError, OSError, MemoryError) as exc:
            self._show_error(ch.error_text(exc))
            self._set_pending(TAB_BUILTIN, None)
            return
        self._show_error("")
        self._set_pending(TAB_BUILTIN, result)

    # ================================================================ import
    def _populate_columns(self, path: Path, features=None, target=None, problem=None) -> None:
        """Fill the preview table and the column choosers (text files) from the file's first rows."""
        self._suspend = True
        try:
            self.feature_model.clear()
            self.target_combo.clear()
            self.problem_combo.setCurrentIndex(max(0, self.problem_combo.findData(problem)))
            self.table_model.set_rows([], [])
            text = ch.is_text_file(path)
            self.feature_list.setEnabled(text)
            self.target_combo.setEnabled(text)
            if not text:
                return
            try:
                names, rows, header = peek_table(path)
            except (WorkbenchError, OSError, ValueError, EOFError) as exc:
                self._show_error(ch.error_text(exc, path))
                return
            self._file_header = header
            if not names:
                return
            refs = list(names) if header else list(range(len(names)))
            target_index = len(names) - 1
            if target is not None and not isinstance(target, (list, tuple)):
                target_index = refs.index(target) if target in refs else target_index
            chosen = None if features is None else {refs.index(f) for f in features if f in refs}
            for j, n in enumerate(names):
                item = QStandardItem(n)
                item.setCheckable(True)
                item.setData(refs[j], Qt.UserRole)
                on = (j != target_index) if chosen is None else (j in chosen and j != target_index)
                item.setCheckState(Qt.Checked if on else Qt.Unchecked)
                item.setEnabled(j != target_index)
                self.feature_model.appendRow(item)
                self.target_combo.addItem(n, refs[j])
            self.target_combo.setCurrentIndex(target_index)
            self.table_model.set_rows(names, rows, target_index)
            self.table.resizeColumnsToContents()
        finally:
            self._suspend = False

    def _file_options(self) -> dict:
        path = self._file_path
        features = target = None
        if ch.is_text_file(path) and self.target_combo.count():
            target = self.target_combo.currentData()
            features = [self.feature_model.item(j).data(Qt.UserRole) for j in range(self.feature_model.rowCount())
                        if self.feature_model.item(j).checkState() == Qt.Checked
                        and self.feature_model.item(j).data(Qt.UserRole) != target]
        return ch.file_options(path, features, target, self.problem_combo.currentData())

    def _start_file_job(self) -> None:
        if self._file_path is None:
            return
        path, options = self._file_path, self._file_options()
        seed, tf, std = self.seed_spin.value(), self.test_spin.value(), self.standardize_check.isChecked()
        cached = self._file_dataset[1] if self._file_dataset and self._file_dataset[0] == options else None
        if options.get("features") == []:
            self._show_error(f"{path.name}: tick at least one feature column")
            self._set_pending(TAB_IMPORT, None)
            return

        def work():
            if cached is None:
                return ch.load_and_prepare(path, options, seed, tf, std)
            data = prepare(cached, test_fraction=tf, standardize=std, seed=seed)
            return DatasetChoice(ch.file_section(path, options, seed, tf, std), cached, data)

        self._job_options = options
        self._loading = True
        self.busy_bar.setVisible(True)
        self.apply_button.setEnabled(False)
        self._job.submit(work)

    @Slot(object)
    def _file_loaded(self, result: DatasetChoice) -> None:
        self._loading = False
        self.busy_bar.setVisible(False)
        self._file_dataset = (self._job_options, result.dataset)
        if not ch.is_text_file(self._file_path):  # arrays/IDX: show the first rows of the data itself
            X = result.dataset.X
            cols = min(X.shape[1], 50)
            names = list(result.dataset.feature_names[:cols])
            y = (np.array(result.dataset.class_names)[result.dataset.labels] if result.dataset.labels is not None
                 else result.dataset.targets[:, 0])
            rows = [list(X[r, :cols]) + [y[r]] for r in range(min(len(X), 100))]
            self.table_model.set_rows(names + ["target"], rows, len(names))
        self._suspend = True
        try:  # show the inferred problem type
            self.problem_combo.setItemText(0, f"inferred ({result.dataset.problem})")
        finally:
            self._suspend = False
        self._show_error("")
        self._set_pending(TAB_IMPORT, result)
        self.loadFinished.emit(True)

    @Slot(object)
    def _file_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.busy_bar.setVisible(False)
        self._file_dataset = None
        self._show_error(ch.error_text(exc, self._file_path))
        self._set_pending(TAB_IMPORT, None)
        self.loadFinished.emit(False)

    @Slot()
    def _columns_changed(self, *_args) -> None:
        if self._suspend or self._file_path is None:
            return
        self._start_file_job()

    @Slot(int)
    def _target_changed(self, index: int) -> None:
        if self._suspend or index < 0:
            return
        self._suspend = True
        try:  # the target is never also a feature
            for j in range(self.feature_model.rowCount()):
                item = self.feature_model.item(j)
                item.setEnabled(j != index)
                if j == index:
                    item.setCheckState(Qt.Unchecked)
            self.table_model.set_target(index)
        finally:
            self._suspend = False
        self._start_file_job()

    # ================================================================ drawing
    @Slot(bool)
    def _draw_mode_changed(self, classes: bool) -> None:
        self.points.set_mode("classes" if classes else "regression")
        self.class_count_spin.setVisible(classes)
        self.class_count_label.setVisible(classes)
        for k, button in enumerate(self.class_buttons.buttons()):
            button.setVisible(classes and k < self.points.n_classes)

    @Slot(int)
    def _class_count_changed(self, k: int) -> None:
        self.points.set_n_classes(k)
        for i, button in enumerate(self.class_buttons.buttons()):
            button.setVisible(i < k and self.points.mode == "classes")

    @Slot(int)
    def _current_class_changed(self, k: int) -> None:
        button = self.class_buttons.button(k)
        if button is not None and not button.isChecked():
            button.setChecked(True)

    @Slot(bool)
    def _eraser_toggled(self, on: bool) -> None:
        for tool in self._tools:
            tool.set_eraser(on)

    def _register_tool(self, tool: PointDrawingTool) -> None:
        self._tools.append(tool)
        tool.set_eraser(getattr(self, "eraser_check", None) is not None and self.eraser_check.isChecked())
        tool.set_active(self.tabs.currentIndex() == TAB_DRAW if hasattr(self, "tabs") else False)
        tool.destroyed.connect(lambda *_: self._tools.remove(tool) if tool in self._tools else None)

    @Slot()
    def _points_changed(self) -> None:
        if self._suspend:
            return
        self._rebuild_points()

    def _rebuild_points(self) -> None:
        missing = self.points.ready()
        if missing:
            self._set_pending(TAB_DRAW, None)
            if self.tabs.currentIndex() == TAB_DRAW:
                self.info_label.setText(f"{len(self.points)} point(s): {missing}")
            return
        section = ch.points_section(**self.points.section_points(), seed=self.seed_spin.value(),
                                    test_fraction=self.test_spin.value(),
                                    standardize=self.standardize_check.isChecked())
        try:
            result = ch.realize(section, seed=self.seed_spin.value())
        except (WorkbenchError, ValueError) as exc:
            self._show_error(ch.error_text(exc))
            self._set_pending(TAB_DRAW, None)
            return
        self._show_error("")
        self._set_pending(TAB_DRAW, result)

    # ================================================================ shared
    @Slot()
    def _split_changed(self, *_args) -> None:
        if self._suspend:
            return
        tab = self.tabs.currentIndex()
        if tab == TAB_BUILTIN:
            self._regenerate_builtin()
        elif tab == TAB_IMPORT:
            self._start_file_job()
        else:
            self._rebuild_points()

    @Slot(int)
    def _tab_changed(self, tab: int) -> None:
        for tool in self._tools:
            tool.set_active(tab == TAB_DRAW)
        if tab == TAB_DRAW:
            vb = self.preview.plot_item.getViewBox()
            if not len(self.points):
                vb.setRange(xRange=(-1.2, 1.2), yRange=(-1.2, 1.2), padding=0)
        self._show_error("")
        if tab == TAB_DRAW and self._pending[TAB_DRAW] is None:
            self._rebuild_points()
        self._refresh()

    def _set_pending(self, tab: int, result: DatasetChoice | None) -> None:
        self._pending[tab] = result
        if tab == self.tabs.currentIndex():
            self._refresh()
            self.pendingChanged.emit(result)
            if result is not None and self.auto_apply_check.isChecked():
                self.apply()

    def _refresh(self) -> None:
        """Preview, axis picker and info line for the open page's pending choice."""
        tab = self.tabs.currentIndex()
        pending = self._pending.get(tab)
        self.apply_button.setEnabled(pending is not None and not self._loading)
        if tab == TAB_DRAW:
            self.preview.clear_data()  # the drawing tool's overlay shows the points
            self.preview.plot_item.setLabel("bottom", "x1" if self.points.mode == "classes" else "x")
            self.preview.plot_item.setLabel("left", "x2" if self.points.mode == "classes" else "y = g(x)")
            self.axis_picker.set_data(None)
            self.info_label.setText(pending.summary() if pending else f"{len(self.points)} point(s): "
                                    f"{self.points.ready() or 'ready'}")
            return
        self.axis_picker.set_data(pending.data if pending else None)
        self.preview.show_choice(pending, self.axis_picker.slice_axes())
        self.info_label.setText(pending.summary() if pending else "")

    @Slot(int, int)
    def _slice_changed(self, i: int, j: int) -> None:
        pending = self.pending_choice()
        if pending is not None and self.tabs.currentIndex() != TAB_DRAW:
            self.preview.show_choice(pending, (i, j))
        self.sliceChanged.emit(i, j)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # ================================================================ drag and drop
    def dragEnterEvent(self, event):  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event):  # noqa: N802
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.accept_drop(files[0])
        else:
            event.ignore()
