"""The worker's command handling, driven synchronously (no thread), and determinism."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.session import Session
from workbench.worker import Command, TrainingCore, TrainingWorker


def headless(iterations: int, changes_at: dict | None = None):
    run = Session().build()
    for t in range(iterations):
        if changes_at and t in changes_at:
            run.trainer.configure(**changes_at[t])
        assert run.trainer.step()
    return run


def test_commands_drive_the_core_synchronously():
    core = TrainingCore(Session().build())
    core.handle(Command("step"))
    core.handle(Command("step"))
    snap = core.latest()
    assert snap.iteration == 2 and snap.state == "paused"
    assert snap.iterations.start == 0 and snap.iterations.end == 2
    core.handle(Command("phase"))
    snap = core.latest()
    assert snap.mid_iteration and snap.next_phase == "forward layer 2"
    assert snap.iterations.start == 2  # rows the GUI took are not sent again
    core.handle(Command("run"))
    core.work(0.02)
    assert core.run.trainer.iteration > 3


def test_snapshot_is_a_copy():
    core = TrainingCore(Session().build())
    core.handle(Command("step"))
    snap = core.latest()
    snap.parameters[:] = 0.0
    snap.iterations.columns["loss"][:] = 0.0
    assert np.any(core.run.network.parameters != 0.0)
    assert core.run.trainer.history.loss[0] != 0.0


def test_bad_setting_is_reported_not_raised():
    errors = []
    core = TrainingCore(Session().build(), on_error=errors.append)
    core.handle(Command("configure", {"batch_size": 0}))
    assert errors and "batch_size" in errors[0]


def test_speed_cap_limits_iterations():
    core = TrainingCore(Session().build())
    core.handle(Command("speed", 1.0))
    core.handle(Command("run"))
    wait = core.work(0.05)
    assert core.run.trainer.iteration == 1  # one due now, the next in a second
    assert 0.5 < wait <= 1.0


def test_pauses_steps_and_phases_equal_headless_bit_for_bit():
    core = TrainingCore(Session().build())
    core.handle(Command("run"))
    core.work(0.01)
    core.handle(Command("pause"))
    for _ in range(3):
        core.handle(Command("phase"))
    core.handle(Command("step"))  # finishes the iteration begun by the phases
    core.handle(Command("step"))
    core.handle(Command("configure", {"learning_rate": 0.003}))
    changed_at = core.run.trainer.iteration
    core.handle(Command("run"))
    core.work(0.01)
    core.handle(Command("pause"))
    for _ in range(11):  # more than one whole iteration, ending mid-way
        core.handle(Command("phase"))
    core.handle(Command("step"))
    n = core.run.trainer.iteration
    ref = headless(n, {changed_at: {"learning_rate": 0.003}})
    assert np.array_equal(core.run.network.parameters, ref.network.parameters)
    assert np.array_equal(core.run.trainer.history.loss, ref.trainer.history.loss)


def test_gui_thread_run_equals_headless(qtbot):
    """The real thread: run, pause, step, phase-step, run again; then compare."""
    worker = TrainingWorker(Session().build())
    worker.start()
    try:
        def wait_for(pred):
            def ok():
                s = worker.latest()
                assert s is not None and pred(s)
            qtbot.waitUntil(ok, timeout=10_000)
            return worker.latest()

        worker.send("run")
        wait_for(lambda s: s.iteration > 200)
        worker.send("pause")
        paused = wait_for(lambda s: s.state == "paused")
        worker.send("phase")
        worker.send("phase")
        worker.send("step")  # finishes the iteration the phases began
        worker.send("step")
        wait_for(lambda s: s.iteration == paused.iteration + 2 and s.state == "paused" and not s.mid_iteration)
        worker.send("run")
        wait_for(lambda s: s.iteration > 500)
        worker.send("pause")
        worker.send("phase")
        mid = wait_for(lambda s: s.state == "paused" and s.mid_iteration)
        assert mid.next_phase == "forward layer 2"
        worker.send("step")
        final = wait_for(lambda s: s.state == "paused" and not s.mid_iteration)
    finally:
        assert worker.stop(1000)
    ref = headless(final.iteration)
    assert np.array_equal(final.parameters, ref.network.parameters)


@pytest.mark.parametrize("command", ["bogus"])
def test_unknown_command_raises(command):
    with pytest.raises(ValueError):
        TrainingCore(Session().build()).handle(Command(command))
