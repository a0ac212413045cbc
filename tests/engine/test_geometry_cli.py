"""The hessian and landscape sub-commands as a user runs them (subprocesses), their files and their refusals."""

from __future__ import annotations

import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from engine.analysis.hessian import dense_hessian
from engine.analysis.training_loss import TrainingLoss
from engine.cli import main
from engine.io.experiment import EXAMPLES_DIR, Experiment
from engine.run import build

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = EXAMPLES_DIR / "default.json"


def cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_hessian_cli_writes_H_eigenvalues_gradient_and_prints_the_verdict(tmp_path):
    r = cli("hessian", DEFAULT, "--out", "h", "--top", 3, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "h" / "hessian.npz", allow_pickle=False) as f:
        H, lam, g = f["H"], f["eigenvalues"], f["gradient"]
        names = list(f["names"])
    run = build(Experiment.load(DEFAULT))
    loss = TrainingLoss.of_trainer(run.trainer)
    assert H.shape == (105, 105) and np.allclose(H, dense_hessian(loss, run.network.parameters), atol=1e-12)
    assert np.all(np.diff(lam) >= 0) and np.allclose(lam, np.linalg.eigvalsh(H))
    assert np.allclose(g, loss.gradient(run.network.parameters)[1])
    assert names[:2] == ["W1[0,0]", "W1[0,1]"] and names[-1] == "b3[0]"
    out = r.stdout
    for text in ("P = 105", "λ_min", "λ_max", "negative", "zero", "positive", "classification: ", "2/λ_max", "smallest:"):
        assert text in out
    assert r.stderr.strip().splitlines()[-1] == "100 %  105 Hessian-vector products"  # progress on stderr


def test_hessian_cli_above_the_dense_limit_reports_extremes_only(tmp_path):
    import json

    doc = json.loads(DEFAULT.read_text())
    doc["network"]["sizes"] = [2, 60, 60, 1]
    doc["network"]["activations"] = ["tanh", "tanh", "sigmoid"]
    (tmp_path / "big.json").write_text(json.dumps(doc))
    r = cli("hessian", "big.json", "--out", "h", "--top", 2, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "above 3,000 parameters: only the 2 smallest and largest eigenvalues, by Lanczos" in r.stdout
    with np.load(tmp_path / "h" / "hessian.npz", allow_pickle=False) as f:
        assert "H" not in f.files and f["eigenvalues"].shape == (4,) and f["gradient"].shape == (3901,)


def test_landscape_cli_writes_the_grid_directions_and_a_png(tmp_path):
    r = cli("landscape", DEFAULT, "--param", "W2[0,1]", "--param", "b1[3]", "--span", 2, "--resolution", 9,
            "--out", "l", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "l" / "landscape.npz", allow_pickle=False) as f:
        a, b, L, e1, e2 = f["a"], f["b"], f["loss"], f["e1"], f["e2"]
    run = build(Experiment.load(DEFAULT))
    loss, theta = TrainingLoss.of_trainer(run.trainer), run.network.parameters
    assert np.allclose(a, np.linspace(-2, 2, 9)) and L.shape == (9, 9)
    assert e1[run.network.layout.weight_index(2, 0, 1)] == 1.0 and e1.sum() == 1.0
    assert e2[run.network.layout.bias_index(1, 3)] == 1.0
    assert L[4, 4] == pytest.approx(loss.value(theta))
    assert L[1, 7] == pytest.approx(loss.value(theta + a[1] * e1 + b[7] * e2))
    png = (tmp_path / "l" / "landscape.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    idat = png.index(b"IDAT")
    size = int.from_bytes(png[idat - 4 : idat], "big")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 480 and height > 480  # the 480 × 480 plot with axes and a colour bar
    assert len(zlib.decompress(png[idat + 4 : idat + 4 + size])) == height * (1 + 3 * width)


@pytest.mark.parametrize("mode", ["random", "pca", "hessian"])
def test_landscape_cli_directions(tmp_path, mode):
    r = cli("landscape", DEFAULT, "--directions", mode, "--resolution", 5, "--steps", 20, "--out", "l", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "l" / "landscape.npz", allow_pickle=False) as f:
        assert f["loss"].shape == (5, 5) and f["e1"].shape == (105,)
        if mode == "pca":
            assert f["path_loss"].shape == (21,) and 0 < f["explained_variance"].sum() <= 1 + 1e-12
            assert "explained variance" in r.stdout
        if mode == "hessian":
            assert abs(f["e1"] @ f["e2"]) < 1e-10


@pytest.mark.parametrize("args,message", [
    (("--param", "W9[0,0]", "--param", "b1[0]"), "unknown parameter 'W9[0,0]'; valid names: W1[0..1,0..7], b1[0..7]"),
    (("--param", "W1[0,0]"), "--param needs exactly two parameter names"),
    (("--directions", "random", "--resolution", 5000), "resolution must be a whole number from 2 to 1001, got 5000 "
                                                       "(5000² = 25,000,000 points)"),
    (("--directions", "random", "--span", -1), "--span: must be a number > 0"),
    ((), "one of the arguments --param --directions is required"),
])
def test_landscape_cli_refuses_bad_input_in_one_line(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    status = main(["landscape", str(DEFAULT), *map(str, args)])  # in-process: the same main() the subprocess runs
    out, err = capsys.readouterr()
    assert status != 0 and out == "" and not list(tmp_path.iterdir())
    assert len(err.strip().splitlines()) == 1 and message in err, err


def test_hessian_cli_refuses_a_hessian_too_large_for_memory(tmp_path, capsys, monkeypatch):
    import json

    doc = json.loads(DEFAULT.read_text())
    doc["network"]["sizes"] = [2, 2000, 2000, 1]
    doc["network"]["activations"] = ["tanh", "tanh", "sigmoid"]
    (tmp_path / "huge.json").write_text(json.dumps(doc))
    monkeypatch.chdir(tmp_path)
    assert main(["hessian", "huge.json", "--dense"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "the dense Hessian of 4,010,001 parameters needs about" in err and "GB of memory" in err


def test_landscape_cli_shows_progress_on_stderr_in_a_few_lines(tmp_path):
    r = cli("landscape", DEFAULT, "--directions", "random", "--resolution", 21, "--out", "l", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.strip().splitlines()  # not a terminal: a line per tenth at most
    assert 1 <= len(lines) <= 11 and lines[-1] == "100 %  441 points", r.stderr
    assert "%" not in r.stdout
    quiet = cli("landscape", DEFAULT, "--directions", "random", "--resolution", 21, "--out", "q", "--quiet", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_landscape_cli_ctrl_c_ends_with_one_line_and_status_130(tmp_path):
    import json
    import select
    import signal
    import time

    doc = json.loads(DEFAULT.read_text())
    doc["network"]["sizes"] = [2, 200, 200, 1]  # minutes for 1001 × 1001 points: interrupted long before
    (tmp_path / "slow.json").write_text(json.dumps(doc))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "landscape", "slow.json", "--directions", "random",
                             "--resolution", "1001", "--out", "l"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        ready = []
        while not ready and time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        first = proc.stderr.readline()  # the first progress line: the grid is being computed
        assert first.startswith("0 %"), first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and out == ""
    assert "Traceback" not in err and err.strip().splitlines() == [
        "interrupted: the 1001×1001 landscape was not finished; nothing written"], err
    assert not (tmp_path / "l").exists() or not list((tmp_path / "l").iterdir())
