"""The Runs dock's Fork and timeline: exact state kept as a new run; back to a checkpoint, resume, fork there."""

from __future__ import annotations

import numpy as np

from engine.run import build
from tests.workbench.gui_support import wait_snapshot


def _steps(qtbot, w, n):
    start = wait_snapshot(qtbot, w, lambda s: True).iteration
    for _ in range(n):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == start + n)


def _headless(window, steps: int, experiment=None) -> np.ndarray:
    run = build(experiment or window.session.experiment)
    run.trainer.run(steps=steps)
    return run.network.parameters.copy()


def _open(window):
    panel = window.panels["RunsDock"]
    panel.dock.show()
    panel.dock.raise_()
    return panel


def test_fork_keeps_the_exact_state_and_trains_beside_the_run(qtbot, window):
    panel = _open(window)
    _steps(qtbot, window, 12)
    assert panel.fork()
    qtbot.waitUntil(lambda: len(panel.runs.views) == 2, timeout=10_000)
    fork = panel.runs.views[1]
    assert fork.label == "fork at t = 12" and fork.iteration == 12
    assert np.array_equal(fork.parameters, _headless(window, 12))
    original = window.session.experiment
    window.change_settings({"learning_rate": 0.9})  # the current run parts from the fork
    _steps(qtbot, window, 10)
    qtbot.waitUntil(lambda: [v.iteration for v in panel.runs.views] == [22, 22], timeout=10_000)
    current, fork = panel.runs.views
    assert np.array_equal(fork.parameters, _headless(window, 22, original))  # as if never forked
    assert fork.differs == "learning_rate = 0.1" and panel.runs.table.item(1, 1).text() == fork.differs
    assert not np.array_equal(current.parameters, fork.parameters)


def test_fork_with_adam_continues_bit_for_bit_beside_the_run(qtbot, window):
    panel = _open(window)
    window.change_settings({"optimizer": "adam", "learning_rate": 0.01})
    _steps(qtbot, window, 7)
    assert panel.fork()  # θ, Adam's moments and step count, the batch order and cursor
    _steps(qtbot, window, 9)
    qtbot.waitUntil(lambda: [v.iteration for v in panel.runs.views] == [16, 16], timeout=10_000)
    current, fork = panel.runs.views
    assert np.array_equal(current.parameters, fork.parameters)
    assert np.array_equal(fork.parameters, _headless(window, 16))


def test_fork_mid_iteration_is_refused_with_the_reason(qtbot, window):
    panel = _open(window)
    wait_snapshot(qtbot, window, lambda s: True)
    window.step_phase()
    wait_snapshot(qtbot, window, lambda s: s.mid_iteration)
    assert not panel.fork()
    assert "Cannot fork" in window.banner.label.text() and "iteration" in window.banner.label.text()


def test_timeline_go_back_shows_the_checkpoint_then_resume_and_fork_from_there(qtbot, window):
    panel = _open(window)
    wait_snapshot(qtbot, window, lambda s: True)
    panel.set_spacing(10)
    _steps(qtbot, window, 35)
    bar = panel.runs.timeline
    qtbot.waitUntil(lambda: bar.positions[-3:] == [20, 30, 35], timeout=10_000)
    assert "MiB of 64.0 MiB" in bar.info.text() and bar.slider.isEnabled()  # the bound is shown
    # back to the checkpoint at 20: boundary, weights and inspector as they were
    assert bar.positions.index(20) >= 1
    bar.seek_index(bar.positions.index(20))
    theta20 = _headless(window, 20)
    wait_snapshot(qtbot, window, lambda s: s.iteration == 20 and np.array_equal(s.parameters, theta20))
    qtbot.waitUntil(lambda: np.array_equal(window.decision._drawn_params, theta20), timeout=10_000)
    qtbot.waitUntil(lambda: window.inspector.state is not None and window.inspector.state.iteration == 20
                    and np.array_equal(window.inspector.state.network.parameters, theta20), timeout=10_000)
    assert max(window.history.iterations.view("step")) == 20  # the curves as they were too
    qtbot.waitUntil(lambda: bar.positions[-1] == 35 and "latest 35" in bar.info.text(), timeout=10_000)
    # forward again to the latest state, then back and resume from 20: bit for bit as uninterrupted
    assert panel.go_back(None)
    wait_snapshot(qtbot, window, lambda s: s.iteration == 35 and np.array_equal(s.parameters, _headless(window, 35)))
    assert panel.go_back(25)  # the checkpoint at or before 25
    wait_snapshot(qtbot, window, lambda s: s.iteration == 20)
    _steps(qtbot, window, 15)
    wait_snapshot(qtbot, window, lambda s: np.array_equal(s.parameters, _headless(window, 35)))
    qtbot.waitUntil(lambda: "latest" not in bar.info.text(), timeout=10_000)  # trained on: the old latest is gone
    # fork from a checkpoint: the kept run starts there and trains in lockstep
    assert panel.go_back(10)
    wait_snapshot(qtbot, window, lambda s: s.iteration == 10)
    assert panel.fork()
    _steps(qtbot, window, 5)
    qtbot.waitUntil(lambda: [v.iteration for v in panel.runs.views] == [15, 15], timeout=10_000)
    assert panel.runs.views[1].label == "fork at t = 10"
    assert np.array_equal(panel.runs.views[1].parameters, _headless(window, 15))


def test_timeline_go_back_to_the_start_pauses_a_running_run(qtbot, window):
    panel = _open(window)
    wait_snapshot(qtbot, window, lambda s: s.iteration == 0)
    window.step_iteration()
    wait_snapshot(qtbot, window, lambda s: s.iteration == 1)
    assert panel.go_back(0)  # the checkpoint at t = 0 (kept while the dock was open)
    wait_snapshot(qtbot, window, lambda s: s.iteration == 0)
    window.run_training()
    wait_snapshot(qtbot, window, lambda s: s.state == "running" and s.iteration > 0)
    assert panel.go_back(0)
    wait_snapshot(qtbot, window, lambda s: s.state == "paused" and s.iteration == 0)
    assert np.array_equal(window.last_snapshot.parameters, _headless(window, 0))
