"""Weights (.npz) and history (.csv) files."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from engine import Network
from engine.core.errors import DataError
from engine.io.experiment import Experiment
from engine.io.history_csv import history_columns, save_history
from engine.io.weights import load_weights, save_weights
from engine.run import build


def _net(sizes=(2, 8, 8, 1), acts=("tanh", "tanh", "sigmoid"), seed=3, dtype="float64"):
    return Network.create(list(sizes), list(acts), seed=seed, dtype=dtype)


def test_weights_round_trip_in_the_lecture_layout(tmp_path):
    net = _net()
    save_weights(tmp_path / "w.npz", net)
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert sorted(npz.files) == ["W1", "W2", "W3", "activations", "b1", "b2", "b3", "sizes"]
        assert [npz[f"W{k}"].shape for k in (1, 2, 3)] == [(2, 8), (8, 8), (8, 1)]
        assert npz["activations"].dtype.kind == "U" and list(npz["activations"]) == ["tanh", "tanh", "sigmoid"]
        assert npz["sizes"].dtype.kind == "i" and list(npz["sizes"]) == [2, 8, 8, 1]
        np.testing.assert_array_equal(npz["W2"], net.W[2])
    loaded = load_weights(tmp_path / "w.npz")
    assert loaded.sizes == net.sizes and loaded.activation_names == net.activation_names
    np.testing.assert_array_equal(loaded.parameters, net.parameters)


def test_float32_weights_stay_float32(tmp_path):
    net = _net(dtype="float32")
    save_weights(tmp_path / "w.npz", net)
    loaded = load_weights(tmp_path / "w.npz")
    assert loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded.parameters, net.parameters)


def test_loading_into_a_network_is_in_place(tmp_path):
    save_weights(tmp_path / "w.npz", _net(seed=1))
    target = _net(seed=2)
    vector, view = target.parameters, target.W[1]
    assert load_weights(tmp_path / "w.npz", target) is target
    assert target.parameters is vector and np.shares_memory(view, target.parameters)
    np.testing.assert_array_equal(target.parameters, _net(seed=1).parameters)


@pytest.mark.parametrize("sizes, acts, fragment", [
    ((2, 8, 4, 1), ("tanh", "tanh", "sigmoid"), "layer 2: the file has 8 units, the network has 4"),
    ((3, 8, 8, 1), ("tanh", "tanh", "sigmoid"), "layer 1"),
    ((2, 8, 1), ("tanh", "sigmoid"), "holds 3 layers"),
    ((2, 8, 8, 1), ("tanh", "relu", "sigmoid"), "layer 2: the file's activation is tanh"),
])
def test_a_different_network_is_refused_naming_the_layer(tmp_path, sizes, acts, fragment):
    save_weights(tmp_path / "w.npz", _net())
    target = _net(sizes, acts)
    before = target.parameters.copy()
    with pytest.raises(DataError, match=fragment):
        load_weights(tmp_path / "w.npz", target)
    np.testing.assert_array_equal(target.parameters, before)  # nothing half-loaded


def test_a_wrong_array_shape_is_refused_naming_the_layer(tmp_path):
    net = _net()
    arrays = {f"W{k}": net.W[k] for k in (1, 2, 3)} | {f"b{k}": net.b[k] for k in (1, 2, 3)}
    arrays["W2"] = np.zeros((8, 7))
    np.savez(tmp_path / "w.npz", sizes=np.array([2, 8, 8, 1]), activations=np.array(["tanh", "tanh", "sigmoid"]),
             **arrays)
    with pytest.raises(DataError, match=r"layer 2: W2 has shape \(8, 7\) in the file but the network needs \(8, 8\)"):
        load_weights(tmp_path / "w.npz", _net())


def test_pickled_and_foreign_files_are_refused(tmp_path):
    np.savez(tmp_path / "objects.npz", sizes=np.array([2, 1]), activations=np.array(["tanh"], dtype=object),
             W1=np.zeros((2, 1)), b1=np.zeros(1))
    with pytest.raises(DataError, match="objects.npz"):
        load_weights(tmp_path / "objects.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(DataError, match="text.npz"):
        load_weights(tmp_path / "text.npz")
    np.savez(tmp_path / "plain.npz", W1=np.zeros((2, 1)))
    with pytest.raises(DataError, match="sizes"):
        load_weights(tmp_path / "plain.npz")
    with pytest.raises(DataError, match="missing.npz"):
        load_weights(tmp_path / "missing.npz")


def test_failed_weights_save_keeps_the_old_file(tmp_path, monkeypatch):
    save_weights(tmp_path / "w.npz", _net(seed=1))
    before = (tmp_path / "w.npz").read_bytes()
    import engine.io.atomic

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(engine.io.atomic.os, "replace", fail)
    with pytest.raises(OSError):
        save_weights(tmp_path / "w.npz", _net(seed=2))
    monkeypatch.undo()
    assert (tmp_path / "w.npz").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


# -- history ------------------------------------------------------------------------------
EXPERIMENT = {"format": "backprop-workbench-experiment", "version": 1,
              "dataset": {"builtin": "xor", "samples": 40, "test_fraction": 0.25},
              "network": {"sizes": [2, 4, 1], "activations": ["tanh", "sigmoid"]},
              "training": {"divergence": "bce", "batch_size": 10, "evaluate_every": 4,
                           "optimizer": {"name": "sgd", "learning_rate": 0.5}}}


def _read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_history_csv_header_and_rows(tmp_path):
    run = build(Experiment.from_dict(EXPERIMENT))
    run.trainer.run(steps=10)
    h = run.trainer.history
    save_history(tmp_path / "h.csv", h)
    rows = _read(tmp_path / "h.csv")
    assert rows[0] == ["step", "epoch", "loss", "learning_rate", "grad_norm_W1", "grad_norm_W2", "train_loss",
                       "train_accuracy", "test_loss", "test_accuracy", "weight_norm_W1", "weight_norm_W2"]
    assert rows[0] == history_columns(2)
    body = rows[1:]
    assert len(body) == 10 == len(h)
    assert [int(r[0]) for r in body] == list(range(1, 11))
    np.testing.assert_array_equal([float(r[2]) for r in body], h.loss)  # repr: exact round trip
    np.testing.assert_array_equal([[float(r[4]), float(r[5])] for r in body], h.gradient_norms)
    evaluated = [int(r[0]) for r in body if r[6]]
    assert evaluated == [4, 8]
    row8 = body[7]
    assert float(row8[6]) == h.evaluation("train_loss")[-1] and float(row8[9]) == h.evaluation("test_accuracy")[-1]
    assert all(cell == "" for cell in body[0][6:])


def test_history_keeps_an_evaluation_before_training(tmp_path):
    reg = dict(EXPERIMENT, dataset={"builtin": "sine", "samples": 20},
               network={"sizes": [1, 4, 1], "activations": ["tanh", "identity"]}, training={"divergence": "l2"})
    run = build(Experiment.from_dict(reg))
    run.trainer.evaluate()
    run.trainer.run(steps=3)
    save_history(tmp_path / "h.csv", run.trainer.history)
    body = _read(tmp_path / "h.csv")[1:]
    assert [r[0] for r in body] == ["0", "1", "2", "3"]
    assert body[0][2] == "" and body[0][6] != ""
    assert body[0][7] == "" and body[0][8] == ""  # regression: no accuracy; no test split: no test loss
