"""Fixtures for the GUI tests: isolated QSettings and a main window on the default experiment."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.workbench.gui_support import make_window


@pytest.fixture
def settings(tmp_path, qapp):
    """A fresh INI QSettings in a temp dir, so no test reads or writes the user's settings."""
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    s = QSettings(str(tmp_path / "settings" / "workbench.ini"), QSettings.IniFormat)
    yield s
    s.sync()


@pytest.fixture
def window(qtbot, settings):
    w = make_window(qtbot, settings)
    yield w
    w.shutdown_worker()
