"""The bounded training history: full resolution for recent rows, envelopes for older ones, streamed CSV."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from engine import Network, Trainer
from engine.io.experiment import EXAMPLES_DIR
from engine.io.history_csv import (
    HistoryWriter,
    _merge_plan_in_order,
    format_floats,
    history_columns,
    merge_plan,
    read_curve,
    save_history,
    stream_history,
)
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


# -- the block-at-a-time CSV writer against the row-by-row merge it replaced -----------------------
def _cell(value) -> str:
    value = float(value)
    return "" if np.isnan(value) else repr(value)


class _RowByRowWriter:
    """The reference: each row merged and each cell formatted in Python, one at a time."""

    def __init__(self, file, n_layers):
        self.writer = csv.writer(file, lineterminator="\n")
        self.writer.writerow(history_columns(n_layers))
        self.pending, self.blank_iteration, self.blank_evaluation = [], [""] * (2 + n_layers), [""] * (4 + n_layers)

    def take(self, kind, rows):
        if kind == "evaluations":
            self.pending += [(int(r[0]), r[1], [_cell(v) for v in r[2:]]) for r in rows.tolist()]
            return
        for r in rows.tolist():
            while self.pending and self.pending[0][0] < int(r[0]):
                self.writer.writerow(self._alone(*self.pending.pop(0)))
            same = self.pending and self.pending[0][0] == int(r[0])
            cells = self.pending.pop(0)[2] if same else self.blank_evaluation
            self.writer.writerow([str(int(r[0]))] + [_cell(v) for v in r[1:]] + cells)

    def _alone(self, step, epoch, cells):
        return [str(step), _cell(epoch)] + self.blank_iteration + cells

    def finish(self):
        self.writer.writerows(self._alone(*p) for p in self.pending)


def _awkward_rows(rng, steps, width):
    """Rows at `steps` with values of every magnitude, NaN, −0.0, subnormals and infinities."""
    rows = rng.normal(size=(len(steps), width)) * 10.0 ** rng.integers(-300, 300, size=(len(steps), width))
    special = np.array([np.nan, -0.0, 0.0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, np.inf, 0.1])
    mask = rng.random(rows.shape) < 0.3
    rows[mask] = rng.choice(special, size=mask.sum())
    rows[:, 0] = steps
    return rows


@pytest.mark.parametrize("order", ["increasing", "repeated", "shuffled"])
def test_history_writer_writes_what_the_row_by_row_merge_wrote(order):
    rng, n_layers = np.random.default_rng(7), 2
    for _ in range(300):
        calls = []
        for _ in range(rng.integers(1, 6)):
            kind = "evaluations" if rng.random() < 0.5 else "iterations"
            steps = rng.integers(0, 25, size=rng.integers(0, 8))
            steps = {"increasing": np.unique(steps), "repeated": np.sort(steps), "shuffled": steps}[order]
            calls.append((kind, _awkward_rows(rng, steps, (6 if kind == "evaluations" else 4) + n_layers)))
        texts = []
        for writer_class in (HistoryWriter, _RowByRowWriter):
            f = io.StringIO()
            writer = writer_class(f, n_layers)
            for kind, rows in calls:
                writer.take(kind, rows.copy())
            writer.finish()
            texts.append(f.getvalue())
        assert texts[0] == texts[1]


def test_history_merge_plan_in_one_pass_agrees_with_the_row_by_row_plan():
    rng = np.random.default_rng(3)
    for _ in range(2000):
        s = np.sort(rng.integers(0, 12, size=rng.integers(0, 10))).astype(float)
        e = np.sort(rng.integers(0, 12, size=rng.integers(0, 10))).astype(float)
        fast, slow = merge_plan(s, e), _merge_plan_in_order(s.tolist(), e.tolist())
        assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1]) and fast[2] == slow[2]


def test_history_floats_read_back_bit_for_bit():
    rng = np.random.default_rng(11)
    values = rng.integers(0, 2**64 - 1, size=20000, dtype=np.uint64).view(np.float64)
    values = np.concatenate([values[np.isfinite(values)], [-0.0, 0.0, 5e-324, 1e16, 1e-5, np.inf, -np.inf]])
    texts = format_floats(values)
    assert np.array_equal(np.array([float(t) for t in texts]).view(np.uint64), values.view(np.uint64))
    assert format_floats(np.array([np.nan, 0.1, np.nan, 0.1])) == ["", "0.1", "", "0.1"]
    assert format_floats(np.array([])) == [] and format_floats(np.array([np.nan])) == [""]
    runs = np.repeat([0.5, -0.0, 0.0, np.nan, 0.5], [3, 1, 2, 2, 1])  # runs of equal values, −0.0 apart
    assert format_floats(runs) == ["0.5"] * 3 + ["-0.0"] + ["0.0"] * 2 + [""] * 2 + ["0.5"]


def test_streamed_history_reads_back_bit_for_bit(tmp_path):
    trainer = _xor_trainer((2, 3, 1), ("tanh", "sigmoid"), evaluate_every=5)
    trainer.history = History(2, recent=16)  # folds while streaming
    trainer.evaluate()
    with stream_history(tmp_path / "h.csv", trainer.history):
        kept = {"loss": [], "train_loss": []}
        for _ in range(120):
            trainer.step()
            kept["loss"].append(trainer.history.loss[-1])
            if trainer.iteration % 5 == 0:
                kept["train_loss"].append(trainer.history.evaluation("train_loss")[-1])
    for column, values in kept.items():
        steps, read = read_curve(tmp_path / "h.csv", column)
        values = np.array(values)
        assert read.view(np.uint64)[-len(values):].tolist() == values.view(np.uint64).tolist()
    steps, _ = read_curve(tmp_path / "h.csv", "grad_norm_W2")
    assert steps.tolist() == list(range(1, 121))
