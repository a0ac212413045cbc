"""The worker's command handling, driven synchronously (no thread), and determinism."""

from __future__ import annotations

import numpy as np
import pytest

from engine.training.trainer import Phase
from workbench.session import Session
from workbench.worker import TrainingCore, TrainingWorker
from workbench.worker import commands as c


def headless(iterations: int, changes_at: dict | None = None):
    run = Session().build()
    for t in range(iterations):
        if changes_at and t in changes_at:
            run.trainer.configure(**changes_at[t])
        assert run.trainer.step()
    return run


def test_commands_drive_the_core_synchronously():
    core = TrainingCore(Session().build())
    core.handle(c.Step())
    core.handle(c.Step())
    snap = core.latest()
    assert snap.iteration == 2 and snap.state == "paused"
    assert snap.iterations.start == 0 and snap.iterations.end == 2
    core.handle(c.StepPhase())
    snap = core.latest()
    assert snap.mid_iteration and snap.next_phase == Phase("forward", 2)
    assert snap.iterations.start == 2  # rows the GUI took are not sent again
    core.handle(c.Start())
    core.work(0.02)
    assert core.run.trainer.iteration > 3


def test_snapshot_is_a_copy():
    core = TrainingCore(Session().build())
    core.handle(c.Step())
    snap = core.latest()
    snap.parameters[:] = 0.0
    snap.iterations.columns["loss"][:] = 0.0
    assert np.any(core.run.network.parameters != 0.0)
    assert core.run.trainer.history.loss[0] != 0.0


def test_bad_setting_is_reported_not_raised():
    errors = []
    core = TrainingCore(Session().build(), on_error=errors.append)
    core.handle(c.Configure({"batch_size": 0}))
    assert errors and "batch_size" in errors[0]


def test_speed_cap_limits_iterations():
    core = TrainingCore(Session().build())
    core.handle(c.SetSpeed(1.0))
    core.handle(c.Start())
    wait = core.work(0.05)
    assert core.run.trainer.iteration == 1  # one due now, the next in a second
    assert 0.5 < wait <= 1.0


def test_pauses_steps_and_phases_equal_headless_bit_for_bit():
    core = TrainingCore(Session().build())
    core.handle(c.Start())
    core.work(0.01)
    core.handle(c.Pause())
    for _ in range(3):
        core.handle(c.StepPhase())
    core.handle(c.Step())  # finishes the iteration begun by the phases
    core.handle(c.Step())
    core.handle(c.Configure({"learning_rate": 0.003}))
    changed_at = core.run.trainer.iteration
    core.handle(c.Start())
    core.work(0.01)
    core.handle(c.Pause())
    for _ in range(11):  # more than one whole iteration, ending mid-way
        core.handle(c.StepPhase())
    core.handle(c.Step())
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

        worker.send(c.Start())
        wait_for(lambda s: s.iteration > 200)
        worker.send(c.Pause())
        paused = wait_for(lambda s: s.state == "paused")
        worker.send(c.StepPhase())
        worker.send(c.StepPhase())
        worker.send(c.Step())  # finishes the iteration the phases began
        worker.send(c.Step())
        wait_for(lambda s: s.iteration == paused.iteration + 2 and s.state == "paused" and not s.mid_iteration)
        worker.send(c.Start())
        wait_for(lambda s: s.iteration > 500)
        worker.send(c.Pause())
        worker.send(c.StepPhase())
        mid = wait_for(lambda s: s.state == "paused" and s.mid_iteration)
        assert mid.next_phase == Phase("forward", 2)
        worker.send(c.Step())
        final = wait_for(lambda s: s.state == "paused" and not s.mid_iteration)
    finally:
        assert worker.stop(1000)
    ref = headless(final.iteration)
    assert np.array_equal(final.parameters, ref.network.parameters)


def test_unknown_command_raises():
    with pytest.raises(ValueError):
        TrainingCore(Session().build()).handle("run")  # commands are typed records, not strings


class CountingProbe:
    """A probe that reads the whole trainer state, with a long part in chunks."""

    name = "count"
    interval = 0.0

    def __init__(self, chunks: int = 3):
        self.chunks = chunks
        self.started = self.finished = 0

    def compute(self, trainer, paused):
        self.started += 1
        theta = trainer.network.parameters.copy()  # the first chunk: copies, at the snapshot moment
        trainer.metrics(trainer.x, trainer.d, trainer.targets)  # reads the trainer (no random draws)
        yield
        total = 0.0
        for _ in range(self.chunks):
            total += float(np.sum(theta ** 2))
            yield
        self.finished += 1
        return (trainer.iteration if paused else None, total / self.chunks)


def test_probes_on_keep_training_bit_identical():
    from workbench.panels.inspector import InspectorProbe

    probe = CountingProbe()
    core = TrainingCore(Session().build(), probes=[InspectorProbe(), probe])
    core.probes.want("inspector", True)
    core.handle(c.WantProbe("count", True))
    core.handle(c.Step())
    core.handle(c.StepPhase())
    core.handle(c.Start())
    while core.run.trainer.iteration < 60:
        core.work(budget=0.002)
        core.publish(force=True)
    core.handle(c.Pause())
    while core.probes.pending:
        core.work_probes()
    final = core.run.trainer
    ref = headless(final.iteration).trainer
    if final.mid_iteration:
        pytest.fail("paused mid-iteration")
    assert np.array_equal(final.network.parameters, ref.network.parameters)
    assert final._rng.bit_generator.state == ref._rng.bit_generator.state
    assert probe.started > 2 and probe.finished >= 1
    snap = core.latest()
    assert snap.probes["count"][1] == pytest.approx(float(np.sum(final.network.parameters ** 2)))
    assert snap.probes["inspector"].iteration == final.iteration


def test_generator_probe_is_time_sliced_while_paused():
    probe = CountingProbe(chunks=5)
    core = TrainingCore(Session().build(), probes=[probe])
    core.handle(c.WantProbe("count", True))
    assert core.probes.pending and "count" not in core.latest().probes  # only the first chunk ran
    core.work_probes(budget=0.0)  # a zero slice runs one chunk
    slices = 1
    while core.probes.pending:
        core.work_probes(budget=0.0)
        slices += 1
    assert slices >= 5
    assert core.latest().probes["count"][0] == 0


def test_unwanted_probe_is_not_computed():
    probe = CountingProbe()
    core = TrainingCore(Session().build(), probes=[probe])
    core.handle(c.Step())
    assert probe.started == 0 and dict(core.latest().probes) == {}

