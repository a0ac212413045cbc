"""Resume with the history (the GUI's sidecar) and continue after a divergence (engine.training.recovery)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.core.errors import DataError
from engine.io.experiment import Experiment, default_experiment
from engine.io.state_file import load_state, save_state
from engine.run import build
from engine.training.outcome import is_plateau
from engine.training.recovery import Recovery


def _adam():
    doc = default_experiment().to_dict()
    doc["training"].update(optimizer={"name": "adam", "learning_rate": 0.01}, batch_size=16, evaluate_every=10)
    return Experiment.from_dict(doc)


def test_resume_with_history_continues_bit_for_bit_and_keeps_the_curves(tmp_path):
    uninterrupted = build(_adam())
    uninterrupted.trainer.run(steps=70)
    first = build(_adam())
    first.trainer.run(steps=40)
    save_state(tmp_path / "s.npz", first.trainer, with_history=True)
    second = build(_adam())
    load_state(tmp_path / "s.npz", second.trainer, with_history=True)
    assert np.array_equal(second.trainer.history.loss, first.trainer.history.loss)
    second.trainer.run(steps=30)
    assert np.array_equal(second.network.parameters, uninterrupted.network.parameters)
    for name in ("step", "loss", "gradient_norms"):
        assert np.array_equal(getattr(second.trainer.history, name), getattr(uninterrupted.trainer.history, name))
    assert np.array_equal(second.trainer.history.evaluation("train_loss"),
                          uninterrupted.trainer.history.evaluation("train_loss"))


def test_resume_refuses_a_damaged_history_before_changing_anything(tmp_path):
    run = build(_adam())
    run.trainer.run(steps=20)
    save_state(tmp_path / "s.npz", run.trainer, with_history=True)
    with np.load(tmp_path / "s.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["history_iterations_recent"] = arrays["history_iterations_recent"][:, :-1]  # a column short
    np.savez(tmp_path / "bad.npz", **arrays)
    fresh = build(_adam())
    before = fresh.network.parameters.copy()
    with pytest.raises(DataError, match="history"):
        load_state(tmp_path / "bad.npz", fresh.trainer, with_history=True)
    assert np.array_equal(fresh.network.parameters, before) and fresh.trainer.iteration == 0


def _diverging():
    doc = default_experiment().to_dict()
    doc["network"]["activations"] = ["identity", "identity", "sigmoid"]
    doc["training"]["optimizer"]["learning_rate"] = 10.0
    return build(Experiment.from_dict(doc))


def test_resume_after_divergence_goes_back_to_usable_weights():
    run = _diverging()
    tr, recovery = run.trainer, Recovery(every=5)
    recovery.record(tr)
    while tr.step():
        recovery.record(tr)
    assert tr.stopped.kind == "diverged"
    stuck = tr.iteration
    tr.configure(learning_rate=0.01)
    assert tr.run(steps=5) is not None and tr.stopped is not None  # lowering η alone does not help
    kept = recovery.continue_after_divergence(tr)
    assert kept is not None and kept.iteration < stuck
    assert np.array_equal(tr.network.parameters, kept.state["parameters"])
    assert tr.run(steps=50).kind == "steps" and np.isfinite(tr.history.loss[-1])
    assert tr.history.events[-1].name == "recovered_from"


def test_resume_recovery_does_nothing_without_a_divergence():
    run = build(_adam())
    recovery = Recovery()
    recovery.record(run.trainer)
    run.trainer.run(steps=10)
    before = run.network.parameters.copy()
    assert recovery.continue_after_divergence(run.trainer) is None
    assert np.array_equal(run.network.parameters, before)


def test_plateau_is_flat_loss_at_chance():
    flat, moving = np.array([0.7, 0.69, 0.6931, 0.6932, 0.6931]), np.array([0.7, 0.6, 0.5, 0.4, 0.3])
    assert is_plateau(flat, np.array([0.5] * 5), chance=0.5)
    assert not is_plateau(moving, np.array([0.5] * 5), chance=0.5)
    assert not is_plateau(flat, np.array([0.9] * 5), chance=0.5)
