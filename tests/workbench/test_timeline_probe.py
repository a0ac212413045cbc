"""The runs probe in the worker core, without Qt: the timeline records at every N-th update with
the dock closed, reads only (bit-identical training), going back and resuming truncates it;
kept runs (compare, fork) are bounded in number."""

from __future__ import annotations

import numpy as np
import pytest

from engine.core.errors import ConfigurationError
from engine.runs.comparison import Comparison
from workbench.runs.probe import MAX_KEPT, ComparisonProbe
from workbench.session import Session
from workbench.worker import commands as c
from workbench.worker.core import TrainingCore


def _core(every=5):
    probe = ComparisonProbe()
    probe.set_spacing(every)
    return TrainingCore(Session().build(), probes=[probe]), probe


def test_timeline_records_every_n_updates_with_the_dock_closed_and_reads_only():
    core, probe = _core(every=5)
    for _ in range(12):
        core.handle(c.Step())
    assert [cp.iteration for cp in probe.timeline.checkpoints] == [5, 10]
    assert np.array_equal(probe.timeline.at(7).parameters, _trained(5))
    assert np.array_equal(core.run.network.parameters, _trained(12))  # the hook changed nothing
    for _ in range(4):  # by phases: a checkpoint only between iterations
        core.handle(c.StepPhase())
    assert [cp.iteration for cp in probe.timeline.checkpoints] == [5, 10]


def _trained(steps):
    run = Session().build()
    run.trainer.run(steps=steps)
    return run.network.parameters


def test_timeline_go_back_then_training_on_forgets_what_came_after():
    core, probe = _core(every=5)
    for _ in range(17):
        core.handle(c.Step())
    assert probe.go_back(core.run, 40) is None  # ahead of the run: nothing to go back to
    child = probe.go_back(core.run, 11)
    assert child.trainer.iteration == 10 and probe.latest.trainer.iteration == 17
    core.handle(c.Load(child))
    assert [cp.iteration for cp in probe.timeline.checkpoints] == [5, 10, 15]  # still there to go forward
    forward = probe.go_back(core.run, 15)  # forward again: the history up to 15 is the run's before going back
    assert forward.trainer.iteration == 15 and np.array_equal(forward.trainer.history.step, np.arange(1, 16))
    assert len(child.trainer.history) == 10
    child = probe.go_back(core.run, 10)
    core.handle(c.Load(child))
    core.handle(c.Step())
    assert [cp.iteration for cp in probe.timeline.checkpoints] == [5, 10] and probe.latest is None
    assert np.array_equal(core.run.network.parameters, _trained(11))  # resumed bit for bit


def test_timeline_another_run_starts_afresh():
    core, probe = _core(every=5)
    for _ in range(6):
        core.handle(c.Step())
    core.handle(c.Load(Session().build()))
    core.handle(c.Step())
    assert probe.timeline.checkpoints == []


def test_compare_and_fork_kept_runs_are_bounded():
    core, probe = _core()
    experiment = Session().experiment
    comparison = Comparison.of(experiment, "training.optimizer.learning_rate", [0.01 * (i + 1) for i in range(MAX_KEPT)])
    probe.add(comparison, list(range(1, MAX_KEPT + 1)))
    with pytest.raises(ConfigurationError, match="at most"):
        probe.fork(core.run, 99, "one too many")
    probe.delete([1])
    probe.fork(core.run, 99, "fork at t = 0")
    assert len(probe.kept) == MAX_KEPT and probe.kept[-1].label == "fork at t = 0"


def test_kept_runs_catch_up_in_chunks_with_the_workers_yield_point_between():
    """A kept run catching up calls the worker's yield point (it waits there while the GUI draws)
    after every CHUNK updates, and still reaches the current run's iteration."""
    from workbench.runs.probe import CHUNK

    yields = []
    probe = ComparisonProbe()
    core = TrainingCore(Session().build(), yield_point=lambda: yields.append(core.run.trainer.iteration), probes=[probe])
    comparison = Comparison.of(Session().experiment, "training.divergence", ["l2", "bce"])
    probe.add(comparison, [1, 2])
    core.run.trainer.run(steps=3 * CHUNK + 7)
    probe.compute(core.run.trainer, paused=True)
    assert [k.run.trainer.iteration for k in probe.kept] == [3 * CHUNK + 7] * 2
    assert len(yields) == 2 * 4  # 3 whole chunks and the rest, for each kept run
