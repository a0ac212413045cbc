"""The command line, run as a user runs it: subprocesses of `python -m engine.cli` / `-m workbench`."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine import spawn_seeds
from engine.io.experiment import EXAMPLES_DIR, Experiment, examples
from engine.io.weights import load_weights
from engine.run import build

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = EXAMPLES_DIR / "default.json"


def cli(*args, cwd, module="engine.cli"):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_train_writes_weights_history_and_experiment(tmp_path):
    r = cli("train", DEFAULT, "--steps", 50, "--learning-rate", 0.2, "--batch-size", 20, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "runs" / "default"
    assert sorted(p.name for p in out.iterdir()) == ["experiment.json", "history.csv", "state.npz", "weights.npz"]
    assert "train loss" in r.stdout and "test  loss" in r.stdout
    run = build(Experiment.load(out / "experiment.json"))
    assert run.experiment.training.optimizer.learning_rate == 0.2 and run.experiment.training.batch_size == 20
    load_weights(out / "weights.npz", run.network)
    lines = (out / "history.csv").read_text().splitlines()
    assert lines[0].startswith("step,epoch,loss,learning_rate,grad_norm_W1")
    assert len(lines) == 1 + 50


def test_one_step_is_exactly_one_sgd_update(tmp_path):
    assert cli("train", DEFAULT, "--steps", 0, "--out", "zero", cwd=tmp_path).returncode == 0
    assert cli("train", DEFAULT, "--steps", 1, "--out", "one", cwd=tmp_path).returncode == 0
    w0, w1 = load_weights(tmp_path / "zero" / "weights.npz"), load_weights(tmp_path / "one" / "weights.npz")
    run = build(Experiment.load(DEFAULT))
    np.testing.assert_array_equal(w0.parameters, run.network.parameters)  # --steps 0: the initial weights
    t = run.trainer
    assert t.optimizer.name == "sgd" and t.optimizer.momentum == 0 and t.batch_size < len(t.x) and t.shuffle
    batch = spawn_seeds(run.experiment.seed)[1].permutation(len(t.x))[: t.batch_size]  # the first mini-batch
    grads = w0.backward(w0.forward(t.x[batch]), t.d[batch], t.divergence)
    # the L2 penalty's gradient λ₂·w on the weights (not the biases) joins ∂Div/∂w before the update
    g = grads.vector + t.l2 * w0.parameters * w0.layout.weight_mask()
    expected = w0.parameters - t.optimizer.learning_rate * g
    assert not np.allclose(w1.parameters, w0.parameters)
    np.testing.assert_allclose(w1.parameters, expected, rtol=0, atol=1e-12)


def test_epochs_option(tmp_path):
    r = cli("train", EXAMPLES_DIR / "xor_tanh.json", "--epochs", 3, "--out", "x", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "trained 3 steps (3 epochs)" in r.stdout  # 4 points, batch 4: one step per epoch


def _one_error_line(r):
    assert r.returncode != 0
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("backprop-workbench: error: ")
    assert "Traceback" not in r.stderr
    return lines[0]


@pytest.mark.parametrize("content, args, fragment", [
    ("{not json", (), "not valid JSON"),
    (None, (), "No such file"),
    ("GOOD", ("--batch-size", "-3"), "training.batch_size: must be a whole number between 1 and 1_000_000, got -3"),
    ("GOOD", ("--learning-rate", "0"), "training.optimizer.learning_rate"),
    ("GOOD", ("--steps", "-1"), "--steps"),
    ("GOOD", ("--steps", "1", "--epochs", "1"), "not allowed with"),
    ("GOOD", ("--optimizer", "adamw"), "--optimizer"),
    ("NEWER", (), "version"),
    ("SIZES", (), "network.sizes"),
])
def test_bad_input_is_one_line_on_stderr(tmp_path, content, args, fragment):
    path = tmp_path / "e.json"
    if content is not None:
        text = DEFAULT.read_text()
        document = json.loads(text)
        if content == "NEWER":
            document["version"] = 2
        elif content == "SIZES":
            document["network"]["sizes"] = [3, 8, 8, 1]
        path.write_text(json.dumps(document) if content in ("NEWER", "SIZES", "GOOD") else content)
    line = _one_error_line(cli("train", path, *args, cwd=tmp_path))
    assert fragment in line


def test_unknown_command_and_missing_argument(tmp_path):
    assert "invalid choice" in _one_error_line(cli("fly", cwd=tmp_path))
    assert "EXPERIMENT.json" in _one_error_line(cli("gradcheck", cwd=tmp_path))
    assert "no sub-command" in _one_error_line(cli(cwd=tmp_path))


@pytest.mark.parametrize("name", sorted(examples()))
def test_every_shipped_experiment_trains(tmp_path, name):
    r = cli("train", EXAMPLES_DIR / f"{name}.json", "--steps", 30, "--out", "o", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("\n") <= 11  # progress lines only, no warnings
    assert (tmp_path / "o" / "weights.npz").exists()


def test_diverging_run_reports_it(tmp_path):
    r = cli("train", EXAMPLES_DIR / "diverging_learning_rate.json", "--steps", 500, "--out", "d", cwd=tmp_path)
    assert r.returncode == 0 and "training diverged at iteration" in r.stdout
    assert "RuntimeWarning" not in r.stderr
    assert np.isfinite(load_weights(tmp_path / "d" / "weights.npz").parameters).all()


def test_gradcheck_default_is_below_1e6_per_layer(tmp_path):
    r = cli("gradcheck", DEFAULT, "--samples", 4, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.splitlines() if line.split() and line.split()[0].isdigit()]
    assert [int(row[0]) for row in rows] == [1, 2, 3]
    errors = np.array([[float(row[1]), float(row[2])] for row in rows])
    assert (errors < 1e-6).all() and (errors >= 0).all()


def test_gradcheck_at_trained_weights_and_a_broken_weights_file(tmp_path):
    assert cli("train", DEFAULT, "--steps", 200, "--out", "w", cwd=tmp_path).returncode == 0
    r = cli("gradcheck", DEFAULT, "--weights", tmp_path / "w" / "weights.npz", cwd=tmp_path)
    assert r.returncode == 0 and "OK" in r.stdout
    (tmp_path / "bad.npz").write_bytes(b"nonsense")
    assert "bad.npz" in _one_error_line(cli("gradcheck", DEFAULT, "--weights", tmp_path / "bad.npz", cwd=tmp_path))


def test_datasets_lists_builtin_and_bundled(tmp_path):
    r = cli("datasets", cwd=tmp_path)
    assert r.returncode == 0
    for word in ("spirals", "spirals_k", "sine", "iris", "digits", "samples=", "classes="):
        assert word in r.stdout


@pytest.mark.parametrize("args", [("--help",), ("train", "--help"), ("gradcheck", "--help"), ("datasets", "--help")])
def test_help(tmp_path, args):
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: backprop-workbench")


def test_data_file_relative_to_the_experiment(tmp_path):
    (tmp_path / "exp").mkdir()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    rows = "\n".join(f"{a},{b},{int(a > b)}" for a, b in X)
    (tmp_path / "exp" / "points.csv").write_text("u,v,label\n" + rows + "\n")
    document = json.loads(DEFAULT.read_text())
    document["dataset"] = {"file": "points.csv", "features": ["u", "v"], "target": "label", "test_fraction": 0.0}
    (tmp_path / "exp" / "mine.json").write_text(json.dumps(document))
    (tmp_path / "elsewhere").mkdir()
    r = cli("train", tmp_path / "exp" / "mine.json", "--steps", 5, cwd=tmp_path / "elsewhere")
    assert r.returncode == 0, r.stderr
    saved = tmp_path / "elsewhere" / "runs" / "mine" / "experiment.json"
    assert json.loads(saved.read_text())["dataset"]["file"] == "../../../exp/points.csv"
    assert build(Experiment.load(saved)).data.n_train == 20


def test_workbench_dispatcher(tmp_path):
    r = cli("datasets", cwd=tmp_path, module="workbench")
    assert r.returncode == 0 and "spirals" in r.stdout
    assert "no sub-command" not in cli("--help", cwd=tmp_path, module="workbench").stderr
    assert "at most one" in _one_error_line(cli("a.json", "b.json", cwd=tmp_path, module="workbench"))
    if importlib.util.find_spec("workbench.app") is None:
        assert "the GUI is not available yet" in _one_error_line(cli(cwd=tmp_path, module="workbench"))


def test_engine_cli_does_not_import_qt(tmp_path):
    code = ("import sys; [sys.modules.__setitem__(m, None) for m in ('PySide6', 'pyqtgraph', 'workbench')]; "
            "import engine.cli, engine.run, engine.io.weights, engine.io.experiment; "
            "sys.exit(engine.cli.main(['datasets']))")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
