"""Helpers for the GUI tests: a main window on the default experiment, waiting for its snapshots."""

from __future__ import annotations

from workbench.main_window import MainWindow
from workbench.session import Session


def make_window(qtbot, settings, session=None, show=True) -> MainWindow:
    window = MainWindow(session or Session(), settings=settings)
    window.confirm_discard = lambda: True
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown_worker())
    if show:
        window.show()
        qtbot.waitExposed(window)
    return window


def snapshot(window):
    return window.last_snapshot


def wait_snapshot(qtbot, window, predicate, timeout=30_000):
    """Wait until the window has pulled a snapshot that satisfies `predicate` (generous: CI machines are loaded)."""
    def ok():
        s = window.last_snapshot
        assert s is not None and predicate(s)
    qtbot.waitUntil(ok, timeout=timeout)
    return window.last_snapshot
