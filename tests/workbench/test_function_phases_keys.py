"""Function mode's run controls as the network's: Space / → / Shift+→ drive its descent while its tab
is in front (the network's again with Run controls in front), Phase runs "gradient" then "update"
with the phase shown, and Play's speed applies at once; Pause keeps the paths."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication

from engine.core.optimizers import create
from engine.objectives.descent import descend
from workbench.lecture_menu import open_lecture_experiment
from workbench.panels.function_play import PLAY_FRAMES, Pace, in_front


@pytest.fixture
def panel(window):
    """The function dock in front (as File ▸ Lecture experiments leaves it), one path, one by one."""
    assert open_lecture_experiment(window, "function", "saddle_escape")
    p = window.panels["FunctionDock"]
    p.view.step_mode.setChecked(True)
    p.view.steps.setValue(10_000)
    return p


def network_steps(window) -> list:
    seen = []
    for action in (window.actions_run.run, window.actions_run.step, window.actions_run.phase):
        action.triggered.connect(lambda *_, a=action: seen.append(a.text()))
    return seen


def outside_spin_box(window, dock):
    """A spin box on screen that is not in the function dock (the network designer's, the plots'…)."""
    return next(w for w in window.findChildren(QAbstractSpinBox)
                if w.isVisible() and not dock.isAncestorOf(w) and w.isEnabled())


def test_function_keys_drive_the_descent_while_its_tab_is_in_front(qtbot, window, panel):
    seen = network_steps(window)
    window.activateWindow()
    assert in_front(window, panel.dock)
    spin = outside_spin_box(window, panel.dock)
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    qtbot.keyClick(spin, Qt.Key_Right)
    assert panel.descents[0].steps == 1 and seen == []
    qtbot.keyClick(spin, Qt.Key_Right, Qt.ShiftModifier)  # one phase: g = ∇f(x₁) evaluated, nothing moves
    assert panel.descents[0].steps == 1 and panel.descents[0].next_phase == "update"
    assert "next phase: update x₂ = x₁ − Δ" in panel.view.phase_label.text()
    qtbot.keyClick(spin, Qt.Key_Right, Qt.ShiftModifier)
    assert panel.descents[0].steps == 2 and panel.descents[0].next_phase == "gradient"
    qtbot.keyClick(spin, Qt.Key_Space)
    assert panel.view.play.isChecked() and panel.timer.isActive()
    qtbot.keyClick(spin, Qt.Key_Space)
    assert not panel.view.play.isChecked() and not panel.timer.isActive() and seen == []
    QApplication.focusWidget().clearFocus()  # no focus at all: the window's keys, still in front
    qtbot.waitUntil(lambda: QApplication.focusWidget() is None)
    before = panel.descents[0].steps
    qtbot.keyClick(window, Qt.Key_Right)
    assert panel.descents[0].steps == before + 1 and seen == []
    window.docks["RunControlsDock"].raise_()  # Run controls in front: the keys train the network again
    qtbot.waitUntil(lambda: not in_front(window, panel.dock))
    lr = window.controls.lr_spin
    lr.setFocus()
    qtbot.waitUntil(lr.hasFocus)
    qtbot.keyClick(lr, Qt.Key_Right)
    qtbot.keyClick(lr, Qt.Key_Right, Qt.ShiftModifier)
    assert seen == ["Step", "Step phase"] and panel.descents[0].steps == before + 1


def test_function_phase_label_arrow_and_path_follow_the_phases(panel):
    v = panel.view
    panel.choose("bowl")
    f = panel.f
    assert "next phase: gradient g = ∇f(x₀)" in v.phase_label.text()
    for n in range(1, 4):
        v.phase.click()
        g = f.gradient(panel.descents[0].x)
        assert len(panel.result[0].points) == n  # the gradient phase moves nothing…
        assert f"= ({g[0]:.3g}, {g[1]:.3g})" in v.phase_label.text() and "next phase: update" in v.phase_label.text()
        assert len(v.plane.gradient.getData()[0]) == 2 and v.plane.arrow.isVisible()  # …and draws −∇f
        v.phase.click()
        assert len(panel.result[0].points) == n + 1  # the update phase grows the path
        assert "next phase: gradient" in v.phase_label.text()
        assert v.plane.gradient.getData()[0] is None or len(v.plane.gradient.getData()[0]) == 0
        assert not v.plane.arrow.isVisible()  # ∇f(x_{t+1}) not evaluated yet
    ref = descend(f, f.start, create(**panel.specs[0]), 3)
    np.testing.assert_array_equal(panel.result[0].points, ref.points)
    v.phase.click()
    v.step.click()  # finishes the half-done update: still bit-identical
    np.testing.assert_array_equal(panel.result[0].points, descend(f, f.start, create(**panel.specs[0]), 4).points)
    assert v.plane.arrow.isVisible() and "next phase: gradient" in v.phase_label.text()
    panel.choose("double_well")  # 1-D: the tangent (slope f′) is what the gradient phase draws
    v.phase.click()
    assert len(v.line.tangent.getData()[0]) == 2
    v.phase.click()
    assert v.line.tangent.getData()[0] is None or len(v.line.tangent.getData()[0]) == 0



def test_function_speed_applies_at_once_while_playing_and_pause_keeps_the_paths(qtbot, panel):
    v, d = panel.view, panel.descents
    v.speed.setValue(10)
    assert panel.timer.interval() == 100  # 10 updates/s: a frame of one update every 100 ms
    v.play.setChecked(True)
    assert v.play.text() == "Pause"
    with qtbot.waitSignal(panel.timer.timeout, timeout=10_000):
        pass
    assert d[0].steps == 1
    v.speed.setValue(1000)  # while playing: 30 updates per 30 ms frame from the next frame on
    assert panel.timer.isActive() and panel.timer.interval() == 30
    before = d[0].steps
    with qtbot.waitSignal(panel.timer.timeout, timeout=10_000):
        pass
    assert d[0].steps == before + 30
    panel.run_key(Qt.Key_Space, Qt.NoModifier)  # pause: the paths stay where they are
    kept = panel.result[0].points.copy()
    QApplication.processEvents()
    assert not panel.timer.isActive() and v.play.text() == "Play"
    np.testing.assert_array_equal(panel.result[0].points, kept)
    panel.run_key(Qt.Key_Space, Qt.NoModifier)  # play again: on from there, not from the start
    with qtbot.waitSignal(panel.timer.timeout, timeout=10_000):
        pass
    np.testing.assert_array_equal(panel.result[0].points[: len(kept)], kept)
    assert len(panel.result[0].points) == len(kept) + 30
    v.phase.click()  # a phase pauses Play, like the network's Step phase
    assert not v.play.isChecked() and d[0].next_phase == "update"


def test_function_speed_auto_is_the_old_pace_and_rates_average_out():
    assert Pace().updates(0, 9000) == 9000 // PLAY_FRAMES and Pace().updates(0, 10) == 1
    pace = Pace()
    assert sum(pace.updates(7, 0) for _ in range(70)) == 70  # 7/s: a frame every 143 ms, one update each
    pace = Pace()
    assert sum(pace.updates(50, 0) for _ in range(100)) in (149, 150)  # 1.5 per 30 ms frame on average


def test_function_floating_takes_the_keys_only_with_the_focus(qtbot, window, panel):
    seen = network_steps(window)
    panel.dock.setFloating(True)
    qtbot.waitUntil(lambda: not in_front(window, panel.dock))
    window.activateWindow()
    spin = outside_spin_box(window, panel.dock)
    spin.setFocus()
    qtbot.waitUntil(spin.hasFocus)
    qtbot.keyClick(spin, Qt.Key_Right)
    assert seen == ["Step"] and panel.descents[0].steps == 0  # not in front: the network's Step
