"""The message log: errors and what each change did (hidden until View ▸ Messages)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from .base import BasePanel


class MessagesPanel(BasePanel):
    name, title, area, frame_share, visible = "MessagesDock", "Messages", Qt.BottomDockWidgetArea, 0, False

    def __init__(self, host):
        self.widget = host.log
