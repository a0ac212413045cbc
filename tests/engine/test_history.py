"""The bounded training history: full resolution for recent rows, envelopes for older ones, streamed CSV."""

from __future__ import annotations

import csv
import json

import numpy as np

from engine import Network, Trainer
from engine.io.experiment import EXAMPLES_DIR
from engine.io.history_csv import save_history, stream_history
from engine.training.history import History, Series
from tests.engine.test_cli import cli


def _xor_trainer(sizes=(2, 1), acts=("sigmoid",), **kwargs):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    net = Network.create(list(sizes), list(acts), seed=1)
    return Trainer(net, x, np.array([0, 1, 1, 1]), divergence="bce", batch_size=2, **kwargs)


def test_network_without_hidden_layer_trains_and_records_one_gradient_norm():
    trainer = _xor_trainer()
    assert trainer.run(steps=10).kind == "steps"
    assert trainer.history.gradient_norms.shape == (10, 1) and np.all(trainer.history.gradient_norms > 0)
    assert trainer.history.evaluation("weight_norms").shape[1] == 1


def test_cli_trains_a_network_without_hidden_layer_for_zero_steps(tmp_path):
    experiment = json.loads((EXAMPLES_DIR / "default.json").read_text())
    experiment["network"] = {"sizes": [2, 1], "activations": ["sigmoid"]}
    experiment["training"]["divergence"] = "bce"
    (tmp_path / "e.json").write_text(json.dumps(experiment))
    r = cli("train", tmp_path / "e.json", "--steps", 0, "--out", "o", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader((tmp_path / "o" / "history.csv").open()))
    assert rows[0][-1] == "weight_norm_W1" and [r[0] for r in rows[1:]] == ["0"]


def test_old_rows_fold_into_min_mean_max_envelopes_and_memory_stays_bounded():
    series = Series(("step", "value"), recent=64, blocks=32)
    values = np.random.default_rng(0).normal(size=3000)
    for t, v in enumerate(values, 1):
        series.append_row()[:] = t, v
    assert len(series) == 3000 and series.recent.size <= 64 + 128 and series.envelopes.size <= 32
    x, low, mean, high = series.curve("step", "value")
    n_old = series.first_recent
    counts = series.envelopes.rows()[:, -1]
    assert counts.sum() == n_old
    edges = np.concatenate([[0], np.cumsum(counts)]).astype(int)
    for i in range(len(counts)):  # each block: exactly the min, mean and max of the rows it replaced
        block = values[edges[i]:edges[i + 1]]
        assert (low[i], high[i]) == (block.min(), block.max())
        assert np.isclose(mean[i], block.mean()) and np.isclose(x[i], np.arange(edges[i], edges[i + 1]).mean() + 1)
    np.testing.assert_array_equal(series.view("value"), values[n_old:])
    assert len(series.recent._data) == 1024  # the buffer did not grow past its first capacity


def test_stream_history_writes_every_iteration_although_the_history_folds(tmp_path):
    trainer = _xor_trainer((2, 3, 1), ("tanh", "sigmoid"), evaluate_every=7)
    trainer.history = History(2, recent=16)
    trainer.evaluate()
    losses = []
    with stream_history(tmp_path / "h.csv", trainer.history):
        for _ in range(200):
            trainer.step()
            losses.append(trainer.history.loss[-1])
    assert trainer.history.iterations.recent.size < 30
    rows = list(csv.reader((tmp_path / "h.csv").open()))[1:]
    assert [int(r[0]) for r in rows] == list(range(0, 201))
    assert [float(r[2]) for r in rows[1:]] == losses  # repr: exact round trip
    assert [int(r[0]) for r in rows if r[6]] == [0] + list(range(7, 201, 7))


def test_save_history_writes_the_rows_held(tmp_path):
    trainer = _xor_trainer()
    trainer.run(steps=5)
    save_history(tmp_path / "h.csv", trainer.history)
    rows = list(csv.reader((tmp_path / "h.csv").open()))
    assert len(rows) == 6 and float(rows[5][4]) == trainer.history.gradient_norms[-1, 0]
