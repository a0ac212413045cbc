"""Shared fixtures for the GUI tests: isolated QSettings and a main window on the default experiment."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from workbench.main_window import MainWindow
from workbench.session import Session


@pytest.fixture
def settings(tmp_path, qapp):
    """A fresh INI QSettings in a temp dir, so no test reads or writes the user's settings."""
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    s = QSettings(str(tmp_path / "settings" / "workbench.ini"), QSettings.IniFormat)
    yield s
    s.sync()


def make_window(qtbot, settings, session=None, show=True) -> MainWindow:
    window = MainWindow(session or Session(), settings=settings)
    window.confirm_discard = lambda: True
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown_worker())
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, settings):
    w = make_window(qtbot, settings)
    yield w
    w.shutdown_worker()


def snapshot(window):
    return window._last_snapshot


def wait_snapshot(qtbot, window, predicate, timeout=10_000):
    """Wait until the window has pulled a snapshot that satisfies `predicate`."""
    def ok():
        s = window._last_snapshot
        assert s is not None and predicate(s)
    qtbot.waitUntil(ok, timeout=timeout)
    return window._last_snapshot
