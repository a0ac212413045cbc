"""Kept runs: fork continues exactly; compare siblings from the same start in lockstep; the timeline stays bounded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.core.errors import ConfigurationError, ExperimentError
from engine.io.experiment import Experiment
from engine.run import build
from engine.runs.comparison import Comparison, preset_values, siblings
from engine.runs.fork import fork
from engine.runs.timeline import Timeline
from engine.training.state import restore

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "resources" / "experiments" / "default.json"
SPIRAL = ROOT / "resources" / "experiments" / "spiral_softmax.json"


def test_fork_continues_bit_for_bit_with_the_parent():
    parent = build(Experiment.load(DEFAULT))
    parent.trainer.run(steps=37)
    child = fork(parent)
    assert child.trainer.iteration == 37 and child.network is not parent.network
    assert len(child.trainer.history) == len(parent.trainer.history)
    parent.trainer.run(steps=50)
    child.trainer.run(steps=50)
    assert np.array_equal(parent.network.parameters, child.network.parameters)
    child.trainer.configure(learning_rate=0.5)  # from here on they differ, the parent untouched
    child.trainer.run(steps=5)
    assert not np.array_equal(parent.network.parameters, child.network.parameters)


def test_compare_l2_with_cross_entropy_from_the_same_start():
    experiment = Experiment.load(DEFAULT)
    key, values = preset_values("L2 vs cross-entropy", experiment, "binary")
    comparison = Comparison.of(experiment, key, values)
    assert comparison.same_start() and [r.trainer.divergence.name for r in comparison.runs] == ["l2", "bce"]
    comparison.step(40)
    assert [r.trainer.iteration for r in comparison.runs] == [40, 40]
    # the same mini-batch order: the inputs of the last batch are identical
    batches = [r.trainer.current[0].y[0] for r in comparison.runs]
    assert np.array_equal(batches[0], batches[1])
    for i in range(2):
        assert comparison.normalised_loss(i).shape == (40,)
    table = comparison.table(target_accuracy=0.0)
    assert [row["run"] for row in table] == ["divergence = l2", "divergence = bce"]
    assert all(row["iterations"] == 40 and row["status"] in ("ok", "plateau") for row in table)


def test_compare_multiclass_preset_uses_cross_entropy():
    experiment = Experiment.load(SPIRAL)
    assert preset_values("L2 vs cross-entropy", experiment, "multiclass")[1] == ("l2", "cross_entropy")
    with pytest.raises(ConfigurationError, match="classification"):
        preset_values("L2 vs cross-entropy", experiment, "regression")


def test_compare_refuses_a_bad_value_naming_the_key():
    with pytest.raises(ExperimentError, match="training.batch_size"):
        siblings(Experiment.load(DEFAULT), "training.batch_size", [10, 0])
    with pytest.raises(ConfigurationError, match="two values"):
        siblings(Experiment.load(DEFAULT), "training.batch_size", [10])


def test_timeline_stays_within_its_budget_and_goes_back():
    run = build(Experiment.load(DEFAULT))
    one = run.network.parameters.nbytes * 2 + 8 * len(run.trainer.x) + 2000  # θ, momentum-free SGD, order, meta
    timeline = Timeline(every=10, budget_bytes=8 * one)
    snapshots = {}
    for _ in range(100):
        run.trainer.run(steps=10)
        timeline.record(run.trainer)
        snapshots[run.trainer.iteration] = run.network.parameters.copy()
        assert timeline.nbytes <= timeline.budget_bytes
    assert timeline.every > 10 and 2 <= len(timeline.checkpoints) <= 8  # thinned, still spread out
    checkpoint = timeline.at(555)
    assert checkpoint.iteration <= 555 and np.array_equal(checkpoint.parameters, snapshots[checkpoint.iteration])
    restore(run.trainer, checkpoint.state)  # resume from there
    assert run.trainer.iteration == checkpoint.iteration
    run.trainer.run(steps=10)
    assert np.array_equal(run.network.parameters, snapshots[checkpoint.iteration + 10])


def test_fork_from_a_timeline_checkpoint_continues_as_the_run_did_then():
    run = build(Experiment.load(DEFAULT))
    timeline = Timeline(every=20)
    snapshots, losses = {}, {}
    for _ in range(10):
        run.trainer.run(steps=10)
        timeline.record(run.trainer)
        snapshots[run.trainer.iteration] = run.network.parameters.copy()
        losses[run.trainer.iteration] = run.trainer.history.loss.copy()
    checkpoint = timeline.at(45)
    assert checkpoint.iteration == 40
    child = fork(run, checkpoint)
    assert child.trainer.iteration == 40 and len(child.trainer.history) == 40
    assert np.array_equal(child.trainer.history.loss, losses[40])  # the history as it was then
    child.trainer.run(steps=30)
    assert np.array_equal(child.network.parameters, snapshots[70])  # bit for bit as the run did
    assert np.array_equal(child.trainer.history.step, np.arange(1, 71))
    assert run.trainer.iteration == 100  # the run itself untouched


def test_timeline_clear_and_spacing():
    run = build(Experiment.load(DEFAULT))
    timeline = Timeline(every=5)
    run.trainer.run(steps=5)
    assert timeline.record(run.trainer)
    timeline.set_spacing(7)
    run.trainer.run(steps=5)
    assert not timeline.record(run.trainer)  # 10 is no multiple of 7
    timeline.clear()
    assert timeline.checkpoints == [] and timeline.every == 7


def test_history_truncated_after_a_step_also_in_envelopes():
    from engine.training.history import Series
    s = Series(("step", "loss"), recent=8, blocks=64)
    for t in range(1, 101):
        s.append_row()[:] = (t, float(t))
    s.truncate_after(95)
    assert s.count == 95 and s.view("step")[-1] == 95
    s.truncate_after(10)  # inside the envelopes: whole blocks up to 10 stay
    x, low, mean, high = s.curve("step", "loss")
    assert len(x) and high.max() <= 10 and s.count == len(s.recent) + s.envelopes.rows()[:, -1].sum()


def test_compare_iterations_to_target_from_arrays():
    from engine.training.outcome import first_reaching
    steps = np.array([0, 10, 20, 30])
    accuracy = np.array([0.5, 0.7, 0.96, 0.9])
    assert first_reaching(steps, accuracy, 0.95) == 20
    assert first_reaching(steps, accuracy, 0.6) == 10
    assert first_reaching(steps, accuracy, 0.99) is None
    assert first_reaching(steps, np.full(4, np.nan), 0.5) is None  # regression: no accuracy


def test_compare_differences_name_the_settings_that_differ():
    from engine.runs.comparison import differences, settings_of
    comparison = Comparison.of(Experiment.load(DEFAULT), "training.divergence", ("l2", "bce"))
    a, b = (settings_of(r.trainer) for r in comparison.runs)
    assert differences(a, b) == ["divergence = l2"] and differences(a, a) == []
    comparison.runs[0].trainer.configure(learning_rate=0.5)
    assert "learning_rate = 0.5" in differences(settings_of(comparison.runs[0].trainer), b)
