"""DatasetPanel: the data dock holding the Built-in, Import and Draw pages, the shared split settings,
the preview and Apply. Each page lives in its own module (builtin_page, bundled_page, import_page,
drawing_page); the panel keeps one pending choice per page and makes the applied one current."""

from __future__ import annotations

import random
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.core.errors import WorkbenchError
from engine.core.network import MAX_SEED
from engine.data.bundled import BUNDLED
from engine.data.toys import BUILTIN

from . import choice as ch
from .axes import AxisPicker
from .builtin_page import BuiltinPage
from .choice import DatasetChoice
from .drawing import PointDrawingTool, PointSet
from .drawing_page import DrawPage
from .import_page import ImportPage
from .preview import PreviewPlot

TAB_BUILTIN, TAB_IMPORT, TAB_DRAW = range(3)
SEED_SPIN_MAX = min(MAX_SEED, 2**31 - 1)  # a QSpinBox holds a 32-bit int
ERROR_STYLE = "color: #B00020; font-weight: bold;"


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
        self._previous: DatasetChoice | None = None  # the active one before the last apply (see `refuse`)
        self._pending: dict[int, DatasetChoice | None] = {TAB_BUILTIN: None, TAB_IMPORT: None, TAB_DRAW: None}
        self.points = PointSet(self)
        self.builtin = BuiltinPage()
        self.importer = ImportPage()
        self.draw = DrawPage(self.points)
        self._build()
        self._connect()
        self._alias_page_widgets()
        self.preview_tool = PointDrawingTool(self.preview.plot_item, self)
        name = default if self.builtin.has_builtin(default) else next(iter(BUILTIN))
        self.builtin.select_builtin(name)
        self._regenerate_builtin()

    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self.builtin, "Built-in")
        self.tabs.addTab(self.importer, "Import")
        self.tabs.addTab(self.draw, "Draw")
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
        layout.addWidget(self.error_label)  # at the top, where the eye is
        layout.addWidget(self.tabs)
        layout.addLayout(split)
        # the button above the preview: with more parameters (spirals_k's classes) it stays in view
        layout.addLayout(apply_row)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.axis_picker)
        layout.addWidget(self.info_label)
        layout.addWidget(self.current_label)

    def _connect(self) -> None:
        self.tabs.currentChanged.connect(self._tab_changed)
        self.builtin.changed.connect(self._regenerate_builtin)
        self.builtin.bundled_box.chosen.connect(self.choose_bundled)
        self.importer.open_button.clicked.connect(self.browse)
        self.importer.columnsChanged.connect(self._start_file_job)
        self.importer.readingChanged.connect(self._reading_changed)
        self.importer.loaded.connect(self._file_loaded)
        self.importer.failed.connect(self._file_failed)
        self.seed_spin.valueChanged.connect(self._split_changed)
        self.test_spin.valueChanged.connect(self._split_changed)
        self.standardize_check.toggled.connect(self._split_changed)
        self.new_seed_button.clicked.connect(self.regenerate)
        self.apply_button.clicked.connect(self.apply)
        self.axis_picker.sliceChanged.connect(self._slice_changed)
        self.points.changed.connect(self._rebuild_points)

    def _alias_page_widgets(self) -> None:
        """The pages' main widgets, reachable from the panel as before the split."""
        self.builtin_combo = self.builtin.combo
        self.bundled_buttons = self.builtin.bundled_box.buttons
        for name in ("table_model", "feature_model", "feature_list", "target_combo", "problem_combo", "busy_bar",
                     "file_label", "reading", "load_summary_label"):
            setattr(self, name, getattr(self.importer, name))
        for name in ("classes_radio", "regression_radio", "class_count_spin", "class_buttons", "eraser_check",
                     "clear_button"):
            setattr(self, name, getattr(self.draw, name))

    # ================================================================ public API
    @property
    def current_choice(self) -> DatasetChoice | None:
        """The dataset in use (the last one applied), or None before the first Apply."""
        return self._current

    @property
    def param_spins(self) -> dict:
        """The Built-in page's generator parameters: name → spin box (empty for a bundled set)."""
        return self.builtin.param_spins

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
        refusal = ch.training_refusal(pending)
        if refusal:  # said at once: nothing is paused, built or claimed active
            self._show_error(refusal)
            return None
        self._previous, self._current = self._current, pending
        self.current_label.setText(f"Active: {pending.summary()}")
        self.datasetChosen.emit(pending)
        return pending

    def refuse(self, text: str) -> None:
        """The window could not use the choice just applied: the one before it stays active; `text` says why."""
        self._current = self._previous
        self.current_label.setText(f"Active: {self._current.summary()}" if self._current is not None else "")
        self._show_error(text)

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
        self._set_pending(TAB_IMPORT, None)
        self._show_error(self.importer.set_file(path))
        self._start_file_job()

    @Slot()
    def browse(self) -> None:
        """Open the file dialog and import the chosen file."""
        start = str(self.importer.path.parent) if self.importer.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Import a data file", start, ch.FILE_FILTER)
        if path:
            self.open_file(path)

    def choose_builtin(self, name: str, **params) -> DatasetChoice | None:
        """Select a built-in generator (and parameters) on the Built-in page; returns the previewed choice."""
        if not self.builtin.has_builtin(name):
            self._show_error(f"unknown built-in dataset {name!r}")
            return None
        self.tabs.setCurrentIndex(TAB_BUILTIN)
        self.builtin.select_builtin(name, params)
        self._regenerate_builtin()
        return self._pending[TAB_BUILTIN]

    def choose_bundled(self, name: str, apply: bool = True) -> DatasetChoice | None:
        """Show a bundled real dataset ("iris", "digits") and, by default, apply it at once."""
        if name not in BUNDLED:
            self._show_error(f"unknown bundled dataset {name!r}")
            return None
        self.tabs.setCurrentIndex(TAB_BUILTIN)
        self.builtin.select_bundled(name)
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
        except (WorkbenchError, OSError, MemoryError, ValueError) as exc:
            self._show_error(ch.error_text(exc))
            return None
        return self.show_active(result, base_dir, seed, emit)

    def show_active(self, result: DatasetChoice, base_dir=None, seed: int = 0, emit: bool = False) -> DatasetChoice:
        """Show a realised choice (e.g. the one before a refused switch) on its page and make it active."""
        s = result.section
        with self._split_quiet():
            self.seed_spin.setValue(int(s.get("seed", seed)) % (SEED_SPIN_MAX + 1))
            self.test_spin.setValue(float(s.get("test_fraction", 0.0)))
            self.standardize_check.setChecked(bool(s.get("standardize", True)))
        tab = self._show_section_page(s, base_dir, result)
        self._show_error("")
        previous = self._current
        self._set_pending(tab, result)
        self._previous, self._current = previous, result
        self.current_label.setText(f"Active: {result.summary()}")
        if emit:
            self.datasetChosen.emit(result)
        return result

    def attach_drawing(self, plot_item) -> PointDrawingTool:
        """Let the user draw points on another PlotItem (e.g. the central decision view)."""
        return PointDrawingTool(plot_item, self)

    def register_tool(self, tool: PointDrawingTool) -> None:
        """Called by every PointDrawingTool made for this panel: it draws while the Draw page is open."""
        self.draw.register_tool(tool)

    def drawing_active(self) -> bool:
        return self.tabs.currentIndex() == TAB_DRAW

    def is_loading(self) -> bool:
        return self.importer.is_loading()

    def shutdown(self) -> None:
        """Stop the background loader (call from the main window's closeEvent)."""
        self.importer.shutdown()

    # ================================================================ the pages
    def _show_section_page(self, s: dict, base_dir, result: DatasetChoice) -> int:
        """Open the page a realised "dataset" section belongs to and show it there; returns the page."""
        if "builtin" in s:
            self.tabs.setCurrentIndex(TAB_BUILTIN)
            self.builtin.select_builtin(s["builtin"], s)  # the generator's parameters among the keys
            return TAB_BUILTIN
        if "bundled" in s:
            self.tabs.setCurrentIndex(TAB_BUILTIN)
            self.builtin.select_bundled(s["bundled"])
            return TAB_BUILTIN
        if "points" in s:
            with self._points_quiet():
                self.tabs.setCurrentIndex(TAB_DRAW)
                self.draw.show_points(s["points"])
            return TAB_DRAW
        self.tabs.setCurrentIndex(TAB_IMPORT)
        path = Path(s["file"]) if Path(s["file"]).is_absolute() or base_dir is None else Path(base_dir) / s["file"]
        self.importer.set_file(path, s)
        self.importer.remember(result.dataset)
        return TAB_IMPORT

    def _split(self) -> tuple[int, float, bool]:
        return self.seed_spin.value(), self.test_spin.value(), self.standardize_check.isChecked()

    @Slot()
    def _regenerate_builtin(self) -> None:
        seed, tf, std = self._split()
        section = self.builtin.section(seed, tf, std)
        self._realize(TAB_BUILTIN, section, seed)

    @Slot()
    def _start_file_job(self) -> None:
        if self.importer.path is None:
            return
        refused = self.importer.load(*self._split())
        if refused:
            self._show_error(refused)
            self._set_pending(TAB_IMPORT, None)
            return
        self.apply_button.setEnabled(False)

    @Slot(str)
    def _reading_changed(self, error: str) -> None:
        """The Import page parsed its preview again with new reading options: show why not (if so) and load again."""
        self._show_error(error)
        self._start_file_job()

    @Slot(object)
    def _file_loaded(self, result: DatasetChoice) -> None:
        self._show_error("")
        self._set_pending(TAB_IMPORT, result)
        self.loadFinished.emit(True)

    @Slot(str)
    def _file_failed(self, text: str) -> None:
        self._show_error(text)
        self._set_pending(TAB_IMPORT, None)
        self.loadFinished.emit(False)

    @Slot()
    def _rebuild_points(self) -> None:
        missing = self.points.ready()
        if missing:
            self._set_pending(TAB_DRAW, None)
            if self.tabs.currentIndex() == TAB_DRAW:
                self.info_label.setText(f"{len(self.points)} point(s): {missing}")
            return
        seed, tf, std = self._split()
        section = ch.points_section(**self.points.section_points(), seed=seed, test_fraction=tf, standardize=std)
        self._realize(TAB_DRAW, section, seed)

    def _realize(self, tab: int, section: dict, seed: int) -> None:
        """Build the choice a page's section stands for and make it that page's pending one (or show why not)."""
        try:
            result = ch.realize(section, seed=seed)
        except (WorkbenchError, ValueError, OSError, MemoryError) as exc:
            self._show_error(ch.error_text(exc))
            self._set_pending(tab, None)
            return
        self._show_error("")
        self._set_pending(tab, result)

    @contextmanager
    def _split_quiet(self):
        with QSignalBlocker(self.seed_spin), QSignalBlocker(self.test_spin), QSignalBlocker(self.standardize_check):
            yield

    @contextmanager
    def _points_quiet(self):
        """The panel ignores the point set while it loads one (the drawing tools still redraw)."""
        self.points.changed.disconnect(self._rebuild_points)
        try:
            yield
        finally:
            self.points.changed.connect(self._rebuild_points)

    # ================================================================ shared
    @Slot()
    def _split_changed(self, *_args) -> None:
        tab = self.tabs.currentIndex()
        if tab == TAB_BUILTIN:
            self._regenerate_builtin()
        elif tab == TAB_IMPORT:
            self._start_file_job()
        else:
            self._rebuild_points()

    @Slot(int)
    def _tab_changed(self, tab: int) -> None:
        self.draw.set_drawing(tab == TAB_DRAW)
        if tab == TAB_DRAW and not len(self.points):
            self.preview.plot_item.getViewBox().setRange(xRange=(-1.2, 1.2), yRange=(-1.2, 1.2), padding=0)
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
        refusal = ch.training_refusal(pending) if pending is not None else ""
        if refusal:
            self._show_error(refusal)
        self.apply_button.setEnabled(pending is not None and not refusal and not self.importer.is_loading())
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
