"""Issue 18: nothing hangs, aborts, blows up memory or silently does something else.

Each test names the item of the issue it guards. Limits are exercised with small monkeypatched
values (the check must run before memory is spent), hangs with FIFOs in subprocesses with a timeout.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import engine.data.reading as reading
import engine.io.experiment as experiment_module
from engine.analysis.gradient_check import gradient_check
from engine.cli import main
from engine.core import divergences, optimizers
from engine.core.errors import ConfigurationError, DataError, ExperimentError
from engine.core.network import MAX_LAYERS, Network
from engine.data.array_formats import MAX_LISTED_ARRAYS, array_names, load_npy, load_npz, member_count
from engine.data.csv_format import load_csv
from engine.data.dataset import Dataset
from engine.data.idx_format import load_idx
from engine.data.preparation import prepare
from engine.io import atomic
from engine.io.experiment import EXAMPLES_DIR, Experiment
from engine.io.weights import load_weights, save_weights
from engine.run import build
from engine.training.trainer import MAX_BATCH_SIZE, Trainer

ROOT = Path(__file__).resolve().parents[2]


def document(**changes) -> dict:
    """A small valid experiment (xor, 40 samples) with `section__key=value` changes."""
    doc = {"format": "backprop-workbench-experiment", "version": 1, "seed": 0,
           "dataset": {"builtin": "xor", "samples": 40},
           "network": {"sizes": [2, 4, 1], "activations": ["tanh", "sigmoid"]},
           "training": {"divergence": "bce", "optimizer": {"name": "sgd", "learning_rate": 0.1}}}
    for key, value in changes.items():
        *parents, last = key.split("__")
        node = doc
        for p in parents:
            node = node[p]
        node[last] = value
    return doc


def write_experiment(path: Path, **changes) -> Path:
    path.write_text(json.dumps(document(**changes)))
    return path


def run_cli(*args, capsys) -> tuple[int, str, str]:
    status = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backprop-workbench: error: ") and "Traceback" not in err, err
    return lines[0]


# -- 1: a network with no hidden layer (N = 1) ---------------------------------------------------
def test_item1_logistic_regression_trains_and_records_history():
    data = prepare(Dataset(np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]), labels=np.array([0, 1, 1, 0])))
    net = Network.create([2, 1], ["sigmoid"], seed=0)
    trainer = Trainer(net, data.X_train, data.labels_train, divergence="bce", batch_size=2)
    trainer.run(steps=5)
    trainer.evaluate()
    assert len(trainer.history) == 5 and trainer.history.gradient_norms.shape == (5, 1)
    assert np.isfinite(trainer.history.gradient_norms).all()
    assert trainer.history.evaluation("weight_norms").shape[1] == 1


@pytest.mark.parametrize("steps", ["0", "5"])
def test_item1_cli_trains_a_one_layer_network(tmp_path, capsys, steps):
    path = write_experiment(tmp_path / "e.json", network={"sizes": [2, 1], "activations": ["sigmoid"]})
    status, out, err = run_cli("train", path, "--steps", steps, "--out", tmp_path / "run", "--quiet", capsys=capsys)
    assert status == 0, err
    assert f"trained {steps} steps" in out
    assert load_weights(tmp_path / "run" / "weights.npz").sizes == (2, 1)


# -- 3: limits checked before memory is spent ---------------------------------------------------
def test_item3_experiment_file_size_is_capped_before_reading(tmp_path, monkeypatch):
    path = write_experiment(tmp_path / "e.json")
    monkeypatch.setattr(experiment_module, "MAX_EXPERIMENT_BYTES", 100)
    with pytest.raises(ExperimentError, match="MB limit") as info:
        Experiment.load(path)
    assert str(path) in str(info.value)


def test_item3_layer_count_is_capped():
    sizes = [2] + [1] * (MAX_LAYERS + 1)
    with pytest.raises(ExperimentError, match="layers is more than") as info:
        Experiment.from_dict(document(network={"sizes": sizes, "activations": ["tanh"] * (len(sizes) - 1)}))
    assert info.value.key == "network.sizes"
    with pytest.raises(ConfigurationError, match="layers is more than"):
        Network(sizes, ["tanh"] * (len(sizes) - 1))


def test_item3_csv_is_refused_by_its_parse_estimate(tmp_path, monkeypatch):
    path = tmp_path / "many.csv"
    path.write_text("a,b,y\n" + "1,2,0\n3,4,1\n" * 500)
    assert load_csv(path).n_samples == 1000
    monkeypatch.setattr(reading, "PARSE_MEMORY_BUDGET", 50_000)
    with pytest.raises(DataError, match=r"would take about .* MB to parse") as info:
        load_csv(path)
    assert "1_002 rows" in str(info.value)  # newlines + 1: an estimate, from counts alone


def test_item3_csv_line_length_is_capped(tmp_path, monkeypatch):
    path = tmp_path / "wide.csv"
    path.write_text("1,0\n" + ",".join(["1"] * 300) + "\n")
    monkeypatch.setattr(reading, "MAX_LINE_BYTES", 100)
    with pytest.raises(DataError, match="MAX_LINE_BYTES") as info:
        load_csv(path)
    assert info.value.row == 2


def _zip_bomb(path: Path, extra: dict[str, bytes], arrays: dict[str, np.ndarray]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.save(buffer, array)
            archive.writestr(f"{name}.npy", buffer.getvalue())
        for name, payload in extra.items():
            archive.writestr(name, payload)


def test_item3_weights_members_are_read_by_name_with_their_size_checked(tmp_path):
    net = Network.create([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    save_weights(tmp_path / "good.npz", net)
    with np.load(tmp_path / "good.npz") as npz:
        arrays = {name: npz[name] for name in npz.files}
    bomb = tmp_path / "bomb.npz"
    _zip_bomb(bomb, {"junk.npy": b"\0" * (64 * 2**20)}, arrays)  # 64 MB of zeros, ~64 kB packed
    assert bomb.stat().st_size < 2**20
    loaded = load_weights(bomb)  # the extra member is never decompressed
    np.testing.assert_array_equal(loaded.parameters, net.parameters)
    arrays["W1"] = np.zeros((2000, 2000))  # a member far larger than n_0 × n_1 floats
    _zip_bomb(tmp_path / "big.npz", {}, arrays)
    with pytest.raises(DataError, match="unpacks to .* more than"):
        load_weights(tmp_path / "big.npz")


def test_item3_npz_dataset_reads_only_its_two_arrays(tmp_path):
    path = tmp_path / "d.npz"
    _zip_bomb(path, {"junk.npy": b"\0" * (300 * 2**20)}, {"X": np.zeros((4, 2)), "y": np.array([0, 1, 0, 1])})
    assert load_npz(path).n_samples == 4  # 300 MB in another member: over the limit, but never read


# -- 4: non-regular files ------------------------------------------------------------------------
FIFO_READERS = """
import os, sys
from engine.core.errors import WorkbenchError
from engine.data.array_formats import MAX_LISTED_ARRAYS, array_names, load_npy, load_npz, member_count
from engine.data.csv_format import load_csv
from engine.data.idx_format import load_idx
from engine.data.reading import read_bytes
from engine.io.experiment import Experiment
from engine.io.weights import load_weights
fifo = sys.argv[1]
for read in (load_csv, load_npy, load_npz, load_weights, Experiment.load, lambda p: load_idx(p, p), read_bytes):
    try:
        read(fifo)
    except WorkbenchError as exc:
        assert "FIFO" in str(exc), exc
    else:
        raise AssertionError(read)
for read in (load_csv, Experiment.load):
    try:
        read("/dev/zero")
    except WorkbenchError as exc:
        assert "device" in str(exc), exc
print("refused")
"""


def test_item4_fifo_and_devices_are_refused_by_every_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", FIFO_READERS, str(fifo)], env=env, capture_output=True, text=True,
                       timeout=30)  # a reader that opened the FIFO would wait forever: the timeout fails the test
    assert r.returncode == 0 and r.stdout.strip() == "refused", r.stderr


@pytest.mark.parametrize("args", [("train", "{fifo}"), ("gradcheck", "{fifo}"),
                                  ("gradcheck", "{experiment}", "--weights", "{fifo}"),
                                  ("train", "{data_fifo_experiment}", "--steps", "1")])
def test_item4_cli_on_a_fifo_answers_at_once(tmp_path, args):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    experiment = write_experiment(tmp_path / "e.json")
    data_fifo = write_experiment(tmp_path / "d.json", dataset={"file": "pipe.csv"})
    names = {"fifo": fifo, "experiment": experiment, "data_fifo_experiment": data_fifo}
    argv = [a.format(**names) for a in args] + ["--out" if args[0] == "train" else "--samples",
                                                 str(tmp_path / "run") if args[0] == "train" else "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "engine.cli", *argv], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "FIFO" in one_line_error(r.stderr)


# -- 5: one-line errors instead of tracebacks -----------------------------------------------------
@pytest.mark.parametrize("changes, key, fragment", [
    ({"training__optimizer": {"name": "adagrad", "learning_rate": 0.1, "lr_decay": -1}},
     "training.optimizer.lr_decay", "≥ 0"),
    ({"training__optimizer": {"name": "adam", "learning_rate": 0.1, "eps": -1e-8}}, "training.optimizer.eps", "≥ 0"),
    ({"network__init": "uniform", "network__init_scale": 1e308}, "network.init_scale", "1e+06"),
])
def test_item5_and_10_bad_hyperparameters_are_refused_with_the_key(changes, key, fragment):
    with pytest.raises(ExperimentError) as info:
        Experiment.from_dict(document(**changes))
    assert info.value.key == key and fragment in str(info.value)


def test_item5_engine_refuses_what_overflowed_before():
    with pytest.raises(ConfigurationError, match="lr_decay"):
        optimizers.create("adagrad", lr_decay=-1.0)
    with pytest.raises(ConfigurationError, match="scale"):
        Network.create([2, 1], ["sigmoid"], init="uniform", scale=1e308)


def test_item5_idx_with_too_many_dimensions(tmp_path):
    path = tmp_path / "images.idx"
    path.write_bytes(bytes([0, 0, 0x08, 70]) + b"\0\0\0\1" * 70 + b"\0")
    with pytest.raises(DataError, match="70 dimensions"):
        load_idx(path, path)


@pytest.mark.parametrize("payload, fragment", [
    (b"\x93NUMPY\x01\x00\x10\x00{'descr': '<f8'   \n", "malformed .npy header"),
    (b"\x93NUMPY\x01\x00\x46\x00{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 2), }        \n",
     "header promising"),
    (b"hello, not numpy at all", "is not a .npy array"),
])
def test_item5_and_12_npy_headers_give_a_clear_message(tmp_path, payload, fragment):
    path = tmp_path / "bad.npy"
    path.write_bytes(payload)
    with pytest.raises(DataError, match=fragment) as info:
        load_npy(path)
    assert "pickle" not in str(info.value) and str(path) in str(info.value)


def test_item5_weights_given_a_plain_npy(tmp_path, capsys):
    np.save(tmp_path / "w.npy", np.zeros(3))
    experiment = write_experiment(tmp_path / "e.json")
    status, _, err = run_cli("gradcheck", experiment, "--weights", tmp_path / "w.npy", capsys=capsys)
    assert status == 1 and "not a readable weights file" in one_line_error(err)


# -- 8: very large finite values --------------------------------------------------------------
def test_item8_huge_values_are_standardised_not_zeroed():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)) * [1e300, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = prepare(Dataset(X, labels=np.arange(50) % 2))
    assert np.isfinite(data.X_train).all()
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0)
    np.testing.assert_allclose(data.transform(X), data.X_train[np.argsort(data.train_indices)], rtol=1e-12)


def test_item8_standardisation_is_unchanged_for_ordinary_values():
    X = np.random.default_rng(1).normal(size=(30, 3)) * [1, 1e-4, 1e4] + [0, 5, -3]
    data = prepare(Dataset(X, labels=np.arange(30) % 2))
    X_train = X[data.train_indices]
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    assert (data.mean == mean).all() and (data.std == std).all()  # bit for bit
    assert (data.X_train == (X_train - mean) / std).all()


# -- 9: train --out ---------------------------------------------------------------------------
def test_item9_out_refuses_the_folder_of_the_input(tmp_path, capsys):
    experiment = write_experiment(tmp_path / "experiment.json")
    before = experiment.read_text()
    status, _, err = run_cli("train", experiment, "--out", tmp_path, "--steps", "1", capsys=capsys)
    assert status == 1 and "holding the input experiment" in one_line_error(err)
    assert experiment.read_text() == before


def test_item9_outputs_are_written_as_a_set(tmp_path, capsys, monkeypatch):
    experiment = write_experiment(tmp_path / "e.json")
    out = tmp_path / "run"
    assert run_cli("train", experiment, "--out", out, "--steps", "2", "--quiet", capsys=capsys)[0] == 0
    before = {name: (out / name).read_bytes() for name in ("weights.npz", "history.csv", "experiment.json")}

    real_open = atomic.atomic_open

    def broken(path, mode="w"):  # fails after history and weights were written
        if Path(path).name == "state.npz":
            raise OSError(28, "No space left on device")
        return real_open(path, mode)

    monkeypatch.setattr(atomic, "atomic_open", broken)
    status, _, err = run_cli("train", experiment, "--out", out, "--steps", "7", "--quiet", capsys=capsys)
    assert status == 1 and "No space left" in one_line_error(err)
    assert {name: (out / name).read_bytes() for name in before} == before  # the previous run, intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.json", "run"]  # no temporary left


def test_item9_out_refuses_a_folder_with_other_files(tmp_path, capsys):
    experiment = write_experiment(tmp_path / "e.json")
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("mine")
    status, _, err = run_cli("train", experiment, "--out", tmp_path / "run", "--steps", "1", capsys=capsys)
    assert status == 1 and "notes.txt" in one_line_error(err)
    assert (tmp_path / "run" / "notes.txt").read_text() == "mine"


# -- 10: settings accepted are applied, or refused --------------------------------------------
@pytest.mark.parametrize("name", ["l2", "kl", "cross_entropy", "bce"])
def test_item10_label_smoothing_applies_to_every_divergence(name):
    div = divergences.get(name, label_smoothing=0.1)
    n_outputs = 1 if name == "bce" else 3
    d = div.targets(np.array([0, 1]), n_outputs)
    if n_outputs == 1:
        np.testing.assert_allclose(d[:, 0], [0.1, 0.9])  # two classes: ε and 1 − ε
    else:
        np.testing.assert_allclose(d[0], [0.8, 0.1, 0.1])  # 1 − (K−1)ε and ε
    with pytest.raises(ConfigurationError, match="regression"):
        div.targets(np.zeros((2, n_outputs)), n_outputs)


def test_item10_label_smoothing_changes_kl_training(tmp_path):
    doc = document(dataset={"builtin": "blobs", "samples": 30},
                   network={"sizes": [2, 3], "activations": ["softmax"]}, training__divergence="kl")
    plain = build(Experiment.from_dict(doc))
    doc["training"]["label_smoothing"] = 0.1
    smoothed = build(Experiment.from_dict(doc))
    assert smoothed.trainer.d.max() == pytest.approx(0.8) and plain.trainer.d.max() == 1.0
    with pytest.raises(ConfigurationError, match="1/K"):
        divergences.get("l2", label_smoothing=0.4).targets(np.array([0, 1]), 4)


def test_item10_label_smoothing_on_regression_is_refused():
    doc = document(dataset={"builtin": "sine"}, network={"sizes": [1, 4, 1], "activations": ["tanh", "identity"]},
                   training__divergence="l2", training__label_smoothing=0.1)
    with pytest.raises(ExperimentError, match="regression") as info:
        Experiment.from_dict(doc)
    assert info.value.key == "training.label_smoothing"


def test_item10_softmax_on_one_output_is_refused():
    with pytest.raises(ExperimentError, match="always 1") as info:
        Experiment.from_dict(document(network={"sizes": [2, 4, 1], "activations": ["tanh", "softmax"]}))
    assert info.value.key == "network.activations[1]"
    data = prepare(Dataset(np.array([[0.0, 1.0], [1.0, 0.0]]), labels=np.array([0, 1])))
    with pytest.raises(ConfigurationError, match="always 1"):
        Trainer(Network([2, 1], ["softmax"]), data.X_train, data.labels_train)


@pytest.mark.parametrize("name", ["cross_entropy", "kl"])
def test_item10_cross_entropy_and_kl_on_one_output_are_refused(name):
    with pytest.raises(ExperimentError, match="single output") as info:
        Experiment.from_dict(document(training__divergence=name))
    assert info.value.key == "training.divergence"


def test_item10_one_class_idx_labels_are_refused(tmp_path):
    images, labels = tmp_path / "images.idx3", tmp_path / "labels.idx1"
    images.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 5, 7]))
    labels.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 2, 3, 3]))
    with pytest.raises(DataError, match="only one class"):
        load_idx(images, labels)


def test_item10_duplicate_keys_are_refused(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(document()).replace('"seed": 0', '"seed": 0, "seed": 1'))
    with pytest.raises(ExperimentError, match="'seed' appears twice") as info:
        Experiment.load(path)
    assert str(path) in str(info.value)


# -- 12: warnings and messages ---------------------------------------------------------------
def test_item12_bom_is_accepted_in_experiments(tmp_path):
    path = tmp_path / "e.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(document()).encode())
    assert Experiment.load(path).seed == 0


def test_item12_cli_error_names_path_and_key_once(tmp_path, capsys):
    path = write_experiment(tmp_path / "e.json", training__batch_size=-3)
    status, _, err = run_cli("train", path, capsys=capsys)
    line = one_line_error(err)
    assert status == 1 and line.count("training.batch_size") == 1 and line.count(str(path)) == 1


def test_item12_gradcheck_on_overflow_says_so_without_warnings(tmp_path, capsys):
    net = Network.create([2, 3, 1], ["tanh", "identity"], seed=0)
    net.W[2][...] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check = gradient_check(net, np.ones((2, 2)), np.ones((2, 1)), divergences.get("l2"))
    assert not check.finite
    save_weights(tmp_path / "w.npz", net)
    experiment = write_experiment(tmp_path / "e.json", training__divergence="l2",
                                  network={"sizes": [2, 3, 1], "activations": ["tanh", "identity"]})
    status, out, err = run_cli("gradcheck", experiment, "--weights", tmp_path / "w.npz", capsys=capsys)
    assert status == 1 and "not finite" in out and "ReLU" not in out and err == ""


def test_item12_huge_class_values_are_named_as_numbers(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("x,y\n1,1e20\n2,0\n3,1e20\n")
    assert load_csv(path, problem="binary").class_names == ("0", "1e+20")


def test_item12_stale_temporaries_of_a_killed_save_are_removed(tmp_path):
    target = tmp_path / "e.json"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".e.json.{dead.pid}.abc123.tmp"
    stale.write_text("half")
    alive = tmp_path / f".e.json.{os.getpid() + 0}.zzz.tmp"  # our own: a save in progress, kept
    alive.write_text("mine")
    atomic.write_text(target, "new")
    assert target.read_text() == "new" and not stale.exists() and alive.exists()


# -- 6 and 11: limits the GUI meets before it builds anything -----------------------------------
def test_item6_batch_size_beyond_any_dataset_is_refused():
    with pytest.raises(ExperimentError) as info:
        Experiment.from_dict(document(training__batch_size=10**30))
    assert info.value.key == "training.batch_size" and "1_000_000" in str(info.value)
    with pytest.raises(ConfigurationError, match="batch_size"):
        Trainer(build(Experiment.from_dict(document())).network, np.zeros((4, 2)), np.zeros((4, 1)),
                batch_size=MAX_BATCH_SIZE + 1)


def test_item11_a_table_wider_than_the_limit_is_refused_on_its_first_row(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["1"] * (reading.MAX_COLUMNS + 1)) + "\n")
    with pytest.raises(DataError, match=f"{reading.MAX_COLUMNS:_} columns"):
        load_csv(path)
    ok = tmp_path / "ok.csv"
    ok.write_text(",".join(["1"] * 5) + "\n" + ",".join(["2"] * 5) + "\n")
    assert load_csv(ok, problem="regression").X.shape == (2, 4)


def test_item11_archive_members_are_counted_from_the_end_record(tmp_path):
    path = tmp_path / "many.npz"
    with zipfile.ZipFile(path, "w") as archive:
        for m in range(MAX_LISTED_ARRAYS + 1):
            archive.writestr(f"a{m}.npy", b"")
    with open(path, "rb") as handle:
        assert member_count(handle) == MAX_LISTED_ARRAYS + 1
    with pytest.raises(DataError, match="too many to list"):
        array_names(path)
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="FIFO"):
        array_names(fifo)
    np.savez(tmp_path / "two.npz", X=np.zeros(2), y=np.zeros(2))
    assert array_names(tmp_path / "two.npz") == ["X", "y"]


def test_shipped_examples_still_load():
    for path in EXAMPLES_DIR.glob("*.json"):
        Experiment.load(path)
