"""The lecture flow through the main window, with the real worker thread (issue 4)."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from engine.training.trainer import Phase
from tests.workbench.gui_support import wait_snapshot
from workbench.app import install_excepthook


@pytest.mark.filterwarnings("error")
@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_run_pause_step_change_settings_close(qtbot, window):
    w = window
    snap = wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    assert snap.iteration == 0
    assert "press Space" in w.status_labels["state"].text()  # a first-time user is told how to start
    def full_loss(run):
        t = run.trainer
        return t.metrics(t.x, t.d, t.targets)[0]

    before = w.worker.call(full_loss)

    w.toggle_run()  # Run (Space)
    snap = wait_snapshot(qtbot, w, lambda s: s.state == "running" and s.iteration > 300)
    assert w.worker.call(full_loss) < before  # learning (the full training-set loss; the plotted
    # history is bounded and may start late when this machine is loaded)

    w.toggle_run()  # Pause
    paused = wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    n = paused.iteration
    # the count stays put: step-less commands round-trip through the queue meanwhile
    w.set_speed(None)
    later = wait_snapshot(qtbot, w, lambda s: s.time > paused.time)
    assert later.iteration == n

    w.step_iteration()  # Step: exactly one more
    stepped = wait_snapshot(qtbot, w, lambda s: s.iteration != n or s.time > later.time + 0.2)
    assert stepped.iteration == n + 1

    # change the learning rate while running: the next iteration uses it, an event records it
    w.toggle_run()
    wait_snapshot(qtbot, w, lambda s: s.state == "running" and s.iteration > n + 10)
    before_lr = w.session.settings()["learning_rate"]
    w.controls.set_learning_rate(0.002)
    snap = wait_snapshot(qtbot, w, lambda s: any(e.name == "learning_rate" for e in s.events)
                         and s.iteration > max(e.step for e in s.events) + 2)
    event = [e for e in snap.events if e.name == "learning_rate"][-1]
    assert event.value == 0.002
    steps = w.history.iterations.view("step")
    rates = w.history.iterations.view("learning_rate")
    assert rates[steps == event.step].item() == before_lr  # the update before the change
    assert rates[steps == event.step + 1].item() == 0.002  # the next one
    assert w.session.dirty and w.session.settings()["learning_rate"] == 0.002

    # switch the divergence L2 ↔ cross-entropy while running: training continues
    for name in ("l2", "bce"):
        w.controls.divergence.setCurrentText(name)
        before = w.last_snapshot.iteration
        snap = wait_snapshot(qtbot, w, lambda s, before=before, name=name: s.iteration > before + 100
                             and any(e.name == "divergence" and e.value == name for e in s.events))
        assert snap.state == "running" and np.isfinite(snap.loss)

    # close while running: the thread stops and is joined
    worker = w.worker
    assert worker.isRunning()
    w.close()
    assert worker.isFinished()


def test_phase_stepping_reports_next_phase(qtbot, window):
    w = window
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")
    w.step_phase()
    snap = wait_snapshot(qtbot, w, lambda s: s.mid_iteration)
    assert str(snap.next_phase) == "forward layer 2"
    assert "next: forward layer 2" in w.status_labels["state"].text()
    for _ in range(6):  # forward 2, 3, divergence, backward 3, 2, 1 → next is update
        w.step_phase()
    snap = wait_snapshot(qtbot, w, lambda s: s.next_phase == Phase("update"))
    assert snap.iteration == 0
    w.step_phase()
    snap = wait_snapshot(qtbot, w, lambda s: s.iteration == 1)
    assert not snap.mid_iteration


def test_divergence_pauses_with_plain_words(qtbot, window):
    w = window
    w.controls.optimizer.setCurrentText("sgd")
    w.controls.set_learning_rate(10.0)
    w.change_settings({"divergence": "l2"})  # unbounded output gradient; lr 10 → overflow
    w.change_settings({"l2": 10.0})
    w.toggle_run()
    snap = wait_snapshot(qtbot, w, lambda s: s.stopped_kind == "diverged" and s.state == "paused", 20_000)
    assert "diverged at iteration" in w.banner.label.text()
    assert "smaller learning rate" in w.banner.label.text()
    assert w.banner.isVisible()
    assert "diverged" in w.status_labels["state"].text()
    assert np.all(np.isfinite(snap.parameters))


def test_reset_gives_identical_start(qtbot, window):
    w = window
    first = wait_snapshot(qtbot, w, lambda s: True).parameters.copy()
    for _ in range(3):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == 3)
    w.reset_run()
    snap = wait_snapshot(qtbot, w, lambda s: s.run_id == 2)
    assert snap.iteration == 0 and np.array_equal(snap.parameters, first)
    assert len(w.history.iterations) == 0
    w.new_seed()
    snap = wait_snapshot(qtbot, w, lambda s: s.run_id == 3)
    assert not np.array_equal(snap.parameters, first)


def test_unsaved_changes_prompt_can_cancel_close(qtbot, window):
    w = window
    w.controls.set_learning_rate(0.05)
    asked = []
    w.confirm_discard = lambda: asked.append(True) or False  # the user presses Cancel
    w.close()
    assert asked and w.isVisible() and w.worker.isRunning()
    w.confirm_discard = lambda: True
    w.close()
    assert w.worker.isFinished()


def test_uncaught_errors_go_to_the_window(qtbot, window):
    old = sys.excepthook
    try:
        install_excepthook(lambda: window)
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    assert window.banner.isVisible() and "RuntimeError: boom" in window.banner.label.text()
    assert "Traceback" in window.log.toPlainText()


def test_optimizer_hyperparameters_apply_while_running(qtbot, window):
    w = window
    w.toggle_run()
    w.controls._hyper["momentum"].setValue(0.9)
    wait_snapshot(qtbot, w, lambda s: any(e.name == "momentum" and e.value == 0.9 for e in s.events))
    assert w.worker.call(lambda run: run.trainer.optimizer.momentum) == 0.9
    w.toggle_run()


def test_keyboard_shortcuts(qtbot, window):
    from PySide6.QtCore import Qt

    w = window
    w.activateWindow()
    w.decision.plot_widget.setFocus()
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_Right)
    wait_snapshot(qtbot, w, lambda s: s.iteration == 1)
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_Right, Qt.ShiftModifier)
    wait_snapshot(qtbot, w, lambda s: s.mid_iteration)
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_Space)
    wait_snapshot(qtbot, w, lambda s: s.state == "running")
    qtbot.keyClick(w.decision.plot_widget, Qt.Key_Space)
    wait_snapshot(qtbot, w, lambda s: s.state == "paused")


def test_learning_rate_slider_is_logarithmic_and_applies_once_per_drag(qtbot, window):
    from workbench.controls import LR_TICKS, lr_to_tick, tick_to_lr

    assert tick_to_lr(0) == 1e-5 and tick_to_lr(LR_TICKS) == 10.0
    assert lr_to_tick(1e-2) == LR_TICKS // 2
    changes = []
    window.controls.settingsChanged.connect(changes.append)
    slider = window.controls.lr_slider
    slider.setSliderDown(True)
    for tick in (100, 200, 300):
        slider.setSliderPosition(tick)  # dragging: the box follows, nothing applies yet
    assert window.controls.lr_spin.value() == tick_to_lr(300) and not changes
    slider.setSliderDown(False)  # released
    assert changes == [{"learning_rate": tick_to_lr(300)}]
