"""The user's preferences over QSettings: every key with its default in one dict, versioned.

`Preferences(qsettings)` reads a key as its default's type (QSettings' INI files hand back
strings); a stored version older than VERSION drops what the newer version reads differently.
Presentation-mode preferences go into DEFAULTS like any other key.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

#: where QSettings keeps them (QCoreApplication organisation and application names); the window title
ORGANIZATION = "BackpropWorkbench"
APPLICATION = "Backprop Workbench"
#: the layout of these keys; bump it (and say what changed) when a key's meaning changes
VERSION = 1
#: the version QMainWindow.saveState gets: 2 = the designer, dataset and inspector docks are real panels
LAYOUT_VERSION = 2
MAX_RECENT = 8

DEFAULTS: dict[str, object] = {
    "files/recent": [],  # experiment paths, newest first (at most MAX_RECENT)
    "files/last_dir": "",  # where the file dialogs open ("" = the working directory)
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),  # dock layout (QMainWindow.saveState, LAYOUT_VERSION)
    "presentation/enabled": False,  # presentation mode: larger fonts and lines for a projector
    "presentation/font_scale": 1.5,
}


class Preferences:
    """Typed reads and writes of the DEFAULTS keys in one QSettings."""

    def __init__(self, qsettings: QSettings | None = None):
        self.qsettings = qsettings if qsettings is not None else QSettings()
        stored = self.qsettings.value("settings/version")
        if stored is not None and int(stored) != VERSION:
            self.qsettings.clear()  # written by another version: start from the defaults
        self.qsettings.setValue("settings/version", VERSION)

    def get(self, key: str):
        default = DEFAULTS[key]
        value = self.qsettings.value(key, default)
        if isinstance(default, list):
            return [value] if isinstance(value, str) else list(value or [])
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("true", "1")
        if isinstance(default, float):
            return float(value)
        if isinstance(default, QByteArray):
            return value if isinstance(value, QByteArray) else default
        return value

    def set(self, key: str, value) -> None:
        if key not in DEFAULTS:
            raise KeyError(f"no preference named {key!r}")
        self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()

    # -- files ---------------------------------------------------------------------------
    def last_dir(self) -> str:
        return str(self.get("files/last_dir") or os.getcwd())

    def recent_files(self) -> list[str]:
        return [str(p) for p in self.get("files/recent")]

    def add_recent(self, path) -> None:
        path = str(Path(path).resolve())
        recent = [p for p in self.recent_files() if p != path]
        self.set("files/recent", ([path] + recent)[:MAX_RECENT])
        self.set("files/last_dir", str(Path(path).parent))

    # -- the window ----------------------------------------------------------------------
    def save_layout(self, window) -> None:
        self.set("window/geometry", window.saveGeometry())
        self.set("window/state", window.saveState(LAYOUT_VERSION))
        self.sync()

    def restore_layout(self, window) -> None:
        geometry, state = self.get("window/geometry"), self.get("window/state")
        if not geometry.isEmpty():
            window.restoreGeometry(geometry)
        if not state.isEmpty():
            window.restoreState(state, LAYOUT_VERSION)
