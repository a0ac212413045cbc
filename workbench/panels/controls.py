"""The run controls (workbench.controls): settings and speed; the run actions are the window's."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ..controls import ControlsPanel
from ..worker import commands as wc
from .base import BasePanel, scrolled


class RunControlsPanel(BasePanel):
    name, title, area, frame_share = "RunControlsDock", "Run controls", Qt.LeftDockWidgetArea, 0

    def __init__(self, host):
        self.host = host
        self.controls = ControlsPanel(host.actions_run)
        self.controls.settingsChanged.connect(lambda changes: host.controller.change_settings(changes))
        self.controls.speedChanged.connect(lambda speed: host.send(wc.SetSpeed(speed)))
        self.widget = scrolled(self.controls)
        self.widget.setMinimumWidth(330)

    def set_run(self, run) -> None:
        self.controls.load(self.host.session.settings())
