"""Compare…: a preset (L2 vs cross-entropy first) or a dotted key and comma-separated values."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit

from engine.runs.comparison import PRESETS

CUSTOM = "one setting, these values"


def parse_values(text: str) -> tuple:
    """'0.1, 1, adam' → (0.1, 1, 'adam'): numbers and true/false as JSON, anything else as a name."""
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            out.append(json.loads(part))
        except ValueError:
            out.append(part)
    return tuple(out)


class CompareDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Compare runs from the same start")
        form = QFormLayout(self)
        self.preset = QComboBox()
        self.preset.addItems([*PRESETS, CUSTOM])
        form.addRow("Compare", self.preset)
        self.key = QLineEdit("training.optimizer.learning_rate")
        self.key.setToolTip("A dotted experiment key, e.g. training.batch_size or training.label_smoothing")
        self.values = QLineEdit("0.01, 0.1, 1")
        form.addRow("setting", self.key)
        form.addRow("values", self.values)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.preset.currentTextChanged.connect(self._enable)
        self._enable(self.preset.currentText())

    def _enable(self, text: str) -> None:
        self.key.setEnabled(text == CUSTOM)
        self.values.setEnabled(text == CUSTOM)

    def choice(self) -> tuple[str | None, str | None, tuple]:
        """(preset, None, ()) or (None, key, values)."""
        if self.preset.currentText() != CUSTOM:
            return self.preset.currentText(), None, ()
        return None, self.key.text().strip(), parse_values(self.values.text())
