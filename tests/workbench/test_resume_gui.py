"""Saving is saving (the trained-state sidecar), Load weights…, and continuing after a divergence."""

from __future__ import annotations

import numpy as np

from engine.core.network import Network
from engine.io.experiment import Experiment, default_experiment
from engine.io.weights import save_weights
from engine.run import build
from engine.training.outcome import outcome
from tests.workbench.gui_support import make_window, wait_snapshot
from workbench import trained_state
from workbench.session import Session


def _steps(qtbot, w, n: int) -> None:
    start = wait_snapshot(qtbot, w, lambda s: True).iteration
    for _ in range(n):
        w.step_iteration()
    wait_snapshot(qtbot, w, lambda s: s.iteration == start + n)


def _session(tmp_path, **training) -> Session:
    doc = default_experiment().to_dict()
    doc["training"].update(training)
    path = tmp_path / "start.json"
    Experiment.from_dict(doc).save(path)
    return Session.open(path)


def test_resume_save_reopen_continues_bit_for_bit(qtbot, settings, tmp_path):
    w = make_window(qtbot, settings, _session(tmp_path, optimizer={"name": "adam", "learning_rate": 0.01},
                                               batch_size=16, evaluate_every=5))
    wait_snapshot(qtbot, w, lambda s: s.iteration == 0)
    _steps(qtbot, w, 17)
    assert trained_state.unsaved_training(w) == 17  # part of the unsaved-changes prompt
    path = tmp_path / "trained.json"
    assert w.save_to(str(path))
    assert trained_state.sidecar_path(path).exists() and trained_state.unsaved_training(w) is None

    again = make_window(qtbot, settings, Session.open(path))
    wait_snapshot(qtbot, again, lambda s: s.iteration == 17)
    assert again.history.iterations.size == 17  # the curves continue
    _steps(qtbot, again, 13)
    reopened = again.worker.call(lambda run: run.network.parameters.copy())
    headless = build(Experiment.load(path))
    headless.trainer.run(steps=30)
    assert np.array_equal(reopened, headless.network.parameters)
    assert np.array_equal(again.worker.call(lambda run: run.trainer.history.loss.copy()), headless.trainer.history.loss)


def test_resume_saving_an_untrained_run_removes_a_stale_sidecar(qtbot, window, tmp_path):
    path = tmp_path / "e.json"
    trained_state.sidecar_path(path).write_bytes(b"stale")
    wait_snapshot(qtbot, window, lambda s: s.iteration == 0)
    assert window.save_to(str(path))
    assert not trained_state.sidecar_path(path).exists()


def test_resume_load_weights_checks_the_network(qtbot, window, tmp_path):
    wait_snapshot(qtbot, window, lambda s: s.iteration == 0)
    other = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=1)
    save_weights(tmp_path / "other.npz", other)
    assert not trained_state.load_weights_from(window, tmp_path / "other.npz")
    assert "layer" in window.banner.label.text() or "layers" in window.banner.label.text()
    mine = window.worker.call(lambda run: run.network.copy())
    mine.parameters[:] = np.linspace(-1, 1, len(mine.parameters))
    save_weights(tmp_path / "mine.npz", mine)
    assert trained_state.load_weights_from(window, tmp_path / "mine.npz")
    assert np.array_equal(window.worker.call(lambda run: run.network.parameters.copy()), mine.parameters)


def _diverging_session(tmp_path) -> Session:
    doc = default_experiment().to_dict()
    doc["network"]["activations"] = ["identity", "identity", "sigmoid"]
    doc["training"]["optimizer"]["learning_rate"] = 10.0
    path = tmp_path / "diverging.json"
    Experiment.from_dict(doc).save(path)
    return Session.open(path)


def test_resume_after_divergence_run_continues_with_a_banner(qtbot, settings, tmp_path):
    w = make_window(qtbot, settings, _diverging_session(tmp_path))
    shown = []  # every banner message in order (a later notice, e.g. a plateau, may replace this one)
    show_message = w.banner.show_message
    w.banner.show_message = lambda text, kind="warning": (shown.append(text), show_message(text, kind))
    w.run_training()
    stuck = wait_snapshot(qtbot, w, lambda s: s.stopped_kind == "diverged").iteration
    w.change_settings({"learning_rate": 0.01})
    w.run_training()
    snap = wait_snapshot(qtbot, w, lambda s: s.iteration > stuck + 20)
    w.pause()
    assert np.all(np.isfinite(snap.parameters))
    assert any("Continuing with the new settings from the weights of iteration" in text for text in shown)


def test_resume_plateau_gets_a_plain_words_notice(qtbot, settings, tmp_path):
    # all-zero weights: a symmetric start where no hidden weight gets a gradient, so only the output
    # bias learns — the loss stays at ≈ ln 2 and the network answers the majority class (chance)
    doc = default_experiment().to_dict()
    doc["network"]["init"] = "zeros"
    doc["training"]["evaluate_every"] = 20
    path = tmp_path / "flat.json"
    Experiment.from_dict(doc).save(path)
    headless = build(Experiment.load(path))
    headless.trainer.run(steps=100)
    assert outcome(headless.trainer) == "plateau"  # the premise; the GUI must say so
    w = make_window(qtbot, settings, Session.open(path))
    _steps(qtbot, w, 100)
    qtbot.waitUntil(lambda: "stopped moving" in w.banner.label.text(), timeout=20_000)
