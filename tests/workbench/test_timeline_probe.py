"""The runs probe in the worker core, without Qt: the timeline records at every N-th update with
the dock closed, reads only (bit-identical training), going back and resuming truncates it;
kept runs (compare, fork) are bounded in number."""

from __future__ import annotations

import time

import numpy as np
import pytest

from engine.core.errors import ConfigurationError
from engine.io.experiment import Experiment
from engine.io.experiment_keys import set_key
from engine.run import build
from engine.runs.comparison import Comparison
from engine.runs.run_view import block_means
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
    try:
        probe.add(comparison, list(range(1, MAX_KEPT + 1)))
        with pytest.raises(ConfigurationError, match="at most"):
            probe.fork(core.run, 99, "one too many")
        probe.delete([1])
        probe.fork(core.run, 99, "fork at t = 0")
        assert len(probe.kept) == MAX_KEPT and probe.kept[-1].label == "fork at t = 0"
    finally:
        probe.close()  # its process and the 8 runs in it end here, not when the suite does


def _headless(divergence: str, steps: int):
    doc = Session().experiment.to_dict()
    set_key(doc, "training.divergence", divergence)
    run = build(Experiment.from_dict(doc))
    run.trainer.run(steps=steps)
    return run


def test_kept_runs_train_in_their_own_process_bit_for_bit_and_catch_up_while_paused():
    """Siblings trained in the kept runs' process are exactly their headless runs; a paused
    computation waits until they reach the current run; closing ends the process."""
    probe = ComparisonProbe()
    core = TrainingCore(Session().build(), probes=[probe])
    try:
        probe.add(Comparison.of(Session().experiment, "training.divergence", ["l2", "bce"]), [1, 2])
        assert probe.process.alive
        core.run.trainer.run(steps=137)
        views, _, failure = probe.compute(core.run.trainer, paused=True)
        assert failure is None and [v.iteration for v in views] == [137] * 3
        for view, divergence, differs in zip(views[1:], ("l2", "bce"), ("divergence = l2", "same settings")):
            headless = _headless(divergence, 137)
            assert np.array_equal(view.parameters, headless.network.parameters)
            assert np.array_equal(view.loss, block_means(headless.trainer.history.loss))
            assert view.differs == differs and view.data is not None  # the current run is the bce one
    finally:
        core.probes.close()
    assert not probe.process.alive


def test_while_training_the_probe_never_waits_for_the_kept_runs():
    """Running, a computation takes the views the process has sent so far (the runs catch up meanwhile)."""
    probe = ComparisonProbe()
    core = TrainingCore(Session().build(), probes=[probe])
    try:
        probe.add(Comparison.of(Session().experiment, "training.divergence", ["l2", "bce"]), [1, 2])
        core.run.trainer.run(steps=2000)
        views, _, _ = probe.compute(core.run.trainer, paused=False)
        assert [v.iteration for v in views[1:]] == [0, 0]  # the reply to the add: nothing waited for
        deadline = time.monotonic() + 30
        while views[1].iteration < 2000 and time.monotonic() < deadline:
            views, _, _ = probe.compute(core.run.trainer, paused=False)
        assert views[1].iteration == 2000
        assert np.array_equal(views[1].parameters, _headless("l2", 2000).network.parameters)
    finally:
        probe.close()


def test_kept_runs_lost_with_their_process_are_said_once_and_forgotten():
    probe = ComparisonProbe()
    core = TrainingCore(Session().build(), probes=[probe])
    probe.fork(core.run, 1, "fork at t = 0")
    probe.process._process.kill()
    probe.process._process.join()
    views, _, failure = probe.compute(core.run.trainer, paused=True)
    assert views == () and "has ended" in failure and probe.kept == [] and not probe.busy
    assert probe.compute(core.run.trainer, paused=True)[2] is None  # said once
    probe.fork(core.run, 2, "fork at t = 0")  # a new fork starts a new process
    assert probe.process.alive and len(probe.compute(core.run.trainer, paused=True)[0]) == 2
    probe.close()


def test_a_comparison_is_kept_whole_or_not_at_all():
    """One sibling refused (here: by the kept runs' process) leaves none of that comparison kept."""
    probe = ComparisonProbe()
    core = TrainingCore(Session().build(), probes=[probe])
    try:
        probe.fork(core.run, 1, "fork at t = 0")
        comparison = Comparison.of(Session().experiment, "training.divergence", ["l2", "bce"])
        real_add, calls = probe.process.add, []

        def add(uid, *args):
            calls.append(uid)
            if len(calls) == 2:
                raise ConfigurationError("refused")
            real_add(uid, *args)

        probe.process.add = add
        with pytest.raises(ConfigurationError, match="refused"):
            probe.add(comparison, [2, 3])
        assert calls == [2, 3] and [k.uid for k in probe.kept] == [1]
        views, _, _ = probe.compute(core.run.trainer, paused=True)
        assert [v.uid for v in views[1:]] == [1]
    finally:
        probe.close()
