"""The import page's "how to read the file" controls: header, skip rows, delimiter, missing cells, NPZ keys, IDX labels.

Each control is one key of the experiment's file section (engine.io.file_keys); `options()`
returns exactly the keys the file's format takes, with defaults left out, so what the page
shows is what Save writes and `train` reproduces.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from engine.core.errors import DataError
from engine.data.array_formats import array_names
from engine.data.formats import format_of
from engine.data.table_columns import MISSING_VALUES
from engine.io.file_keys import FILE_KEYS, MAX_SKIP_ROWS

HEADER_ITEMS = (("guess", "auto"), ("first row is the header", True), ("no header", False))
DELIMITER_ITEMS = (("guess", "auto"), ("comma ,", ","), ("tab", "\t"), ("semicolon ;", ";"), ("whitespace", " "))
MISSING_ITEMS = (("refuse (show where)", "error"), ("drop those rows", "drop_rows"), ("fill with the column mean", "mean"))


def _tokens_text(tokens) -> str:
    return ", ".join('""' if t == "" else t for t in tokens)


def parse_tokens(text: str) -> tuple[str, ...]:
    """ "NA, ?, \"\"" → ("NA", "?", "")."""
    return tuple("" if t.strip() in ('""', "''") else t.strip() for t in text.split(",") if t.strip())


def npz_keys(path) -> list[str]:
    """The array names in an .npz archive (without loading the arrays, none listed for an archive of
    more than `MAX_LISTED_ARRAYS` members); [] if it cannot be read — the load says why."""
    try:
        return array_names(path)
    except DataError:
        return []


class ReadingOptions(QWidget):
    """Controls for the reading keys of the file's format; `changed` when one is edited by the user."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._suspend = False
        self._format = None
        self.header_combo = self._combo(HEADER_ITEMS, "Is the first row (after the skipped lines) column names?")
        self.skip_spin = QSpinBox()
        self.skip_spin.setRange(0, MAX_SKIP_ROWS)
        self.skip_spin.setToolTip("Lines before the header (or the data) to skip, e.g. a metadata line")
        self.skip_spin.valueChanged.connect(self._edited)
        self.delimiter_combo = self._combo(DELIMITER_ITEMS, "What separates the values of a row (or type one character)")
        self.delimiter_combo.setEditable(True)
        self.delimiter_combo.setInsertPolicy(QComboBox.NoInsert)
        self.delimiter_combo.lineEdit().editingFinished.connect(self._edited)
        self.missing_combo = self._combo(MISSING_ITEMS, "A row with a missing feature cell: refuse the file, "
                                         "drop the row, or fill the cell with its column's mean. "
                                         "Rows without a target are always dropped (unless refused).")
        self.tokens_edit = QLineEdit(_tokens_text(MISSING_VALUES))
        self.tokens_edit.setToolTip('The cell values that mean "missing", comma-separated ("" is an empty cell)')
        self.tokens_edit.editingFinished.connect(self._edited)
        self.x_key_combo = QComboBox()
        self.y_key_combo = QComboBox()
        for combo, what in ((self.x_key_combo, "inputs X"), (self.y_key_combo, "labels or targets y")):
            combo.setToolTip(f"The array of the archive that holds the {what}")
            combo.currentIndexChanged.connect(self._edited)
        self.labels_edit = QLineEdit()
        self.labels_edit.setPlaceholderText("guessed from the MNIST naming")
        self.labels_edit.setToolTip("The IDX labels file (a path, relative to the images file's folder)")
        self.labels_edit.editingFinished.connect(self._edited)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self._rows = {
            "header": ("header", self.header_combo), "skip_rows": ("skip lines", self.skip_spin),
            "delimiter": ("delimiter", self.delimiter_combo), "missing": ("missing cells", self.missing_combo),
            "missing_values": ("missing tokens", self.tokens_edit), "x_key": ("inputs array", self.x_key_combo),
            "y_key": ("target array", self.y_key_combo), "labels": ("labels file", self.labels_edit),
        }
        for label, widget in self._rows.values():
            self.form.addRow(label, widget)
        self.set_file(None)

    def _combo(self, items, tip: str) -> QComboBox:
        combo = QComboBox()
        for text, value in items:
            combo.addItem(text, value)
        combo.setToolTip(tip)
        combo.currentIndexChanged.connect(self._edited)
        return combo

    @Slot()
    def _edited(self, *_args) -> None:
        if not self._suspend:
            self.changed.emit()

    # -- public -----------------------------------------------------------------------------
    def set_file(self, path, section=None) -> None:
        """Show the controls of `path`'s format, set from an experiment `section` (or the defaults)."""
        section = section or {}
        fmt = format_of(path) if path is not None else None
        self._format = fmt.name if fmt is not None else None
        self._path = None if path is None else Path(path)
        keys = FILE_KEYS.get(self._format, ())
        self._suspend = True
        try:
            for key, (_, widget) in self._rows.items():
                self.form.setRowVisible(widget, key in keys)
            self._select(self.header_combo, section.get("header", "auto"))
            self.skip_spin.setValue(int(section.get("skip_rows", 0)))
            self._select(self.delimiter_combo, section.get("delimiter", "auto"), editable=True)
            self._select(self.missing_combo, section.get("missing", "error"))
            self.tokens_edit.setText(_tokens_text(section.get("missing_values", MISSING_VALUES)))
            self.labels_edit.setText(str(section.get("labels", "") or ""))
            if self._format == "npz":
                names = npz_keys(path)
                for combo, key, default in ((self.x_key_combo, "x_key", "X"), (self.y_key_combo, "y_key", "y")):
                    combo.clear()
                    combo.addItems(names)
                    wanted = section.get(key, default)
                    guess = names[min(int(key == "y_key"), len(names) - 1)] if names else wanted
                    self._select(combo, wanted if wanted in names else guess, editable=True, by_text=True)
        finally:
            self._suspend = False

    def options(self) -> dict:
        """The reading keys of this format that differ from the loader's defaults."""
        out: dict = {}
        if self._format == "csv":
            for key, value, default in (("header", self.header_combo.currentData(), "auto"),
                                        ("delimiter", self.delimiter(), "auto"),
                                        ("missing", self.missing_combo.currentData(), "error")):
                if value != default:
                    out[key] = value
            if self.skip_spin.value():
                out["skip_rows"] = self.skip_spin.value()
            tokens = parse_tokens(self.tokens_edit.text())
            if tokens != MISSING_VALUES:
                out["missing_values"] = list(tokens)
        elif self._format == "npz":
            out = {"x_key": self.x_key_combo.currentText(), "y_key": self.y_key_combo.currentText()}
        elif self._format == "idx" and self.labels_edit.text().strip():
            labels = Path(self.labels_edit.text().strip()).expanduser()
            out["labels"] = str(labels if labels.is_absolute() else self._path.parent / labels)
        return out

    def peek_options(self) -> dict:
        """What the preview of a text file needs: delimiter, header, skip_rows, tokens."""
        return dict(delimiter=self.delimiter(), header=self.header_combo.currentData(),
                    skip_rows=self.skip_spin.value(), tokens=frozenset(parse_tokens(self.tokens_edit.text())))

    def delimiter(self) -> str:
        """The chosen delimiter: "auto", one of the listed ones, or the character typed in."""
        text = self.delimiter_combo.currentText()
        index = self.delimiter_combo.findText(text)
        return self.delimiter_combo.itemData(index) if index >= 0 else text

    def tokens(self) -> frozenset[str]:
        return frozenset(parse_tokens(self.tokens_edit.text()))

    @staticmethod
    def _select(combo: QComboBox, value, editable: bool = False, by_text: bool = False) -> None:
        index = combo.findText(str(value)) if by_text else combo.findData(value)
        if index < 0 and editable and value is not None:
            combo.addItem(str(value) if by_text else repr(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))
