"""Resume: a saved state continues bit for bit; a state of another network is refused."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from engine import Network, Trainer, optimizers
from engine.cli import main
from engine.core.errors import ConfigurationError
from engine.core.schedules import Schedule
from engine.training.state import capture, restore

ROOT = Path(__file__).resolve().parents[2]
EXPERIMENTS = ROOT / "resources" / "experiments"


def _experiment(tmp_path: Path) -> Path:
    """The default experiment with Adam, shuffled mini-batches and a step schedule."""
    doc = json.loads((EXPERIMENTS / "default.json").read_text())
    doc["training"].update(optimizer={"name": "adam", "learning_rate": 0.01}, batch_size=16, shuffle=True,
                           schedule={"name": "step", "gamma": 0.5, "step_size": 30}, evaluate_every=25)
    path = tmp_path / "adam.json"
    path.write_text(json.dumps(doc))
    return path


def _weights(path: Path) -> dict:
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _iteration_rows(path: Path) -> list[tuple]:
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return [(r["step"], r["epoch"], r["loss"], r["learning_rate"]) for r in rows if r["loss"]]


def test_resume_100_plus_100_equals_200_uninterrupted(tmp_path):
    exp = _experiment(tmp_path)
    quiet = ["--quiet"]
    assert main(["train", str(exp), "--steps", "100", "--out", str(tmp_path / "a")] + quiet) == 0
    assert main(["train", str(exp), "--resume", str(tmp_path / "a"), "--steps", "100", "--out", str(tmp_path / "b")]
                + quiet) == 0
    assert main(["train", str(exp), "--steps", "200", "--out", str(tmp_path / "c")] + quiet) == 0
    resumed, straight = _weights(tmp_path / "b" / "weights.npz"), _weights(tmp_path / "c" / "weights.npz")
    assert all(np.array_equal(resumed[k], straight[k]) for k in straight)
    rows = _iteration_rows(tmp_path / "b" / "history.csv")
    assert [int(r[0]) for r in rows] == list(range(1, 201))  # the step numbering continues
    assert rows == _iteration_rows(tmp_path / "c" / "history.csv")  # loss and η (schedule) identical


def test_resume_in_place_defaults_to_the_same_directory(tmp_path):
    exp = _experiment(tmp_path)
    assert main(["train", str(exp), "--steps", "30", "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main(["train", str(exp), "--resume", str(tmp_path / "a"), "--steps", "20", "--quiet"]) == 0
    assert [int(r[0]) for r in _iteration_rows(tmp_path / "a" / "history.csv")][-1] == 50


def test_resume_refuses_a_state_of_another_network(tmp_path, capsys):
    assert main(["train", str(EXPERIMENTS / "xor_tanh.json"), "--steps", "5", "--out", str(tmp_path / "x"),
                 "--quiet"]) == 0
    assert main(["train", str(EXPERIMENTS / "default.json"), "--resume", str(tmp_path / "x"), "--steps", "5",
                 "--out", str(tmp_path / "y")]) == 1
    err = capsys.readouterr().err.strip()
    assert "state.npz" in err and "network" in err and err.count("\n") == 0
    assert not (tmp_path / "y").exists()
    assert main(["train", str(EXPERIMENTS / "default.json"), "--resume", str(tmp_path / "missing")]) == 1
    assert "no such state file" in capsys.readouterr().err


def _trainer(seed=0) -> Trainer:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 2))
    labels = (x[:, 0] * x[:, 1] > 0).astype(int)
    net = Network.create([2, 6, 1], ["tanh", "sigmoid"], seed=seed)
    return Trainer(net, x, labels, divergence="bce", batch_size=7, optimizer=optimizers.RMSprop(learning_rate=0.01),
                   schedule=Schedule("exponential", decay=0.01), seed=seed)


def test_resume_state_restored_into_a_fresh_trainer_continues_identically():
    straight = _trainer()
    straight.run(steps=40)
    first = _trainer()
    first.run(steps=17)  # mid-epoch: the cursor and permutation matter
    state = capture(first)
    second = _trainer(seed=5)  # other initial weights and shuffling: all replaced by the state
    restore(second, state)
    second.run(steps=23)
    assert np.array_equal(second.network.parameters, straight.network.parameters)
    assert second.iteration == 40


def test_resume_capture_mid_iteration_is_refused():
    trainer = _trainer()
    trainer.advance()
    with pytest.raises(ConfigurationError, match="between iterations"):
        capture(trainer)
