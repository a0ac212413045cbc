"""The Draw page: draw classes or (x, g(x)) points with the mouse, on the preview and on the central view."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.palette import class_colour

from .drawing import MAX_CLASSES, PointDrawingTool, PointSet

DARK_TEXT_CLASSES = (1, 4, 6)  # light palette entries: black digits on the class buttons


class DrawPage(QWidget):
    """Mode (classes / regression), the class picker, eraser and Clear for the panel's PointSet.

    Every PointDrawingTool (on the preview or elsewhere) registers here; they draw while `set_drawing(True)`.
    """

    def __init__(self, points: PointSet, parent=None):
        super().__init__(parent)
        self.points = points
        self.tools: list[PointDrawingTool] = []
        self._drawing = False
        self._build()
        self._class_count_changed(2)
        self.class_buttons.button(0).setChecked(True)

    def _build(self) -> None:
        self.classes_radio = QRadioButton("classes")
        self.regression_radio = QRadioButton("regression (x, g(x))")
        self.classes_radio.setChecked(True)
        mode_group = QButtonGroup(self)
        mode_group.addButton(self.classes_radio)
        mode_group.addButton(self.regression_radio)
        self.classes_radio.toggled.connect(self._mode_changed)
        self.class_count_spin = QSpinBox()
        self.class_count_spin.setRange(2, MAX_CLASSES)
        self.class_count_spin.setValue(2)
        self.class_count_spin.setToolTip("How many classes the picker offers")
        self.class_count_spin.valueChanged.connect(self._class_count_changed)
        self.class_buttons = QButtonGroup(self)
        self.class_buttons.setExclusive(True)
        self.class_row = QHBoxLayout()
        self.class_row.setSpacing(2)
        for k in range(MAX_CLASSES):
            button = QToolButton()
            button.setCheckable(True)
            button.setText(str(k))
            colour = class_colour(k)
            text = "#000" if k in DARK_TEXT_CLASSES else "#fff"
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
        layout = QVBoxLayout(self)
        layout.addLayout(modes)
        layout.addLayout(classes)
        layout.addLayout(tools)
        layout.addWidget(hint)
        layout.addStretch(1)

    # -- public ----------------------------------------------------------------------------
    def register_tool(self, tool: PointDrawingTool) -> None:
        """A tool that draws the panel's points; it follows the eraser and the page being open."""
        self.tools.append(tool)
        tool.set_eraser(self.eraser_check.isChecked())
        tool.set_active(self._drawing)
        tool.destroyed.connect(lambda *_: self.tools.remove(tool) if tool in self.tools else None)

    def set_drawing(self, on: bool) -> None:
        """Clicks on the registered plots add points while `on` (the Draw page is open)."""
        self._drawing = on
        for tool in self.tools:
            tool.set_active(on)

    def show_points(self, points: dict) -> None:
        """Load an experiment's "points" entry (X with labels or targets) and match mode and class count."""
        self.points.load(points["X"], points.get("labels"), points.get("targets"))
        (self.classes_radio if "labels" in points else self.regression_radio).setChecked(True)
        self.class_count_spin.setValue(self.points.n_classes)

    # -- internals -------------------------------------------------------------------------
    @Slot(bool)
    def _mode_changed(self, classes: bool) -> None:
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
        for tool in self.tools:
            tool.set_eraser(on)
