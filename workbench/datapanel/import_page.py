"""The Import page: a file (CSV/TSV/NPZ/NPY/IDX, optionally .gz), how to read it, its first rows as read,
the feature and target columns and the loading summary.

Loading runs in the background (`Job`); `loaded(choice)` or `failed(text)` arrive in the GUI thread.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.core.errors import WorkbenchError
from engine.data.preparation import prepare

from . import choice as ch
from .background import Job, peek_table
from .choice import DatasetChoice
from .reading_options import ReadingOptions

PROBLEM_ITEMS = (("inferred", None), ("binary", "binary"), ("multiclass", "multiclass"),
                 ("regression", "regression"))
MISSING_CELL_COLOUR = "#F8C8C8"
"""Background of a preview cell holding a missing-value token."""


class RowsModel(QAbstractTableModel):
    """A read-only table of the first rows of a file (strings) or of a dataset (numbers)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._names: list[str] = []
        self._rows: list = []
        self._target: int | None = None
        self._missing: frozenset[str] = frozenset()
        self._lines: list[int] | None = None

    def set_rows(self, names, rows, target: int | None = None, missing=frozenset(), lines=None) -> None:
        """Show `rows` (numbered by their file `lines` if given, as errors name them); `missing` tokens highlighted."""
        self.beginResetModel()
        self._names, self._rows, self._target, self._missing = list(names), list(rows), target, frozenset(missing)
        self._lines = None if lines is None else list(lines)
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
        if role == Qt.BackgroundRole:
            if self._is_missing(index):
                return QColor(MISSING_CELL_COLOUR)
            if index.column() == self._target:
                return QColor("#FFF1D6")
        if role == Qt.ToolTipRole and self._is_missing(index):
            return "missing value (see \"missing cells\")"
        return None

    def _is_missing(self, index) -> bool:
        row = self._rows[index.row()]
        value = row[index.column()] if index.column() < len(row) else None
        return isinstance(value, str) and value in self._missing

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            if 0 <= section < len(self._names):
                return self._names[section] + (" (target)" if section == self._target else "")
            return None
        return str(self._lines[section] if self._lines is not None and section < len(self._lines) else section + 1)


class ImportPage(QWidget):
    """Signals: columnsChanged() the user changed features, target or problem type (load again);
    readingChanged(str) a reading option changed and the preview was parsed again (the text: why it
    cannot be read, "" when it can; load again); loaded(DatasetChoice) / failed(str) a background load finished."""

    columnsChanged = Signal()
    readingChanged = Signal(str)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.path: Path | None = None
        self._file_dataset = None  # (options, Dataset) of the last successful load
        self._job_options: dict = {}
        self._loading = False
        self._target_index: int | None = None
        self._target_notice = ""
        self._job = Job(self)
        self._job.finished.connect(self._job_finished)
        self._job.failed.connect(self._job_failed)
        self._build()

    def _build(self) -> None:
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip("CSV/TSV/NPZ/NPY or MNIST-style IDX (optionally .gz)")
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
        self.table.setToolTip("The first rows of the file as read, numbered by their line in the file; missing cells in red")
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
        self.reading = ReadingOptions()
        self.reading.changed.connect(self._reading_changed)
        self.load_summary_label = QLabel("")
        self.load_summary_label.setWordWrap(True)
        self.load_summary_label.setStyleSheet("color: #333;")
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.file_label, 1)
        form = QFormLayout()
        form.addRow("features", self.feature_list)
        form.addRow("target", self.target_combo)
        form.addRow("problem", self.problem_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.reading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.load_summary_label)
        layout.addLayout(form)

    # -- public ----------------------------------------------------------------------------
    def set_file(self, path: Path, section=None) -> str:
        """Show `path`, its reading options and its columns (text files), those of a "file" `section` if given;
        returns an error text ("" when the file reads)."""
        s = section or {}
        self.path = path
        self._file_dataset = None
        self.file_label.setText(path.name)
        self.file_label.setToolTip(str(path))
        self.reading.set_file(path, section)
        return self._populate_columns(path, s.get("features"), s.get("target"), s.get("problem"))

    def remember(self, dataset) -> None:
        """Keep `dataset` as the load of the current options (a re-split then skips reading the file)."""
        self._show_summary(dataset)
        self._file_dataset = (self.file_options(), dataset)

    def file_options(self) -> dict:
        """The options of the file section the page's choices stand for (features, target, problem, reading)."""
        path = self.path
        features = target = None
        if ch.is_text_file(path) and self.target_combo.count():
            target = self.target_combo.currentData()
            items = [self.feature_model.item(j) for j in range(self.feature_model.rowCount())]
            features = [it.data(Qt.UserRole) for it in items
                        if it.checkState() == Qt.Checked and it.data(Qt.UserRole) != target]
        return ch.file_options(path, features, target, self.problem_combo.currentData(), self.reading.options())

    def load(self, seed: int, test_fraction: float, standardize: bool) -> str:
        """Start loading and splitting the file in the background; returns why it cannot start ("" when it does)."""
        path, options = self.path, self.file_options()
        if options.get("features") == []:
            return f"{path.name}: tick at least one feature column"
        cached = self._file_dataset[1] if self._file_dataset and self._file_dataset[0] == options else None

        def work():
            if cached is None:
                return ch.load_and_prepare(path, options, seed, test_fraction, standardize)
            data = prepare(cached, test_fraction=test_fraction, standardize=standardize, seed=seed)
            return DatasetChoice(ch.file_section(path, options, seed, test_fraction, standardize), cached, data)

        self._job_options = options
        self._loading = True
        self.busy_bar.setVisible(True)
        self._job.submit(work)
        return ""

    def is_loading(self) -> bool:
        return self._loading

    def shutdown(self) -> None:
        """Stop the background loader."""
        self._job.shutdown()

    # -- internals -------------------------------------------------------------------------
    def _populate_columns(self, path: Path, features, target, problem) -> str:
        """Fill the preview table and the column choosers (text files) from the file's first rows."""
        with _quiet_items(self), QSignalBlocker(self.target_combo), QSignalBlocker(self.problem_combo):
            self.feature_model.clear()
            self.target_combo.clear()
            self.problem_combo.setCurrentIndex(max(0, self.problem_combo.findData(problem)))
            self.table_model.set_rows([], [])
            text = ch.is_text_file(path)
            self.feature_list.setEnabled(text)
            self.target_combo.setEnabled(text)
            if not text:
                return ""
            try:
                names, rows, header, lines = peek_table(path, **self.reading.peek_options())
            except (WorkbenchError, OSError, ValueError, EOFError) as exc:
                return ch.error_text(exc, path)
            if names:
                self._fill_columns(names, rows, header, lines, features, target)
        return ""

    def _fill_columns(self, names, rows, header: bool, lines, features, target) -> None:
        refs = list(names) if header else list(range(len(names)))
        target_index = len(names) - 1
        if target is not None and not isinstance(target, (list, tuple)):
            target_index = refs.index(target) if target in refs else target_index
        chosen = None if features is None else {refs.index(f) for f in features if f in refs}
        chosen = chosen or None  # none of the columns is known under these names (e.g. the header changed)
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
        self._target_index = target_index
        self.table_model.set_rows(names, rows, target_index, self.reading.tokens(), lines)
        self.table.resizeColumnsToContents()

    @Slot(object)
    def _job_finished(self, result: DatasetChoice) -> None:
        self._loading = False
        self.busy_bar.setVisible(False)
        self._file_dataset = (self._job_options, result.dataset)
        if not ch.is_text_file(self.path):  # arrays/IDX: show the first rows of the data itself
            ds = result.dataset
            cols = min(ds.X.shape[1], 50)
            names = list(ds.feature_names[:cols])
            y = np.array(ds.class_names)[ds.labels] if ds.labels is not None else ds.targets[:, 0]
            rows = [list(ds.X[r, :cols]) + [y[r]] for r in range(min(len(ds.X), 100))]
            self.table_model.set_rows(names + ["target"], rows, len(names))
        with QSignalBlocker(self.problem_combo):  # show the inferred problem type
            self.problem_combo.setItemText(0, f"inferred ({result.dataset.problem})")
        self._show_summary(result.dataset)
        self.loaded.emit(result)

    @Slot(object)
    def _job_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.busy_bar.setVisible(False)
        self._file_dataset = None
        self._show_summary(None)
        self.failed.emit(ch.error_text(exc, self.path))

    @Slot()
    def _columns_changed(self, *_args) -> None:
        if self.path is not None:
            self.columnsChanged.emit()

    @Slot(int)
    def _target_changed(self, index: int) -> None:
        """The new target stops being a feature; the previous target becomes a feature again (and the page says so)."""
        if index < 0:
            return
        previous = self._target_index
        with _quiet_items(self):  # the target is never also a feature
            for j in range(self.feature_model.rowCount()):
                item = self.feature_model.item(j)
                item.setEnabled(j != index)
                if j == index:
                    item.setCheckState(Qt.Unchecked)
                elif j == previous:
                    item.setCheckState(Qt.Checked)
            self.table_model.set_target(index)
        self._target_index = index
        if previous is not None and previous != index and previous < self.feature_model.rowCount():
            self._target_notice = f"{self.feature_model.item(previous).text()!r} (the previous target) is a feature now"
        self._columns_changed()

    @Slot()
    def _reading_changed(self) -> None:
        """A reading option changed: parse the preview again (keeping the chosen columns); the panel loads again."""
        if self.path is None:
            return
        options = self.file_options()
        self.readingChanged.emit(self._populate_columns(self.path, options.get("features"), options.get("target"),
                                                        self.problem_combo.currentData()))

    def _show_summary(self, dataset) -> None:
        """The loading summary under the preview: rows kept, missing values, how the inputs were counted."""
        summary = getattr(dataset, "summary", None)
        text = summary.text() if summary is not None else ""
        if self._target_notice and text:
            text += f". {self._target_notice}"
        self._target_notice = ""
        self.load_summary_label.setText(text)
        self.load_summary_label.setVisible(bool(text))
        label = self.load_summary_label  # a wrapped label in a tab page gets no room of its own: ask for it
        spare = label.fontMetrics().lineSpacing()
        label.setMinimumHeight(label.heightForWidth(max(label.width(), 200)) + spare if text else 0)


@contextmanager
def _quiet_items(page: ImportPage):
    """The page ignores its own edits of the feature list (a QSignalBlocker on the model would also
    keep the list view from seeing them)."""
    page.feature_model.itemChanged.disconnect(page._columns_changed)
    try:
        yield
    finally:
        page.feature_model.itemChanged.connect(page._columns_changed)
