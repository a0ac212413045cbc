"""Space, → and Shift+→ reach the run actions whatever has focus; a focused spin box keeps what was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.workbench.gui_support import wait_snapshot


def test_run_keys_work_from_a_focused_spin_box_and_commit_its_value(qtbot, window):
    w = window
    w.activateWindow()
    spin = w.controls.lr_spin
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "0.037")
    qtbot.keyClick(spin, Qt.Key_Right)  # Step: the typed η is committed first
    wait_snapshot(qtbot, w, lambda s: s.iteration == 1)
    assert spin.value() == 0.037 and float(spin.text()) == 0.037
    assert w.session.settings()["learning_rate"] == 0.037  # applied, not just shown
    qtbot.keyClick(spin, Qt.Key_Right, Qt.ShiftModifier)
    wait_snapshot(qtbot, w, lambda s: s.mid_iteration)
    qtbot.keyClick(spin, Qt.Key_Space)
    wait_snapshot(qtbot, w, lambda s: s.state == "running")
    qtbot.keyClick(spin, Qt.Key_Space)
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    assert float(spin.text()) == 0.037 and spin.hasFocus()  # the field is never blanked


def test_run_keys_leave_free_text_fields_alone(qtbot, window):
    from workbench.run_keys import RunKeys

    field = QLineEdit(window.docks["MessagesDock"] if "MessagesDock" in window.docks else window)
    keys = RunKeys(window)
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    event = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_Space, Qt.NoModifier, " ")
    assert keys.eventFilter(field, event) is False  # a space is a character there
    assert keys.eventFilter(window.controls.lr_spin, event) is True
    assert keys.eventFilter(QLineEdit(), event) is False  # not a widget of this window
