"""Presentation mode's slim bar: the learning rate η, the speed and a menu of every panel.

It stands in for the full run-controls dock: η and the speed are mirrors of the controls'
own widgets (an edit here is that widget's edit, so it is applied, recorded and undone the
same way), and "Panels ▾" brings back any dock. The run actions stay on the Run toolbar.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QMenu, QSlider, QToolBar, QToolButton


class SlimBar(QToolBar):
    """η, speed and the panels menu, mirroring `window.controls`."""

    def __init__(self, window):
        super().__init__("Presentation controls", window)
        self.setObjectName("PresentationBar")
        self.setMovable(False)
        controls = window.controls
        self.addWidget(QLabel(" η "))
        self.lr = QDoubleSpinBox()
        self.lr.setObjectName("PresentationLearningRate")
        source = controls.lr_spin
        self.lr.setDecimals(source.decimals())
        self.lr.setRange(source.minimum(), source.maximum())
        self.lr.setStepType(QDoubleSpinBox.AdaptiveDecimalStepType)
        self.lr.setKeyboardTracking(False)
        self.lr.setValue(source.value())
        self.lr.setToolTip(source.toolTip())
        self.lr.valueChanged.connect(controls.set_learning_rate)
        source.valueChanged.connect(self._follow_lr)
        self.addWidget(self.lr)
        self.addWidget(QLabel("   speed "))
        self.speed = QSlider(Qt.Horizontal)
        self.speed.setObjectName("PresentationSpeed")
        self.speed.setRange(controls.speed.minimum(), controls.speed.maximum())
        self.speed.setValue(controls.speed.value())
        self.speed.setToolTip(controls.speed.toolTip())
        self.speed.setFocusPolicy(Qt.NoFocus)  # → stays the step key
        self.speed.setMinimumWidth(160)
        self.speed.valueChanged.connect(controls.speed.setValue)
        controls.speed.valueChanged.connect(self._follow_speed)
        self.addWidget(self.speed)
        self.speed_label = QLabel(controls.speed_label.text())
        self.speed_label.setContentsMargins(8, 0, 4, 0)  # not touching the slider's handle
        self.addWidget(self.speed_label)
        self.addSeparator()
        panels = QMenu(self)
        for dock in window.docks.values():
            panels.addAction(dock.toggleViewAction())
        button = QToolButton()
        button.setText("Panels ▾")
        button.setToolTip("Show or hide any panel (the full run controls are here too)")
        button.setPopupMode(QToolButton.InstantPopup)
        button.setMenu(panels)
        button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")  # the ▾ says it
        button.setFocusPolicy(Qt.NoFocus)
        self.addWidget(button)
        self.panels_menu = panels

    def _follow_lr(self, value: float) -> None:
        with QSignalBlocker(self.lr):
            self.lr.setValue(value)

    def _follow_speed(self, tick: int) -> None:
        with QSignalBlocker(self.speed):
            self.speed.setValue(tick)
        self.speed_label.setText(self.parent().controls.speed_label.text())
