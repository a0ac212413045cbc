"""The bundled real datasets (iris, digits): their entries in the Built-in combo and the one-click "Real data" box."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton

from engine.data.bundled import BUNDLED

BUNDLED_PREFIX = "bundled:"  # item data of a bundled set in the Built-in combo


def add_bundled_items(model: QStandardItemModel) -> None:
    """Append a "Real data (bundled)" header and one entry per bundled set (data "bundled:<name>")."""
    header = QStandardItem("— Real data (bundled) —")
    header.setFlags(Qt.NoItemFlags)
    model.appendRow(header)
    for name, spec in BUNDLED.items():
        item = QStandardItem(f"{name}  ({spec.n_features} features)")
        item.setData(BUNDLED_PREFIX + name, Qt.UserRole)
        item.setToolTip(spec.description)
        model.appendRow(item)


def bundled_name(item_data: str | None) -> str | None:
    """The bundled set an item of the Built-in combo stands for (None for a generator)."""
    if item_data is None or not item_data.startswith(BUNDLED_PREFIX):
        return None
    return item_data[len(BUNDLED_PREFIX):]


def bundled_description(name: str) -> str:
    spec = BUNDLED[name]
    return f"{spec.description} ({spec.n_samples} × {spec.n_features})"


class BundledBox(QGroupBox):
    """One button per bundled set; `chosen(name)` when one is clicked (the panel applies it at once)."""

    chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__("Real data", parent)
        row = QHBoxLayout(self)
        self.buttons: dict[str, QPushButton] = {}
        for name, spec in BUNDLED.items():
            button = QPushButton(name.capitalize())
            button.setToolTip(f"{spec.description} — {spec.n_samples} examples, {spec.n_features} features, "
                              f"{spec.n_classes} classes. One click uses it.")
            button.clicked.connect(lambda _=False, n=name: self.chosen.emit(n))
            row.addWidget(button)
            self.buttons[name] = button
